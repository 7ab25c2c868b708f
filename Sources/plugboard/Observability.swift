import Logging
import PlugboardConfig
import PlugboardHost
import PlugboardMCP
import PlugboardOperations
import PlugboardSandbox
import ServiceLifecycle
import Synchronization

/// Wires the operations module into `serve`: the metrics the server, the supervisors and the host report to, the
/// scrape that reads the host's state, and the trace exporter's background service.
final class Observability: Sendable {
    let metrics: HostMetrics?
    let tracing: Bool
    private let exporter: ServiceGroup?
    private let exporting = Mutex<Task<Void, Never>?>(nil)
    /// What the transport has open; set once the transport exists.
    private let occupancy = Mutex<(@Sendable () -> (sessions: Int, sessionStreams: Int, listenStreams: Int))?>(nil)

    init(config: RuntimeConfig, logger: Logger) throws {
        metrics = config.metrics.enabled ? HostMetrics() : nil
        tracing = config.tracing.enabled
        if config.tracing.enabled {
            let settings = TraceExport.Settings(
                endpoint: config.tracing.endpoint, samplingRatio: config.tracing.samplingRatio,
                serviceName: config.tracing.serviceName, exportDelay: .milliseconds(config.tracing.exportDelayMilliseconds))
            let service = try TraceExport.install(settings, metrics: metrics, logger: logger)
            exporter = ServiceGroup(configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [],
                                                          cancellationSignals: [], logger: logger))
            logger.info("tracing: spans go to \(settings.endpoint) (sampling \(settings.samplingRatio))")
        } else {
            exporter = nil
        }
    }

    func start() {
        guard let exporter else { return }
        exporting.withLock { $0 = Task { try? await exporter.run() } }
    }

    /// Flushes what spans are queued (bounded by the exporter's timeout), then stops the exporter.
    func stop() async {
        guard let exporter, let task = exporting.withLock({ $0 }) else { return }
        await exporter.triggerGracefulShutdown()
        await task.value
    }

    func supervision(provider: String, event: SupervisionEvent) {
        guard let metrics else { return }
        switch event {
        case .started: metrics.workerStarted(provider: provider, restart: false)
        case .restarted: metrics.workerStarted(provider: provider, restart: true)
        case .died(let death): metrics.workerDied(provider: provider, cause: death.cause)
        case .circuitOpened: metrics.circuitOpened(provider: provider)
        }
    }

    func hostEvent(_ event: HostEvent) {
        switch event {
        case .loaded: metrics?.pluginLoad(applied: true)
        case .skipped: metrics?.pluginLoad(applied: false)
        case .unloaded, .warning: break
        }
    }

    func transportOpened(_ read: @escaping @Sendable () -> (sessions: Int, sessionStreams: Int, listenStreams: Int)) {
        occupancy.withLock { $0 = read }
    }

    /// The exposition for one scrape of `host`, or nil when metrics are off.
    func scrape(host: PluginHost) -> (@Sendable () -> [UInt8])? {
        guard let metrics else { return nil }
        return { [self] in
            var state = HostMetrics.State()
            let loaded = host.loadedProviders
            state.providers = loaded.map { ($0.plugin.id, $0.plugin.version, $0.plugin.digest, $0.team) }
            state.circuitsOpen = loaded.filter { !$0.ready }.count
            if let open = self.occupancy.withLock({ $0 })?() {
                state.sessions = open.sessions
                state.sessionStreams = open.sessionStreams
                state.listenStreams = open.listenStreams
            }
            return metrics.scrape(state)
        }
    }
}
