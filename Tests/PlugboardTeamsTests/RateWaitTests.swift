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

    /// `count` calls of `<team>_add(id, 1000)` released together.
    static func fire(_ count: Int, team: String, token: String, http: LoopbackHTTP) async -> [LoopbackVolley.Shot] {
        let requests = (0..<count).map { id in
            LoopbackHTTP.request("tools/call", #"{"name":"\#(team)_add","arguments":{"a":\#(id),"b":1000}}"#, id: id, token: token)
        }
        return await LoopbackVolley(requests: requests, port: http.port).fire()
    }

    /// Tokens a rate of 10/s gives back while the volley is still arriving (and while the server reads it: 50 ms).
    static func tokensBack(during shots: [LoopbackVolley.Shot]) -> Int {
        Int(((LoopbackVolley.spread(shots) + 0.05) * 10).rounded(.up))
    }

    @Test("25 calls at once against 10/s with a 1 s wait: the burst of 10 at once, about 10 more spaced 100 ms apart, the rest 429")
    func pastTheRateCallsAreSpacedThenRefused() async throws {
        try await Self.with { server in
            let shots = await Self.fire(25, team: "alpha", token: server.deployment.alpha.secret, http: server.http)
            #expect(shots.count == 25 && shots.allSatisfy { $0.reply != nil })
            let served = shots.filter { $0.reply?.status == 200 }
            let refused = shots.filter { $0.reply?.status == 429 }
            // 10 from the burst, 10 lent (waits of 100 ms … 1 s), and the tokens that came back while the 25 arrived.
            let tokensBack = Self.tokensBack(during: shots)
            #expect(served.count >= 20 && served.count <= 20 + tokensBack,
                    "\(served.count) served; the volley took \(LoopbackVolley.spread(shots)) s to send")
            #expect(refused.count == 25 - served.count)
            for call in served {
                let text = call.reply?.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
                #expect(text == String(call.index + 1000), "call \(call.index) was answered \(call.reply?.text ?? "nothing")")
            }
            for call in refused {
                #expect(call.reply?.json?["error"]?["data"]?["quota"]?.stringValue == "calls_per_second")
                // Refused because its token is more than the longest wait (1 s) away: behind the ten calls waiting,
                // at most one token's spacing (100 ms) further.
                let retryMilliseconds = call.reply?.json?["error"]?["data"]?["retry_after_ms"]?.int64Value ?? 0
                #expect(retryMilliseconds > 1000 && retryMilliseconds <= 1101)
                #expect(call.reply?.headers["retry-after"] == "2")
            }
            // The waiting calls were served in turn, not together: the last of them about 1 s after the first batch.
            let last = try #require(served.last).replied
            #expect(last >= 0.85, "the last served call came after \(last) s; the waiting ones should be spaced 100 ms apart")
            let waited = served.filter { $0.replied - $0.sent >= 0.05 }
            #expect(waited.count >= 9, "only \(waited.count) calls waited for their turn: \(served.map(\.replied))")
        }
    }

    @Test("with max_rate_wait_ms = 0, calls past the burst are refused at once (after the refusal hold), none wait")
    func zeroWaitRefusesAtOnce() async throws {
        try await Self.with { server in
            let shots = await Self.fire(14, team: "beta", token: server.deployment.beta.secret, http: server.http)
            let served = shots.filter { $0.reply?.status == 200 }
            let refused = shots.filter { $0.reply?.status == 429 }
            let tokensBack = Self.tokensBack(during: shots)
            #expect(served.count >= 10 && served.count <= 10 + tokensBack,
                    "\(served.count) served; the volley took \(LoopbackVolley.spread(shots)) s to send")
            #expect(refused.count == 14 - served.count)
            #expect(refused.count >= 1, "14 calls against a burst of 10 sent within \(LoopbackVolley.spread(shots)) s")
            // Refusals are held (100 ms); no served call waited for a token: they came back before the refusals did
            // (but for tokens that came back while the 14 arrived).
            let firstRefused = try #require(refused.first)
            #expect(firstRefused.replied - firstRefused.sent >= 0.09)
            #expect(served.filter { $0.replied >= firstRefused.replied }.count <= tokensBack,
                    "served: \(served.map(\.replied)); refused: \(refused.map(\.replied))")
        }
    }
}
