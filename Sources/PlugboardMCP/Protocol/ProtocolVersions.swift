/// The MCP protocol revisions this server speaks, in two eras: the handshake era (an `initialize` request fixes
/// the version for a session) and the stateless era (every request carries its version in `params._meta`).
public enum ProtocolVersions {
    public static let handshake = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
    public static let stateless = ["2026-07-28"]
    public static var all: [String] { handshake + stateless }

    /// `initialize`: the client's version when we speak it, else our newest handshake-era version.
    public static func negotiate(_ requested: String?) -> String {
        if let requested, handshake.contains(requested) { return requested }
        return handshake.last!
    }

    /// `_meta` keys of the stateless era.
    public static let protocolVersionKey = "io.modelcontextprotocol/protocolVersion"
    public static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    public static let clientInfoKey = "io.modelcontextprotocol/clientInfo"
    public static let logLevelKey = "io.modelcontextprotocol/logLevel"
    public static let serverInfoKey = "io.modelcontextprotocol/serverInfo"
}
