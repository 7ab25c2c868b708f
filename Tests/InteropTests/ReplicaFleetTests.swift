import Foundation
import MCP
import PlugboardJSON
import PlugboardTestSupport
import Synchronization
import Testing

extension InteropSuite {
    /// Three replicas behind nginx with plain round-robin: every client works through the balancer, a session
    /// opened on one replica is served by the others, and the fleet rides out a drain and a SIGKILL under load.
    @Suite("Replicas behind a load balancer", .serialized)
    struct ReplicaFleetTests {
        /// The bundled deployment; the notes live in a file all replicas share, as a stateful provider's state must.
        /// With `redis`, the replicas share it (`fleet`): cancels reach the replica that runs the call.
        static func runtime(directory: URL, drainMilliseconds: Int = 0, redis: String? = nil) -> (String) -> String {
            let notes = directory.appendingPathComponent("notes-\(UUID().uuidString).jsonl").path
            return { keyFile in
                """
                {
                  "plugin_directories": [ { "path": "${bundled}", "watch": false } ],
                  "mounts": [ { "namespace": "math", "provider": "calculator" },
                              { "namespace": "notes", "provider": "notes", "config": { "file": "\(notes)" } },
                              { "namespace": "hello", "provider": "greeter" } ],
                  "surfaces": [ { "name": "mcp", "path": "/mcp" },
                                { "name": "v1", "path": "/v1/mcp", "filter": { "version_lt": "2.0" } },
                                { "name": "v2", "path": "/v2/mcp", "filter": { "version_gte": "2.0" } } ],
                  "transports": { "http": { "session_keys": [ { "file": "\(keyFile)" } ], "drain_delay_ms": \(drainMilliseconds) } },
                  \(redis.map { #""fleet": { "redis": { "url": "\#($0)" } },"# } ?? "")
                  "logging": { "level": "warning" }
                }
                """
            }
        }

        static var scratch: URL { FileManager.default.temporaryDirectory }

        @Test("through nginx and three replicas, each Python client runs the whole interop scenario",
              arguments: [PythonClientRun.Client.mcp, .fastmcpAuto, .fastmcpLegacy])
        func pythonClients(client: PythonClientRun.Client) async throws {
            let redis = try RedisServer()  // cancels cross replicas through it
            let fleet = try await ReplicaFleet.start(runtime: Self.runtime(directory: Self.scratch, redis: redis.url))
            defer { fleet.stop() }
            let run = PythonClientRun(client: client, transport: .http)
            let observation = try await PythonScript.observe(
                client.scriptArguments + ["--surface-url", "v1=\(fleet.url("/v1/mcp"))", "--surface-url", "v2=\(fleet.url("/v2/mcp"))",
                                          "--http", fleet.url("/mcp")],
                what: "\(run.testDescription) through nginx and three replicas")
            // A handshake-era session's cancel may reach a replica other than the one running the call; the fleet's
            // Redis carries it there.
            ScenarioExpectations.check(observation, run)
            #expect(try Self.replicasThatServedCalls(fleet) == 3, "round-robin reached every replica\n\(fleet.logs)")
            // The cancelled call ended as cancelled on the replica that ran it, wherever its cancel arrived.
            #expect(Self.cancelledCalls(fleet) >= 1, "no replica counted a cancelled tools/call\n\(fleet.logs)")
        }

        @Test("through nginx and three replicas, the Swift SDK client lists, calls, pins, reads and prompts")
        func swiftSDKClient() async throws {
            let fleet = try await ReplicaFleet.start(runtime: Self.runtime(directory: Self.scratch))
            defer { fleet.stop() }
            let client = Client(name: "plugboard-fleet", version: "1.0")
            try await client.connect(transport: HTTPClientTransport(endpoint: URL(string: fleet.url("/mcp"))!, streaming: false))
            try await SwiftSDKClient.exercise(client, serverLog: { fleet.logs })
            await client.disconnect()
        }

        @Test("a session opened through the balancer is served by every replica, each asked directly")
        func sessionServedByEveryReplica() async throws {
            let fleet = try await ReplicaFleet.start(runtime: Self.runtime(directory: Self.scratch))
            defer { fleet.stop() }
            let balancer = HTTPTestClient(port: fleet.port)
            let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"fleet","version":"1"}}}"#
            let session = try #require(balancer.post("/mcp", initialize)?.headers["mcp-session-id"])
            for (index, port) in fleet.ports.enumerated() {
                let direct = HTTPTestClient(port: port)
                let reply = direct.post("/mcp", LoadDriver.legacyCall(id: index), headers: ["Mcp-Session-Id": session])
                #expect(reply?.status == 200, "replica \(index)")
                #expect(reply?.json?["result", "structuredContent", "result"]?.doubleValue == 5, "replica \(index)")
            }
        }

        @Test("under steady load, one replica drains and restarts and another is killed: stateless calls and sessions go on")
        func drainAndKillUnderLoad() async throws {
            let fleet = try await ReplicaFleet.start(runtime: Self.runtime(directory: Self.scratch, drainMilliseconds: 500))
            defer { fleet.stop() }
            let driver = LoadDriver(port: fleet.port)
            let load = Task { await driver.run(stateless: 4, sessions: 4) }
            try await Task.sleep(for: .seconds(1.5))
            let drained = try await fleet.terminate(0)
            #expect(drained == 0, "a drained replica exits cleanly\n\(fleet.logs)")
            try await fleet.restart(0)
            try await Task.sleep(for: .seconds(1.5))
            try await fleet.kill9(1)
            try await Task.sleep(for: .seconds(1.5))
            try await fleet.restart(1)
            try await Task.sleep(for: .seconds(1.5))
            driver.stop()
            let tally = await load.value
            print("fleet under load: \(tally.description)")
            #expect(tally.stateless.ok > 200 && tally.sessions.ok > 200, "\(tally.description)")
            #expect(tally.stateless.failed == 0, "stateless calls that failed: \(tally.stateless.failures)\n\(fleet.logs)")
            #expect(tally.sessions.failed == 0, "session calls that failed: \(tally.sessions.failures)\n\(fleet.logs)")
        }

        /// The tools/call requests the replicas' metrics count as cancelled (no answer sent), all replicas together.
        static func cancelledCalls(_ fleet: ReplicaFleet) -> Int {
            fleet.ports.reduce(0) { total, port in
                let metrics = HTTPTestClient(port: port).send("GET", "/metrics")?.text ?? ""
                return total + metrics.split(separator: "\n").filter { line in
                    line.hasPrefix("mcp_server_operation_duration_seconds_count") && line.contains("tools/call")
                        && line.contains(#"outcome="cancelled""#)
                }.compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
            }
        }

        /// How many replicas answered at least one tools/call, from each replica's own metrics.
        static func replicasThatServedCalls(_ fleet: ReplicaFleet) throws -> Int {
            fleet.ports.filter { port in
                let metrics = HTTPTestClient(port: port).send("GET", "/metrics")?.text ?? ""
                return metrics.split(separator: "\n").contains { line in
                    line.hasPrefix("mcp_server_operation_duration_seconds_count") && line.contains("tools/call")
                        && !line.hasSuffix(" 0")
                }
            }.count
        }
    }
}

/// Clients calling `math_add` in a loop through the balancer until stopped, each on a thread of its own: some
/// stateless (2026-07-28, no session), some in a handshake-era session each. Every failure is kept with its reason.
final class LoadDriver: Sendable {
    struct Count: Sendable {
        var ok = 0
        var failures: [String] = []
        var failed: Int { failures.count }
    }
    struct Tally: Sendable {
        var stateless = Count()
        var sessions = Count()
        var description: String {
            "stateless \(stateless.ok) ok, \(stateless.failed) failed; sessions \(sessions.ok) ok, \(sessions.failed) failed"
        }
    }

    let port: Int
    private let stopped = Atomic<Bool>(false)

    init(port: Int) { self.port = port }

    func stop() { stopped.store(true, ordering: .relaxed) }

    static func legacyCall(id: Int) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"math_add","arguments":{"a":2,"b":3}}}"#
    }

    static func statelessCall(id: Int) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"math_add","arguments":{"a":2,"b":3},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"load","version":"1"}}}}"#
    }

    static let statelessHeaders = ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "math_add"]

    func run(stateless: Int, sessions: Int) async -> Tally {
        await withTaskGroup(of: (Bool, Count).self) { group in
            for index in 0..<(stateless + sessions) {
                let isStateless = index < stateless
                group.addTask { (isStateless, await onOwnThread { self.loop(stateless: isStateless) }) }
            }
            var tally = Tally()
            for await (isStateless, count) in group {
                if isStateless {
                    tally.stateless.ok += count.ok
                    tally.stateless.failures += count.failures
                } else {
                    tally.sessions.ok += count.ok
                    tally.sessions.failures += count.failures
                }
            }
            return tally
        }
    }

    private func loop(stateless: Bool) -> Count {
        var count = Count()
        let client = HTTPTestClient(port: port)
        var headers = stateless ? Self.statelessHeaders : [:]
        if !stateless {
            let initialize = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"load","version":"1"}}}"#
            guard let session = client.post("/mcp", initialize)?.headers["mcp-session-id"] else {
                count.failures.append("initialize failed")
                return count
            }
            headers["Mcp-Session-Id"] = session
        }
        var id = 1
        while !stopped.load(ordering: .relaxed) {
            let body = stateless ? Self.statelessCall(id: id) : Self.legacyCall(id: id)
            let reply = client.post("/mcp", body, headers: headers)
            if reply?.status == 200, reply?.json?["result", "structuredContent", "result"]?.doubleValue == 5 {
                count.ok += 1
            } else {
                count.failures.append(reply.map { "HTTP \($0.status): \($0.text.prefix(200))" } ?? "no reply")
            }
            id += 1
        }
        return count
    }
}

/// Blocking socket work on a thread of its own, off the cooperative pool.
private func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
