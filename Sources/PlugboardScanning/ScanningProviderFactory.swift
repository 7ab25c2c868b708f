import Foundation
import PlugboardConfig
import PlugboardCore
import PlugboardHost
import PlugboardJSON
import PlugboardSandbox

/// A `ProviderFactory` that scans a file in a sandboxed worker before the factory it wraps opens it in this
/// process. A file whose scan crashed or hung is quarantined: refused, with the reason, until it changes, and
/// never opened here. Results are kept in a `ScanRegistry`, so an unchanged file is scanned once.
public final class ScanningProviderFactory: ProviderFactory {
    private let inner: any ProviderFactory
    public let registry: ScanRegistry
    private let timeout: Duration

    public init(wrapping inner: any ProviderFactory, registry: ScanRegistry, timeout: Duration) {
        self.inner = inner
        self.registry = registry
        self.timeout = timeout
    }

    public func identify(file: String) throws(ProviderLoadFailure) -> PluginIdentity {
        guard let stamp = ScanRegistry.stamp(of: file) else { return try inner.identify(file: file) }  // the inner factory says why
        let entry = registry.entry(for: file, stamp: stamp)
            ?? registry.record(PluginScan.scan(file: file, timeout: timeout), for: file, stamp: stamp)
        if case .misbehaved(let detail) = entry.outcome {
            throw ProviderLoadFailure(file: file, message: "\(file): quarantined: its scan in a sandboxed worker (\(entry.scannedAt)) "
                + "failed: \(detail); the host will not open it until the file changes (fix the plugin and replace the file)",
                kind: .quarantined)
        }
        return try inner.identify(file: file)
    }

    public func instantiate(_ plugin: PluginIdentity, config: RawJSON, isolation: RuntimeConfig.Isolation) throws(ProviderLoadFailure) -> any Provider {
        try inner.instantiate(plugin, config: config, isolation: isolation)
    }

    public func instantiate(_ plugin: PluginIdentity, config: RawJSON, isolation: RuntimeConfig.Isolation,
                            placement: InstancePlacement) throws(ProviderLoadFailure) -> any Provider {
        try inner.instantiate(plugin, config: config, isolation: isolation, placement: placement)
    }

    public func released(_ provider: any Provider, plugin: PluginIdentity, placement: InstancePlacement) {
        inner.released(provider, plugin: plugin, placement: placement)
    }
}
