import PlugboardConfig
import PlugboardCore
import PlugboardHost
import PlugboardJSON
import PlugboardSandbox

/// The serving host's factory: in-process providers through the native loader, sandboxed ones in a
/// `plugboard-worker` under the mount's team sandbox policy (one worker per (team, provider): the host never
/// reuses an instance across mounts). Every load and unload goes to the audit trail.
final class TeamProviderFactory: ProviderFactory {
    let native: LoaderProviderFactory
    let audit: AuditTrail?
    let log: @Sendable (LogRecord) -> Void
    /// Told of each sandboxed worker's starts, deaths and circuit openings, with the provider's id (metrics).
    let supervision: @Sendable (_ provider: String, SupervisionEvent) -> Void

    init(native: LoaderProviderFactory, audit: AuditTrail?,
         supervision: @escaping @Sendable (_ provider: String, SupervisionEvent) -> Void = { _, _ in },
         log: @escaping @Sendable (LogRecord) -> Void) {
        self.supervision = supervision
        self.native = native
        self.audit = audit
        self.log = log
    }

    func identify(file: String) throws(ProviderLoadFailure) -> PluginIdentity {
        try native.identify(file: file)
    }

    func instantiate(_ plugin: PluginIdentity, config: RawJSON, isolation: RuntimeConfig.Isolation) throws(ProviderLoadFailure) -> any Provider {
        try instantiate(plugin, config: config, isolation: isolation, placement: .operatorOwned)
    }

    func instantiate(
        _ plugin: PluginIdentity, config: RawJSON, isolation: RuntimeConfig.Isolation, placement: InstancePlacement
    ) throws(ProviderLoadFailure) -> any Provider {
        let provider: any Provider
        do throws(ProviderLoadFailure) {
            switch isolation {
            case .inProcess:
                provider = try native.instantiate(plugin, config: config, isolation: .inProcess)
            case .sandboxed:
                let policy = Self.policy(placement)
                do throws(WorkerStartError) {
                    provider = try WorkerProvider.launchBlocking(file: plugin.file, config: config, policy: policy, log: log,
                                                                 supervision: { [supervision] in supervision(plugin.id, $0) })
                } catch {
                    throw ProviderLoadFailure(file: plugin.file, message: "\(plugin.file): cannot start its sandboxed worker: \(error)")
                }
            }
        } catch {
            audit?.loadFailed(plugin, placement: placement, message: error.message)
            throw error
        }
        audit?.load(plugin, placement: placement, isolation: isolation.rawValue)
        return provider
    }

    func released(_ provider: any Provider, plugin: PluginIdentity, placement: InstancePlacement) {
        audit?.load(plugin, placement: placement, isolation: provider is WorkerProvider ? "sandboxed" : "in-process", event: "unload")
        // A worker finishes the calls it has, then ends; an in-process image stays mapped (never dlclosed).
        if let worker = provider as? WorkerProvider { Task { await worker.retire() } }
    }

    /// The team's sandbox settings over the sandbox's defaults. The team's size quotas also bound the worker's
    /// frames, but never below 1 MiB: the worker's catalog travels in a frame too, and the exact quota is
    /// enforced on the reply by the MCP layer.
    static func policy(_ placement: InstancePlacement) -> SandboxPolicy {
        var policy = SandboxPolicy()
        if let spec = placement.sandbox {
            if let memory = spec.memoryBytes { policy.memoryBytes = memory }
            if let cpu = spec.cpuSeconds { policy.cpuSeconds = cpu }
            if let files = spec.openFiles { policy.openFiles = files }
            if let deadline = spec.callDeadlineMilliseconds { policy.callDeadline = .milliseconds(deadline) }
            policy.allowNetwork = spec.network
            policy.allowProcesses = spec.processes
            policy.readablePaths = spec.readablePaths
        }
        if let quotas = placement.quotas {
            if let request = quotas.maxRequestBytes { policy.maxRequestBytes = max(request, 1 << 20) }
            if let response = quotas.maxResponseBytes { policy.maxResponseBytes = max(response, 1 << 20) }
        }
        return policy
    }
}
