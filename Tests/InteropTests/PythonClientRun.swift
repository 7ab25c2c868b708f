import Foundation
import Testing
import PlugboardJSON

/// One Python client over one transport, run against a fresh `plugboard` (a new stdio child or a new HTTP server),
/// returning the JSON document the script printed (Tests/Interop/scenario.py for the MCP clients,
/// Tests/Interop/framework_scenario.py for the agent frameworks built on them).
struct PythonClientRun: Sendable, Hashable, CustomTestStringConvertible {
    enum Client: String, Sendable, CaseIterable {
        case mcp = "mcp"
        case fastmcpAuto = "fastmcp-auto"
        case fastmcpLegacy = "fastmcp-legacy"
        case langchain = "langchain-mcp-adapters"
        case pydanticAI = "pydantic-ai"

        /// The MCP clients run the full scenario; the agent frameworks hand applications answers rather than wire
        /// results and mostly cannot send `_meta`, so they run the framework scenario.
        static let protocolClients: [Client] = [.mcp, .fastmcpAuto, .fastmcpLegacy]
        static let frameworks: [Client] = [.langchain, .pydanticAI]

        var scriptArguments: [String] {
            switch self {
            case .mcp: ["mcp_client.py"]
            case .fastmcpAuto: ["fastmcp_client.py", "--mode", "auto"]
            case .fastmcpLegacy: ["fastmcp_client.py", "--mode", "legacy"]
            case .langchain: ["langchain_client.py"]
            case .pydanticAI: ["pydantic_ai_client.py"]
            }
        }

        /// langchain-mcp-adapters needs mcp 1.x, so scripts/bootstrap gives it a venv of its own inside .venv.
        var venv: String {
            self == .langchain ? ".venv/langchain" : ".venv"
        }
    }

    enum Transport: String, Sendable, CaseIterable {
        case stdio, http
    }

    let client: Client
    let transport: Transport

    /// The MCP clients over both transports.
    static let all: [PythonClientRun] = runs(of: Client.protocolClients)
    /// The agent frameworks over both transports.
    static let frameworks: [PythonClientRun] = runs(of: Client.frameworks)

    static func runs(of clients: [Client]) -> [PythonClientRun] {
        Transport.allCases.flatMap { transport in clients.map { PythonClientRun(client: $0, transport: transport) } }
    }

    var testDescription: String { "\(client.rawValue) over \(transport.rawValue)" }

    /// Runs the script; a crash or a non-JSON output fails with the script's stderr (and the server's for HTTP).
    func observe() async throws -> JSONValue {
        let plugboard = try InteropEnvironment.plugboard()
        var server: PlugboardServer?
        defer { server?.stop() }
        var arguments = client.scriptArguments
        switch transport {
        case .stdio:
            arguments += ["--stdio", plugboard.path, "serve", "--stdio"]
        case .http:
            let http = try await PlugboardServer.startHTTP()
            server = http
            arguments += ["--surface-url", "v1=\(http.url("/v1/mcp"))", "--surface-url", "v2=\(http.url("/v2/mcp"))",
                          "--http", http.url("/mcp")]
        }
        return try await PythonScript.observe(arguments, venv: client.venv, server: server, what: testDescription)
    }
}

/// Each run happens once per test process: the per-client checks and the cross-client agreement test share it.
actor ObservationStore {
    static let shared = ObservationStore()
    private var runs: [PythonClientRun: Task<JSONValue, Error>] = [:]

    func observation(_ run: PythonClientRun) async throws -> JSONValue {
        if let task = runs[run] { return try await task.value }
        let task = Task { try await run.observe() }
        runs[run] = task
        return try await task.value
    }
}
