import PlugboardCore
import Testing
@testable import PlugboardConfig


private let teams = #""teams": [ { "name": "alpha" }, { "name": "beta" } ]"#

@Suite struct IdentityConfigTests {
    @Test func issuersDecodeWithKeysAudiencesAlgorithmsAndTheTeamClaim() throws {
        let config = try decoder.decode(Array("""
        { \(teams),
          "identity": {
            "resource": "https://mcp.example.com/",
            "clock_skew_seconds": 30,
            "scopes_supported": ["mcp:tools"],
            "required_scopes": ["mcp:tools"],
            "issuers": [
              { "issuer": "https://idp.example.com/realms/platform",
                "jwks_url": "https://idp.example.com/realms/platform/protocol/openid-connect/certs",
                "audiences": ["https://mcp.example.com/mcp"], "algorithms": ["ES256"],
                "team_claim": "groups", "teams": { "platform-alpha": "alpha" }, "refresh_interval_seconds": 10 },
              { "issuer": "https://login.example.org", "jwks_file": "keys/org.jwks" } ] }
        }
        """.utf8), source: "runtime.json")
        let identity = config.identity
        #expect(identity.resource == "https://mcp.example.com")  // the trailing slash dropped: paths are appended
        #expect(identity.clockSkewSeconds == 30)
        #expect(identity.scopesSupported == ["mcp:tools"])
        #expect(identity.requiredScopes == ["mcp:tools"])
        #expect(identity.issuers.count == 2)
        let first = identity.issuers[0]
        #expect(first.keys == .url("https://idp.example.com/realms/platform/protocol/openid-connect/certs"))
        #expect(first.audiences == ["https://mcp.example.com/mcp"])
        #expect(first.algorithms == ["ES256"])
        #expect(first.teamClaim == "groups")
        #expect(first.teams == ["platform-alpha": "alpha"])
        #expect(first.refreshIntervalSeconds == 10)
        let second = identity.issuers[1]
        #expect(second.keys == .file("/srv/plugboard/keys/org.jwks"))  // relative to the config's directory
        #expect(second.algorithms == ["RS256", "PS256", "ES256", "EdDSA"])
        #expect(second.teamClaim == "team")
        #expect(second.refreshIntervalSeconds == 30)
    }

    @Test func withoutIdentityNoIssuerIsTrusted() throws {
        let config = try decoder.decode(Array("{ \(teams) }".utf8), source: "runtime.json")
        #expect(config.identity == RuntimeConfig.Identity())
        #expect(config.identity.issuers.isEmpty)
    }

    @Test func mistakesNameThePathAndWhatToDo() {
        let found = issues("""
        { \(teams),
          "identity": {
            "resource": "mcp.example.com",
            "issuers": [
              { "issuer": "https://a.example", "algorithms": ["none", "HS256", "RS512", "RS256"], "jwks_url": "ftp://a.example/keys" },
              { "issuer": "https://b.example" },
              { "issuer": "https://c.example", "jwks_file": "c.jwks", "jwks_url": "https://c.example/keys" },
              { "issuer": "https://d.example", "jwks_file": "d.jwks", "teams": { "ops": "alphaa" }, "team_claims": "groups" },
              { "issuer": "https://d.example", "jwks_file": "d2.jwks" } ] }
        }
        """)
        let expected = [
            "$.identity.resource: 'mcp.example.com' is not an http:// or https:// URL; give the server's public base URL, e.g. https://mcp.example.com",
            "$.identity.issuers[0].jwks_url: 'ftp://a.example/keys' is not an http:// or https:// URL; give the issuer's jwks_uri",
            "$.identity.issuers[1]: needs its keys: 'jwks_url' (the issuer's jwks_uri) or 'jwks_file' (a JWKS document on disk)",
            "$.identity.issuers[2]: has both 'jwks_file' and 'jwks_url'; keep one",
            "$.identity.issuers[3].team_claims: unknown key 'team_claims'; did you mean 'team_claim'?",
            "$.identity.issuers[4]: issuer 'https://d.example' is declared twice; keep one entry per issuer",
            "$.identity.issuers[3].teams.ops: claim value 'ops' maps to team 'alphaa', which is not declared in $.teams (alpha, beta); did you mean 'alpha'?",
        ]
        for message in expected {
            #expect(found.contains { $0.hasPrefix(message) }, "missing: \(message)\nfound: \(found)")
        }
        // The algorithms: none and HMAC are refused by name, others as unsupported.
        #expect(found.contains { $0.hasPrefix("$.identity.issuers[0].algorithms[0]: 'none' is never accepted") })
        #expect(found.contains { $0.hasPrefix("$.identity.issuers[0].algorithms[1]: 'HS256' is never accepted") })
        #expect(found.contains { $0.hasPrefix("$.identity.issuers[0].algorithms[2]: 'RS512' is not supported; choose from RS256, PS256, ES256, EdDSA") })
    }

    @Test func rulesDecodeIntoPatternsAndRequirements() throws {
        let config = try decoder.decode(Array("""
        { \(teams),
          "identity": { "rules": [
            { "name": "beta-api", "component": "weather_*", "kind": "tool", "version_gte": "2.0", "version_lt": "3.0",
              "require_scopes": ["weather:beta"] },
            { "namespace": "admin", "require_claims": { "groups": ["ops", "sre"], "department": "infra" } } ] }
        }
        """.utf8), source: "runtime.json")
        let rules = config.identity.rules
        #expect(rules.count == 2)
        #expect(rules[0].name == "beta-api")
        #expect(rules[0].pattern == ComponentPattern(kind: .tool, identity: "weather_*", versions: VersionRange(gte: try Version("2.0"), lt: try Version("3.0"))))
        #expect(rules[0].scopes == ["weather:beta"])
        #expect(rules[1].name == "rules[1]")
        #expect(rules[1].pattern == ComponentPattern(namespace: "admin"))
        #expect(rules[1].claims == ["groups": ["ops", "sre"], "department": ["infra"]])
    }

    @Test func rulesThatMatchEverythingOrRequireNothingAreRefused() {
        let found = issues("""
        { \(teams), "identity": { "rules": [
            { "require_scopes": ["x"] },
            { "namespace": "admin" },
            { "component": "a_*", "version_gte": "3.0", "version_lt": "2.0", "require_scopes": ["x"], "require_claim": {} } ] } }
        """)
        let expected = [
            "$.identity.rules[0]: matches every component; give 'namespace', 'kind', 'component' (a glob) or 'version_gte'/'version_lt'",
            "$.identity.rules[1]: requires nothing; give 'require_scopes' or 'require_claims'",
            "$.identity.rules[2]: matches no version: version_gte '3.0' is not below version_lt '2.0'",
            "$.identity.rules[2].require_claim: unknown key 'require_claim'; did you mean 'require_claims'?",
        ]
        for message in expected {
            #expect(found.contains { $0.hasPrefix(message) }, "missing: \(message)\nfound: \(found)")
        }
    }

    @Test func issuersNeedTeams() {
        let found = issues(#"{ "identity": { "issuers": [ { "issuer": "https://a.example", "jwks_file": "a.jwks" } ] } }"#)
        #expect(found == ["$.identity.issuers: tokens from an issuer act for a team, but $.teams declares none; declare the teams its tokens name"])
    }
}
