import PlugboardJSON
import Testing

@Suite("Team quotas against the real server", .timeLimit(.minutes(2)))
struct QuotaTests {
    @Test("a team past its calls per second gets 429 with Retry-After and a JSON-RPC error naming the quota; other teams are served")
    func rateLimit() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            let fine = #"{"name":"gamma_fine","arguments":{}}"#
            // gamma: 2 calls per second, a burst of 2. Fired together, at least one of 4 must be refused.
            let replies = await withTaskGroup(of: LoopbackHTTP.Reply?.self) { group in
                for id in 0..<4 { group.addTask { await http.call("tools/call", fine, id: id, token: teams.gamma.secret) } }
                var all: [LoopbackHTTP.Reply?] = []
                for await reply in group { all.append(reply) }
                return all.compactMap { $0 }
            }
            let refused = replies.filter { $0.status == 429 }
            let served = replies.filter { $0.status == 200 }
            #expect(replies.count == 4)
            #expect(served.count <= 2 && served.count >= 1)
            #expect(refused.count == 4 - served.count)
            let refusal = try #require(refused.first)
            #expect(refusal.headers["retry-after"] == "1")
            let error = try #require(refusal.json?["error"])
            #expect(error["code"] == .int(-32040))
            #expect(error["data"]?["quota"]?.stringValue == "calls_per_second")
            #expect(error["data"]?["limit"]?.stringValue == "2")
            #expect(error["data"]?["team"]?.stringValue == "gamma")
            #expect(error["message"]?.stringValue?.contains("calls_per_second = 2") == true)
            // A refusal is held ~100 ms before it is sent, so a flooding connection is slowed down. Calls go on
            // until one is refused: on a loaded machine a token may have come back since the burst.
            var held: Duration?
            for id in 8..<16 {
                let before = ContinuousClock.now
                let reply = try #require(await http.call("tools/call", fine, id: id, token: teams.gamma.secret))
                if reply.status == 429 { held = ContinuousClock.now - before; break }
            }
            let heldFor = try #require(held, "gamma's bucket of 2 per second never ran dry in 8 calls")
            #expect(heldFor >= .milliseconds(90))
            // While gamma is refused, alpha and beta are served.
            for id in 0..<10 {
                let alpha = try #require(await http.call("tools/call", #"{"name":"alpha_add","arguments":{"a":\#(id),"b":1}}"#, id: id, token: teams.alpha.secret))
                #expect(alpha.status == 200 && alpha.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == String(id + 1))
            }
            #expect(await http.call("tools/list", "{}", token: teams.beta.secret)?.status == 200)
            // A second later gamma has a token again.
            try await Task.sleep(for: .milliseconds(1100))
            #expect(await http.call("tools/call", fine, id: 9, token: teams.gamma.secret)?.status == 200)
        }
    }

    @Test("calls in flight beyond the team's maximum are refused while they run; another team is not held up")
    func concurrency() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            // alphab_parallel sleeps 100 ms (REENTRANT): 6 at once against max_concurrent_calls = 2.
            let started = ContinuousClock.now
            async let betaWhileBusy: LoopbackHTTP.Reply? = {
                try? await Task.sleep(for: .milliseconds(30))
                return await http.call("resources/list", "{}", token: teams.beta.secret)
            }()
            let replies = await withTaskGroup(of: LoopbackHTTP.Reply?.self) { group in
                for id in 0..<6 {
                    group.addTask { await http.call("tools/call", #"{"name":"alphab_parallel","arguments":{}}"#, id: id, token: teams.alpha.secret) }
                }
                var all: [LoopbackHTTP.Reply?] = []
                for await reply in group { all.append(reply) }
                return all.compactMap { $0 }
            }
            let served = replies.filter { $0.status == 200 && $0.json?["result"] != nil }
            let refused = replies.filter { $0.status == 429 }
            #expect(served.count >= 2 && served.count + refused.count == 6)
            #expect(refused.count >= 1)
            for reply in refused {
                #expect(reply.json?["error"]?["data"]?["quota"]?.stringValue == "max_concurrent_calls")
                #expect(reply.json?["error"]?["data"]?["limit"]?.stringValue == "2")
                #expect(reply.headers["retry-after"] == nil)
            }
            let beta = await betaWhileBusy
            #expect(beta?.status == 200)
            _ = started
        }
    }

    @Test("request and response sizes over the team's quota are refused with the quota named")
    func sizes() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            // beta: max_request_bytes 2048.
            let big = String(repeating: "x", count: 3000)
            let request = try #require(await http.call("tools/call", #"{"name":"beta_add_note","arguments":{"title":"\#(big)"}}"#,
                                                        token: teams.beta.secret))
            #expect(request.status == 413)
            #expect(request.json?["error"]?["data"]?["quota"]?.stringValue == "max_request_bytes")
            #expect(request.json?["error"]?["data"]?["limit"] == .int(2048))
            // The same body is fine for alpha (no request quota): the limit is beta's own.
            let alphaBig = try #require(await http.call("tools/call", #"{"name":"alpha_add","arguments":{"a":1,"b":2,"pad":"\#(big)"}}"#,
                                                         token: teams.alpha.secret))
            #expect(alphaBig.status != 413)
            // alpha: max_response_bytes 1024. echo answers with its argument bytes (up to its 4 KiB buffer).
            let small = try #require(await http.call("tools/call", #"{"name":"alphab_echo","arguments":{"text":"hi"}}"#, token: teams.alpha.secret))
            #expect(small.json?["result"] != nil)
            let large = String(repeating: "y", count: 2000)
            let response = try #require(await http.call("tools/call", #"{"name":"alphab_echo","arguments":{"text":"\#(large)"}}"#,
                                                         token: teams.alpha.secret))
            #expect(response.json?["result"] == nil)
            #expect(response.json?["error"]?["data"]?["quota"]?.stringValue == "max_response_bytes")
            #expect(response.json?["error"]?["data"]?["limit"] == .int(1024))
            #expect(response.body.count < 1024)
        }
    }

    @Test("SIGHUP applies a team's changed calls_per_second at once, up and down; other teams keep theirs")
    func quotasOnReload() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            let fine = #"{"name":"gamma_fine","arguments":{}}"#
            @Sendable func burst(_ count: Int) async -> [LoopbackHTTP.Reply] {
                await withTaskGroup(of: LoopbackHTTP.Reply?.self) { group in
                    for id in 0..<count { group.addTask { await http.call("tools/call", fine, id: id, token: teams.gamma.secret) } }
                    var all: [LoopbackHTTP.Reply] = []
                    for await reply in group { if let reply { all.append(reply) } }
                    return all
                }
            }
            func reload(rate: String, reloads: Int) async throws {
                let config = try String(contentsOfFile: teams.configPath, encoding: .utf8)
                let changed = config.replacing(#/"calls_per_second": [0-9]+/#, with: #""calls_per_second": \#(rate)"#)
                try changed.write(toFile: teams.configPath, atomically: true, encoding: .utf8)
                server.reload()
                let deadline = ContinuousClock.now + .seconds(10)
                while ContinuousClock.now < deadline {
                    let log = (try? String(contentsOfFile: server.stderrPath, encoding: .utf8)) ?? ""
                    if log.components(separatedBy: "reloaded ").count - 1 >= reloads { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
                Issue.record("the server did not log its reload")
            }
            // gamma starts at 2 calls per second: of 12 at once, its burst of 2 is served (and a third if its token
            // comes within the 100 ms a call may wait while they arrive); the rest are refused.
            #expect(await burst(12).filter { $0.status == 429 }.count >= 8)
            try await reload(rate: "50", reloads: 1)
            // Raised to 50: a new burst of 50, so 20 at once are all served.
            let raised = await burst(20)
            #expect(raised.count == 20 && raised.allSatisfy { $0.status == 200 }, "\(raised.map(\.status))")
            try await reload(rate: "1", reloads: 2)
            // Lowered to 1: a burst of one (two if a token comes while they arrive); refusals name the new limit.
            let lowered = await burst(6)
            #expect(lowered.filter { $0.status == 200 }.count <= 2 && lowered.filter { $0.status == 429 }.count >= 4)
            let refusal = try #require(lowered.first { $0.status == 429 })
            #expect(refusal.json?["error"]?["data"]?["limit"]?.stringValue == "1")
            #expect(refusal.json?["error"]?["message"]?.stringValue?.contains("calls_per_second = 1") == true)
            // alpha has no rate quota, before or after.
            for id in 0..<5 {
                #expect(await http.call("tools/call", #"{"name":"alpha_add","arguments":{"a":\#(id),"b":1}}"#, id: id, token: teams.alpha.secret)?.status == 200)
            }
            // A rate is the MCP layer's business: gamma's provider was loaded once and never replaced (a restart
            // would lose a plugin's state for a change that does not concern it).
            let gammaLoads = await server.auditLines().filter { $0["namespace"]?.stringValue == "gamma" && $0["event"]?.stringValue != "call" }
            #expect(gammaLoads.map { $0["event"]?.stringValue ?? "?" } == ["load"], "gamma: \(gammaLoads.map { ($0["event"]?.stringValue ?? "?") + " at " + ($0["time"]?.stringValue ?? "?") })")
        }
    }
}
