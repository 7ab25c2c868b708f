import Instrumentation
import PlugboardJSON
import Tracing

/// W3C trace context in and out of MCP requests: the caller's `traceparent` (from `params._meta`, where MCP
/// clients put it, or else the HTTP header) becomes the parent of the request's span, and the provider call's
/// own context goes on to the provider in `_meta`. Parsing is the installed propagator's (swift-otel's W3C
/// propagator when tracing is on): a malformed value is ignored and a new trace starts.
struct TraceCarrier {
    var traceparent: String?
    var tracestate: String?

    init(traceparent: String?, tracestate: String?) {
        self.traceparent = traceparent
        self.tracestate = tracestate
    }

    /// The context a span continues: the caller's, when it sent a valid one.
    static func context(traceparent: String?, tracestate: String?, using tracer: any Tracer) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        guard traceparent != nil else { return context }
        let carrier = TraceCarrier(traceparent: traceparent, tracestate: tracestate)
        tracer.extract(carrier, into: &context, using: Extract())
        return context
    }

    /// The `traceparent` (and `tracestate`) that carry `context` on.
    static func headers(for context: InstrumentationContext, using tracer: any Tracer) -> TraceCarrier {
        var carrier = TraceCarrier(traceparent: nil, tracestate: nil)
        tracer.inject(context, into: &carrier, using: Inject())
        return carrier
    }

    private struct Extract: Extractor {
        func extract(key: String, from carrier: TraceCarrier) -> String? {
            switch key.lowercased() {
            case "traceparent": carrier.traceparent
            case "tracestate": carrier.tracestate
            default: nil
            }
        }
    }

    private struct Inject: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout TraceCarrier) {
            switch key.lowercased() {
            case "traceparent": carrier.traceparent = value
            case "tracestate": carrier.tracestate = value
            default: break
            }
        }
    }
}

/// Span names after the OpenTelemetry MCP conventions: `{mcp.method.name} {target}`.
enum TraceNames {
    static func requestSpan(_ method: String, target: String? = nil) -> String {
        target.map { "\(method) \($0)" } ?? method
    }
}
