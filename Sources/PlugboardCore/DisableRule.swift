/// Hides components the way a filter does: by identity, optionally one kind and one version.
///
/// `identity` names a component as it stands inside the node the rule sits on: with the namespaces of the nodes
/// below applied, but not the node's own. On the mount of a provider that is the provider's own name (`calculate`
/// on the mount with namespace `math`, which clients see as `math_calculate`); on a parent mount, the names its
/// child mounts expose (`math_calculate` on a parent `api`); on a surface, the identity clients see. This is
/// what an operator writes first, and what FastMCP does when a server disables a component before it is mounted.
/// `version` matches by order-equality and never matches an unversioned component.
public struct DisableRule: Sendable, Hashable {
    /// nil: every kind.
    public var kind: ComponentKind?
    public var identity: String
    /// nil: every version, and unversioned components too.
    public var version: Version?

    public init(kind: ComponentKind? = nil, identity: String, version: Version? = nil) {
        self.kind = kind
        self.identity = identity
        self.version = version
    }

    public func hides(kind: ComponentKind, identity: String, version: Version?) -> Bool {
        if let ruleKind = self.kind, ruleKind != kind { return false }
        guard identity == self.identity else { return false }
        guard let wanted = self.version else { return true }
        guard let version else { return false }
        return wanted.orderEquals(version)
    }
}
