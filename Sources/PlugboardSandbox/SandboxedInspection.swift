import PlugboardCore
import PlugboardJSON

/// `plugboard inspect --sandboxed FILE.so`: loads an untrusted plugin inside a worker (full sandbox, no restart)
/// only to read its identity and catalog, then ends the worker. Nothing of the plugin runs in the caller.
public enum SandboxedInspection {
    public static func describe(
        file: String, config: RawJSON = .emptyObject, policy: SandboxPolicy = SandboxPolicy()
    ) async throws(WorkerStartError) -> (ProviderInfo, [ComponentDescriptor]) {
        let (info, components, _) = try await describeWithReport(file: file, config: config, policy: policy)
        return (info, components)
    }

    /// The same, plus what each sandbox layer came to (for the CLI to print).
    public static func describeWithReport(
        file: String, config: RawJSON = .emptyObject, policy: SandboxPolicy = SandboxPolicy()
    ) async throws(WorkerStartError) -> (ProviderInfo, [ComponentDescriptor], [SandboxLayerReport]) {
        let provider = try await WorkerProvider.launch(file: file, config: config, policy: policy)
        defer { provider.shutdown() }
        return (provider.info, provider.components, provider.sandboxReport)
    }
}
