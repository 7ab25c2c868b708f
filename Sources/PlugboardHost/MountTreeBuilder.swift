import PlugboardConfig
import PlugboardCore
import PlugboardJSON

/// Turns the configuration's mounts plus the files found in the plugin directories into a mount tree, creating
/// provider instances only for what is new.
struct MountTreeBuilder {
    let state: PluginHost.State
    let factory: any ProviderFactory
    let onEvent: (HostEvent) -> Void

    private(set) var usedInstances: [PluginHost.InstanceKey: PluginHost.Instance] = [:]
    /// Each team's view: its own mounts and the shared top-level ones (filled by `build`).
    private(set) var teamRoots: [String: MountNode] = [:]
    /// The placement of the mount being built (a team's, or the operator's).
    private var placement = InstancePlacement.operatorOwned
    /// The signature policy of the team whose mounts are being built; nil for the operator's.
    private var teamSignatures: (team: String, policy: RuntimeConfig.SignaturePolicy)?
    private(set) var namedFiles: [String: Result<PluginIdentity, ProviderLoadFailure>] = [:]
    private(set) var warnings: [String] = []
    /// Mounts that name a provider and have none loaded: the host is not ready while there are any.
    private(set) var unloadedMounts: [String] = []
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
        let mounts = state.config.mounts
        var children = mounts.enumerated().map { node(for: $0.element, at: "$.mounts[\($0.offset)]") }
        let shared = zip(mounts, children).filter { $0.0.shared }.map(\.1)
        children += autoMounts()
        children += state.builtins
        // Team mounts: sandboxed instances of their own (the instance key holds the team's path and placement).
        for (teamIndex, team) in state.config.teams.enumerated() {
            var teamChildren: [MountNode] = []
            for (index, mount) in team.mounts.enumerated() {
                placement = InstancePlacement(team: team.name, sandbox: team.sandbox, quotas: team.quotas)
                teamSignatures = (team.name, team.signatures)
                teamChildren.append(node(for: mount, at: "$.teams[\(teamIndex)].mounts[\(index)]"))
            }
            placement = .operatorOwned
            teamSignatures = nil
            children += teamChildren
            teamRoots[team.name] = MountNode(children: shared + teamChildren)
        }
        return MountNode(children: children)
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
            let identified = state.namedFiles[file]
                ?? PluginHost.identify(file, in: nil, config: state.config, factory: factory, onEvent: onEvent)
            namedFiles[file] = identified
            if case .success(let plugin) = identified, let provider = instance(of: plugin, mount: mount, at: path) {
                providers.append(provider)
            }
        case nil:
            break
        }
        if let source = mount.source, providers.isEmpty {
            // No file paths: the readiness probe answers without a token.
            let named = switch source {
            case .pluginID(let id): "provider '\(id)'"
            case .file: "provider file"
            }
            unloadedMounts.append("\(path) (namespace '\(mount.namespace ?? "")'): its \(named) is not loaded")
        }
        let children = mount.mounts.enumerated().map { node(for: $0.element, at: "\(path).mounts[\($0.offset)]") }
        return MountNode(
            namespace: mount.namespace, filter: mount.filter, disabled: mount.disable,
            providers: providers, children: children, origin: path)
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
        if let (team, policy) = teamSignatures, policy.requireSignature,
           !policy.trustedKeys.contains(where: { $0.publicKey == plugin.signedBy?.publicKey }) {
            let signed = plugin.signedBy.map { "is signed by key '\($0.name)', which the team does not trust" }
                ?? "carries no signature by a trusted key (FILE.so.sig, written by `plugboard sign`)"
            warnings.append("\(path): \(plugin.file) \(signed); team '\(team)' loads only providers signed by its trusted_keys "
                + "(\(policy.trustedKeys.map(\.name).joined(separator: ", "))), so it is not mounted")
            return nil
        }
        let config = mount.pluginConfig.map { RawJSON($0) } ?? .emptyObject
        var placement = self.placement
        placement.namespace = mount.namespace
        let key = PluginHost.InstanceKey(digest: plugin.digest, mount: path, config: config.text, isolation: mount.isolation,
                                         placement: placement)
        if usedInstances[key] != nil { return nil }  // the same build twice in one mount: mount it once
        if let existing = state.instances[key] {
            usedInstances[key] = existing
            return existing.provider
        }
        do {
            let provider = try factory.instantiate(plugin, config: config, isolation: mount.isolation, placement: placement)
            usedInstances[key] = PluginHost.Instance(provider: provider, plugin: plugin, placement: placement)
            onEvent(.loaded(plugin, namespace: mount.namespace))
            return provider
        } catch {
            onEvent(.skipped(error))
            return nil
        }
    }
}
