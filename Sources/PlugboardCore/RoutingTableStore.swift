import Atomics
import Synchronization

/// Holds the current routing table of every surface. Readers never block: they load one atomic reference.
/// A change compiles new tables, swaps them in, and tells observers which list kinds changed (the MCP layer
/// turns that into `notifications/*/list_changed`).
public final class RoutingTableStore: Sendable {
    /// All surfaces' tables of one generation, swapped as a whole.
    final class Snapshot: AtomicReference, Sendable {
        let byName: [String: RoutingTable]
        let byPath: [String: RoutingTable]
        let ordered: [RoutingTable]

        init(_ tables: [RoutingTable]) {
            ordered = tables
            byName = Dictionary(tables.map { ($0.surface.name, $0) }, uniquingKeysWith: { first, _ in first })
            byPath = Dictionary(tables.map { ($0.surface.path, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    private struct Writer {
        var generation: UInt64
        var root: MountNode
    }

    private let current: ManagedAtomic<Snapshot>
    private let writer: Mutex<Writer>
    /// Each observer with the surface it watches (nil: every surface, told the union of their changes).
    private let observers = Mutex<[UInt64: (surface: String?, body: @Sendable (Set<ComponentKind>) -> Void)]>([:])
    private let nextObserver = ManagedAtomic<UInt64>(0)
    public let surfaces: [Surface]
    private let pageSize: Int
    /// Views of this store that hide more (`view(hiding:)`), replaced with it.
    private let views = Mutex<[[ComponentPattern]: RoutingTableStore]>([:])
    /// A view never holds more than this many views of its own; past it, `view` gives nil (the caller refuses).
    public static let maxViews = 256

    public init(root: MountNode, surfaces: [Surface], pageSize: Int = 100) {
        self.surfaces = surfaces
        self.pageSize = pageSize
        self.current = ManagedAtomic(Snapshot(surfaces.map { RoutingTable.compile(root: root, surface: $0, pageSize: pageSize) }))
        self.writer = Mutex(Writer(generation: 0, root: root))
    }

    public func table(forSurface name: String) -> RoutingTable? {
        current.load(ordering: .acquiring).byName[name]
    }

    public func table(forPath path: String) -> RoutingTable? {
        current.load(ordering: .acquiring).byPath[path]
    }

    /// The mount tree the current tables were compiled from.
    public var root: MountNode { writer.withLock { $0.root } }

    /// The generation of the current tables: 0 at init, one more per `replaceRoot`.
    public var generation: UInt64 { current.load(ordering: .acquiring).ordered.first?.generation ?? writer.withLock { $0.generation } }

    /// Recompiles every surface, swaps the tables in, and notifies observers when some list changed.
    /// Replacements are serialized; readers keep using the old tables until the swap.
    public func replaceRoot(_ root: MountNode) {
        let changed: [String: Set<ComponentKind>] = writer.withLock { state in
            state.generation += 1
            state.root = root
            let generation = state.generation
            let tables = surfaces.map {
                RoutingTable.compile(root: root, surface: $0, pageSize: pageSize, generation: generation)
            }
            let old = current.exchange(Snapshot(tables), ordering: .acquiringAndReleasing)
            return Self.changedKindsBySurface(old: old.ordered, new: tables)
        }
        // Views follow every replacement, changed lists or not: they must never route to a provider unloaded here.
        for view in views.withLock({ Array($0.values) }) { view.replaceRoot(root) }
        guard !changed.isEmpty else { return }
        let union = changed.values.reduce(into: Set<ComponentKind>()) { $0.formUnion($1) }
        for observer in observers.withLock({ Array($0.values) }) {
            if let surface = observer.surface {
                if let kinds = changed[surface] { observer.body(kinds) }
            } else {
                observer.body(union)
            }
        }
    }

    /// The same tables with `hidden` taken out of every surface (a caller's access rules), kept current with this
    /// store: one per distinct set of patterns, made on first use. Nil past `maxViews` distinct sets.
    public func view(hiding hidden: [ComponentPattern]) -> RoutingTableStore? {
        guard !hidden.isEmpty else { return self }
        return views.withLock { views in
            if let view = views[hidden] { return view }
            guard views.count < Self.maxViews else { return nil }
            let narrowed = surfaces.map { surface in
                var surface = surface
                surface.hidden += hidden
                return surface
            }
            let view = RoutingTableStore(root: writer.withLock { $0.root }, surfaces: narrowed, pageSize: pageSize)
            views[hidden] = view
            return view
        }
    }

    /// Calls `body` after each replacement that changed some list, with the kinds whose lists changed
    /// (`.tool`, `.resource`, `.resourceTemplate`, `.prompt`). Observation lasts until the token is cancelled
    /// or released.
    public func observe(_ body: @escaping @Sendable (Set<ComponentKind>) -> Void) -> ObservationToken {
        observe(surface: nil, body)
    }

    /// `observe` for the clients of one surface: called only when that surface's lists changed, with its kinds.
    public func observe(surface: String?, _ body: @escaping @Sendable (Set<ComponentKind>) -> Void) -> ObservationToken {
        let id = nextObserver.loadThenWrappingIncrement(ordering: .relaxed)
        observers.withLock { $0[id] = (surface, body) }
        return ObservationToken { [weak self] in
            _ = self?.observers.withLock { $0.removeValue(forKey: id) }
        }
    }

    /// A surface's list changed when it renders differently (entries, versions, pages); surfaces with no change
    /// are left out.
    static func changedKindsBySurface(old: [RoutingTable], new: [RoutingTable]) -> [String: Set<ComponentKind>] {
        var changed: [String: Set<ComponentKind>] = [:]
        for (before, after) in zip(old, new) {
            let kinds = ComponentKind.allCases.filter { before.pages[RoutingTable.kindIndex($0)] != after.pages[RoutingTable.kindIndex($0)] }
            if !kinds.isEmpty { changed[after.surface.name] = Set(kinds) }
        }
        return changed
    }
}

/// Keeps an observation alive; `cancel()` or releasing the token ends it.
public final class ObservationToken: Sendable {
    private let onCancel: Mutex<(@Sendable () -> Void)?>

    init(_ onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = Mutex(onCancel)
    }

    public func cancel() {
        let body = onCancel.withLock { stored -> (@Sendable () -> Void)? in
            defer { stored = nil }
            return stored
        }
        body?()
    }

    deinit { cancel() }
}
