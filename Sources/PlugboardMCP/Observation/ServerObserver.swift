import PlugboardCore

/// What the server tells an operator's tooling (metrics) about the requests it answers. Called on the request's
/// own thread or task, once per event: keep it cheap (update counters, hand off anything slower).
public protocol ServerObserver: Sendable {
    /// A request was answered (or cancelled): every method, the calls included.
    func requestEnded(_ request: AnsweredRequest)
    /// A call (tools/call, prompts/get, resources/read) was routed and its provider is about to run it.
    func callStarted()
    /// A call ended, however it ended; `CallRecord.outcome` says how. `ran`: it was routed and `callStarted`
    /// was told (false for a call refused by a quota, outcome `refused:<quota>`, or one that named nothing).
    func callEnded(_ record: CallRecord, ran: Bool)
}

/// One answered request, as metrics count it.
public struct AnsweredRequest: Sendable {
    /// The method as the client sent it (a client can send any string: bound it before using it as a label).
    public var method: String
    public var surface: String
    /// The team of the session's token; nil for the operator's own sessions.
    public var team: String?
    /// `ok`, `error` (a JSON-RPC error answer) or `cancelled` (no answer was sent).
    public var outcome: String
    /// The JSON-RPC error code when the outcome is `error`.
    public var errorCode: Int?
    public var duration: Duration

    public init(method: String, surface: String, team: String?, outcome: String, errorCode: Int?, duration: Duration) {
        self.method = method
        self.surface = surface
        self.team = team
        self.outcome = outcome
        self.errorCode = errorCode
        self.duration = duration
    }
}
