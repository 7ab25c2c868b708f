import Foundation
import PlugboardJSON
import Testing

extension InteropSuite {
    /// Mutated JSON-RPC of both protocol eras against the real `plugboard` (Tests/Fuzz/fuzz_jsonrpc.py, the short
    /// form): the host must answer the well-formed pings sent among the mutated messages, write nothing but JSON-RPC
    /// (stdio) or JSON and SSE of JSON (HTTP), and stay up. The script uses the standard library only; the venv's
    /// Python runs it like the other interop scripts. A failure shows the script's report: the seed, the message
    /// index, the last messages sent and the file that holds the recent ones.
    @Suite("Fuzzed JSON-RPC")
    struct Fuzz {
        static let script = InteropEnvironment.packageRoot.appendingPathComponent("Tests/Fuzz/fuzz_jsonrpc.py").path
        static let config = InteropEnvironment.packageRoot.appendingPathComponent("runtime.json").path

        /// `PLUGBOARD_FUZZ_SEED` runs another seed; the default keeps the test the same run after run.
        static var seed: String { ProcessInfo.processInfo.environment["PLUGBOARD_FUZZ_SEED"] ?? "1" }

        @Test("20,000 mutated messages over stdio: every ping answered, only JSON-RPC on stdout, a clean exit at the end of input")
        func overStdio() async throws {
            let plugboard = try InteropEnvironment.plugboard().path
            let summary = try await Self.fuzz(
                ["--count", "20000", "--seed", Self.seed, "--cwd", InteropEnvironment.packageRoot.path,
                 "--stdio", plugboard, "serve", "--config", Self.config, "--stdio"],
                what: "fuzz over stdio")
            #expect(summary["messages"]?.int64Value == 20_000, "summary: \(summary.text)")
            #expect((summary["pingsSent"]?.int64Value ?? 0) >= 400, "a ping after every 50 messages: \(summary.text)")
            #expect(summary["pingsAnswered"] == summary["pingsSent"], "summary: \(summary.text)")
        }

        @Test("5,000 mutated messages and routing headers over HTTP on /mcp, /v1/mcp and /v2/mcp: every answer JSON or SSE of JSON, every ping answered")
        func overHTTP() async throws {
            let server = try await PlugboardServer.startHTTP(["--config", Self.config])
            defer { server.stop() }
            let summary = try await Self.fuzz(
                ["--count", "5000", "--seed", Self.seed, "--http", server.url("/mcp"),
                 "--extra-path", "/v1/mcp", "--extra-path", "/v2/mcp", "--server-pid", "\(server.pid)"],
                server: server, what: "fuzz over HTTP")
            #expect(summary["messages"]?.int64Value == 5_000, "summary: \(summary.text)")
            #expect((summary["pingsSent"]?.int64Value ?? 0) >= 100, "a ping after every 50 messages: \(summary.text)")
            #expect(summary["pingsAnswered"] == summary["pingsSent"], "summary: \(summary.text)")
        }

        /// Runs the script from the package root; its summary line, or a failure with everything it reported.
        static func fuzz(_ arguments: [String], server: PlugboardServer? = nil, what: String) async throws -> JSONValue {
            let python = try InteropEnvironment.python()
            let child = try ChildProcess(python, [script] + arguments, directory: InteropEnvironment.packageRoot)
            let output = try await child.finish(within: 300)
            let serverLog = server.map { "\nplugboard's stderr (last 4000 characters):\n\($0.stderrText.suffix(4000))" } ?? ""
            guard output.status == 0 else {
                throw ChildProcess.Failure(description: """
                    \(what): `\(child.commandLine)` exited with status \(output.status):
                    \(output.stderr)
                    stdout:
                    \(output.stdout.suffix(2000))\(serverLog)
                    """)
            }
            let last = output.stdout.split(separator: "\n").last.map(String.init) ?? ""
            do {
                return try JSONParser.parse(last)
            } catch {
                throw ChildProcess.Failure(description: """
                    \(what): the script's last line is not its JSON summary (\(error)):
                    \(output.stdout.suffix(2000))
                    \(output.stderr)
                    """)
            }
        }
    }
}
