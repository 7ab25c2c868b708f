/// One way of serving the mount tree, e.g. name `v1`, path `/v1/mcp`, filter `lt 2.0`. Surfaces share the loaded
/// providers; each has its own filter and disable rules, which apply after every filter in the tree.
public struct Surface: Sendable, Hashable {
    public var name: String
    public var path: String
    public var filter: VersionFilter?
    /// Identities as clients of this surface see them.
    public var disabled: [DisableRule]
    /// What a caller's access rules hide from it (a per-principal view of a surface); empty on a surface itself.
    public var hidden: [ComponentPattern]

    public init(name: String, path: String, filter: VersionFilter? = nil, disabled: [DisableRule] = [],
                hidden: [ComponentPattern] = []) {
        self.name = name
        self.path = path
        self.filter = filter
        self.disabled = disabled
        self.hidden = hidden
    }
}
