import PlugboardCore
import PlugboardJSON
import Tracing

/// One request on its way through the server, for the observer (metrics) and the tracer: when it began, what it
/// asked, and its span. Exists only while someone watches (`MCPServer.observes`). The span starts lazily, at the
/// request's own start instant, the first time a child span or the end needs it, so a request that is handed from
/// `respondNow` to a task keeps one span. Used by one thread at a time, like `CallAudit`.
final class RequestObservation: @unchecked Sendable {
    let method: String
    private let id: [UInt8]
    private let session: MCPSession
    private let started = ContinuousClock.now
    private let startedWall: DefaultTracerClock.Instant?
    /// The caller's trace context, from `_meta.traceparent` or the HTTP `traceparent` header.
    private var traceparent: String?
    private var tracestate: String?
    private var span: (any Span)?
    private var ended = false
    private let observer: (any ServerObserver)?
    /// The server's tracer; nil when not tracing.
    let tracer: (any Tracer)?
    /// The span attributes a call adds once it is routed (tool name, version chosen, isError…).
    var callAttributes: [(String, SpanAttribute)] = []
    /// What the request acts on (the tool's name…), for the span's name.
    var target: String?

    init(_ message: IncomingMessage, session: MCPSession, observer: (any ServerObserver)?, tracer: (any Tracer)?) {
        self.method = message.method
        self.id = message.id ?? WireMessages.nullID
        self.session = session
        self.observer = observer
        self.tracer = tracer
        if tracer != nil {
            startedWall = DefaultTracerClock.now
            // The transport's header until `_meta` says otherwise (`continueTrace`).
            traceparent = message.transportTraceparent
            tracestate = message.transportTracestate
        } else {
            startedWall = nil
        }
    }

    /// The caller's context from the request's `_meta` (read by the server's first step), which wins
    /// over the transport's header. Called before the span starts.
    func continueTrace(from meta: RequestMeta?) {
        guard startedWall != nil, case let value?? = meta?.string("traceparent") else { return }
        traceparent = value
        tracestate = meta?.string("tracestate") ?? nil
    }

    /// The request's span context, for a child span (the provider call); nil when not tracing.
    var spanContext: InstrumentationContext? {
        requestSpan()?.context
    }

    private func requestSpan() -> (any Span)? {
        if let span { return span }
        guard let startedWall, let tracer else { return nil }
        let parent = TraceCarrier.context(traceparent: traceparent, tracestate: tracestate, using: tracer)
        let made = tracer.startSpan(
            TraceNames.requestSpan(method, target: target), context: parent, ofKind: .server, at: startedWall,
            function: #function, file: #fileID, line: #line)
        span = made
        return made
    }

    /// Ends the request with `reply` (nil: cancelled, nothing sent). Only the first call counts.
    func finish(_ reply: [UInt8]?) {
        guard !ended else { return }
        ended = true
        let (outcome, code) = Self.outcome(of: reply, id: id)
        let principal = session.principal
        observer?.requestEnded(AnsweredRequest(method: method, surface: session.surface, team: principal?.team,
                                               outcome: outcome, errorCode: code, duration: ContinuousClock.now - started))
        // An unsampled span records nothing: its attributes would be built for no one.
        guard let span = requestSpan() else { return }
        guard span.isRecording else { return span.end() }
        if target != nil { span.operationName = TraceNames.requestSpan(method, target: target) }
        span.updateAttributes { attributes in
            attributes["mcp.method.name"] = method
            attributes["plugboard.surface"] = session.surface
            if let team = principal?.team { attributes["plugboard.team"] = team }
            if let version = session.negotiatedVersion { attributes["mcp.protocol.version"] = version }
            attributes["plugboard.outcome"] = outcome
            if let code {
                attributes["error.type"] = String(code)
                attributes["rpc.jsonrpc.error_code"] = code
            }
            for (key, value) in callAttributes { attributes[key] = value }
        }
        if outcome == "error" { span.setStatus(SpanStatus(code: .error)) }
        span.end()
    }

    /// How a reply ended: `ok`, `error` with its code, or `cancelled`.
    static func outcome(of reply: [UInt8]?, id: [UInt8]) -> (String, Int?) {
        guard let reply else { return ("cancelled", nil) }
        guard let code = WireMessages.errorCode(in: reply, id: id) else { return ("ok", nil) }
        return ("error", code)
    }
}
