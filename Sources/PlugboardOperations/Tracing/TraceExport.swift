import Logging
import OTel
import PlugboardMCP
import ServiceLifecycle
import Tracing

/// Traces to an OTLP endpoint (HTTP/protobuf) through swift-otel, installed as the process's tracer. The exporter
/// works off the request path: spans go to a bounded queue and are sent in batches; when the endpoint is
/// unreachable they are dropped and counted (`plugboard_trace_spans_dropped_total`), never waited for.
public enum TraceExport {
    public struct Settings: Sendable {
        /// The OTLP/HTTP traces URL, e.g. `http://127.0.0.1:4318/v1/traces`.
        public var endpoint: String
        /// The share of new traces sampled (0…1); a caller's sampled flag in `traceparent` is honoured.
        public var samplingRatio: Double
        public var serviceName: String
        /// How long spans wait in the queue before a batch goes out.
        public var exportDelay: Duration

        public init(endpoint: String, samplingRatio: Double, serviceName: String, exportDelay: Duration) {
            self.endpoint = endpoint
            self.samplingRatio = samplingRatio
            self.serviceName = serviceName
            self.exportDelay = exportDelay
        }
    }

    /// Installs the tracer and returns the service that exports (run it beside the transports; on shutdown it
    /// flushes what is queued). Call once per process.
    public static func install(_ settings: Settings, metrics: HostMetrics?, logger: Logger) throws -> any Service {
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.enabled = true
        configuration.traces.sampler = .parentBasedTraceIDRatio(ratio: settings.samplingRatio) ?? .parentBasedAlwaysOn
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.endpoint = settings.endpoint
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.traces.otlpExporter.timeout = .seconds(5)
        configuration.traces.batchSpanProcessor.scheduleDelay = settings.exportDelay
        // swift-otel reports export failures and queue overflows to its diagnostic logger; they become counts.
        let diagnostics = Logger(label: "plugboard.otel") { label in
            ExportDiagnostics(label: label, forwardTo: logger, metrics: metrics)
        }
        configuration.diagnosticLogger = .custom(diagnostics)
        configuration.diagnosticLogLevel = .warning
        let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(tracer)
        return service
    }
}

/// swift-otel's diagnostic log, read for what it says about lost spans: a failed batch export (its
/// `batch_size`) and spans dropped because the queue was full (`dropped_count`). Other warnings go to the host's
/// log, once a minute at most, so an unreachable endpoint does not flood it.
struct ExportDiagnostics: LogHandler {
    let label: String
    let forwardTo: Logger
    let metrics: HostMetrics?
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning
    private static let warnings = LogThrottle(per: .seconds(60))

    init(label: String, forwardTo: Logger, metrics: HostMetrics?) {
        self.label = label
        self.forwardTo = forwardTo
        self.metrics = metrics
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let text = event.message.description
        if text.hasPrefix("Failed to export batch"), let size = merged["batch_size"].flatMap({ Int("\($0)") }) {
            metrics?.spansDropped(size, reason: "export_failed")
        } else if text.hasPrefix("Spans were dropped"), let count = merged["dropped_count"].flatMap({ Int("\($0)") }) {
            metrics?.spansDropped(count, reason: "queue_full")
        }
        // A malformed `traceparent` is the client's, not the exporter's: ignored (a new trace starts), not logged.
        guard event.level >= .warning, !text.hasPrefix("Failed to extract"), Self.warnings.admit() != nil else { return }
        let note = "tracing: \(text) (further tracing warnings within a minute are not logged; "
            + "plugboard_trace_spans_dropped_total counts lost spans)"
        forwardTo.warning("\(note)", metadata: merged)
    }
}

