import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

extension InteropSuite {
    /// Attackers nobody should have to trust, against the real host over loopback (Tests/Interop/hostile_clients.py):
    /// each attack is bounded in time, and a well-behaved client from another address calls math_add throughout.
    /// Whatever the attack, that client is answered, correctly and quickly.
    @Suite("Hostile HTTP clients")
    struct HostileClients {
        /// Short deadlines, so an attack is seen to end within seconds; room for 1,000 streams from ten addresses.
        static let timeouts = #"""
            {"max_request_bytes":65536,"header_timeout_ms":1500,"body_timeout_ms":1500,"keep_alive_timeout_ms":5000,
             "max_connections_per_address":150,"max_sessions_per_client":128,"new_sessions_per_second_per_client":1000000}
            """#
        /// Default deadlines, a small per-address cap and a small rate of new sessions.
        static let caps = #"{"max_connections_per_address":100,"new_sessions_per_second_per_client":3}"#
        static let headerTimeout = 1.5, bodyTimeout = 1.5
        /// Generous: the well-behaved client's p99 is a few milliseconds on a quiet machine.
        static let victimP99Bound = 200.0

        static func server(limits: String) async throws -> PlugboardServer {
            let root = BuildProducts.temporaryDirectory("hostile")
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let config = root + "/runtime.json"
            try Data(#"""
                {"plugin_directories":[{"path":"${bundled}","watch":false}],
                 "mounts":[{"namespace":"math","provider":"calculator"}],
                 "transports":{"limits":\#(limits)}}
                """#.utf8).write(to: URL(fileURLWithPath: config))
            return try await PlugboardServer.startHTTP(["--config", config])
        }

        /// Runs one case; checks the well-behaved client and the server's survival; returns what the attack saw.
        static func attack(_ name: String, on server: PlugboardServer, limits: String = "{}",
                           sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
            let observed = try await PythonScript.observe(
                ["hostile_clients.py", "--url", server.url("/mcp"), "--case", name, "--limits", limits],
                server: server, what: "hostile case \(name)", within: 240)
            let victim = observed["victim"]
            print("hostile \(name): \(observed["attack"]?.text ?? "nil"); well-behaved client: \(victim?.text ?? "nil")")
            #expect(victim?["errorCount"]?.int64Value == 0, "the well-behaved client failed: \(victim?["errors"]?.text ?? "nil")",
                    sourceLocation: sourceLocation)
            #expect((victim?["requests"]?.int64Value ?? 0) > 10, "the well-behaved client kept calling", sourceLocation: sourceLocation)
            let p99 = victim?["p99_ms"]?.doubleValue ?? .infinity
            #expect(p99 < victimP99Bound, "the well-behaved client's p99 was \(p99) ms", sourceLocation: sourceLocation)
            #expect(server.isRunning, "the server survived: \(server.stderrText.suffix(2000))", sourceLocation: sourceLocation)
            return observed["attack"] ?? .null
        }

        @Test("slow headers, slow bodies, a body that stops, chunks that never end: each connection is closed by its deadline or the size limit")
        func dawdlingConnections() async throws {
            let server = try await Self.server(limits: Self.timeouts)
            defer { server.stop() }
            let limits = #"{"body_timeout_s":\#(Self.bodyTimeout)}"#

            let headers = try await Self.attack("slow_headers", on: server, limits: limits)
            #expect(headers["closed"] == headers["connections"], "every slow-header connection is closed: \(headers.text)")
            let earliest = headers["closedAfterMin_s"]?.doubleValue ?? 0, latest = headers["closedAfterMax_s"]?.doubleValue ?? .infinity
            #expect(earliest >= Self.headerTimeout * 0.9 && latest < Self.headerTimeout + 2,
                    "closed at the header timeout (\(Self.headerTimeout) s), not before: \(earliest)–\(latest) s")

            let body = try await Self.attack("slow_body", on: server, limits: limits)
            #expect(body["closed"] == body["connections"], "a pause longer than the body timeout closes: \(body.text)")

            let stopped = try await Self.attack("length_then_silence", on: server, limits: limits)
            #expect(stopped["closed"] == stopped["connections"], "a body that stops short is closed: \(stopped.text)")
            #expect((stopped["seconds"]?.doubleValue ?? .infinity) < Self.bodyTimeout + 2)

            let chunks = try await Self.attack("endless_chunks", on: server, limits: limits)
            #expect(chunks["floodAnswers"]?.arrayValue?.allSatisfy { $0 == .int(413) } == true,
                    "chunks past max_request_bytes are answered 413: \(chunks["floodAnswers"]?.text ?? "nil")")
            #expect(chunks["stalledClosed"] == chunks["stalled"], "chunked bodies that stall are closed: \(chunks.text)")
        }

        @Test("20,000 initialize requests from one address: the host holds at most max_sessions_per_client of them, every id still serves, and a newcomer from another address initializes")
        func sessionFlood() async throws {
            let server = try await Self.server(limits: Self.timeouts)
            defer { server.stop() }
            let flood = try await Self.attack("session_flood", on: server, limits: #"{"initializes":20000}"#)
            #expect(flood["statuses"] == .object(["200": .int(20_000)]), "each initialize is served: \(flood.text)")
            #expect(flood["newcomerStatus"] == .int(200) && flood["newcomerSession"] == .bool(true))
            // Sessions past the bound leave memory only: the id carries the session, so it is opened again.
            #expect(flood["oldestSessionPing"] == .int(200), "the oldest id is opened again from its seal")
            #expect(flood["newestSessionPing"] == .int(200))
            let held = Self.sessionsHeld(port: server.port)
            // The flooder's 128 at most, and the newcomer's one.
            #expect(held != nil && held! <= 129, "the host holds at most max_sessions_per_client (128) of the flooder's: \(String(describing: held))")
        }

        /// The `plugboard_http_sessions_open` gauge of the host on `port`.
        static func sessionsHeld(port: Int) -> Double? {
            let metrics = HTTPTestClient(port: port).send("GET", "/metrics")?.text ?? ""
            guard let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix("plugboard_http_sessions_open") }),
                  let value = line.split(separator: " ").last else { return nil }
            return Double(String(value))
        }

        @Test("1,000 GET streams held open from ten addresses do not slow anyone else")
        func heldStreams() async throws {
            let server = try await Self.server(limits: Self.timeouts)
            defer { server.stop() }
            let streams = try await Self.attack("get_streams", on: server, limits: #"{"per_address":100}"#)
            #expect(streams["statuses"] == .object(["200": .int(1_000)]), "every stream opened: \(streams.text)")
        }

        @Test("past the per-address cap, connections are answered 429 at once with the limit named; past the session rate, initialize gets 429 with Retry-After")
        func capsAndRates() async throws {
            let server = try await Self.server(limits: Self.caps)
            defer { server.stop() }
            let flood = try await Self.attack("connection_flood", on: server, limits: #"{"connections":3000}"#)
            #expect(flood["answers"] == .object(["held": .int(100), "429": .int(2_900)]) ||
                    flood["answers"] == .object(["429": .int(2_900), "held": .int(100)]),
                    "100 held (the cap), the rest refused: \(flood["answers"]?.text ?? "nil")")
            let refusal = flood["refusalBodies"]?.arrayValue?.first?.stringValue.flatMap { try? JSONParser.parse(Array($0.utf8)) }
            #expect(refusal?["error", "data", "quota"] == .string("max_connections_per_address"))
            #expect(refusal?["error", "data", "limit"] == .int(100))

            let rate = try await Self.attack("session_rate", on: server, limits: #"{"initializes":6}"#)
            let answers = rate["answers"]?.arrayValue ?? []
            #expect(answers.map { $0["status"] } == [.int(200), .int(200), .int(200), .int(429), .int(429), .int(429)],
                    "a burst of one second's worth (3), then 429: \(rate.text)")
            for refused in answers.dropFirst(3) {
                #expect(refused["retryAfter"] == .string("1"))
                #expect(refused["error", "data", "quota"] == .string("new_sessions_per_second_per_client"))
            }
            #expect(rate["otherClientStatus"] == .int(200), "another client is not held to the flooder's rate")
        }
    }
}
