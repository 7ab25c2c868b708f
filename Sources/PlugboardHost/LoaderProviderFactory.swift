import PlugboardConfig
import PlugboardCore
import PlugboardJSON
import PlugboardLoader
import Synchronization

/// Provides in-process providers through the native loader. A file is opened once per content; instantiating
/// uses the opened image, so the instance always matches the identity the host decided on.
public final class LoaderProviderFactory: ProviderFactory {
    public let loader: PluginLoader
    private let opened = Mutex<[String: OpenedPlugin]>([:])  // by digest

    public init(loader: PluginLoader) { self.loader = loader }

    public func identify(file: String) throws(ProviderLoadFailure) -> PluginIdentity {
        do {
            let plugin = try loader.open(file: file)
            opened.withLock { $0[plugin.digest] = plugin }
            return PluginIdentity(file: file, id: plugin.id, version: plugin.version, digest: plugin.digest)
        } catch {
            throw ProviderLoadFailure(file: file, message: error.description)
        }
    }

    public func instantiate(
        _ plugin: PluginIdentity, config: RawJSON, isolation: RuntimeConfig.Isolation
    ) throws(ProviderLoadFailure) -> any Provider {
        guard isolation == .inProcess else {
            throw ProviderLoadFailure(file: plugin.file, message: "\(plugin.file): this factory loads providers in process only; "
                + "a sandboxed mount needs a factory that starts plugboard-worker (the plugboard executable's does)")
        }
        do throws(PluginLoadError) {
            let image: OpenedPlugin
            if let cached = opened.withLock({ $0[plugin.digest] }) { image = cached } else { image = try loader.open(file: plugin.file) }
            return try loader.instantiate(image, config: config)
        } catch {
            throw ProviderLoadFailure(file: plugin.file, message: error.description)
        }
    }
}
