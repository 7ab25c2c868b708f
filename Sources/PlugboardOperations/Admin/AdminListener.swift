import Hummingbird
import Logging
import PlugboardMCP
import ServiceLifecycle

/// `transports.admin`: a listener of its own for what operators' tooling reads (`/metrics`, `/healthz`,
/// `/readyz`), on loopback by default, so scrapes and probes never share a port (or its connection limits) with
/// MCP clients. Serves in stdio mode too, where there is no HTTP listener at all.
public struct AdminListener: Sendable {
    let host: String
    let port: Int
    let health: HealthProbes
    let metrics: (@Sendable () -> [UInt8])?
    let logger: Logger

    public init(host: String, port: Int, health: HealthProbes, metrics: (@Sendable () -> [UInt8])?, logger: Logger) {
        self.host = host
        self.port = port
        self.health = health
        self.metrics = metrics
        self.logger = logger
    }

    /// Serves until the task is cancelled (the host ends it after its transport has finished).
    public func run() async throws {
        let router = Router()
        router.get(RouterPath(HealthProbes.livenessPath)) { [health] _, _ in health.liveness() }
        router.get(RouterPath(HealthProbes.readinessPath)) { [health] _, _ in health.readinessResponse() }
        if let metrics {
            router.get(RouterPath(HealthProbes.metricsPath)) { _, _ in HealthProbes.metricsResponse(metrics()) }
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "plugboard-admin"),
            onServerRunning: { [logger, host, port, metrics] _ in
                logger.info("admin listener at http://\(host):\(port) (\(metrics == nil ? "" : "/metrics, ")/healthz, /readyz)")
            },
            logger: logger)
        // No signals of its own: the host's transport owns SIGTERM (and its drain delay, reported on /readyz here).
        let group = ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [],
                                                       cancellationSignals: [], logger: logger))
        try await withTaskCancellationHandler {
            try await group.run()
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}
