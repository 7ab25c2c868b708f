import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

extension InteropSuite {
    /// Every replica says which builds of which providers it serves (`/readyz`), and `plugboard fleet check`
    /// compares them: a drop-in reaches every replica's listing, and two builds of one provider are found.
    @Suite("Fleet consistency", .serialized)
    struct FleetConsistencyTests {
        static func runtime(plugins: String) -> (String) -> String {
            { keyFile in
                """
                {
                  "plugin_directories": [ { "path": "${bundled}", "watch": false },
                                          { "path": "\(plugins)", "watch": true, "auto_mount": true } ],
                  "mounts": [ { "namespace": "math", "provider": "calculator" } ],
                  "transports": { "http": { "session_keys": [ { "file": "\(keyFile)" } ] } },
                  "logging": { "level": "warning" }
                }
                """
            }
        }

        static let listTools = #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"fleet","version":"1"}}}}"#
        static let listHeaders = ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"]

        static func toolNames(port: Int) -> [String] {
            let reply = HTTPTestClient(port: port).post("/mcp", listTools, headers: listHeaders)
            return reply?.json?["result", "tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        }

        static func sha256(_ path: String) async throws -> String {
            let run = try await CommandRun.run("/usr/bin/env", ["sha256sum", path])
            return String(run.stdout.prefix(64))
        }

        @Test("a provider dropped into the replicas' plugins.d reaches every replica's listing, and fleet check finds one build")
        func dropInReachesEveryReplica() async throws {
            let plugins = BuildProducts.temporaryDirectory("fleet-plugins")
            let fleet = try await ReplicaFleet.start(runtime: Self.runtime(plugins: plugins))
            defer { fleet.stop() }
            let build = try await FixtureBuilds.dropin(version: "1.0.0", into: BuildProducts.temporaryDirectory("fleet-build"))
            try FixtureBuilds.install(build, as: "dropin.so", in: plugins)
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline, !fleet.ports.allSatisfy({ Self.toolNames(port: $0).contains("dropin_ping") }) {
                try await Task.sleep(for: .milliseconds(100))
            }
            for port in fleet.ports { #expect(Self.toolNames(port: port).contains("dropin_ping"), "replica on \(port)\n\(fleet.logs)") }
            let balancer = HTTPTestClient(port: fleet.port)
            for attempt in 0..<6 {  // round-robin: every replica answers some of these
                let names = balancer.post("/mcp", Self.listTools, headers: Self.listHeaders)?.json?["result", "tools"]?.arrayValue?
                    .compactMap { $0["name"]?.stringValue } ?? []
                #expect(names.contains("dropin_ping"), "listing \(attempt) through nginx: \(names)")
            }
            let digest = try await Self.sha256(plugins + "/dropin.so")
            for port in fleet.ports {
                let ready = HTTPTestClient(port: port).send("GET", "/readyz")?.json
                let dropin = ready?["providers"]?.arrayValue?.first { $0["provider"]?.stringValue == "dropin" }
                #expect(dropin?["sha256"]?.stringValue == digest && dropin?["version"]?.stringValue == "1.0.0", "\(String(describing: ready))")
            }
            let check = try await CommandRun.run(BuildProducts.plugboard, ["fleet", "check"] + fleet.ports.map { "http://127.0.0.1:\($0)" })
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            #expect(check.stdout.contains("same      dropin: 1.0.0 sha256 \(digest) on all 3"), "\(check.stdout)")
            #expect(check.stdout.contains("all 3 replicas serve the same 2 providers"), "\(check.stdout)")
        }

        @Test("two builds of one provider across replicas are reported with each replica's digest; a replica that does not answer is named")
        func differentBuildsAreFound() async throws {
            let scratch = BuildProducts.temporaryDirectory("fleet-builds")
            var servers: [PlugboardServer] = []
            defer { for server in servers { server.stop() } }
            var digests: [String] = []
            for version in ["1.0.0", "1.0.0", "1.0.1"] {
                let plugins = BuildProducts.temporaryDirectory("fleet-plugins")
                let build = try await FixtureBuilds.dropin(version: version, into: BuildProducts.temporaryDirectory("fleet-build"))
                try FixtureBuilds.install(build, as: "dropin.so", in: plugins)
                digests.append(try await Self.sha256(plugins + "/dropin.so"))
                let config = scratch + "/runtime-\(servers.count).json"
                try Self.runtime(plugins: plugins)("unused").replacingOccurrences(of: #""session_keys": [ { "file": "unused" } ]"#, with: #""drain_delay_ms": 0"#)
                    .write(toFile: config, atomically: true, encoding: .utf8)
                servers.append(try await PlugboardServer.startHTTP(["--config", config]))
            }
            let urls = servers.map { "http://127.0.0.1:\($0.port)" }
            let differ = try await CommandRun.run(BuildProducts.plugboard, ["fleet", "check"] + urls)
            #expect(differ.status == 1, "\(differ.stdout)\(differ.stderr)")
            #expect(differ.stdout.contains("DIFFERENT dropin:"), "\(differ.stdout)")
            #expect(differ.stdout.contains("\(urls[0])  1.0.0 sha256 \(digests[0])"), "\(differ.stdout)")
            #expect(differ.stdout.contains("\(urls[2])  1.0.1 sha256 \(digests[2])"), "\(differ.stdout)")
            #expect(differ.stdout.contains("same      calculator:"), "\(differ.stdout)")
            #expect(differ.stdout.contains("1 of 2 providers differ across the replicas"), "\(differ.stdout)")

            let gone = "http://127.0.0.1:\(try LoopbackPort.free())"
            let unreachable = try await CommandRun.run(BuildProducts.plugboard, ["fleet", "check", urls[0], urls[1], gone])
            #expect(unreachable.status == 2, "\(unreachable.stdout)\(unreachable.stderr)")
            #expect(unreachable.stdout.contains("unreachable: \(gone)"), "\(unreachable.stdout)")
            #expect(unreachable.stdout.contains("2 of 3 replicas answered and agree"), "\(unreachable.stdout)")
        }
    }
}
