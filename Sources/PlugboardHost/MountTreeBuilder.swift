import PlugboardConfig
import PlugboardCore
import PlugboardJSON

/// Turns the configuration's mounts plus the files found in the plugin directories into a mount tree, creating
/// provider instances only for what is new.
struct MountTreeBuilder {
    let state: PluginHost.State
    let factory: any ProviderFactory
    let onEvent: (HostEvent) -> Void

    private(set) var usedInstances: [PluginHost.InstanceKey: any Provider] = [:]
    private(set) var namedFiles: [String: Result<PluginIdentity, ProviderLoadFailure>] = [:]
    private(set) var warnings: [String] = []
    private var referencedIDs: Set<String> = []

    init(state: PluginHost.State, factory: any ProviderFactory, onEvent: @escaping (HostEvent) -> Void) {
        self.state = state
        self.factory = factory
        self.onEvent = onEvent
    }

    /// Every identified file by plugin id, in directory order and then by file name: the mount order that breaks
    /// ties between equal versions.
    private lazy var filesByPluginID: [String: [PluginIdentity]] = {
        var byID: [String: [PluginIdentity]] = [:]
        for directory in state.directories {
            for name in directory.files.keys.sorted() {
                if case .success(let plugin) = directory.files[name]! { byID[plugin.id, default: []].append(plugin) }
            }
        }
        return byID
    }()

    mutating func build() -> MountNode {
        var children = state.config.mounts.enumerated().map { node(for: $0.element, at: "$.mounts[\($0.offset)]") }
        children += autoMounts()
        return MountNode(children: children + state.builtins)
    }

    private mutating func node(for mount: RuntimeConfig.Mount, at path: String) -> MountNode {
        var providers: [any Provider] = []
        switch mount.source {
        case .pluginID(let id):
            referencedIDs.insert(id)
            let files = filesByPluginID[id] ?? []
            if files.isEmpty {
                var message = "\(path) names provider '\(id)', but no file in the plugin directories has that plugin id"
                let known = filesByPluginID.keys.sorted()
                if let near = known.first(where: { $0.lowercased() == id.lowercased() }) ?? known.first(where: { $0.hasPrefix(id) || id.hasPrefix($0) }) {
                    message += "; did you mean '\(near)'?"
                } else if !known.isEmpty {
                    message += " (found: \(known.joined(separator: ", ")))"
                } else {
                    message += " (no provider files were found at all: check plugin_directories)"
                }
                warnings.append(message)
            }
            for plugin in files {
                if let provider = instance(of: plugin, mount: mount, at: path) { providers.append(provider) }
            }
        case .file(let file):
            let identified = state.namedFiles[file] ?? PluginHost.identify(file, factory: factory, onEvent: onEvent)
            namedFiles[file] = identified
            if case .success(let plugin) = identified, let provider = instance(of: plugin, mount: mount, at: path) {
                providers.append(provider)
            }
        case nil:
            break
        }
        let children = mount.mounts.enumerated().map { node(for: $0.element, at: "\(path).mounts[\($0.offset)]") }
        return MountNode(
            namespace: mount.namespace, filter: mount.filter?.versionFilter, disabled: mount.disable.map(\.rule),
            providers: providers, children: children)
    }

    /// Providers in auto-mount directories that no mount names, each under its plugin id.
    private mutating func autoMounts() -> [MountNode] {
        var nodes: [MountNode] = []
        var mountedIDs: Set<String> = []
        for directory in state.directories where directory.directory.autoMount {
            for name in directory.files.keys.sorted() {
                guard case .success(let plugin) = directory.files[name]!, !referencedIDs.contains(plugin.id),
                      mountedIDs.insert(plugin.id).inserted else { continue }
                let mount = RuntimeConfig.Mount(namespace: plugin.id, source: .pluginID(plugin.id))
                let path = "auto:\(plugin.id)"
                let providers = (filesByPluginID[plugin.id] ?? []).compactMap { instance(of: $0, mount: mount, at: path) }
                nodes.append(MountNode(namespace: plugin.id, providers: providers))
            }
        }
        return nodes
    }

    private mutating func instance(of plugin: PluginIdentity, mount: RuntimeConfig.Mount, at path: String) -> (any Provider)? {
        let config = mount.pluginConfig.map { RawJSON($0) } ?? .emptyObject
        let key = PluginHost.InstanceKey(digest: plugin.digest, mount: path, config: config.text, isolation: mount.isolation)
        if usedInstances[key] != nil { return nil }  // the same build twice in one mount: mount it once
        if let existing = state.instances[key] {
            usedInstances[key] = existing
            return existing
        }
        do {
            let provider = try factory.instantiate(plugin, config: config, isolation: mount.isolation)
            usedInstances[key] = provider
            onEvent(.loaded(plugin, namespace: mount.namespace))
            return provider
        } catch {
            onEvent(.skipped(error))
            return nil
        }
    }
}
