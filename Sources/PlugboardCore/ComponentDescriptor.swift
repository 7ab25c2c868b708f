import PlugboardJSON

/// One registration of a component by a provider, as the provider sees it (no namespace applied).
///
/// `key` is the identity: the name of a tool or prompt, the URI of a resource, the URI template of a template.
/// `name` is the MCP `name` field: equal to `key` for tools and prompts, the resource's own (never prefixed)
/// name for resources and templates.
public struct ComponentDescriptor: Sendable, Hashable {
    public var kind: ComponentKind
    public var key: String
    public var name: String
    public var version: Version?
    public var title: String?
    public var description: String?
    /// Resources and templates: the MIME type of what a read returns.
    public var mimeType: String?
    /// Tools: a JSON Schema object for the arguments. Nil means `{"type":"object"}`.
    public var inputSchema: RawJSON?
    /// Tools: a JSON Schema object for `structuredContent`.
    public var outputSchema: RawJSON?
    /// Tools and resources: the MCP annotations object, passed through as given.
    public var annotations: RawJSON?
    /// Prompts: the arguments the prompt takes.
    public var arguments: [PromptArgument]
    /// Free-form labels, listed sorted under `_meta.fastmcp.tags`.
    public var tags: [String]
    /// The MCP `icons` array, checked by `ComponentIcons` and listed as given.
    public var icons: RawJSON?

    public init(
        kind: ComponentKind, key: String, name: String? = nil, version: Version? = nil,
        title: String? = nil, description: String? = nil, mimeType: String? = nil,
        inputSchema: RawJSON? = nil, outputSchema: RawJSON? = nil, annotations: RawJSON? = nil,
        arguments: [PromptArgument] = [], tags: [String] = [], icons: RawJSON? = nil
    ) {
        self.kind = kind
        self.key = key
        self.name = name ?? key
        self.version = version
        self.title = title
        self.description = description
        self.mimeType = mimeType
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
        self.arguments = arguments
        self.tags = tags
        self.icons = icons
    }

    /// "tool 'calculate' version 1.0" — how messages name a registration.
    public var label: String {
        var text = "\(kind) '\(key)'"
        if let version { text += " version \(version.raw)" }
        return text
    }
}

/// One argument of a prompt.
public struct PromptArgument: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var required: Bool

    public init(name: String, description: String? = nil, required: Bool = false) {
        self.name = name
        self.description = description
        self.required = required
    }
}
