import ArgumentParser
import Logging
import PlugboardCore
import PlugboardJSON
import PlugboardMCP

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the mounted providers over MCP (stdio or Streamable HTTP).",
        discussion: """
            Examples:
              plugboard serve --stdio
              plugboard serve --stdio --surface v1
              plugboard serve --http 127.0.0.1:8000      (surfaces at /mcp, /v1/mcp, /v2/mcp)
            """)

    @Flag(help: "Speak MCP over stdin/stdout (one JSON-RPC message per line; logs go to stderr).")
    var stdio = false

    @Option(help: ArgumentHelp("Serve Streamable HTTP on this loopback address.", valueName: "host:port"))
    var http: String?

    @Option(help: "The surface stdio serves: mcp (everything), v1 (versions below 2.0) or v2 (2.0 and above).")
    var surface = "mcp"

    @Flag(help: "Also mount the built-in diagnostics provider as 'diag' (echo, slow, fail, greet…).")
    var diagnostics = false

    @Option(help: "Largest message accepted, in bytes.")
    var maxMessageBytes = 4 << 20

    @Option(help: "Deepest JSON nesting accepted.")
    var maxDepth = 64

    @Option(help: "Entries per page of tools/list and the other lists.")
    var pageSize = 100

    @Option(help: "HTTP: end a session after this many seconds without requests.")
    var sessionIdleTimeout = 1800

    func validate() throws {
        guard stdio != (http != nil) else { throw ValidationError("choose exactly one of --stdio or --http HOST:PORT") }
        if let http, HTTPAddress(http) == nil {
            throw ValidationError("--http expects HOST:PORT on a loopback address, e.g. 127.0.0.1:8000 (got '\(http)')")
        }
        guard DefaultDeployment.surfaces().contains(where: { $0.name == surface }) else {
            throw ValidationError("unknown surface '\(surface)'; use one of "
                + DefaultDeployment.surfaces().map(\.name).joined(separator: ", "))
        }
        guard maxMessageBytes > 0, maxDepth > 0, sessionIdleTimeout > 0, pageSize > 0 else {
            throw ValidationError("limits and timeouts must be positive")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "plugboard")
        let root = DefaultDeployment.root(diagnostics: diagnostics) { logger.warning("\($0)") }
        let store = RoutingTableStore(root: root, surfaces: DefaultDeployment.surfaces(), pageSize: pageSize)
        let server = MCPServer(store: store, configuration: .init(
            limits: JSONParser.Limits(maxDepth: maxDepth, maxBytes: maxMessageBytes)))
        if stdio {
            await StdioTransport.run(server: server, surface: surface, logger: logger)
        } else if let http, let address = HTTPAddress(http) {
            try await HTTPTransport(server: server, host: address.host, port: address.port, logger: logger,
                                    sessionIdleTimeout: .seconds(sessionIdleTimeout)).run()
        }
    }
}

/// HOST:PORT, loopback only (the server is not meant to face a network without a proxy in front).
struct HTTPAddress {
    let host: String
    let port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard host == "127.0.0.1" || host == "::1" || host == "localhost" else { return nil }
        self.host = host
        self.port = port
    }
}
