/// Hides components the way a filter does: by identity, optionally one kind and one version.
///
/// `identity` is the identity as exposed at the node the rule sits on, that is with that node's own namespace
/// and every namespace below it applied (`math_calculate` on a node with namespace `math`); on a surface it is
/// the identity clients see. `version` matches by order-equality and never matches an unversioned component.
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
