import Foundation
import Testing
import PlugboardJSON

/// One Python client over one transport, run against a fresh `plugboard` (a new stdio child or a new HTTP server),
/// returning the JSON document the script printed (see Tests/Interop/scenario.py).
struct PythonClientRun: Sendable, Hashable, CustomTestStringConvertible {
    enum Client: String, Sendable, CaseIterable {
        case mcp = "mcp"
        case fastmcpAuto = "fastmcp-auto"
        case fastmcpLegacy = "fastmcp-legacy"

        var scriptArguments: [String] {
            switch self {
            case .mcp: ["mcp_client.py"]
            case .fastmcpAuto: ["fastmcp_client.py", "--mode", "auto"]
            case .fastmcpLegacy: ["fastmcp_client.py", "--mode", "legacy"]
            }
        }
    }

    enum Transport: String, Sendable, CaseIterable {
        case stdio, http
    }

    let client: Client
    let transport: Transport

    static let all: [PythonClientRun] = Transport.allCases.flatMap { transport in
        Client.allCases.map { PythonClientRun(client: $0, transport: transport) }
    }

    var testDescription: String { "\(client.rawValue) over \(transport.rawValue)" }

    /// Runs the script; a crash or a non-JSON output fails with the script's stderr (and the server's for HTTP).
    func observe() async throws -> JSONValue {
        let python = try InteropEnvironment.python()
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
        let child = try ChildProcess(python, arguments, directory: InteropEnvironment.scriptsDirectory)
        let output = try await child.finish(within: 120)
        let serverLog = server.map { "\nplugboard's stderr:\n\($0.stderrText)" } ?? ""
        guard output.status == 0 else {
            throw ChildProcess.Failure(description: """
                \(testDescription): `\(child.commandLine)` exited with status \(output.status):
                \(output.stderr)\(serverLog)
                """)
        }
        do {
            return try JSONParser.parse(output.stdout)
        } catch {
            throw ChildProcess.Failure(description: """
                \(testDescription): the script's output is not one JSON document (\(error)):
                \(output.stdout.prefix(2000))
                """)
        }
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
