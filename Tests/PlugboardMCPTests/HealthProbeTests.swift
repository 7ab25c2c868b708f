import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// `GET /healthz` and `GET /readyz` of the real server: alive whenever it answers; ready only when every mount has
/// its provider, no provider's circuit is open, and no drain is under way.
@Suite("Health and readiness probes", .timeLimit(.minutes(2)))
struct HealthProbeTests {
    static func config(_ text: String) throws -> String {
        let directory = BuildProducts.temporaryDirectory("health")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/runtime.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func reasons(_ reply: HTTPTestClient.Reply?) -> [String] {
        reply?.json?["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test("a mount whose provider is missing: alive, but /readyz is 503 and names the mount")
    func missingProvider() async throws {
        let config = try Self.config(#"""
            {"plugin_directories":[{"path":"${bundled}","watch":false}],
             "mounts":[{"namespace":"math","provider":"calculator"},{"namespace":"gone","provider":"nosuch"}]}
            """#)
        let (server, http) = try await startHTTPServer(["--config", config])
        defer { server.process.terminate() }
        let alive = await onThread { http.send("GET", "/healthz") }
        #expect(alive?.status == 200)
        #expect(alive?.json?["status"] == .string("alive"))
        let ready = await onThread { http.send("GET", "/readyz") }
        #expect(ready?.status == 503)
        #expect(Self.reasons(ready) == ["$.mounts[1] (namespace 'gone'): its provider 'nosuch' is not loaded"])
    }

    @Test("after SIGTERM /readyz answers 503 at once while calls are still served for drain_delay_ms; then the host exits 0")
    func drainDelay() async throws {
        let config = try Self.config(#"""
            {"plugin_directories":[{"path":"${bundled}","watch":false}],
             "mounts":[{"namespace":"math","provider":"calculator"}],
             "transports":{"http":{"drain_delay_ms":2000}}}
            """#)
        let (server, http) = try await startHTTPServer(["--config", config])
        defer { if server.process.isRunning { server.process.terminate() } }
        let before = await onThread { http.send("GET", "/readyz") }
        #expect(before?.status == 200)
        #expect(before?.json?["status"] == .string("ready"))

        kill(server.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        let port = http.port
        let during = await onThread { HTTPTestClient(port: port).send("GET", "/readyz") }  // a new connection
        #expect(during?.status == 503)
        #expect(Self.reasons(during).first?.hasPrefix("draining") == true, "reasons: \(Self.reasons(during))")
        let call = await onThread {
            HTTPTestClient(port: port).post("/mcp", RoutingHeaderTests.call("math_add"), headers: [
                "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "math_add"])
        }
        #expect(call?.status == 200, "calls are still served during the delay: \(call?.text ?? "nil")")
        #expect(call?.json?["result"] != nil)

        let deadline = ContinuousClock.now + .seconds(20)
        while server.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!server.process.isRunning)
        #expect(server.process.terminationStatus == 0)
    }

    @Test("a sandboxed provider whose worker keeps dying opens its circuit, and /readyz names it")
    func openCircuit() async throws {
        let directory = BuildProducts.temporaryDirectory("health-circuit")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let hostile = try await FixtureBuilds.fixture("hostile", into: directory)
        let config = try Self.config(#"""
            {"mounts":[{"namespace":"h","file":"\#(hostile)","isolation":"sandboxed"}]}
            """#)
        let (server, http) = try await startHTTPServer(["--config", config])
        defer { server.process.terminate() }
        #expect(await onThread { http.send("GET", "/readyz") }?.status == 200)
        var opened = false
        for _ in 0..<10 where !opened {  // the default threshold is 5 deaths in a row
            _ = await onThread {
                http.post("/mcp", RoutingHeaderTests.call("h_segfault"), headers: [
                    "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "h_segfault"])
            }
            opened = await onThread { http.send("GET", "/readyz") }?.status == 503
        }
        let ready = await onThread { http.send("GET", "/readyz") }
        #expect(ready?.status == 503)
        #expect(Self.reasons(ready).contains { $0.hasPrefix("provider hostile") && $0.contains("the circuit is open") },
                "reasons: \(Self.reasons(ready))")
    }
}
