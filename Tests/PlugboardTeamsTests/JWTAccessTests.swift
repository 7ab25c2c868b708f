import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

@Suite("JWT access tokens from a real issuer", .timeLimit(.minutes(3)))
struct JWTAccessTests {
    @Test("tokens signed by the issuer's RSA (RS256, PS256), EC (ES256) and Ed25519 (EdDSA) keys act for the team their claim names, and the audit names issuer, subject and jti")
    func validTokens() async throws {
        try await IdentityServer.with { server in
            for (kid, alg) in [("rsa-1", "RS256"), ("rsa-1", "PS256"), ("ec-1", "ES256"), ("ed-1", "EdDSA")] {
                let claims = server.claims(["jti": .string("jti-\(alg)")])
                let token = try await server.issuer.mint(kid: kid, alg: alg, claims: claims)
                let reply = try #require(await server.add(token: token))
                #expect(reply.status == 200, "\(alg): \(reply.text)")
                #expect(reply.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == "5", "\(alg): \(reply.text)")
            }
            // The same token again is answered from the cache of verified tokens.
            let token = try await server.issuer.mint(claims: server.claims())
            for _ in 0..<3 { #expect(await server.add(token: token)?.status == 200) }

            // Team beta's tokens see beta's tools, never alpha's.
            let beta = try await server.issuer.mint(claims: server.claims(["groups": .array([.string("beta")])]))
            let list = try #require(await server.http.call("tools/list", "{}", token: beta))
            let names = list.json?["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("beta_") }, "\(names)")

            try await Task.sleep(for: .milliseconds(300))  // the audit writer flushes on its own schedule
            let calls = server.auditedCalls()
            let rs256 = try #require(calls.first { $0["jti"] == .string("jti-RS256") })
            #expect(rs256["team"] == .string("alpha"))
            #expect(rs256["issuer"] == .string(server.issuer.url))
            #expect(rs256["subject"] == .string("user-1"))
            #expect(rs256["outcome"] == .string("ok"))
            #expect(!calls.contains { line in line.objectValue?.members.contains { $0.value.stringValue == token } ?? false },
                    "the audit trail never holds the token")
        }
    }

    @Test("every bad token is refused with the right status and error, and reaches no component")
    func badTokens() async throws {
        try await IdentityServer.with { server in
            let issuer = server.issuer
            let now = Int(Date().timeIntervalSince1970)
            let valid = try await issuer.mint(claims: server.claims())
            let parts = valid.split(separator: ".").map(String.init)
            let otherPayload = Self.base64url(#"{"iss":"\#(issuer.url)","sub":"admin","aud":"\#(server.resource)","exp":\#(now + 300),"groups":["platform-alpha"]}"#)

            let refused: [(String, String, Int, String)] = [
                ("expired", try await issuer.mint(claims: server.claims(["exp": .int(now - 600), "iat": .int(now - 900), "nbf": .int(now - 900)])), 401, "expired"),
                ("not yet valid", try await issuer.mint(claims: server.claims(["nbf": .int(now + 600)])), 401, "not valid before"),
                ("wrong iss", try await issuer.mint(claims: server.claims(["iss": .string("https://elsewhere.example")])), 401, "does not trust"),
                ("wrong aud", try await issuer.mint(claims: server.claims(["aud": .string("https://other.example/mcp")])), 401, "'aud'"),
                ("no exp", try await issuer.mint(claims: server.claims(["exp": .null])), 401, "no 'exp'"),
                ("alg none", try await issuer.mint(claims: server.claims(), forge: "none"), 401, "'none'"),
                ("HS256 keyed with the RSA public key", try await issuer.mint(claims: server.claims(), forge: "hs256-public"), 401, "'HS256'"),
                ("unknown kid", try await issuer.mint(kid: "rsa-unpublished", claims: server.claims()), 401, "no key 'rsa-unpublished'"),
                ("tampered payload", [parts[0], otherPayload, parts[2]].joined(separator: "."), 401, "signature"),
                ("not a JWT", "aGVsbG8.d29ybGQ.Zm9v", 401, "not base64url-encoded JSON"),
                ("oversized header", try await issuer.mint(claims: server.claims(), forge: "big-header"), 401, "header is longer"),
                ("no team claim", try await issuer.mint(claims: server.claims(["groups": .null])), 403, "no 'groups' claim"),
                ("a team claim naming no team", try await issuer.mint(claims: server.claims(["groups": .array([.string("outsiders")])])), 403, "names no team"),
            ]
            for (what, token, status, reason) in refused {
                let reply = try #require(await server.add(token: token), "\(what): no reply")
                #expect(reply.status == status, "\(what): \(reply.status) \(reply.text)")
                let challenge = reply.headers["www-authenticate"] ?? ""
                #expect(challenge.hasPrefix(#"Bearer resource_metadata="http://127.0.0.1:\#(server.http.port)/.well-known/oauth-protected-resource/mcp""#), "\(what): \(challenge)")
                #expect(challenge.contains(status == 401 ? #"error="invalid_token""# : #"error="insufficient_scope""#), "\(what): \(challenge)")
                #expect(challenge.contains("error_description=") && challenge.contains(reason), "\(what): \(challenge)")
                #expect(reply.json?["error"]?["code"] == .int(status == 401 ? -32041 : -32043), "\(what): \(reply.text)")
                #expect(reply.json?["result"] == nil)
            }
            // MCP forbids tokens in the query string: refused even when the token is valid.
            let query = try #require(await server.add(token: nil, path: "/mcp?access_token=\(valid)"))
            #expect(query.status == 400, "\(query.text)")
            #expect(query.headers["www-authenticate"]?.contains(#"error="invalid_request""#) == true)

            // Nothing above reached a component; the valid token does.
            #expect(await server.add(token: valid)?.status == 200)
            try await Task.sleep(for: .milliseconds(300))
            #expect(server.auditedCalls().count == 1, "\(server.auditedCalls())")

            // Each refusal is audited with its status and reason, and what the token claimed; never the token.
            let refusals = server.audited("token_refused")
            #expect(refusals.count == refused.count, "\(refusals)")
            for ((what, token, status, reason), line) in zip(refused, refusals) {
                #expect(line["status"] == .int(status), "\(what): \(line)")
                #expect(line["reason"]?.stringValue?.contains(reason) == true, "\(what): \(line)")
                #expect(line["resource"] == .string(server.resource))
                #expect(line.objectValue?.members.contains { $0.value.stringValue == token } == false, "\(what): the token itself was written")
            }
            #expect(refusals.first?["claimed_subject"] == .string("user-1"))

            // A token refused for good is answered alike when it comes again (from the refused-token cache).
            let tampered = refused.first { $0.0 == "tampered payload" }!.1
            let first = try #require(await server.add(token: tampered)), again = try #require(await server.add(token: tampered))
            #expect(first.status == 401 && again.status == 401 && first.body == again.body && first.headers["www-authenticate"] == again.headers["www-authenticate"])
            #expect(refusals.first?["claimed_issuer"] == .string(issuer.url))
        }
    }

    @Test("a client without a token is pointed at the protected-resource metadata, which names the issuer")
    func resourceMetadata() async throws {
        try await IdentityServer.with { server in
            let missing = try #require(await server.add(token: nil))
            #expect(missing.status == 401)
            let metadataURL = "http://127.0.0.1:\(server.http.port)/.well-known/oauth-protected-resource/mcp"
            #expect(missing.headers["www-authenticate"] == #"Bearer resource_metadata="\#(metadataURL)""#)

            for path in ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"] {
                let reply = try #require(await server.http.send("GET", path, headers: [:]))
                #expect(reply.status == 200, "\(path): \(reply.text)")
                let document = try #require(reply.json)
                #expect(document["resource"] == .string(server.resource))
                #expect(document["authorization_servers"] == .array([.string(server.issuer.url)]))
                #expect(document["scopes_supported"] == .array([.string("mcp:tools")]))
                #expect(document["bearer_methods_supported"] == .array([.string("header")]))
            }
        }
    }

    @Test("a key rotated in mid-traffic is fetched on its first token; with the JWKS down or serving garbage, cached keys keep working and unknown kids fail closed")
    func rotationAndOutages() async throws {
        try await IdentityServer.with { server in
            let issuer = server.issuer
            #expect(await server.add(token: try await issuer.mint(claims: server.claims()))?.status == 200)

            // A token signed with a key the JWKS does not list yet is refused, and that refusal is not remembered.
            let rotated = try await issuer.mint(kid: "rsa-2", claims: server.claims())
            #expect(await server.add(token: rotated)?.status == 401)
            try await issuer.publish(["rsa-1", "rsa-2", "ec-1", "ed-1"])
            // Unknown kids refetch at most once a second (refresh_interval_seconds: 1).
            var status = 0
            let deadline = ContinuousClock.now + .seconds(5)
            while status != 200, ContinuousClock.now < deadline {
                status = await server.add(token: rotated)?.status ?? 0
                if status != 200 { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(status == 200)

            for mode in ["down", "garbage"] {
                try await issuer.mode(mode)
                try await Task.sleep(for: .milliseconds(1_100))  // past the refresh interval: a fetch is tried
                let fresh = try await issuer.mint(kid: "rsa-2", claims: server.claims())
                #expect(await server.add(token: fresh)?.status == 200, "\(mode): cached keys keep working")
                let unknown = try #require(await server.add(token: try await issuer.mint(kid: "rsa-unpublished", claims: server.claims())))
                #expect(unknown.status == 401, "\(mode): \(unknown.text)")
            }
            try await issuer.mode("ok")
        }
    }

    @Test("a session opened with a JWT stays its subject's: a refreshed token of the same subject keeps it, another subject's token finds no session")
    func sessionOwnership() async throws {
        try await IdentityServer.with { server in
            let first = try await server.issuer.mint(claims: server.claims())
            let session = try #require(await server.http.session(token: first))
            let refreshed = try await server.issuer.mint(claims: server.claims())  // same sub, new jti
            #expect(refreshed != first)
            let again = try #require(await server.http.call("tools/list", "{}", token: refreshed, session: session))
            #expect(again.status == 200, "\(again.text)")
            let stranger = try await server.issuer.mint(claims: server.claims(["sub": .string("user-2")]))
            let other = try #require(await server.http.call("tools/list", "{}", token: stranger, session: session))
            #expect(other.status == 404, "\(other.text)")
        }
    }

    @Test("the Python mcp client and fastmcp's BearerAuth connect with an access token, list the team's tools and call one")
    func pythonClients() async throws {
        try await IdentityServer.with { server in
            let token = try await server.issuer.mint(claims: server.claims())
            let run = try await CommandRun.run(LocalIssuer.packageRoot + "/.venv/bin/python",
                                               [LocalIssuer.packageRoot + "/Tests/Interop/bearer_client.py", server.resource, token,
                                                "alpha_add", #"{"a": 20, "b": 22}"#])
            #expect(run.status == 0, "\(run.stderr)")
            let seen = try #require(try? JSONParser.parse(run.stdout), "\(run.stdout) \(run.stderr)")
            for client in ["mcp", "fastmcp"] {
                #expect(seen[client]?["error"] == nil, "\(client): \(seen[client]?["error"]?.stringValue ?? "")")
                #expect(seen[client]?["text"] == .string("42"), "\(client): \(run.stdout)")
                let tools = seen[client]?["tools"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(tools.contains("alpha_add") && tools.allSatisfy { $0.hasPrefix("alpha_") }, "\(client): \(tools)")
            }
        }
    }

    @Test("a token without the scopes the server requires gets 403 insufficient_scope naming them, so the client can step up")
    func requiredScopes() async throws {
        try await IdentityServer.with(requiredScopes: #"["mcp:tools", "mcp:calls"]"#) { server in
            let narrow = try await server.issuer.mint(claims: server.claims(["scope": .string("mcp:tools")]))
            let refused = try #require(await server.add(token: narrow))
            #expect(refused.status == 403, "\(refused.text)")
            let challenge = refused.headers["www-authenticate"] ?? ""
            #expect(challenge.contains(#"error="insufficient_scope""#) && challenge.contains(#"scope="mcp:tools mcp:calls""#), "\(challenge)")
            #expect(challenge.contains("mcp:calls this server requires"), "\(challenge)")
            let wide = try await server.issuer.mint(claims: server.claims(["scope": .string("mcp:tools mcp:calls openid")]))
            #expect(await server.add(token: wide)?.status == 200)
            let metadata = try #require(await server.http.send("GET", "/.well-known/oauth-protected-resource/mcp", headers: [:]))
            #expect(metadata.json?["scopes_supported"] == .array([.string("mcp:tools"), .string("mcp:calls")]))
        }
    }

    static let rules = """
    [ { "name": "calculate-v2", "component": "alpha_calculate", "version_gte": "2.0", "require_scopes": ["calc:v2"] },
      { "name": "adders", "component": "alpha_add", "require_claims": { "groups": ["adders"] } } ]
    """

    @Test("per-component rules: a caller without the scope or claim sees neither the tool nor a way to call it, the bytes match a name that does not exist, and a pin to a hidden version lists only the others")
    func perComponentRules() async throws {
        try await IdentityServer.with(rules: Self.rules) { server in
            let plain = try await server.issuer.mint(claims: server.claims())
            let listing = try #require(await server.http.call("tools/list", "{}", token: plain))
            let tools = listing.json?["result"]?["tools"]?.arrayValue ?? []
            let names = tools.compactMap { $0["name"]?.stringValue }
            #expect(!names.contains("alpha_add"), "\(names)")
            #expect(names.contains("alpha_calculate"), "\(names)")
            let calculate = tools.first { $0["name"]?.stringValue == "alpha_calculate" }
            #expect(calculate?["_meta"]?["fastmcp"]?["version"] == .string("1.0"), "\(String(describing: calculate))")

            // A hidden tool answers with the bytes of a name that never existed, the name aside.
            let hidden = try #require(await server.call("alpha_add", #"{"a":1,"b":2}"#, token: plain))
            let missing = try #require(await server.call("alpha_adx", #"{"a":1,"b":2}"#, token: plain))
            #expect(hidden.status == missing.status)
            #expect(hidden.text.replacingOccurrences(of: "alpha_add", with: "N") == missing.text.replacingOccurrences(of: "alpha_adx", with: "N"),
                    "\(hidden.text)\n\(missing.text)")
            #expect(hidden.json?["result"] == nil || hidden.json?["result"]?["isError"] == .bool(true))

            // A pin to the hidden version: -32602 naming only the versions this caller may use.
            let pinned = try #require(await server.call("alpha_calculate", #"{"a":1,"b":2,"op":"add"}"#, version: "2.0", token: plain))
            #expect(pinned.json?["error"]?["code"] == .int(-32602), "\(pinned.text)")
            #expect(pinned.json?["error"]?["data"]?["available"] == .array([.string("1.0")]), "\(pinned.text)")

            // With the scope and the claim, both appear and the highest version is served.
            let privileged = try await server.issuer.mint(claims: server.claims([
                "scope": .string("mcp:tools calc:v2"), "groups": .array([.string("platform-alpha"), .string("adders")])]))
            let full = try #require(await server.http.call("tools/list", "{}", token: privileged))
            let all = full.json?["result"]?["tools"]?.arrayValue ?? []
            #expect(all.contains { $0["name"] == .string("alpha_add") })
            #expect(all.first { $0["name"] == .string("alpha_calculate") }?["_meta"]?["fastmcp"]?["version"] == .string("2.0"))
            #expect(await server.call("alpha_add", #"{"a":1,"b":2}"#, token: privileged)?.json?["result"]?["content"] != nil)

            // The audit says which rules let a caller see more and which hid something from it.
            try await Task.sleep(for: .milliseconds(300))
            let calls = server.auditedCalls()
            let refusedCall = try #require(calls.first { $0["component"] == .string("alpha_add") && $0["outcome"] == .string("not_found") })
            #expect(refusedCall["rules_unmet"] == .array([.string("calculate-v2"), .string("adders")]), "\(refusedCall)")
            let allowed = try #require(calls.first { $0["component"] == .string("alpha_add") && $0["outcome"] == .string("ok") })
            #expect(allowed["rules_met"] == .array([.string("calculate-v2"), .string("adders")]), "\(allowed)")
            #expect(allowed["rules_unmet"] == nil)
        }
    }

    static func base64url(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
