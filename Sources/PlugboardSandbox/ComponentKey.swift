import PlugboardCore

/// A component's identity for lookups.
struct ComponentKey: Hashable {
    var kind: ComponentKind
    var key: String
    var version: String?

    init(_ descriptor: ComponentDescriptor) { (kind, key, version) = (descriptor.kind, descriptor.key, descriptor.version?.raw) }
    init(_ invocation: Invocation) { (kind, key, version) = (invocation.kind, invocation.key, invocation.version?.raw) }
}
