import PlugboardConfig
import PlugboardHost
import PlugboardSandbox
import PlugboardScanning

/// Wires out-of-process scanning in front of a provider factory, as the configuration's `scan` says.
enum Scanning {
    /// `factory`, scanning new files first; `factory` itself when scanning is off or cannot run here (then
    /// `warn` says so once).
    static func wrap(_ factory: any ProviderFactory, config: RuntimeConfig, warn: (String) -> Void) -> any ProviderFactory {
        guard config.scan.enabled else { return factory }
        guard PluginScan.isAvailable else {
            warn("scan: plugboard-worker was not found beside this program, so new provider files are opened in the host "
                + "without a scan first; build it (swift build --product plugboard-worker) or set \"scan\": {\"enabled\": false}")
            return factory
        }
        let directory = config.scan.cacheDirectory ?? HostOptions.cacheRoot
        return ScanningProviderFactory(wrapping: factory, registry: ScanRegistry(directory: directory),
                                       timeout: .milliseconds(config.scan.timeoutMilliseconds))
    }
}
