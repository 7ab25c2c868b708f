/// Finds the disable rules and version filters of a mount tree that have no effect, so that an operator hears
/// of a rule that names nothing instead of finding the component still served. A rule is checked against the
/// names as they stand inside its node (DisableRule), whatever the filters; a filter, together with the filters
/// above it, against the versions of everything beneath it.
public enum RuleAudit {
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        /// The JSON path of the rule or filter (`$.mounts[0].disable[1]`).
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// One registration as named at some level of the tree.
    private struct Named {
        let kind: ComponentKind
        let identity: String
        let version: Version?
    }

    /// Every finding in the tree under `root` and on the surfaces (`surfacePaths[i]` is where `surfaces[i]` is
    /// declared; a surface without one is not checked).
    public static func findings(root: MountNode, surfaces: [Surface], surfacePaths: [String?]) -> [Finding] {
        var findings: [Finding] = []
        let everything = audit(root, above: nil, into: &findings)
        for (surface, path) in zip(surfaces, surfacePaths) {
            guard let path else { continue }
            for (index, rule) in surface.disabled.enumerated() {
                if let finding = check(rule, at: "\(path).disable[\(index)]", against: everything, level: nil) {
                    findings.append(finding)
                }
            }
            if let filter = surface.filter, let finding = check(filter, at: "\(path).filter", against: everything, above: nil) {
                findings.append(finding)
            }
        }
        return findings
    }

    /// Audits a node and the nodes below; returns everything beneath it as named inside it (before its own
    /// namespace is applied).
    private static func audit(_ node: MountNode, above: VersionFilter?, into findings: inout [Finding]) -> [Named] {
        let chain: VersionFilter? =
            switch (above, node.filter) {
            case (nil, nil): nil
            case (let a?, nil), (nil, let a?): a
            case (let a?, let b?): a.intersect(b)
            }
        var inside: [Named] = node.providers.flatMap { provider in
            provider.components.map { Named(kind: $0.kind, identity: $0.key, version: $0.version) }
        }
        for child in node.children {
            let beneath = audit(child, above: chain, into: &findings)
            let namespace = child.namespace.flatMap { $0.isEmpty ? nil : $0 }
            inside += beneath.map { named in
                guard let namespace else { return named }
                return Named(kind: named.kind, identity: Namespacing.apply(namespace, to: named.identity, kind: named.kind),
                             version: named.version)
            }
        }
        if let origin = node.origin, !inside.isEmpty {
            for (index, rule) in node.disabled.enumerated() {
                if let finding = check(rule, at: "\(origin).disable[\(index)]", against: inside, level: node.namespace) {
                    findings.append(finding)
                }
            }
            if let filter = node.filter, let finding = check(filter, at: "\(origin).filter", against: inside, above: above) {
                findings.append(finding)
            }
        }
        return inside
    }

    private static func check(_ rule: DisableRule, at path: String, against named: [Named], level namespace: String?) -> Finding? {
        if named.contains(where: { rule.hides(kind: $0.kind, identity: $0.identity, version: $0.version) }) { return nil }
        let kinds = rule.kind.map { [$0] } ?? ComponentKind.allCases
        var message = "disables \(rule.kind.map { "\($0) " } ?? "")'\(rule.identity)'"
            + (rule.version.map { " version \($0.raw)" } ?? "") + ", but nothing here matches it"
        let sameName = named.filter { kinds.contains($0.kind) && $0.identity == rule.identity }
        if !sameName.isEmpty, let wanted = rule.version {
            let versions = sameName.compactMap { $0.version?.raw }
            message += "; '\(rule.identity)' has no version \(wanted.raw) (versions: "
                + (versions.isEmpty ? "unversioned" : versions.joined(separator: ", ")) + ")"
        } else {
            let ofKind = named.filter { kinds.contains($0.kind) }
            let candidates = unique(ofKind.map(\.identity))
            if let meant = meant(rule.identity, among: ofKind, namespace: namespace) {
                message += "; did you mean '\(meant)'?"
            } else if !candidates.isEmpty {
                message += " (names here: " + candidates.prefix(8).joined(separator: ", ")
                    + (candidates.count > 8 ? ", …" : "") + ")"
            }
        }
        message += (message.hasSuffix("?") ? " " : ". ") + namingRule(namespace)
        return Finding(path: path, message: message)
    }

    /// A filter that lets no versioned registration beneath it through (unversioned ones may still pass: they
    /// are not what a version filter is written for), or that shuts out everything when all are unversioned.
    private static func check(_ filter: VersionFilter, at path: String, against named: [Named], above: VersionFilter?) -> Finding? {
        let effective = above.map { filter.intersect($0) } ?? filter
        let versioned = named.filter { $0.version != nil }
        let admitsNothing = versioned.isEmpty
            ? !effective.includeUnversioned
            : !versioned.contains(where: { effective.admits($0.version) })
        guard admitsNothing else { return nil }
        let versions = unique(versioned.compactMap(\.version).sorted { $1 < $0 }.map(\.raw))
        var message = "the filter \(describe(filter))"
        if let above { message += ", with the filters above it (\(describe(above)))," }
        message += versioned.isEmpty
            ? " admits nothing beneath it: everything there is unversioned and include_unversioned is false"
            : " admits no version of anything beneath it (versions there: \(versions.joined(separator: ", ")))"
        message += "; widen or remove it"
        return Finding(path: path, message: message)
    }

    /// The name the rule most likely meant: one that this level's namespace turns into what was written (the
    /// usual slip: the name as clients see it), one that ends in what was written, else the closest spelling.
    private static func meant(_ written: String, among candidates: [Named], namespace: String?) -> String? {
        if let namespace, !namespace.isEmpty,
           let match = candidates.first(where: { Namespacing.apply(namespace, to: $0.identity, kind: $0.kind) == written }) {
            return match.identity
        }
        // The other slip: a provider's own name where the namespaces below this level belong in front of it.
        if let match = candidates.first(where: { ($0.kind == .tool || $0.kind == .prompt) && $0.identity.hasSuffix("_" + written) }) {
            return match.identity
        }
        return Suggestion.closest(to: written, among: unique(candidates.map(\.identity)))
    }

    private static func namingRule(_ namespace: String?) -> String {
        guard let namespace, !namespace.isEmpty else {
            return "Rules here name components as clients see them, with the namespaces of the mounts below."
        }
        return "Rules on a mount name components as they stand inside it, without its own namespace '\(namespace)': "
            + "a provider's own names (tool 'name', not '\(namespace)_name'; URI 'scheme://path', not 'scheme://\(namespace)/path')."
    }

    private static func describe(_ filter: VersionFilter) -> String {
        var parts: [String] = []
        if let gte = filter.range.gte { parts.append("version_gte \(gte.raw)") }
        if let lt = filter.range.lt { parts.append("version_lt \(lt.raw)") }
        if !filter.includeUnversioned { parts.append("include_unversioned false") }
        return parts.joined(separator: ", ")
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }
}
