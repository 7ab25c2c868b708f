/// The four kinds of MCP component. Identities are per kind: a tool `foo` and a prompt `foo` are unrelated.
public enum ComponentKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case tool
    case resource
    case resourceTemplate = "resource_template"
    case prompt

    /// What identifies a component of this kind, for messages: "name", "URI", "URI template".
    public var identityLabel: String {
        switch self {
        case .tool, .prompt: "name"
        case .resource: "URI"
        case .resourceTemplate: "URI template"
        }
    }

    public var description: String {
        switch self {
        case .tool: "tool"
        case .resource: "resource"
        case .resourceTemplate: "resource template"
        case .prompt: "prompt"
        }
    }
}
