import PlugboardJSON

/// Where a request goes: the provider, the registration it asked for, and the invocation to hand over.
/// A route is one reference to storage the table built at compile time, so a lookup copies one pointer.
public struct Route: Sendable {
    /// Also the routing table's record of a candidate (see `Candidate`): one allocation per registration.
    final class Storage: Sendable {
        let provider: any Provider
        let descriptor: ComponentDescriptor
        let exposedKey: String
        let invocation: Invocation
        /// Namespaces on the way from the surface down to the provider, outer first (to undo them on URIs).
        let namespaces: [String]
        /// Pre-order position of the provider: the earlier one wins a tie.
        let mountOrder: Int

        init(
            provider: any Provider, descriptor: ComponentDescriptor, exposedKey: String, invocation: Invocation,
            namespaces: [String] = [], mountOrder: Int = 0
        ) {
            self.provider = provider
            self.descriptor = descriptor
            self.exposedKey = exposedKey
            self.invocation = invocation
            self.namespaces = namespaces
            self.mountOrder = mountOrder
        }

        /// The registered version (the invocation carries the same).
        var version: Version? { invocation.version }
        var route: Route { Route(storage: self) }
    }

    let storage: Storage

    init(storage: Storage) { self.storage = storage }

    public var provider: any Provider { storage.provider }
    /// As the provider registered it.
    public var descriptor: ComponentDescriptor { storage.descriptor }
    /// The identity as this surface shows it (`math_calculate`, `data://math/constants`).
    public var exposedKey: String { storage.exposedKey }
    /// Key, version, URI and template variables filled in; the caller sets `arguments` (tools and prompts)
    /// before `provider.invoke`.
    public var invocation: Invocation { storage.invocation }

    public init(provider: any Provider, descriptor: ComponentDescriptor, exposedKey: String, invocation: Invocation) {
        storage = Storage(provider: provider, descriptor: descriptor, exposedKey: exposedKey, invocation: invocation)
    }

    /// Whether this route's provider sits under any namespace (if not, its URIs are already the exposed ones).
    public var isNamespaced: Bool { !storage.namespaces.isEmpty }

    /// A URI that the provider put in a result (a `resource_link`, an embedded resource, a read's contents), as
    /// the client must see it: with the namespaces of this route, when it names one of the provider's own
    /// resources or matches one of its templates; nil for any other URI (a link elsewhere is left alone).
    public func exposedURI(forProviderURI uri: String) -> String? {
        guard isNamespaced, uri.contains("://") else { return nil }
        let owned = provider.components.contains { component in
            switch component.kind {
            case .resource: component.key == uri
            case .resourceTemplate: (try? URITemplate(component.key))?.match(uri) != nil
            case .tool, .prompt: false
            }
        }
        return owned ? Namespacing.apply(storage.namespaces, to: uri, kind: .resource) : nil
    }
}

/// One page of a list response, rendered when the table was compiled.
public struct ListPage: Sendable {
    /// A JSON array of MCP list entries.
    public let items: RawJSON
    public let nextCursor: String?
}

/// Why a lookup found nothing. `message` is what the client is told (JSON-RPC -32602).
public enum RoutingError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownComponent(kind: ComponentKind, identity: String)
    case versionUnavailable(kind: ComponentKind, identity: String, requested: String, available: [String])
    case invalidCursor(String)

    public var message: String {
        switch self {
        case .unknownComponent(let kind, let identity):
            "unknown \(kind) '\(identity)'"
        case .versionUnavailable(let kind, let identity, let requested, let available):
            "\(kind) '\(identity)' has no version '\(requested)'; available: "
                + (available.isEmpty ? "none" : available.joined(separator: ", "))
        case .invalidCursor(let cursor):
            "invalid cursor '\(cursor)'; list again without a cursor"
        }
    }

    public var description: String { message }
}

/// Something worth logging about a compiled table: a component that another provider shadows, a registration no
/// request can reach, or the versions of a tool that differ in output schema.
public struct RoutingWarning: Sendable, Hashable, CustomStringConvertible {
    public enum Cause: Sendable, Hashable {
        /// `shadowed`'s registration loses to `winner`'s (provider ids).
        case shadowed(provider: String, winner: String)
        /// These versions (highest first; "unversioned" for none) declare different output schemas.
        case outputSchemasDiffer(versions: [String])
    }

    public var kind: ComponentKind
    /// The identity as the surface shows it.
    public var identity: String
    public var cause: Cause
    public var message: String

    public init(kind: ComponentKind, identity: String, cause: Cause, message: String) {
        self.kind = kind
        self.identity = identity
        self.cause = cause
        self.message = message
    }

    /// For a shadowing: the provider whose registration loses, and the one that wins.
    public var shadowedProvider: String? {
        if case .shadowed(let provider, _) = cause { provider } else { nil }
    }
    public var winningProvider: String? {
        if case .shadowed(_, let winner) = cause { winner } else { nil }
    }

    public var description: String { message }
}

/// A routable registration on a surface, for the CLI's `list` and `inspect`.
public struct RoutedComponent: Sendable {
    public let exposedKey: String
    public let descriptor: ComponentDescriptor
    public let provider: any Provider
    /// What a request without a pinned version gets.
    public let isDefault: Bool
}
