import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Synchronization
import Testing

extension InteropSuite {
    /// A team's quota kept in Redis holds for the fleet: three replicas behind nginx serve a flooding team at its
    /// rate in total, not three times it; a Redis that is gone is counted, and handled as configured.
    @Suite("Quotas across replicas", .serialized)
    struct FleetQuotaTests {
        static let rate = 20

        static func runtime(redis: String, onUnavailable: String = "fail_open", token: Token) -> (String) -> String {
            { keyFile in
                """
                {
                  "plugin_directories": [ { "path": "${bundled}", "watch": false } ],
                  "mounts": [ { "namespace": "math", "provider": "calculator" } ],
                  "teams": [ { "name": "flood", "namespaces": ["math"], "tokens": [ \(token.entry) ],
                               "quotas": { "calls_per_second": \(rate), "max_rate_wait_ms": 0 } } ],
                  "fleet": { "redis": { "url": "\(redis)", "timeout_ms": 200 }, "quotas": { "on_unavailable": "\(onUnavailable)" } },
                  "transports": { "http": { "session_keys": [ { "file": "\(keyFile)" } ] } },
                  "metrics": { "enabled": true },
                  "logging": { "level": "warning" }
                }
                """
            }
        }

        @Test("a team flooding at 5R through nginx and three replicas is served at about R")
        func floodAcrossReplicas() async throws {
            let redis = try RedisServer()
            let token = try await Token.mint(team: "flood")
            let fleet = try await ReplicaFleet.start(runtime: Self.runtime(redis: redis.url, token: token))
            defer { fleet.stop() }
            let flood = RateFlood(port: fleet.port, token: token.secret)
            // 100 calls/s (5R), from 20 clients at 5/s each: room for the 100 ms a refusal is held, on a slow machine too
            let result = await flood.run(clients: 20, perClient: 5, seconds: 6)
            let settled = result.servedRate(after: 1.5)  // the burst of one second's worth is spent by then
            print("""
                fleet quota: offered \(String(format: "%.1f", result.offeredRate))/s through nginx to 3 replicas for a \
                quota of \(Self.rate)/s; served \(result.served) of \(result.sent) in \(result.seconds) s, \
                \(String(format: "%.1f", settled))/s once the burst was spent; \(result.refused) refused (429)
                """)
            #expect(result.offeredRate >= Double(4 * Self.rate), "the flood must offer well past the quota to test it")
            #expect(abs(settled - Double(Self.rate)) <= 0.15 * Double(Self.rate), "served \(settled)/s for a quota of \(Self.rate)/s\n\(fleet.logs)")
            #expect(result.other.isEmpty, "answers that were neither 200 nor 429: \(result.other.prefix(5))")
            #expect(try ReplicaFleetTests.replicasThatServedCalls(fleet) == 3)
        }

        @Test("when Redis is gone, fail_closed refuses calls under the quota and fail_open lets each host decide; both count it",
              arguments: ["fail_closed", "fail_open"])
        func redisUnavailable(policy: String) async throws {
            let token = try await Token.mint(team: "flood")
            let deadPort = try LoopbackPort.free()  // nothing listens there
            let directory = BuildProducts.temporaryDirectory("fleet-quota")
            let config = directory + "/runtime.json"
            let keyFile = directory + "/session.key"
            try (Data((0..<32).map { UInt8($0) }).base64EncodedString()).write(toFile: keyFile, atomically: true, encoding: .utf8)
            try Self.runtime(redis: "redis://127.0.0.1:\(deadPort)", onUnavailable: policy, token: token)(keyFile)
                .write(toFile: config, atomically: true, encoding: .utf8)
            let host = try await PlugboardServer.startHTTP(["--config", config])
            defer { host.stop() }
            let client = HTTPTestClient(port: host.port)
            let reply = client.post("/mcp", LoadDriver.statelessCall(id: 1), headers: LoadDriver.statelessHeaders.merging(
                ["Authorization": "Bearer \(token.secret)"]) { $1 })
            if policy == "fail_closed" {
                #expect(reply?.status == 429)
                #expect(reply?.json?["error", "data", "quota"]?.stringValue == "quota_store")
                let message = reply?.json?["error", "message"]?.stringValue ?? ""
                #expect(message.contains("127.0.0.1:\(deadPort)") && message.contains("fail_closed"), "\(message)")
            } else {
                #expect(reply?.status == 200, "\(reply?.text ?? "no reply")")
                #expect(reply?.json?["result", "structuredContent", "result"]?.doubleValue == 5)
            }
            let metrics = client.send("GET", "/metrics")?.text ?? ""
            #expect(metrics.contains(#"plugboard_quota_store_unavailable_total{action="\#(policy)",team="flood"} 1"#)
                        || metrics.contains(#"plugboard_quota_store_unavailable_total{team="flood",action="\#(policy)"} 1"#),
                    "\(metrics.split(separator: "\n").filter { $0.contains("quota_store") })")
            #expect(host.stderrText.contains("quota store redis://127.0.0.1:\(deadPort) cannot decide team 'flood'"), "\(host.stderrText)")
        }
    }
}

/// A bearer token minted by the real `plugboard token mint`.
struct Token: Sendable {
    let secret: String
    let entry: String

    static func mint(team: String) async throws -> Token {
        let run = try await CommandRun.plugboard("token", "mint", "--team", team, "--id", "\(team)-token")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        guard run.status == 0, lines.count == 2 else { throw ChildProcess.Failure(description: "token mint: \(run.stdout) \(run.stderr)") }
        return Token(secret: lines[0], entry: lines[1])
    }
}

/// Stateless calls through the balancer from many clients, each on its own thread sending `perClient` calls a
/// second on a fixed schedule (a refused call does not slow its client's schedule beyond the host's hold).
final class RateFlood: Sendable {
    struct Result: Sendable {
        var sent = 0, refused = 0
        var servedAt: [Double] = []
        var other: [String] = []
        var seconds: Double = 0
        var served: Int { servedAt.count }
        var offeredRate: Double { Double(sent) / seconds }
        func servedRate(after start: Double) -> Double {
            Double(servedAt.filter { $0 >= start }.count) / (seconds - start)
        }
    }

    let port: Int
    let token: String

    init(port: Int, token: String) {
        self.port = port
        self.token = token
    }

    func run(clients: Int, perClient: Int, seconds: Double) async -> Result {
        let started = Date()
        var total = await withTaskGroup(of: Result.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        Thread { continuation.resume(returning: self.loop(started: started, perClient: perClient, seconds: seconds)) }.start()
                    }
                }
            }
            var total = Result()
            for await part in group {
                total.sent += part.sent
                total.refused += part.refused
                total.servedAt += part.servedAt
                total.other += part.other
            }
            return total
        }
        total.seconds = seconds
        return total
    }

    private func loop(started: Date, perClient: Int, seconds: Double) -> Result {
        var result = Result()
        let client = HTTPTestClient(port: port)
        let headers = LoadDriver.statelessHeaders.merging(["Authorization": "Bearer \(token)"]) { $1 }
        let interval = 1.0 / Double(perClient)
        var next = Double.random(in: 0..<interval)  // clients spread over the interval
        while next < seconds {
            let wait = next - Date().timeIntervalSince(started)
            if wait > 0 { usleep(UInt32(wait * 1e6)) }
            let reply = client.post("/mcp", LoadDriver.statelessCall(id: result.sent + 1), headers: headers)
            result.sent += 1
            let at = Date().timeIntervalSince(started)
            switch reply?.status {
            case 200 where reply?.json?["result", "structuredContent", "result"]?.doubleValue == 5: result.servedAt.append(at)
            case 429: result.refused += 1
            default: result.other.append(reply.map { "HTTP \($0.status): \($0.text.prefix(200))" } ?? "no reply")
            }
            next = max(next + interval, at)  // a slow answer is not made up for with a burst
        }
        return result
    }
}
