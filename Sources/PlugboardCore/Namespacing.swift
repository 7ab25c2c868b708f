/// How a namespace changes an identity (SEMANTICS.md "Mounting and namespaces").
public enum Namespacing {
    /// Tools and prompts `ns_name`; resources and templates `scheme://ns/rest`; a URI without `://` unchanged.
    public static func apply(_ namespace: String, to identity: String, kind: ComponentKind) -> String {
        switch kind {
        case .tool, .prompt:
            return namespace + "_" + identity
        case .resource, .resourceTemplate:
            guard let range = identity.firstRange(of: "://") else { return identity }
            return identity[..<range.upperBound] + namespace + "/" + identity[range.upperBound...]
        }
    }

    /// Applies namespaces listed outer first, so the outermost ends up first: `outer_inner_tool`.
    public static func apply(_ namespaces: [String], to identity: String, kind: ComponentKind) -> String {
        var result = identity
        for namespace in namespaces.reversed() { result = apply(namespace, to: result, kind: kind) }
        return result
    }

    /// The provider's own URI for an exposed URI: the namespace path segments after `://` removed.
    /// Returns nil when the URI does not carry those segments.
    public static func strip(_ namespaces: [String], fromURI uri: String) -> String? {
        guard !namespaces.isEmpty else { return uri }
        guard let range = uri.firstRange(of: "://") else { return uri }
        let prefix = namespaces.joined(separator: "/") + "/"
        let rest = uri[range.upperBound...]
        guard rest.hasPrefix(prefix) else { return nil }
        return String(uri[..<range.upperBound]) + rest.dropFirst(prefix.count)
    }
}
