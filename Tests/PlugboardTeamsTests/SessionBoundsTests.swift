import PlugboardJSON
import Testing

/// With teams, a client is its token: the per-client session bound holds per token, whatever address it comes from,
/// and one team's hoarding costs another team nothing.
@Suite("Session bounds per token", .timeLimit(.minutes(2)))
struct SessionBoundsTests {
    @Test("past max_sessions_per_client a token's own least recently used session leaves memory; its id still serves")
    func perTokenBound() async throws {
        let deployment = try await TeamDeployment.make()
        try deployment.writeConfig(limits: #"{"max_sessions_per_client":2}"#)
        try await TeamServer.run(try await TeamServer.start(deployment)) { server in
            let http = server.http, teams = server.deployment
            let betaSession = try #require(await http.session(token: teams.beta.secret))
            var alphaSessions: [String] = []
            for _ in 0..<3 { alphaSessions.append(try #require(await http.session(token: teams.alpha.secret))) }

            let ping = #"{"jsonrpc":"2.0","id":9,"method":"ping"}"#
            func status(_ session: String, _ token: String) async -> Int? {
                await http.post(ping, token: token, headers: ["Mcp-Session-Id": session])?.status
            }
            // The oldest made room for the third, and is opened again from its id (taking the room of the next oldest).
            #expect(await status(alphaSessions[0], teams.alpha.secret) == 200, "an evicted session is opened again from its id")
            #expect(await status(alphaSessions[1], teams.alpha.secret) == 200)
            #expect(await status(alphaSessions[2], teams.alpha.secret) == 200)
            #expect(await status(betaSession, teams.beta.secret) == 200, "beta's session is not alpha's to evict")
            #expect(await status(betaSession, teams.alpha.secret) == 404, "another team's session id is not found")
        }
    }
}
