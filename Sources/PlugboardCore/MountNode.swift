/// A level of the mount tree: a namespace, a filter and disable rules over the providers mounted here and the
/// child nodes below. Mounts nest, outer first: a provider under `outer` then `inner` shows `outer_inner_tool`.
/// Traversal is pre-order: a node's own providers in mount order, then its children in order; that order
/// breaks ties between providers exposing the same identity and version.
public struct MountNode: Sendable {
    /// nil: no prefix.
    public var namespace: String?
    public var filter: VersionFilter?
    public var disabled: [DisableRule]
    /// Mounted directly here, in mount order.
    public var providers: [any Provider]
    public var children: [MountNode]
    /// Where the node was declared (a JSON path such as `$.mounts[0]`), for reports about its rules and filter;
    /// nil for nodes the host makes itself.
    public var origin: String?

    public init(
        namespace: String? = nil, filter: VersionFilter? = nil, disabled: [DisableRule] = [],
        providers: [any Provider] = [], children: [MountNode] = [], origin: String? = nil
    ) {
        self.origin = origin
        self.namespace = namespace
        self.filter = filter
        self.disabled = disabled
        self.providers = providers
        self.children = children
    }
}
