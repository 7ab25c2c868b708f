// PlugboardProviderKit — Swift providers declared as values and closures over the C ABI in plugboard.h.
//
//     import PlugboardProviderKit
//
//     public enum Hello: PlugboardProvider {
//         public static let provider = Provider(id: "hello", version: "1.0.0", components: [
//             .tool("hello", version: "1.0", description: "Greets someone",
//                   inputSchema: #"{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}"#) { call in
//                 .text("Hello, \(try call.arguments.string("name"))!")
//             },
//         ])
//     }
//
// Conforming one type to PlugboardProvider is the whole declaration: the kit exports plugboard_entry_v1 itself and
// finds that type in the library it is linked into (Discovery.swift), so an author writes no @_cdecl and no pointer
// code. Link the kit statically into the provider's dynamic library (SwiftPM does for a library product with
// `type: .dynamic` whose target depends on it).

/// The one declaration a provider library makes: a type whose `provider` describes it. Exactly one type per library
/// may conform; the kit refuses to load a library with none or several. Declare it `public`: nothing in the library
/// names the type, so an optimized build drops an internal one, conformance and all.
public protocol PlugboardProvider {
    static var provider: Provider { get }
}

/// A whole provider: its plugin id (`[a-z0-9_-]+`), its build's version and its components.
public struct Provider: Sendable {
    public let id: String
    public let version: String
    public let components: [Component]
    let initialize: (@Sendable (Arguments) throws -> Void)?

    /// `initialize` runs once when the host loads the library, with the mount's configuration object; whatever it
    /// throws refuses the load with its message. It runs within the host's startup deadline: it must not block.
    public init(id: String, version: String, components: [Component],
                initialize: (@Sendable (_ config: Arguments) throws -> Void)? = nil) {
        self.id = id
        self.version = version
        self.components = components
        self.initialize = initialize
    }
}

/// What a handler does with one call: read `call.arguments`, return a reply or throw.
public typealias Handler = @Sendable (Call) throws -> Reply

/// One component: a tool, a resource, a resource template or a prompt. Optional text left nil is not sent. A nil
/// version registers the component unversioned; per key, version every registration or none.
public struct Component: Sendable {
    public enum Kind: UInt32, Sendable {
        case tool = 1, resource = 2, resourceTemplate = 3, prompt = 4
    }

    public var kind: Kind
    public var key: String
    public var version: String?
    public var name: String?
    public var title: String?
    public var description: String?
    public var mimeType: String?
    public var inputSchema: String?
    public var outputSchema: String?
    public var annotations: String?
    public var arguments: String?
    public var tags: String?
    public var icons: String?
    /// The handler may run concurrently with itself; without it the host serializes its calls.
    public var reentrant: Bool
    public var handler: Handler

    public init(kind: Kind, key: String, version: String? = nil, name: String? = nil, title: String? = nil,
                description: String? = nil, mimeType: String? = nil, inputSchema: String? = nil, outputSchema: String? = nil,
                annotations: String? = nil, arguments: String? = nil, tags: String? = nil, icons: String? = nil,
                reentrant: Bool = false, handler: @escaping Handler) {
        self.kind = kind
        self.key = key
        self.version = version
        self.name = name
        self.title = title
        self.description = description
        self.mimeType = mimeType
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
        self.arguments = arguments
        self.tags = tags
        self.icons = icons
        self.reentrant = reentrant
        self.handler = handler
    }

    /// A tool. Schemas and annotations are JSON text (input default `{"type":"object"}`); `tags` and `icons` are
    /// JSON arrays (icons: MCP Icon objects).
    public static func tool(_ name: String, version: String? = nil, title: String? = nil, description: String? = nil,
                            inputSchema: String? = nil, outputSchema: String? = nil, annotations: String? = nil,
                            tags: String? = nil, icons: String? = nil, reentrant: Bool = false,
                            handler: @escaping Handler) -> Component {
        Component(kind: .tool, key: name, version: version, title: title, description: description, inputSchema: inputSchema,
                  outputSchema: outputSchema, annotations: annotations, tags: tags, icons: icons, reentrant: reentrant,
                  handler: handler)
    }

    /// A resource at a fixed URI; its handler returns `.resourceText(...)` or a ReadResourceResult.
    public static func resource(_ uri: String, version: String? = nil, name: String? = nil, title: String? = nil,
                                description: String? = nil, mimeType: String? = nil, annotations: String? = nil,
                                tags: String? = nil, icons: String? = nil, reentrant: Bool = false,
                                handler: @escaping Handler) -> Component {
        Component(kind: .resource, key: uri, version: version, name: name, title: title, description: description,
                  mimeType: mimeType, annotations: annotations, tags: tags, icons: icons, reentrant: reentrant, handler: handler)
    }

    /// Resources behind an RFC 6570 URI template; the handler reads the variables from `call.arguments`.
    public static func resourceTemplate(_ uriTemplate: String, version: String? = nil, name: String? = nil,
                                        title: String? = nil, description: String? = nil, mimeType: String? = nil,
                                        tags: String? = nil, icons: String? = nil, reentrant: Bool = false,
                                        handler: @escaping Handler) -> Component {
        Component(kind: .resourceTemplate, key: uriTemplate, version: version, name: name, title: title,
                  description: description, mimeType: mimeType, tags: tags, icons: icons, reentrant: reentrant, handler: handler)
    }

    /// A prompt; `arguments` is a JSON array of {"name","description","required"}.
    public static func prompt(_ name: String, version: String? = nil, title: String? = nil, description: String? = nil,
                              arguments: String? = nil, tags: String? = nil, icons: String? = nil, reentrant: Bool = false,
                              handler: @escaping Handler) -> Component {
        Component(kind: .prompt, key: name, version: version, title: title, description: description, arguments: arguments,
                  tags: tags, icons: icons, reentrant: reentrant, handler: handler)
    }
}
