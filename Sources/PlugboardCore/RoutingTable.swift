import PlugboardJSON

/// The mount tree compiled for one surface: a dictionary from (kind, exposed identity) to its ordered
/// candidates, and the four list responses rendered to bytes. Immutable; a change compiles a new table.
public final class RoutingTable: Sendable {
    public let surface: Surface
    public let generation: UInt64
    /// Shadowed components across providers and unreachable registrations, for the load-time log.
    public let warnings: [RoutingWarning]

    /// Per kind (indexed by `kindIndex`), exposed identity -> its routes.
    let index: [[String: RoutedIdentity]]
    /// Per kind, identities in listing order (first appearance in pre-order).
    let identities: [[RoutedIdentity]]
    /// Per kind, the rendered pages.
    let pages: [[RawJSON]]

    init(
        surface: Surface, generation: UInt64, warnings: [RoutingWarning], identities: [[RoutedIdentity]],
        pages: [[RawJSON]]
    ) {
        self.surface = surface
        self.generation = generation
        self.warnings = warnings
        self.identities = identities
        self.index = identities.map { list in
            Dictionary(list.map { ($0.exposedKey, $0) }, uniquingKeysWith: { first, _ in first })
        }
        self.pages = pages
    }

    public static func compile(root: MountNode, surface: Surface, pageSize: Int = 100, generation: UInt64 = 0)
        -> RoutingTable
    {
        RoutingTableCompiler(surface: surface, pageSize: max(1, pageSize)).compile(root: root, generation: generation)
    }

    @inline(__always)
    static func kindIndex(_ kind: ComponentKind) -> Int {
        switch kind {
        case .tool: 0
        case .resource: 1
        case .resourceTemplate: 2
        case .prompt: 3
        }
    }

    /// Tools, prompts, and resources by exact URI. `version` is `params._meta.fastmcp.version`.
    public func route(_ kind: ComponentKind, _ identity: String, version: String?) -> Result<Route, RoutingError> {
        guard let routed = index[Self.kindIndex(kind)][identity] else {
            return .failure(.unknownComponent(kind: kind, identity: identity))
        }
        return routed.choose(version: version).map(\.route)
    }

    /// `resources/read`: concrete resources first, then templates in listing order.
    public func routeResource(uri: String, version: String?) -> Result<Route, RoutingError> {
        let concrete = route(.resource, uri, version: version)
        if case .failure(.unknownComponent) = concrete {} else { return concrete }
        for identity in identities[Self.kindIndex(.resourceTemplate)] {
            guard let template = identity.template, let variables = template.match(uri) else { continue }
            switch identity.choose(version: version) {
            case .failure(let error):
                return .failure(error)
            case .success(let candidate):
                var invocation = candidate.invocation
                invocation.arguments = RawJSON(.object(JSONObject(variables)))
                invocation.uri = Namespacing.strip(candidate.namespaces, fromURI: uri) ?? uri
                return .success(Route(storage: Candidate(
                    provider: candidate.provider, descriptor: candidate.descriptor, exposedKey: candidate.exposedKey,
                    invocation: invocation, namespaces: candidate.namespaces, mountOrder: candidate.mountOrder)))
            }
        }
        return .failure(.unknownComponent(kind: .resource, identity: uri))
    }

    /// Pre-rendered list pages: kind is `.tool`, `.resource`, `.resourceTemplate` or `.prompt`. The cursor is the
    /// `nextCursor` of the previous page.
    public func page(_ kind: ComponentKind, cursor: String?) -> Result<ListPage, RoutingError> {
        let kindPages = pages[Self.kindIndex(kind)]
        var number = 0
        if let cursor {
            guard let parsed = Self.pageNumber(cursor), parsed > 0, parsed < kindPages.count else {
                return .failure(.invalidCursor(cursor))
            }
            number = parsed
        }
        let next = number + 1 < kindPages.count ? Self.cursor(forPage: number + 1) : nil
        return .success(ListPage(items: kindPages[number], nextCursor: next))
    }

    /// Everything routable on this surface, identities in listing order, each identity's versions highest first.
    public func entries(_ kind: ComponentKind) -> [RoutedComponent] {
        identities[Self.kindIndex(kind)].flatMap { identity in
            identity.candidates.enumerated().map { offset, candidate in
                RoutedComponent(
                    exposedKey: candidate.exposedKey, descriptor: candidate.descriptor,
                    provider: candidate.provider, isDefault: offset == 0)
            }
        }
    }

    // Cursors are opaque to clients; a page number behind a prefix keeps them recognisable in logs.
    static func cursor(forPage number: Int) -> String { "page-\(number)" }
    static func pageNumber(_ cursor: String) -> Int? {
        guard cursor.hasPrefix("page-") else { return nil }
        return Int(cursor.dropFirst(5))
    }
}
