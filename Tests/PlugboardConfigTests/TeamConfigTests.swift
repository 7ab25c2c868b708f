import Testing
@testable import PlugboardConfig

private let hashA = String(repeating: "a", count: 64)
private let hashB = String(repeating: "b", count: 64)

@Suite struct TeamConfigTests {
    @Test func teamsDecodeWithTokensSandboxQuotasAndMountsByReference() throws {
        let config = try decoder.decode(Array("""
        {
          "mounts": [ { "namespace": "math", "provider": "calculator" },
                      { "namespace": "hello", "provider": "greeter", "shared": true } ],
          "teams": [ { "name": "alpha",
                       "namespaces": ["math"],
                       "mounts": [ { "namespace": "notes", "file": "plugins/notes.so" } ],
                       "tokens": [ { "id": "ci", "sha256": "\(hashA)" }, { "id": "old", "sha256": "\(hashB)", "revoked": true } ],
                       "sandbox": { "memory_bytes": 536870912, "call_deadline_ms": 2500, "network": true, "readable_paths": ["data"] },
                       "quotas": { "max_concurrent_calls": 4, "calls_per_second": 12.5, "max_request_bytes": 65536, "max_response_bytes": 1048576 } } ],
          "transports": { "stdio": { "team": "alpha" } },
          "audit": { "file": "audit/plugboard.log", "rotate_bytes": 1048576, "keep": 3 }
        }
        """.utf8), source: "runtime.json")
        // The referenced top-level mount moved into the team; the shared one stays top-level.
        #expect(config.mounts.map(\.namespace) == ["hello"])
        #expect(config.mounts[0].shared)
        let team = try #require(config.teams.first)
        #expect(team.name == "alpha")
        #expect(team.mounts.map(\.namespace) == ["notes", "math"])
        #expect(team.mounts.allSatisfy { $0.isolation == .sandboxed })  // always, though neither mount said so
        #expect(team.mounts[0].source == .file("/srv/plugboard/plugins/notes.so"))
        #expect(team.tokens == [.init(id: "ci", sha256: hashA), .init(id: "old", sha256: hashB, revoked: true)])
        #expect(team.sandbox == .init(memoryBytes: 536_870_912, callDeadlineMilliseconds: 2500, network: true,
                                      readablePaths: ["/srv/plugboard/data"]))
        #expect(team.quotas == .init(maxConcurrentCalls: 4, callsPerSecond: 12.5, maxRequestBytes: 65536, maxResponseBytes: 1_048_576))
        #expect(config.transports.stdio.team == "alpha")
        #expect(config.audit == .init(destination: .file("/srv/plugboard/audit/plugboard.log"), rotateBytes: 1_048_576, keep: 3))
    }

    @Test func maxRateWaitIsReadWithCallsPerSecondAndRefusedWithoutOrOutOfRange() throws {
        let config = try decoder.decode(Array(#"{"teams":[{"name":"a","quotas":{"calls_per_second":50,"max_rate_wait_ms":250}}]}"#.utf8),
                                        source: "runtime.json")
        #expect(config.teams.first?.quotas == .init(callsPerSecond: 50, maxRateWaitMilliseconds: 250))
        let zero = try decoder.decode(Array(#"{"teams":[{"name":"a","quotas":{"calls_per_second":5,"max_rate_wait_ms":0}}]}"#.utf8),
                                      source: "runtime.json")
        #expect(zero.teams.first?.quotas.maxRateWaitMilliseconds == 0)  // refused at once, as before the wait existed
        let unset = try decoder.decode(Array(#"{"teams":[{"name":"a","quotas":{"calls_per_second":5}}]}"#.utf8), source: "runtime.json")
        #expect(unset.teams.first?.quotas.maxRateWaitMilliseconds == nil)  // the server's default (100 ms)
        #expect(issues(#"{"teams":[{"name":"a","quotas":{"calls_per_second":5,"max_rate_wait_ms":20000}}]}"#)
            == ["$.teams[0].quotas.max_rate_wait_ms: 20000 is out of range: expected 0 to 10000"])
        #expect(issues(#"{"teams":[{"name":"a","quotas":{"calls_per_second":5,"max_rate_wait_ms":"100ms"}}]}"#)
            == [#"$.teams[0].quotas.max_rate_wait_ms: expected a whole number from 0 to 10000, found a string "100ms""#])
        #expect(issues(#"{"teams":[{"name":"a","quotas":{"max_rate_wait_ms":100}}]}"#)
            == ["$.teams[0].quotas.max_rate_wait_ms: is how long a call past 'calls_per_second' may wait for its turn, "
                + "but this team has no calls_per_second; set calls_per_second or remove max_rate_wait_ms"])
        #expect(issues(#"{"teams":[{"name":"a","quotas":{"calls_per_second":5,"max_rate_wiat_ms":100}}]}"#)
            == ["$.teams[0].quotas.max_rate_wiat_ms: unknown key 'max_rate_wiat_ms'; did you mean 'max_rate_wait_ms'?"])
    }

    @Test func withoutTeamsNothingChanges() throws {
        let config = try decoder.decode(Array(#"{"mounts":[{"namespace":"m","provider":"p"}]}"#.utf8), source: "runtime.json")
        #expect(config.teams.isEmpty && config.audit == nil && config.transports.stdio.team == nil)
    }

    @Test func mistakesNameThePathWhatWasFoundAndANearMiss() {
        #expect(issues(#"{"teams":[{"name":"a","tokens":[{"id":"x","sha256":"abc"}]}]}"#)
            == ["$.teams[0].tokens[0].sha256: expected 64 lowercase hex digits (the SHA-256 of the token; `plugboard token mint --team NAME` prints the line to paste), found 3 characters"])
        #expect(issues(#"{"teams":[{"name":"a","quotas":{"max_concurent_calls":3}}]}"#)
            == ["$.teams[0].quotas.max_concurent_calls: unknown key 'max_concurent_calls'; did you mean 'max_concurrent_calls'?"])
        #expect(issues(#"{"teams":[{"name":"a","quotas":{"calls_per_second":"fast"}}]}"#)
            == [#"$.teams[0].quotas.calls_per_second: expected a number above 0 and at most 1000000, found a string "fast""#])
        #expect(issues(#"{"mounts":[{"namespace":"math","provider":"c"}],"teams":[{"name":"a","namespaces":["maht"]}]}"#)
            == ["$.teams[0].namespaces[0]: names namespace 'maht', but no top-level mount has it; did you mean 'math'?"])
        #expect(issues(#"{"mounts":[{"namespace":"m","provider":"c"}],"teams":[{"name":"a","namespaces":["m"]},{"name":"b","namespaces":["m"]}]}"#)
            == ["$.teams[1].namespaces[0]: namespace 'm' is already owned by team 'a'; a namespace belongs to one team"])
        #expect(issues(#"{"teams":[{"name":"a"},{"name":"a"}]}"#) == ["$.teams[1]: team name 'a' is declared twice; each must be unique"])
        #expect(issues(#"{"teams":[{"name":"alpha"}],"transports":{"stdio":{"team":"alpah"}}}"#)
            == ["$.transports.stdio.team: names team 'alpah', which is not declared in $.teams (alpha); did you mean 'alpha'?"])
        #expect(issues(#"{"transports":{"stdio":{"team":"alpha"}}}"#)
            == ["$.transports.stdio.team: names team 'alpha', but the configuration declares no teams"])
        #expect(issues(#"{"audit":{}}"#) == ["$.audit: says nowhere to write: give 'file' (a path) or 'stderr': true"])
        #expect(issues(#"{"teams":[{"name":"a","mounts":[{"namespace":"n","provider":"p","shared":true}]}]}"#)
            == ["$.teams[0].mounts[0].shared: only top-level mounts can be shared; a team's mounts are its own"])
    }
}
