import Logging
import PlugboardCore
import Tracing

/// Collects what one call's record needs while the call runs, and hands the record over when it ends: to the
/// audit trail, to the observer (metrics), and to the tracer (a child span of the request's for the provider
/// call). Costs nothing when no one watches: then there is none (`start` gives nil). Used by one thread at a
/// time: the request's, then (for a call started without a task) the one its outcome arrives on.
final class CallAudit: @unchecked Sendable {
    static func start(_ observe: (@Sendable (CallRecord) -> Void)?, observer: (any ServerObserver)?, observation: RequestObservation?,
                      logger: Logger?, session: MCPSession, kind: ComponentKind, exposed: String, rateWait: Duration) -> CallAudit? {
        guard observe != nil || observer != nil || observation != nil || logger != nil else { return nil }
        return CallAudit(observe: observe, observer: observer, observation: observation, logger: logger, session: session,
                         kind: kind, exposed: exposed, rateWait: rateWait)
    }

    /// The outcomes that are the provider's fault or the host's, not the client's: worth an operator's look.
    private static let logged: Set<String> = ["timed_out", "unavailable", "internal_error"]

    private let observe: (@Sendable (CallRecord) -> Void)?
    private let observer: (any ServerObserver)?
    let observation: RequestObservation?
    private let logger: Logger?
    private let session: MCPSession
    private let kind: ComponentKind
    private let exposed: String
    private let started = ContinuousClock.now
    private let rateWait: Duration
    private var providerSpan: (any Span)?
    private var running = false
    var provider: ProviderInfo?
    var version: String?
    var component: String?
    /// Until the call says otherwise, it ended in a protocol error (bad params, cancelled before routing…).
    var outcome = "error"
    var detail: String?

    private init(observe: (@Sendable (CallRecord) -> Void)?, observer: (any ServerObserver)?, observation: RequestObservation?,
                 logger: Logger?, session: MCPSession, kind: ComponentKind, exposed: String, rateWait: Duration) {
        self.logger = logger
        self.observe = observe
        self.observer = observer
        self.observation = observation
        self.rateWait = rateWait
        self.session = session
        self.kind = kind
        self.exposed = exposed
    }

    /// The call is routed to `route` and its provider is about to run it. Returns the trace context the provider
    /// gets in `_meta` (the provider call's span), or nil when not tracing.
    func routed(_ route: Route) -> TraceCarrier? {
        provider = route.provider.info
        version = route.invocation.version?.raw
        component = route.exposedKey
        running = true
        observer?.callStarted()
        guard let observation, let tracer = observation.tracer, let parent = observation.spanContext else { return nil }
        observation.target = route.exposedKey
        let span = tracer.startSpan(
            "provider \(route.provider.info.id)", context: parent, ofKind: .internal, at: DefaultTracerClock.now,
            function: #function, file: #fileID, line: #line)
        providerSpan = span
        // The provider still gets the context (with its sampled flag off) when the span records nothing.
        guard span.isRecording else { return TraceCarrier.headers(for: span.context, using: tracer) }
        observation.callAttributes = callAttributes(route)
        span.updateAttributes { attributes in
            attributes["plugboard.provider"] = route.provider.info.id
            attributes["plugboard.provider.version"] = route.provider.info.version
            if let pid = route.provider.processID { attributes["plugboard.worker.pid"] = Int(pid) }
            for (key, value) in observation.callAttributes { attributes[key] = value }
        }
        return TraceCarrier.headers(for: span.context, using: tracer)
    }

    private func log(_ record: CallRecord, to logger: Logger) {
        guard let suppressed = Self.budget.admit() else { return }  // a failing provider under load cannot flood the log
        var metadata: Logger.Metadata = ["outcome": "\(record.outcome)", "surface": "\(record.surface)"]
        if let team = record.team { metadata["team"] = "\(team)" }
        if let version = record.version { metadata["version"] = "\(version)" }
        // The ids of the provider call's span: the log line and the trace find each other.
        if let span = providerSpan, let tracer = observation?.tracer,
           let traceparent = TraceCarrier.headers(for: span.context, using: tracer).traceparent {
            let parts = traceparent.split(separator: "-")
            if parts.count == 4 {
                metadata["trace_id"] = "\(parts[1])"
                metadata["span_id"] = "\(parts[2])"
            }
        }
        let provider = record.provider.map { " (provider \($0.id) \($0.version))" } ?? ""
        let more = suppressed > 0 ? " (\(suppressed) more failed calls were not logged in the last second)" : ""
        logger.warning("\(record.kind) \(record.exposed)\(provider): \(record.detail ?? record.outcome)\(more)", metadata: metadata)
    }

    private static let budget = LogThrottle(lines: 20, per: .seconds(1))

    private func callAttributes(_ route: Route) -> [(String, SpanAttribute)] {
        var attributes: [(String, SpanAttribute)] = []
        switch kind {
        case .tool: attributes.append(("gen_ai.tool.name", .string(route.exposedKey)))
        case .prompt: attributes.append(("gen_ai.prompt.name", .string(route.exposedKey)))
        case .resource, .resourceTemplate: attributes.append(("mcp.resource.uri", .string(exposed)))
        }
        if let version { attributes.append(("plugboard.component.version", .string(version))) }
        return attributes
    }

    func failed(_ error: InvocationError) {
        outcome = error.kind.rawValue
        detail = error.message
    }

    func finish() {
        let principal = session.principal
        var record = CallRecord(
            team: principal?.team, tokenID: principal?.tokenID, tokenHash: principal?.tokenHash, surface: session.surface,
            kind: kind, exposed: exposed, version: version, provider: provider, duration: ContinuousClock.now - started,
            rateWait: rateWait, outcome: outcome, detail: detail)
        record.component = component
        record.identity = principal?.identity
        record.rulesMet = principal?.rulesMet ?? []
        record.rulesUnmet = principal?.rulesUnmet ?? []
        observe?(record)
        observer?.callEnded(record, ran: running)
        if let logger, Self.logged.contains(outcome) { log(record, to: logger) }
        if let providerSpan, !providerSpan.isRecording {
            providerSpan.end()
        } else if let providerSpan {
            providerSpan.attributes["plugboard.outcome"] = outcome
            let isError = outcome != "ok"
            providerSpan.attributes["plugboard.is_error"] = isError
            observation?.callAttributes.append(("plugboard.is_error", .bool(isError)))
            if isError { providerSpan.setStatus(SpanStatus(code: .error, message: detail)) }
            providerSpan.end()
        }
    }
}

