/// A set of components by what clients see: a kind, the namespace of the outermost mount they come through, their
/// exposed identity as a glob (`*` any run of characters, `?` one), and a version range. Unset parts match
/// everything. Access rules hide what such a pattern matches from callers who do not meet them.
public struct ComponentPattern: Sendable, Hashable {
    public var kind: ComponentKind?
    public var namespace: String?
    public var identity: String?
    /// `gte`/`lt`; an unversioned component is matched only by a pattern without a range.
    public var versions: VersionRange?

    public init(kind: ComponentKind? = nil, namespace: String? = nil, identity: String? = nil, versions: VersionRange? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.identity = identity
        self.versions = versions
    }

    /// `namespaces`: the mount path's namespaces, outermost first.
    public func matches(kind: ComponentKind, identity: String, namespaces: [String], version: Version?) -> Bool {
        if let wanted = self.kind, wanted != kind { return false }
        if let namespace, namespaces.first != namespace { return false }
        if let glob = self.identity, !Self.glob(glob, matches: identity) { return false }
        if let versions, !versions.isUnbounded {
            guard let version else { return false }
            return versions.matches(version)
        }
        return true
    }

    /// Whether `text` matches `pattern`, where `*` matches any run of characters and `?` any one.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var (pi, ti) = (0, 0)
        var star: Int?, resume = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                resume = ti
                pi += 1
            } else if let star {
                pi = star + 1
                resume += 1
                ti = resume
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
