/// What operators' tooling reads: metrics (on by default), traces (off by default), and where they are served.
extension RuntimeConfig {
    public struct Metrics: Sendable, Equatable {
        /// Prometheus metrics on `GET /metrics`: of `transports.admin` when it is set, else of the HTTP listener.
        public var enabled = true
        public init(enabled: Bool = true) { self.enabled = enabled }
    }

    public struct Tracing: Sendable, Equatable {
        public var enabled = false
        /// The OTLP/HTTP (protobuf) traces URL.
        public var endpoint = "http://127.0.0.1:4318/v1/traces"
        /// The share of new traces sampled, 0 to 1; a caller's sampled flag in `traceparent` is honoured.
        public var samplingRatio = 1.0
        public var serviceName = "plugboard"
        /// How long spans wait before a batch is sent.
        public var exportDelayMilliseconds = 5_000
        public init() {}
    }

    /// `transports.admin`: a loopback listener of its own for /metrics, /healthz and /readyz.
    public struct Admin: Sendable, Equatable {
        public var host = "127.0.0.1"
        public var port = 9464
        public init(host: String = "127.0.0.1", port: Int = 9464) {
            self.host = host
            self.port = port
        }
    }
}

extension RuntimeConfigDecoder {
    func decodeOperations(_ root: ObjectReader, into config: inout RuntimeConfig) {
        if let metrics = root.object("metrics") {
            if let enabled = metrics.bool("enabled") { config.metrics.enabled = enabled }
            metrics.finish()
        }
        if let tracing = root.object("tracing") {
            if let enabled = tracing.bool("enabled") { config.tracing.enabled = enabled }
            if let endpoint = tracing.string("endpoint") {
                if endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") {
                    config.tracing.endpoint = endpoint
                } else {
                    root.log.report(tracing.childPath("endpoint"),
                        "'\(endpoint)' is not an http:// or https:// URL; give the OTLP/HTTP traces URL, e.g. http://127.0.0.1:4318/v1/traces")
                }
            }
            if let value = tracing.value("sampling_ratio") {
                if let ratio = value.doubleValue, (0...1).contains(ratio) {
                    config.tracing.samplingRatio = ratio
                } else {
                    root.log.report(tracing.childPath("sampling_ratio"), "expected a number from 0 to 1, found \(value.jsonText)")
                }
            }
            if let name = tracing.string("service_name") {
                if name.isEmpty { root.log.report(tracing.childPath("service_name"), "must not be empty") } else { config.tracing.serviceName = name }
            }
            if let delay = tracing.integer("export_delay_ms", in: 10...600_000) { config.tracing.exportDelayMilliseconds = delay }
            tracing.finish()
        }
    }

    func admin(_ reader: ObjectReader) -> RuntimeConfig.Admin {
        defer { reader.finish() }
        var admin = RuntimeConfig.Admin()
        if let host = reader.string("host") {
            if ["127.0.0.1", "::1", "localhost"].contains(host) {
                admin.host = host
            } else {
                reader.log.report(reader.childPath("host"),
                    "'\(host)' is not a loopback address; the admin listener serves metrics and probes without a token, "
                        + "so it binds 127.0.0.1, ::1 or localhost only (put a proxy in front to reach it from elsewhere)")
            }
        }
        if let port = reader.integer("port", in: 0...65535) { admin.port = port }
        return admin
    }
}
