import MCP

/// `resources/read` and `prompts/get` with `_meta`, through the Swift SDK's public `Method` extension point: the
/// SDK's own `readResource(uri:)` and `getPrompt(name:arguments:)` (0.12.1) cannot carry `_meta`, so they cannot
/// pin a version the SEMANTICS.md way (`params._meta.fastmcp.version`).
enum PinnedReadResource: Method {
    static let name = ReadResource.name
    typealias Result = ReadResource.Result

    struct Parameters: Codable, Hashable, Sendable {
        let uri: String
        let _meta: Metadata
    }
}

enum PinnedGetPrompt: Method {
    static let name = GetPrompt.name
    typealias Result = GetPrompt.Result

    struct Parameters: Codable, Hashable, Sendable {
        let name: String
        let arguments: [String: String]
        let _meta: Metadata
    }
}
