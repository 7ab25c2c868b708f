import PlugboardJSON

/// Walks the mount tree once for a surface: applies namespaces, filters and disable rules, groups what passes
/// by (kind, exposed identity), orders each group and renders the list pages.
struct RoutingTableCompiler {
    let surface: Surface
    let pageSize: Int

    /// A node on the way down: its namespace and its disable rules (which see identities with that namespace).
    private struct Level {
        let namespace: String?
        let disabled: [DisableRule]
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
        visit(root, levels: [], namespaces: [], filter: surface.filter, state: state)
        var warnings: [RoutingWarning] = []
        var identities: [[RoutedIdentity]] = []
        var pages: [[RawJSON]] = []
        for kindGroups in state.groups {
            var routed: [RoutedIdentity] = []
            routed.reserveCapacity(kindGroups.count)
            for group in kindGroups {
                let (kept, groupWarnings) = Self.order(group.candidates)
                warnings += groupWarnings
                routed.append(RoutedIdentity(kind: group.kind, exposedKey: group.exposedKey, candidates: kept))
            }
            pages.append(ListRenderer.pages(routed, pageSize: pageSize))
            identities.append(routed)
        }
        return RoutingTable(
            surface: surface, generation: generation, warnings: warnings, identities: identities, pages: pages)
    }

    private func visit(
        _ node: MountNode, levels: [Level], namespaces: [String], filter: VersionFilter?, state: State
    ) {
        // An empty namespace means no prefix, as FastMCP's `mount(server, namespace="")`.
        let namespace = node.namespace.flatMap { $0.isEmpty ? nil : $0 }
        let levels = levels + [Level(namespace: namespace, disabled: node.disabled)]
        let namespaces = namespace.map { namespaces + [$0] } ?? namespaces
        let filter: VersionFilter? =
            switch (filter, node.filter) {
            case (nil, nil): nil
            case (let a?, nil), (nil, let a?): a
            case (let a?, let b?): a.intersect(b)
            }
        for provider in node.providers {
            let mountOrder = state.mountOrder
            state.mountOrder += 1
            for descriptor in provider.components {
                if let filter, !filter.admits(descriptor.version) { continue }
                guard let exposed = expose(descriptor, through: levels) else { continue }
                let invocation = Invocation(
                    kind: descriptor.kind, key: descriptor.key, version: descriptor.version,
                    uri: descriptor.kind == .resource ? descriptor.key : nil)
                let candidate = Candidate(
                    provider: provider, descriptor: descriptor, exposedKey: exposed, namespaces: namespaces,
                    mountOrder: mountOrder,
                    route: Route(provider: provider, descriptor: descriptor, exposedKey: exposed, invocation: invocation))
                let k = RoutingTable.kindIndex(descriptor.kind)
                if let position = state.groupIndex[k][exposed] {
                    state.groups[k][position].candidates.append(candidate)
                } else {
                    state.groupIndex[k][exposed] = state.groups[k].count
                    state.groups[k].append(Group(kind: descriptor.kind, exposedKey: exposed, candidates: [candidate]))
                }
            }
        }
        for child in node.children {
            visit(child, levels: levels, namespaces: namespaces, filter: filter, state: state)
        }
    }

    /// The identity as the surface shows it, or nil when a disable rule on the way hides the registration.
    /// Namespaces apply inner first; each node's rules see the identity with its own namespace applied.
    private func expose(_ descriptor: ComponentDescriptor, through levels: [Level]) -> String? {
        var identity = descriptor.key
        for level in levels.reversed() {
            if let namespace = level.namespace {
                identity = Namespacing.apply(namespace, to: identity, kind: descriptor.kind)
            }
            for rule in level.disabled where rule.hides(kind: descriptor.kind, identity: identity, version: descriptor.version) {
                return nil
            }
        }
        for rule in surface.disabled where rule.hides(kind: descriptor.kind, identity: identity, version: descriptor.version) {
            return nil
        }
        return identity
    }

    /// Best first: higher version, then earlier mount; versioned before unversioned. A raw version (or
    /// unversioned) that an earlier-mounted provider already serves is dropped with a warning; so is a
    /// spelling that an order-equal, higher-sorting spelling makes unreachable.
    static func order(_ candidates: [Candidate]) -> ([Candidate], [RoutingWarning]) {
        let sorted = candidates.sorted { a, b in
            switch (a.descriptor.version, b.descriptor.version) {
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
            if let winner = kept.last(where: { $0.descriptor.version?.raw == candidate.descriptor.version?.raw }) {
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
            kind: kind, identity: loser.exposedKey, shadowedProvider: loser.provider.info.id,
            winningProvider: winner.provider.info.id, message: message)
    }
}
