import PlugboardJSON

/// Walks the mount tree once for a surface: applies namespaces, filters and disable rules, groups what passes
/// by (kind, exposed identity), orders each group and renders the list pages.
struct RoutingTableCompiler {
    let surface: Surface
    let pageSize: Int

    /// A node on the way down: its namespace and its disable rules (which see identities without that namespace).
    private struct Level {
        let namespace: String?
        let disabled: [DisableRule]
    }

    /// The way from the root to a node: its levels, and the namespaces joined once for the common case
    /// of no disable rule on the way (then an identity is exposed with a single concatenation).
    private struct Path {
        var levels: [Level] = []
        var namespaces: [String] = []
        var hasRules = false
        /// `outer_inner_` for tools and prompts.
        var namePrefix = ""
        /// `outer/inner/` for URIs, inserted after `://`.
        var uriPrefix = ""

        func appending(_ node: MountNode) -> Path {
            var path = self
            // An empty namespace means no prefix, as FastMCP's `mount(server, namespace="")`.
            let namespace = node.namespace.flatMap { $0.isEmpty ? nil : $0 }
            path.levels.append(Level(namespace: namespace, disabled: node.disabled))
            path.hasRules = hasRules || !node.disabled.isEmpty
            if let namespace {
                path.namespaces.append(namespace)
                path.namePrefix += namespace + "_"
                path.uriPrefix += namespace + "/"
            }
            return path
        }
    }

    private struct Group {
        let kind: ComponentKind
        let exposedKey: String
        var candidates: [Candidate] = []
    }

    private final class State {
        var groups: [[Group]] = Array(repeating: [], count: 4)
        var groupIndex: [[String: Int]] = Array(repeating: [:], count: 4)
        var mountOrder = 0
    }

    func compile(root: MountNode, generation: UInt64) -> RoutingTable {
        let state = State()
        visit(root, path: Path(), filter: surface.filter, state: state)
        var warnings: [RoutingWarning] = []
        var identities: [[RoutedIdentity]] = []
        var pages: [[RawJSON]] = []
        for kindGroups in state.groups {
            var routed: [RoutedIdentity] = []
            routed.reserveCapacity(kindGroups.count)
            for group in kindGroups {
                let (kept, groupWarnings) = Self.order(group.candidates)
                warnings += groupWarnings
                let identity = RoutedIdentity(kind: group.kind, exposedKey: group.exposedKey, candidates: kept)
                if let divergence = ListedOutputSchema.divergence(identity) { warnings.append(divergence) }
                routed.append(identity)
            }
            pages.append(ListRenderer.pages(routed, pageSize: pageSize))
            identities.append(routed)
        }
        return RoutingTable(
            surface: surface, generation: generation, warnings: warnings, identities: identities, pages: pages)
    }

    private func visit(_ node: MountNode, path: Path, filter: VersionFilter?, state: State) {
        let path = path.appending(node)
        let filter: VersionFilter? =
            switch (filter, node.filter) {
            case (nil, nil): nil
            case (let a?, nil), (nil, let a?): a
            case (let a?, let b?): a.intersect(b)
            }
        for provider in node.providers {
            let mountOrder = state.mountOrder
            state.mountOrder += 1
            // A provider registers the versions of one identity one after another, so the previous
            // registration's exposed name and group usually serve the next one without hashing.
            var previous: (kind: ComponentKind, key: String, exposed: String, group: Int)?
            for descriptor in provider.components {
                if filter?.admits(descriptor.version) == false { continue }
                let k = RoutingTable.kindIndex(descriptor.kind)
                let exposed: String
                var group: Int?
                if !path.hasRules, let last = previous, last.kind == descriptor.kind, last.key == descriptor.key {
                    guard surfaceAllows(descriptor, identity: last.exposed, namespaces: path.namespaces) else { continue }
                    exposed = last.exposed
                    group = last.group
                } else {
                    guard let name = expose(descriptor, through: path) else { continue }
                    exposed = name
                    group = state.groupIndex[k][exposed]
                }
                let candidate = Candidate(
                    provider: provider, descriptor: descriptor, exposedKey: exposed, namespaces: path.namespaces,
                    mountOrder: mountOrder)
                if let group {
                    state.groups[k][group].candidates.append(candidate)
                } else {
                    group = state.groups[k].count
                    state.groupIndex[k][exposed] = group
                    state.groups[k].append(Group(kind: descriptor.kind, exposedKey: exposed, candidates: [candidate]))
                }
                previous = (descriptor.kind, descriptor.key, exposed, group!)
            }
        }
        for child in node.children {
            visit(child, path: path, filter: filter, state: state)
        }
    }

    /// The identity as the surface shows it, or nil when a disable rule on the way hides the registration.
    /// Namespaces apply inner first; each node's rules see the identity before its own namespace is applied.
    private func expose(_ descriptor: ComponentDescriptor, through path: Path) -> String? {
        let identity: String
        if !path.hasRules {
            identity = Self.prefixed(descriptor.key, kind: descriptor.kind, path: path)
        } else {
            guard let levelled = exposeLevelByLevel(descriptor, through: path.levels) else { return nil }
            identity = levelled
        }
        return surfaceAllows(descriptor, identity: identity, namespaces: path.namespaces) ? identity : nil
    }

    private func surfaceAllows(_ descriptor: ComponentDescriptor, identity: String, namespaces: [String]) -> Bool {
        if surface.disabled.contains(where: { $0.hides(kind: descriptor.kind, identity: identity, version: descriptor.version) }) {
            return false
        }
        return !surface.hidden.contains {
            $0.matches(kind: descriptor.kind, identity: identity, namespaces: namespaces, version: descriptor.version)
        }
    }

    /// Every namespace at once, with the prefixes the path joined: the same as applying them inner first.
    private static func prefixed(_ key: String, kind: ComponentKind, path: Path) -> String {
        guard !path.namespaces.isEmpty else { return key }
        switch kind {
        case .tool, .prompt:
            return path.namePrefix + key
        case .resource, .resourceTemplate:
            guard let range = key.firstRange(of: "://") else { return key }
            return key[..<range.upperBound] + path.uriPrefix + key[range.upperBound...]
        }
    }

    /// The slow way, when some node on the path has disable rules: each sees the identity as it stands inside
    /// that node, before the node's own namespace is applied (on the mount of a provider, the provider's own name).
    private func exposeLevelByLevel(_ descriptor: ComponentDescriptor, through levels: [Level]) -> String? {
        var identity = descriptor.key
        for level in levels.reversed() {
            for rule in level.disabled where rule.hides(kind: descriptor.kind, identity: identity, version: descriptor.version) {
                return nil
            }
            if let namespace = level.namespace {
                identity = Namespacing.apply(namespace, to: identity, kind: descriptor.kind)
            }
        }
        return identity
    }

    /// Best first: higher version, then earlier mount; versioned before unversioned. A raw version (or
    /// unversioned) that an earlier-mounted provider already serves is dropped with a warning; so is a
    /// spelling that an order-equal, higher-sorting spelling makes unreachable.
    static func order(_ candidates: [Candidate]) -> ([Candidate], [RoutingWarning]) {
        if candidates.count == 1 { return (candidates, []) }
        let sorted = candidates.sorted { a, b in
            switch (a.version, b.version) {
            case (let x?, let y?):
                if x == y { return a.mountOrder < b.mountOrder }
                return y < x
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.mountOrder < b.mountOrder
            }
        }
        var kept: [Candidate] = []
        var warnings: [RoutingWarning] = []
        for candidate in sorted {
            if let winner = kept.last(where: { $0.version?.raw == candidate.version?.raw }) {
                warnings.append(shadowWarning(candidate, by: winner, reason: "the same version is mounted earlier"))
                continue
            }
            kept.append(candidate)
        }
        guard let best = kept.first else { return (kept, warnings) }
        for candidate in kept.dropFirst() where candidate.provider !== best.provider {
            warnings.append(
                shadowWarning(candidate, by: best, reason: "a higher version (or, on a tie, an earlier mount) wins", droppedFromDefault: true))
        }
        return (kept, warnings)
    }

    private static func shadowWarning(
        _ loser: Candidate, by winner: Candidate, reason: String, droppedFromDefault: Bool = false
    ) -> RoutingWarning {
        let kind = loser.descriptor.kind
        let loserVersion = loser.descriptor.version.map { "version \($0.raw)" } ?? "unversioned"
        let winnerVersion = winner.descriptor.version.map { "version \($0.raw)" } ?? "unversioned"
        let effect =
            droppedFromDefault
            ? "requests without a pinned version get \(winnerVersion) from '\(winner.provider.info.id)'"
            : "no request can reach it"
        let message =
            "\(kind) '\(loser.exposedKey)' \(loserVersion) from '\(loser.provider.info.id)' is shadowed by "
            + "\(winnerVersion) from '\(winner.provider.info.id)' (\(reason)); \(effect)"
        return RoutingWarning(
            kind: kind, identity: loser.exposedKey,
            cause: .shadowed(provider: loser.provider.info.id, winner: winner.provider.info.id), message: message)
    }
}
