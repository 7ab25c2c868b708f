import Foundation
import PlugboardCore
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// `max_rate_wait_ms` against the real server: past its rate, a team's call waits for its own token (calls are
/// then served 1/rate apart, not in a burst) up to the longest wait, and is refused beyond it.
@Suite("Calls past the rate wait for their turn", .timeLimit(.minutes(2)))
struct RateWaitTests {
    /// alpha: 2 calls per second, may wait up to 2 s; beta: 2 calls per second, refused at once (wait 0).
    /// A slow rate on purpose: a token comes back every 500 ms, far longer than a loaded machine takes to read a
    /// volley of requests, so the counts below do not depend on how fast the server reads them.
    static func start() async throws -> TeamServer {
        let deployment = try await TeamDeployment.make()
        try writeConfig(deployment)
        return try await TeamServer.start(deployment)
    }

    /// The two teams' configuration; `stdioTeam` gives stdio that team's principal.
    static func writeConfig(_ deployment: TeamDeployment, stdioTeam: String? = nil) throws {
        let products = BuildProducts.directory
        let config = """
        {
          "surfaces": [ { "name": "mcp", "path": "/mcp" } ],
          "teams": [
            { "name": "alpha", "mounts": [ { "namespace": "alpha", "file": "\(products)/libcalculator.so" } ],
              "tokens": [ \(deployment.alpha.entry()) ],
              "quotas": { "calls_per_second": 2, "max_rate_wait_ms": 2000 } },
            { "name": "beta", "mounts": [ { "namespace": "beta", "file": "\(products)/libcalculator.so" } ],
              "tokens": [ \(deployment.beta.entry()) ],
              "quotas": { "calls_per_second": 2, "max_rate_wait_ms": 0 } }
          ],
          "transports": { "stdio": { "surface": "mcp"\(stdioTeam.map { #", "team": "\#($0)""# } ?? "") } },
          "audit": { "file": "audit.log" }
        }
        """
        try config.write(toFile: deployment.configPath, atomically: true, encoding: .utf8)
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

    /// Tokens the rate of 2/s gives back while the volley is still arriving: one only if sending it took longer
    /// than a token's 500 ms, less the 300 ms allowed for the server to read it.
    static func tokensBack(during shots: [LoopbackVolley.Shot]) -> Int {
        Int(((LoopbackVolley.spread(shots) + 0.3) * 2).rounded(.down))
    }

    /// The volley's served (200) and refused (429) calls, checked: `expected` served, or a few more for the tokens
    /// that came back while it arrived; every other call refused.
    static func split(_ shots: [LoopbackVolley.Shot], expectingServed expected: Int)
        -> (served: [LoopbackVolley.Shot], refused: [LoopbackVolley.Shot], tokensBack: Int) {
        let served = shots.filter { $0.reply?.status == 200 }
        let refused = shots.filter { $0.reply?.status == 429 }
        let tokensBack = tokensBack(during: shots)
        #expect(served.count >= expected && served.count <= expected + tokensBack,
                "\(served.count) served; the volley took \(LoopbackVolley.spread(shots)) s to send")
        #expect(refused.count == shots.count - served.count)
        return (served, refused, tokensBack)
    }

    @Test("10 calls at once against 2/s with a 2 s wait: the burst of 2 at once, 4 more 500 ms apart, the rest 429")
    func pastTheRateCallsAreSpacedThenRefused() async throws {
        try await Self.with { server in
            let shots = await Self.fire(10, team: "alpha", token: server.deployment.alpha.secret, http: server.http)
            #expect(shots.count == 10 && shots.allSatisfy { $0.reply != nil })
            // 2 from the burst, 4 lent (waits of 0.5, 1, 1.5 and 2 s).
            let (served, refused, _) = Self.split(shots, expectingServed: 6)
            for call in served {
                let text = call.reply?.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
                #expect(text == String(call.index + 1000), "call \(call.index) was answered \(call.reply?.text ?? "nothing")")
            }
            for call in refused {
                #expect(call.reply?.json?["error"]?["data"]?["quota"]?.stringValue == "calls_per_second")
                // Refused because its token is more than the longest wait (2 s) away: behind the four calls waiting,
                // at most one token's spacing (500 ms) further.
                let retryMilliseconds = call.reply?.json?["error"]?["data"]?["retry_after_ms"]?.int64Value ?? 0
                #expect(retryMilliseconds > 2000 && retryMilliseconds <= 2501)
                #expect(call.reply?.headers["retry-after"] == "3")
            }
            // The waiting calls were served in turn, each no sooner than its token: the k-th lent one k × 500 ms
            // after the volley (a loaded machine can only make them later).
            let times = served.map(\.replied)
            for k in 1...4 where 1 + k < times.count {
                #expect(times[1 + k] >= 0.5 * Double(k) - 0.05, "served at \(times)")
            }
            // The audit trail tells the wait for a turn apart from the call's own time: the lent calls waited about
            // 0.5, 1, 1.5 and 2 s (less what the volley took to arrive, plus the timer's lateness), then ran briefly.
            let audited = await server.auditLines { $0.filter { $0["event"]?.stringValue == "call" }.count >= 10 }
                .filter { $0["event"]?.stringValue == "call" }
            let waits = audited.filter { $0["outcome"]?.stringValue == "ok" }.compactMap { $0["rate_wait_ms"]?.doubleValue }.sorted()
            #expect(waits.count == served.count)
            #expect(waits.filter { $0 >= 250 }.count >= 4 && (waits.last ?? 0) >= 1500 && (waits.last ?? 0) <= 2300, "waits: \(waits)")
            #expect(audited.filter { $0["outcome"]?.stringValue == "refused:calls_per_second" }.allSatisfy { $0["rate_wait_ms"]?.doubleValue == 0 })
            #expect(audited.allSatisfy { ($0["duration_ms"]?.doubleValue ?? .infinity) < 400 }, "durations: \(audited.map { $0["duration_ms"] })")
        }
    }

    @Test("with max_rate_wait_ms = 0, calls past the burst are refused at once (after the refusal hold), none wait")
    func zeroWaitRefusesAtOnce() async throws {
        try await Self.with { server in
            let shots = await Self.fire(6, team: "beta", token: server.deployment.beta.secret, http: server.http)
            let (served, refused, tokensBack) = Self.split(shots, expectingServed: 2)
            // Refusals are held (100 ms); no served call waited for a token: they all came back before the first
            // refusal did (but for a token that came back while the volley arrived).
            let firstRefused = try #require(refused.first)
            #expect(firstRefused.replied - firstRefused.sent >= 0.09)
            #expect(served.filter { $0.replied >= firstRefused.replied }.count <= tokensBack,
                    "served: \(served.map(\.replied)); refused: \(refused.map(\.replied))")
        }
    }

    @Test("over stdio a call past the rate waits its turn too, off the reading thread, and can be cancelled meanwhile")
    func stdioCallsWaitTheirTurn() async throws {
        let deployment = try await TeamDeployment.make()
        try Self.writeConfig(deployment, stdioTeam: "alpha")
        let server = try StdioServer(arguments: ["--config", deployment.configPath], in: deployment.directory)
        _ = await server.initialize()
        func call(_ id: Int) -> String {
            #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"alpha_add","arguments":{"a":\#(id),"b":1000}}}"#
        }
        let clock = ContinuousClock()
        let started = clock.now
        // 2 from the burst; 3, 4 and 5 lent tokens 0.5, 1 and 1.5 s away; 5 is cancelled while it waits (its token
        // stays spent); 6 gets the token 2 s away; 7's would be 2.5 s away, past the 2 s wait: refused at once.
        for id in 1...5 { server.send(call(id)) }
        server.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5,"reason":"test"}}"#)
        server.send(call(6))
        server.send(call(7))
        server.send(#"{"jsonrpc":"2.0","id":8,"method":"ping"}"#)
        var seconds: [Int: Double] = [:]
        var replies: [Int: JSONValue] = [:]
        for id in [1, 2, 7, 8, 3, 4, 6] {
            replies[id] = await server.next(within: 10) { $0["id"]?.int64Value == Int64(id) }
            seconds[id] = (clock.now - started).inSeconds
        }
        for id in [1, 2, 3, 4, 6] {
            #expect(replies[id]?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == String(id + 1000), "\(id): \(String(describing: replies[id]))")
        }
        // Nothing waited behind the waiting calls: the refusal and the ping came before the first lent token.
        #expect(replies[7]?["error"]?["data"]?["quota"]?.stringValue == "calls_per_second")
        #expect((replies[7]?["error"]?["data"]?["retry_after_ms"]?.int64Value ?? 0) > 2000)
        #expect(replies[8]?["result"] == .object([:]))
        #expect((seconds[8] ?? 99) < (seconds[3] ?? 0), "replies at \(seconds)")
        // Each lent call came no sooner than its token.
        for (id, token) in [(3, 0.5), (4, 1.0), (6, 2.0)] {
            #expect((seconds[id] ?? 0) >= token - 0.05, "call \(id) came at \(seconds[id] ?? 0) s, its token at \(token) s")
        }
        #expect(await server.next(within: 0.5) { $0["id"]?.int64Value == 5 } == nil, "the cancelled call was answered")
        #expect(await server.finish() == 0)
        // The audit trail has each wait.
        let waits = deployment.auditLines()
            .filter { $0["event"]?.stringValue == "call" && $0["outcome"]?.stringValue == "ok" }
            .compactMap { $0["rate_wait_ms"]?.doubleValue }.sorted()
        #expect(waits.count == 5 && waits.prefix(2).allSatisfy { $0 == 0 } && waits.dropFirst(2).allSatisfy { $0 >= 400 }, "waits: \(waits)")
    }
}
