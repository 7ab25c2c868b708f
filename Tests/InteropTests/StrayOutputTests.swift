import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

extension InteropSuite {
    /// A provider served in process shares the host's descriptors; what it prints must not reach the client's
    /// stdio stream, and what it reads from stdin must not be the client's bytes.
    @Suite("Stray output of in-process providers")
    struct StrayOutput {
        @Test("a provider printing from init, describe, a handler and its own thread leaves the stdio stream pure JSON-RPC; its lines are in the host's log")
        func printingProviderOverStdio() async throws {
            let root = BuildProducts.temporaryDirectory("stray-output")
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            _ = try await FixtureBuilds.fixture("stray_output", into: root)
            let config = root + "/runtime.json"
            try Data(#"""
                {"plugin_directories":[{"path":".","watch":false}],
                 "mounts":[{"namespace":"stray","provider":"stray","isolation":"in-process"}]}
                """#.utf8).write(to: URL(fileURLWithPath: config))
            let plugboard = try InteropEnvironment.plugboard().path
            let observed = try await PythonScript.observe(
                ["stray_output_client.py", plugboard, "serve", "--config", config, "--stdio"], what: "stray output over stdio")

            #expect(observed["unparsed"]?.arrayValue?.isEmpty == true,
                    "the client met lines that are not JSON-RPC: \(observed["unparsed"]?.text ?? "nil")")
            #expect(observed["tools"]?.strings == ["stray_chat", "stray_read_stdin"])
            #expect(observed["answers"]?.strings == Array(repeating: "chatted", count: 5) + ["read 0 bytes from stdin", "chatted"],
                    "answers: \(observed["answers"]?.text ?? "nil")")
            #expect(observed["stdinBytes"]?.int64Value == 0, "descriptor 0 of the host reads as /dev/null")
            #expect(observed["pings"]?.int64Value == 10)

            let log = observed["serverLog"]?.stringValue ?? ""
            for place in ["init", "describe", "handler", "thread"] {
                for way in ["printf", "write"] {
                    #expect(log.contains("stdout of an in-process provider (not sent to the client): STRAY-\(place) \(way)"),
                            "the host's log holds the provider's '\(way)' from \(place):\n\(log.suffix(3000))")
                }
            }
        }
    }
}
