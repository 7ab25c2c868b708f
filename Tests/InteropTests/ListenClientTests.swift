import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

extension InteropSuite {
    /// `subscriptions/listen` (2026-07-28) through the official Python SDK's `Client.listen`, against the real
    /// `plugboard` watching a plugin directory: a provider copied into it reaches the stream as a tools change.
    @Suite("subscriptions/listen through mcp.Client")
    struct ListenClient {
        /// A directory the host watches (auto-mounted drop-ins) beside the bundled calculator, its config, and
        /// the drop-in provider to copy in.
        struct Deployment {
            let config: String
            let watched: String
            let provider: String

            static func make() async throws -> Deployment {
                let root = BuildProducts.temporaryDirectory("listen")
                let watched = root + "/plugins.d", builds = root + "/builds"
                for directory in [watched, builds] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
                let config = root + "/runtime.json"
                try Data(#"""
                    {"plugin_directories":[{"path":"${bundled}","watch":false},{"path":"plugins.d","watch":true,"auto_mount":true}],
                     "mounts":[{"namespace":"math","provider":"calculator"}]}
                    """#.utf8).write(to: URL(fileURLWithPath: config))
                let built = try await FixtureBuilds.dropin(version: "1.0", into: builds)
                let provider = builds + "/dropin.so"
                try FileManager.default.moveItem(atPath: built, toPath: provider)
                return Deployment(config: config, watched: watched, provider: provider)
            }

            var scriptArguments: [String] { ["listen_client.py", "--drop", provider, "--into", watched] }
        }

        @Test("a stateless client on /mcp hears of a provider copied into plugins.d within a second; SIGTERM ends the stream with its result")
        func overHTTP() async throws {
            let deployment = try await Deployment.make()
            let server = try await PlugboardServer.startHTTP(["--config", deployment.config])
            defer { server.stop() }
            let observed = try await PythonScript.observe(
                deployment.scriptArguments + ["--terminate", "\(server.pid)", "--http", server.url("/mcp")],
                server: server, what: "listen over HTTP")
            expectTheChangeWasHeard(observed)
            #expect(observed["end"]?.stringValue == "graceful", "the drain sends the listen result: \(observed["end"]?.text ?? "nil")")
            #expect(observed["eventsAfterTerminate"]?.arrayValue?.isEmpty == true)
            #expect(try await server.exitStatus(within: 20) == 0, "the server drains and exits: \(server.stderrText)")
        }

        @Test("the same over stdio")
        func overStdio() async throws {
            let deployment = try await Deployment.make()
            let plugboard = try InteropEnvironment.plugboard().path
            let observed = try await PythonScript.observe(
                deployment.scriptArguments + ["--stdio", plugboard, "serve", "--config", deployment.config, "--stdio"],
                what: "listen over stdio")
            expectTheChangeWasHeard(observed)
        }

        func expectTheChangeWasHeard(_ observed: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(observed["protocolVersion"]?.stringValue == "2026-07-28", sourceLocation: sourceLocation)
            // Resource updates were asked for but cannot happen (providers do not announce them): not honoured.
            #expect(observed["honored"] == .object(["promptsListChanged": .bool(true), "toolsListChanged": .bool(true)]),
                    "acknowledged kinds: \(observed["honored"]?.text ?? "nil")", sourceLocation: sourceLocation)
            #expect(observed["event"]?.stringValue == "ToolsListChanged", sourceLocation: sourceLocation)
            let seconds = observed["secondsToEvent"]?.doubleValue ?? .infinity
            #expect(seconds < 1.0, "the change arrived \(seconds) s after the copy", sourceLocation: sourceLocation)
            #expect(observed["toolsBefore"]?.strings == ["math_add", "math_calculate"], sourceLocation: sourceLocation)
            #expect(observed["toolsAfter"]?.strings == ["dropin_ping", "math_add", "math_calculate"], sourceLocation: sourceLocation)
        }
    }
}
