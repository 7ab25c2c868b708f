import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// `max_rate_wait_ms` against the real server: past its rate, a team's call waits for its own token (calls are
/// then served 1/rate apart, not in a burst) up to the longest wait, and is refused beyond it.
@Suite("Calls past the rate wait for their turn", .timeLimit(.minutes(2)))
struct RateWaitTests {
    /// alpha: 10 calls per second, may wait up to 1 s; beta: 10 calls per second, refused at once (wait 0).
    static func start() async throws -> TeamServer {
        let deployment = try await TeamDeployment.make()
        let products = BuildProducts.directory
        let config = """
        {
          "surfaces": [ { "name": "mcp", "path": "/mcp" } ],
          "teams": [
            { "name": "alpha", "mounts": [ { "namespace": "alpha", "file": "\(products)/libcalculator.so" } ],
              "tokens": [ \(deployment.alpha.entry()) ],
              "quotas": { "calls_per_second": 10, "max_rate_wait_ms": 1000 } },
            { "name": "beta", "mounts": [ { "namespace": "beta", "file": "\(products)/libcalculator.so" } ],
              "tokens": [ \(deployment.beta.entry()) ],
              "quotas": { "calls_per_second": 10, "max_rate_wait_ms": 0 } }
          ]
        }
        """
        try config.write(toFile: deployment.configPath, atomically: true, encoding: .utf8)
        return try await TeamServer.start(deployment)
    }

    /// Runs `body` against a fresh server and always stops it.
    static func with(_ body: (TeamServer) async throws -> Void) async throws {
        try await TeamServer.run(try await start(), body)
    }

    struct Timed: Sendable {
        let id: Int
        let reply: LoopbackHTTP.Reply?
        let seconds: Double
    }

    static func fire(_ count: Int, team: String, token: String, http: LoopbackHTTP) async -> [Timed] {
        let clock = ContinuousClock()
        let started = clock.now
        return await withTaskGroup(of: Timed.self) { group in
            for id in 0..<count {
                group.addTask {
                    let reply = await http.call("tools/call", #"{"name":"\#(team)_add","arguments":{"a":\#(id),"b":1000}}"#, id: id, token: token)
                    let elapsed = clock.now - started
                    return Timed(id: id, reply: reply,
                                 seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                }
            }
            var all: [Timed] = []
            for await timed in group { all.append(timed) }
            return all.sorted { $0.seconds < $1.seconds }
        }
    }

    @Test("25 calls at once against 10/s with a 1 s wait: the burst of 10 at once, about 10 more spaced 100 ms apart, the rest 429")
    func pastTheRateCallsAreSpacedThenRefused() async throws {
        try await Self.with { server in
            let timed = await Self.fire(25, team: "alpha", token: server.deployment.alpha.secret, http: server.http)
            #expect(timed.count == 25 && timed.allSatisfy { $0.reply != nil })
            let served = timed.filter { $0.reply?.status == 200 }
            let refused = timed.filter { $0.reply?.status == 429 }
            // 10 from the burst, 10 lent (waits of 100 ms … 1 s); a token may come back while the 25 arrive.
            #expect(served.count >= 20 && served.count <= 22)
            #expect(refused.count == 25 - served.count)
            for call in served {
                let text = call.reply?.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
                #expect(text == String(call.id + 1000), "call \(call.id) was answered \(call.reply?.text ?? "nothing")")
            }
            for call in refused {
                #expect(call.reply?.json?["error"]?["data"]?["quota"]?.stringValue == "calls_per_second")
                // Refused because its token is more than the longest wait (1 s) away, behind the calls waiting.
                let retryMilliseconds = call.reply?.json?["error"]?["data"]?["retry_after_ms"]?.int64Value ?? 0
                #expect(retryMilliseconds > 1000 && retryMilliseconds <= 1200)
                #expect(call.reply?.headers["retry-after"] == "2")
            }
            // The waiting calls were served in turn, not together: the last of them about 1 s after the first batch.
            let last = try #require(served.last).seconds
            #expect(last >= 0.85, "the last served call came after \(last) s; the waiting ones should be spaced 100 ms apart")
            let waited = served.filter { $0.seconds >= 0.05 }
            #expect(waited.count >= 9, "only \(waited.count) calls waited for their turn: \(served.map(\.seconds))")
        }
    }

    @Test("with max_rate_wait_ms = 0, calls past the burst are refused at once (after the refusal hold), none wait")
    func zeroWaitRefusesAtOnce() async throws {
        try await Self.with { server in
            let timed = await Self.fire(14, team: "beta", token: server.deployment.beta.secret, http: server.http)
            let served = timed.filter { $0.reply?.status == 200 }
            let refused = timed.filter { $0.reply?.status == 429 }
            #expect(served.count >= 10 && served.count <= 11)
            #expect(refused.count == 14 - served.count)
            // Refusals are held (100 ms); no served call waited for a token: they came back before the refusals did
            // (one may be a token that came back while the 14 arrived).
            let firstRefused = try #require(refused.first).seconds
            #expect(firstRefused >= 0.09)
            #expect(served.filter { $0.seconds >= firstRefused }.count <= 1,
                    "served: \(served.map(\.seconds)); refused: \(refused.map(\.seconds))")
        }
    }
}
