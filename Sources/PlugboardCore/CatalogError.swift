/// A provider's catalog broke a registration rule. Names the plugin, the kind, the identity and the
/// registrations involved (1-based, in the provider's registration order), and says what to do.
public struct CatalogError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: String, Sendable, Hashable {
        /// The identity is versioned in some registrations and not in others.
        case mixedVersioning = "mixed_versioning"
        /// The same identity and version (or unversioned) registered twice.
        case duplicate
        /// A tool or prompt name, resource URI or template is not acceptable.
        case invalidIdentity = "invalid_identity"
        /// Some other field (resource name, prompt argument) is not acceptable.
        case invalidField = "invalid_field"
    }

    public var problem: Problem
    public var provider: String
    public var kind: ComponentKind
    public var identity: String
    /// The registrations involved, 1-based: one for a bad field, two for a conflict (first one first).
    public var registrations: [Int]
    /// The specific complaint and the way out.
    public var detail: String

    public init(
        problem: Problem, provider: String, kind: ComponentKind, identity: String, registrations: [Int], detail: String
    ) {
        self.problem = problem
        self.provider = provider
        self.kind = kind
        self.identity = identity
        self.registrations = registrations
        self.detail = detail
    }

    public var description: String {
        let which = registrations.map { "#\($0)" }.joined(separator: " and ")
        return "plugin '\(provider)': \(kind) '\(identity)' (registration \(which)): \(detail)"
    }
}
