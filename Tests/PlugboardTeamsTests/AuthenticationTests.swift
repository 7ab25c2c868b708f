import PlugboardJSON
import Testing

@Suite("Bearer tokens against the real server", .timeLimit(.minutes(2)))
struct AuthenticationTests {
    @Test("no token: 401 with a Bearer challenge; wrong, revoked and malformed tokens: 401 with invalid_token")
    func refusals() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            let list = #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#

            let missing = try #require(await http.post(list, token: nil))
            #expect(missing.status == 401)
            #expect(missing.headers["www-authenticate"] == #"Bearer realm="plugboard""#)
            #expect(missing.json?["error"]?["code"] == .int(-32041))
            #expect(missing.json?["result"] == nil)

            let wrong = try #require(await http.post(list, token: "pb_" + String(repeating: "0", count: 64)))
            #expect(wrong.status == 401)
            #expect(wrong.headers["www-authenticate"]?.hasPrefix(#"Bearer realm="plugboard", error="invalid_token", error_description=""#) == true)

            // A revoked token is refused exactly like one that never existed.
            let revoked = try #require(await http.post(list, token: teams.alphaRevoked.secret))
            #expect(revoked.status == 401)
            #expect(revoked.headers["www-authenticate"] == wrong.headers["www-authenticate"])
            #expect(revoked.body == wrong.body)

            let basic = try #require(await http.post(list, token: nil, headers: ["Authorization": "Basic YWxwaGE6eA=="]))
            #expect(basic.status == 401)
            #expect(basic.headers["www-authenticate"]?.contains("not 'Bearer <token>'") == true)
            let noToken = try #require(await http.post(list, token: nil, headers: ["Authorization": "Bearer "]))
            #expect(noToken.status == 401)
            #expect(noToken.headers["www-authenticate"]?.contains("not 'Bearer <token>'") == true)

            // RFC 6750: the scheme's case does not matter.
            var shouted = LoopbackHTTP.request("tools/list", "{}", id: 1, token: nil)
            shouted.headers["Authorization"] = "BEARER " + teams.alpha.secret
            let upper = try #require(await http.send("POST", "/mcp", headers: shouted.headers, body: shouted.body))
            #expect(upper.status == 200)
            #expect(upper.json?["result"]?["tools"]?.arrayValue?.isEmpty == false)

            // Two Authorization headers: which one counts would be a guess, so the request is refused as malformed.
            var twice = LoopbackHTTP.request("tools/list", "{}", id: 1, token: teams.alpha.secret)
            twice.headers["authorization"] = "Bearer " + teams.beta.secret  // a second field: names differ only in case
            let two = try #require(await http.send("POST", "/mcp", headers: twice.headers, body: twice.body))
            #expect(two.status == 400)
            #expect(two.headers["www-authenticate"]?.contains("more than one Authorization header") == true)
            #expect(two.json?["result"] == nil)

            // A token with one character changed is another token.
            var altered = Array(teams.alpha.secret)
            altered[altered.count - 1] = altered.last == "0" ? "1" : "0"
            let near = try #require(await http.post(list, token: String(altered)))
            #expect(near.status == 401)

            // GET and DELETE are guarded too.
            let get = try #require(await http.send("GET", "/mcp", headers: ["Mcp-Session-Id": "x"]))
            #expect(get.status == 401)
            let delete = try #require(await http.send("DELETE", "/mcp", headers: ["Mcp-Session-Id": "x"]))
            #expect(delete.status == 401)

            let valid = try #require(await http.call("tools/list", "{}", token: teams.alpha.secret))
            #expect(valid.status == 200)
            #expect(valid.json?["result"]?["tools"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test("revoking a token in runtime.json and sending SIGHUP refuses it at once; the team's other tokens keep working")
    func revocationOnReload() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            let before = await http.call("tools/list", "{}", token: teams.beta.secret)
            #expect(before?.status == 200, "\(before?.status ?? 0) \(before?.text ?? "no reply"): \(server.deployment.stderrLog)")
            let config = try String(contentsOfFile: teams.configPath, encoding: .utf8)
            try config.replacingOccurrences(of: teams.beta.entry(), with: teams.beta.entry(revoked: true))
                .write(toFile: teams.configPath, atomically: true, encoding: .utf8)
            server.reload()
            var status = 200
            let deadline = ContinuousClock.now + .seconds(10)
            while status == 200, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                status = await http.call("tools/list", "{}", token: teams.beta.secret)?.status ?? 0
            }
            #expect(status == 401)
            let other = await http.call("tools/list", "{}", token: teams.alpha.secret)
            #expect(other?.status == 200, "\(other?.status ?? 0) \(other?.text ?? "no reply"): \(server.deployment.stderrLog)")
        }
    }
}
