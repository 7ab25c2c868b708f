import PlugboardJSON

/// A provider whose components run as Swift closures: the host's built-in components, and tests.
public final class InMemoryProvider: Provider {
    public typealias Handler = @Sendable (Invocation, InvocationContext) async throws(InvocationError) -> [UInt8]

    /// One component and what runs it.
    public struct Registration: Sendable {
        public var descriptor: ComponentDescriptor
        public var handler: Handler

        public init(_ descriptor: ComponentDescriptor, handler: @escaping Handler) {
            self.descriptor = descriptor
            self.handler = handler
        }
    }

    private struct HandlerKey: Hashable {
        let kind: ComponentKind
        let key: String
        let version: String?
    }

    public let info: ProviderInfo
    public let components: [ComponentDescriptor]
    private let handlers: [HandlerKey: Handler]

    /// Checks the catalog with `CatalogRules`, as a loader would, so a bad registration fails here.
    public init(info: ProviderInfo, registrations: [Registration]) throws(CatalogError) {
        let descriptors = registrations.map(\.descriptor)
        try CatalogRules.validate(descriptors, provider: info.id)
        self.info = info
        self.components = descriptors
        var handlers: [HandlerKey: Handler] = [:]
        for registration in registrations {
            let d = registration.descriptor
            handlers[HandlerKey(kind: d.kind, key: d.key, version: d.version?.raw)] = registration.handler
        }
        self.handlers = handlers
    }

    /// A built-in provider: `builtin:ID` as its origin.
    public convenience init(id: String, version: String = "0", registrations: [Registration]) throws(CatalogError) {
        try self.init(info: ProviderInfo(id: id, version: version, origin: "builtin:\(id)"), registrations: registrations)
    }

    public func invoke(_ invocation: Invocation, context: InvocationContext) async throws(InvocationError) -> [UInt8] {
        let key = HandlerKey(kind: invocation.kind, key: invocation.key, version: invocation.version?.raw)
        guard let handler = handlers[key] else {
            let version = invocation.version.map { " version \($0.raw)" } ?? ""
            throw InvocationError(
                .notFound, "provider '\(info.id)' has no \(invocation.kind) '\(invocation.key)'\(version)")
        }
        try Task.checkCancellation(orThrow: InvocationError(.cancelled, "cancelled before \(invocation.kind) '\(invocation.key)' ran"))
        return try await handler(invocation, context)
    }
}

extension Task where Success == Never, Failure == Never {
    /// Typed-throws form of `checkCancellation`.
    static func checkCancellation(orThrow error: InvocationError) throws(InvocationError) {
        if Task.isCancelled { throw error }
    }
}
