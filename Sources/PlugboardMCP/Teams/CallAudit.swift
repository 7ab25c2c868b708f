import PlugboardCore

/// Collects what one call's audit record needs while the call runs, and hands the record over when it ends.
/// Costs nothing when no one observes calls: then there is none (`start` gives nil). Used by one thread at a
/// time: the request's, then (for a call started without a task) the one its outcome arrives on.
final class CallAudit: @unchecked Sendable {
    static func start(_ observe: (@Sendable (CallRecord) -> Void)?, session: MCPSession, kind: ComponentKind,
                      exposed: String, rateWait: Duration) -> CallAudit? {
        observe.map { CallAudit(observe: $0, session: session, kind: kind, exposed: exposed, rateWait: rateWait) }
    }

    private let observe: (@Sendable (CallRecord) -> Void)?
    private let session: MCPSession
    private let kind: ComponentKind
    private let exposed: String
    private let started = ContinuousClock.now
    private let rateWait: Duration
    var provider: ProviderInfo?
    var version: String?
    /// Until the call says otherwise, it ended in a protocol error (bad params, cancelled before routing…).
    var outcome = "error"
    var detail: String?

    init(observe: (@Sendable (CallRecord) -> Void)?, session: MCPSession, kind: ComponentKind, exposed: String,
         rateWait: Duration) {
        self.observe = observe
        self.rateWait = rateWait
        self.session = session
        self.kind = kind
        self.exposed = exposed
    }

    func failed(_ error: InvocationError) {
        outcome = error.kind.rawValue
        detail = error.message
    }

    func finish() {
        guard let observe else { return }
        let principal = session.principal
        observe(CallRecord(
            team: principal?.team, tokenID: principal?.tokenID, tokenHash: principal?.tokenHash, surface: session.surface,
            kind: kind, exposed: exposed, version: version, provider: provider, duration: ContinuousClock.now - started,
            rateWait: rateWait, outcome: outcome, detail: detail))
    }
}
