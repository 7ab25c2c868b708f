import Dispatch
import PlugboardConfig
import PlugboardCore
import PlugboardJSON
import Synchronization

/// The running host: it finds provider files in the configured directories, instantiates the ones the mounts name
/// (and, for auto-mount directories, the rest), compiles the mount tree into the routing store, and keeps it live
/// as files are added, replaced and removed.
///
/// A replaced provider is a new instance; the old one stops receiving new calls when the store swaps, and the
/// routes of calls already in flight keep it alive until they finish, so those calls end on the version they
/// started on.
public final class PluginHost: Sendable {
    public let store: RoutingTableStore
    /// Each team's view (its mounts and the shared ones), by team name; fixed at start like the surfaces.
    public let teamStores: [String: RoutingTableStore]
    private let factory: any ProviderFactory
    private let onEvent: @Sendable (HostEvent) -> Void
    private let state: Mutex<State>
    private let reloads = DispatchQueue(label: "plugboard.host.reload")

    struct State {
        var config: RuntimeConfig
        /// What each configured directory holds, by file name, in directory order.
        var directories: [DirectoryContents]
        /// Files named directly by mounts (`"file": …`), by path.
        var namedFiles: [String: Result<PluginIdentity, ProviderLoadFailure>] = [:]
        var instances: [InstanceKey: Instance] = [:]
        var warnings: [String] = []
        /// Mounts that name a provider and have none loaded (also in `warnings`, in words of their own).
        var unloadedMounts: [String] = []
        /// Disable rules and filters of the last compile that match nothing (also in `warnings`).
        var ruleFindings: [RuleAudit.Finding] = []
        var watchers: [DirectoryWatcher] = []
        /// Mounts the host adds itself (built-in providers), after the configured ones.
        var builtins: [MountNode] = []
    }

    struct DirectoryContents {
        var directory: RuntimeConfig.PluginDirectory
        var files: [String: Result<PluginIdentity, ProviderLoadFailure>] = [:]
    }

    /// An instance is one file's build, initialized with one mount's configuration.
    struct InstanceKey: Hashable {
        var digest: String
        var mount: String
        var config: String
        var isolation: RuntimeConfig.Isolation
        var placement: InstancePlacement
    }

    /// A live provider instance and what it was made from (for release and the audit trail).
    struct Instance {
        var provider: any Provider
        var plugin: PluginIdentity
        var placement: InstancePlacement
    }

    /// Loads everything the configuration names and compiles the routing tables. Files that fail are skipped and
    /// reported; they never stop the others.
    public init(
        config: RuntimeConfig, factory: any ProviderFactory, builtins: [MountNode] = [],
        onEvent: @escaping @Sendable (HostEvent) -> Void = { _ in }
    ) {
        self.factory = factory
        self.onEvent = onEvent
        var initial = State(config: config, directories: config.pluginDirectories.map { DirectoryContents(directory: $0) }, builtins: builtins)
        for index in initial.directories.indices { Self.scan(&initial.directories[index], config: config, factory: factory, onEvent: onEvent) }
        let root = Self.mountTree(&initial, factory: factory, onEvent: onEvent)
        store = RoutingTableStore(
            root: root.operatorRoot, surfaces: config.surfaces, pageSize: config.transports.limits.listPageSize)
        var teamStores: [String: RoutingTableStore] = [:]
        for team in config.teams {
            teamStores[team.name] = RoutingTableStore(
                root: root.teamRoots[team.name] ?? MountNode(), surfaces: config.surfaces,
                pageSize: config.transports.limits.listPageSize)
        }
        self.teamStores = teamStores
        state = Mutex(initial)
    }

    /// Warnings from the last compile: mounts that found no provider, rules and filters that match nothing, and
    /// the catalog warnings.
    public var warnings: [String] { state.withLock { $0.warnings } + catalogWarnings }

    /// What the routing tables found, once each across surfaces: components shadowed by another provider, and
    /// tools whose versions differ in output schema.
    public var catalogWarnings: [String] {
        var messages: [String] = []
        for surface in store.surfaces {
            for warning in store.table(forSurface: surface.name)?.warnings ?? [] where !messages.contains(warning.message) {
                messages.append(warning.message)
            }
        }
        return messages
    }

    /// Disable rules and version filters that match nothing, with their JSON paths (`plugboard validate` fails
    /// on them; `serve` warns).
    public var ruleFindings: [RuleAudit.Finding] { state.withLock { $0.ruleFindings } }

    /// Why the host cannot serve all it is configured to, for a readiness probe: mounts whose provider is not
    /// loaded, and providers that cannot take calls now (an open circuit breaker). Empty when ready.
    public var unreadiness: [String] {
        state.withLock { state in
            state.unloadedMounts + state.instances.values.compactMap { instance in
                instance.provider.unreadiness.map { "provider \(instance.plugin.id) \(instance.plugin.version): \($0)" }
            }.sorted()
        }
    }

    /// The provider instances loaded now, each with what it was made from and the team it runs for (metrics).
    public var loadedProviders: [(plugin: PluginIdentity, team: String?, ready: Bool)] {
        state.withLock { state in state.instances.values.map { ($0.plugin, $0.placement.team, $0.provider.unreadiness == nil) } }
    }

    /// Files skipped because they failed to load, with the reason.
    public var skippedFiles: [ProviderLoadFailure] {
        state.withLock { state in
            state.directories.flatMap { $0.files.values.compactMap { try? $0.failureValue() } }
                + state.namedFiles.values.compactMap { try? $0.failureValue() }
        }
    }

    /// Starts watching the directories marked `watch`. A directory that cannot be watched is reported and left
    /// unwatched; the host keeps serving what it has.
    public func startWatching() {
        let directories = state.withLock { $0.config.pluginDirectories.enumerated().filter { $0.element.watch } }
        var watchers: [DirectoryWatcher] = []
        for (index, directory) in directories {
            do {
                watchers.append(try DirectoryWatcher(directory: directory.path) { [weak self] batch in
                    guard let self else { return }
                    self.reloads.async { self.apply(batch, toDirectoryAt: index) }
                } onFailure: { [weak self] failure in
                    self?.onEvent(.warning("\(failure)"))
                })
            } catch {
                onEvent(.warning("\(error); files added there will not be picked up until a restart"))
            }
        }
        state.withLock { $0.watchers.append(contentsOf: watchers) }
    }

    /// Stops watching. Serving continues with what is loaded.
    public func stopWatching() {
        let watchers = state.withLock { state in
            defer { state.watchers = [] }
            return state.watchers
        }
        for watcher in watchers { watcher.stop() }
        reloads.sync {}
    }

    /// Waits until every directory change seen so far has been applied (for tests and orderly shutdown).
    public func settle() { reloads.sync {} }

    /// Applies a new configuration (SIGHUP): plugin directories, mounts, filters, disable rules and plugin
    /// configurations take effect at once, reusing every instance whose file and configuration are unchanged.
    /// HTTP paths are bound at start, so a changed set of surfaces is reported and the running one kept.
    /// Returns what could not be applied.
    @discardableResult
    public func reload(_ newConfig: RuntimeConfig) -> [String] {
        stopWatching()
        let factory = self.factory, onEvent = self.onEvent
        var notApplied: [String] = []
        let root: MountForest = reloads.sync {
            state.withLock { state in
                var config = newConfig
                if config.surfaces != state.config.surfaces {
                    notApplied.append("the surfaces changed; restart plugboard to serve the new ones (kept: "
                        + state.config.surfaces.map { "\($0.name) at \($0.path)" }.joined(separator: ", ") + ")")
                    config.surfaces = state.config.surfaces
                }
                if config.teams.map(\.name) != state.config.teams.map(\.name) {
                    notApplied.append("the set of teams changed; restart plugboard to serve the new ones (kept: "
                        + state.config.teams.map(\.name).joined(separator: ", ") + ")")
                    config.teams = state.config.teams
                }
                if config.transports != state.config.transports {
                    notApplied.append("transport settings (listen address, limits, page size) apply at the next restart")
                    config.transports = state.config.transports
                }
                if config.fleet != state.config.fleet {
                    notApplied.append("the fleet settings (Redis for quotas and cancels) apply at the next restart")
                    config.fleet = state.config.fleet
                }
                let previous = state.directories
                state.config = config
                state.directories = config.pluginDirectories.map { directory in
                    var contents = previous.first(where: { $0.directory.path == directory.path }) ?? DirectoryContents(directory: directory)
                    contents.directory = directory
                    Self.scan(&contents, config: config, factory: factory, onEvent: onEvent)
                    return contents
                }
                state.namedFiles = [:]  // named files are read again: they may have been rebuilt
                return Self.mountTree(&state, factory: factory, onEvent: onEvent)
            }
        }
        install(root)
        startWatching()
        for note in notApplied { onEvent(.warning(note)) }
        return notApplied
    }

    func apply(_ batch: DirectoryChangeBatch, toDirectoryAt index: Int) {
        let factory = self.factory, onEvent = self.onEvent
        let root: MountForest = state.withLock { state in
            var contents = state.directories[index]
            if batch.needsRescan {
                Self.scan(&contents, config: state.config, factory: factory, onEvent: onEvent)
            } else {
                for name in batch.removed where contents.files.removeValue(forKey: name) != nil {
                    onEvent(.unloaded(file: contents.directory.path + "/" + name))
                }
                for name in batch.settled.sorted() {
                    contents.files[name] = Self.identify(contents.directory.path + "/" + name, in: contents.directory, config: state.config,
                                                         factory: factory, onEvent: onEvent)
                }
            }
            state.directories[index] = contents
            return Self.mountTree(&state, factory: factory, onEvent: onEvent)
        }
        install(root)
    }

    /// Swaps in the new tables (operator's and each team's), then releases the instances no table uses any more.
    private func install(_ forest: MountForest) {
        store.replaceRoot(forest.operatorRoot)
        for (team, teamStore) in teamStores { teamStore.replaceRoot(forest.teamRoots[team] ?? MountNode()) }
        for instance in forest.released {
            factory.released(instance.provider, plugin: instance.plugin, placement: instance.placement)
        }
    }

    // MARK: - Compiling the configuration into a mount tree

    static func scan(_ contents: inout DirectoryContents, config: RuntimeConfig, factory: any ProviderFactory,
                     onEvent: @escaping (HostEvent) -> Void) {
        let path = contents.directory.path
        var found: [String: Result<PluginIdentity, ProviderLoadFailure>] = [:]
        for name in DirectoryListing.names(in: path, onEvent: onEvent) where PluginFileName.isCandidate(name) {
            // Identifying hashes the file; an unchanged file maps to the same cached image and the same instance.
            found[name] = identify(path + "/" + name, in: contents.directory, config: config, factory: factory, onEvent: onEvent)
        }
        for name in contents.files.keys where found[name] == nil { onEvent(.unloaded(file: path + "/" + name)) }
        contents.files = found
    }

    /// Checks the file's signature against the policy of its directory (nil: a file a mount names), then opens it
    /// to learn what it provides. A refused file is never opened.
    public static func identify(_ file: String, in directory: RuntimeConfig.PluginDirectory?, config: RuntimeConfig,
                                factory: any ProviderFactory, onEvent: (HostEvent) -> Void = { _ in }) -> Result<PluginIdentity, ProviderLoadFailure> {
        let policy = directory?.signatures ?? RuntimeConfig.SignaturePolicy()
        let place = directory.map { "plugin directory \($0.path)" } ?? "this mount"
        let result = Provenance.check(file, policy: policy, alsoTrusted: config.teams.flatMap(\.signatures.trustedKeys),
                                      where: place, onEvent: onEvent)
            .flatMap { signer in
                Result { () throws(ProviderLoadFailure) in
                    var identity = try factory.identify(file: file)
                    identity.signedBy = signer
                    return identity
                }
            }
        if case .failure(let failure) = result { onEvent(.skipped(failure)) }
        return result
    }

    /// Builds the mount tree for the current state, reusing instances whose file, mount and configuration are
    /// unchanged, and dropping the rest (calls in flight keep dropped ones alive until they finish).
    static func mountTree(_ state: inout State, factory: any ProviderFactory, onEvent: @escaping (HostEvent) -> Void) -> MountForest {
        var builder = MountTreeBuilder(state: state, factory: factory, onEvent: onEvent)
        let root = builder.build()
        // Rules and filters that match nothing are reported at start and on every change, never silently ignored.
        let surfaces = state.config.surfaces
        let findings = RuleAudit.findings(root: root, surfaces: surfaces, surfacePaths: surfaces.indices.map { "$.surfaces[\($0)]" })
        let warnings = builder.warnings + findings.map(\.description)
        for warning in warnings where !state.warnings.contains(warning) { onEvent(.warning(warning)) }
        let released = state.instances.filter { builder.usedInstances[$0.key] == nil }.map(\.value)
        state.instances = builder.usedInstances
        state.namedFiles = builder.namedFiles
        state.warnings = warnings
        state.unloadedMounts = builder.unloadedMounts
        state.ruleFindings = findings
        return MountForest(operatorRoot: root, teamRoots: builder.teamRoots, released: released)
    }

    /// One compile's output: what the operator sees, what each team sees, and the instances dropped.
    struct MountForest {
        var operatorRoot: MountNode
        var teamRoots: [String: MountNode]
        var released: [Instance]
    }
}

extension Result {
    fileprivate func failureValue() throws -> Failure {
        guard case .failure(let failure) = self else { throw CancellationError() }
        return failure
    }
}
