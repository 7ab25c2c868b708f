import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

@Suite("The audit trail of the real server", .timeLimit(.minutes(2)))
struct AuditTests {
    @Test("loads, calls, refusals, a worker's death and unloads are written as JSON lines, field by field")
    func auditLines() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            let calculator = BuildProducts.directory + "/libcalculator.so"
            let calculatorDigest = try await sha256sum(calculator)
            let notesDigest = try await sha256sum(BuildProducts.directory + "/libnotes.so")
            let hostileDigest = try await sha256sum(teams.hostile)

            let ok = try #require(await http.call("tools/call", #"{"name":"alpha_calculate","arguments":{"a":6,"b":7,"op":"mul"}}"#,
                                                   id: 11, token: teams.alpha.secret))
            #expect(ok.json?["result"] != nil)
            let probe = try #require(await http.call("tools/call", #"{"name":"alpha_add","arguments":{"a":1,"b":2}}"#, id: 12, token: teams.beta.secret))
            #expect(probe.json?["error"] != nil)
            let crash = try #require(await http.call("tools/call", #"{"name":"gamma_segfault","arguments":{}}"#, id: 13, token: teams.gamma.secret))
            #expect(crash.json?["result"]?["isError"] == .bool(true) || crash.json?["error"] != nil)

            // Unload: beta's mount is removed from the file and the server reloaded.
            try teams.writeConfig(betaMounts: "[]")
            server.reload()
            let lines = await server.auditLines { lines in lines.contains { $0["event"]?.stringValue == "unload" } }

            // Loads: one per (team, provider), each with the file's SHA-256 as sha256sum computes it.
            let loads = lines.filter { $0["event"]?.stringValue == "load" }
            let alphaCalculator = try #require(loads.first { $0["team"]?.stringValue == "alpha" && $0["provider"]?.stringValue == "calculator" })
            #expect(alphaCalculator["namespace"]?.stringValue == "alpha")
            #expect(alphaCalculator["provider_sha256"]?.stringValue == calculatorDigest)
            #expect(alphaCalculator["file"]?.stringValue == calculator)
            #expect(alphaCalculator["isolation"]?.stringValue == "sandboxed")
            #expect(isTimestamp(alphaCalculator["time"]?.stringValue))
            let operatorNotes = try #require(loads.first { $0["namespace"]?.stringValue == "ops" })
            #expect(operatorNotes["team"] == .null)
            #expect(operatorNotes["isolation"]?.stringValue == "in-process")
            #expect(operatorNotes["provider_sha256"]?.stringValue == notesDigest)
            // beta's notes is an instance of its own, not the operator's.
            #expect(loads.contains { $0["team"]?.stringValue == "beta" && $0["provider"]?.stringValue == "notes" && $0["isolation"]?.stringValue == "sandboxed" })

            let calls = lines.filter { $0["event"]?.stringValue == "call" }
            let call = try #require(calls.first { $0["component"]?.stringValue == "alpha_calculate" })
            #expect(call["team"]?.stringValue == "alpha")
            #expect(call["token_id"]?.stringValue == "alpha-ci")
            #expect(call["token_sha256"]?.stringValue == String(teams.alpha.sha256.prefix(12)))
            #expect(call["surface"]?.stringValue == "mcp")
            #expect(call["kind"]?.stringValue == "tool")
            #expect(call["version"]?.stringValue == "2.0")  // calculator registers calculate 1.0 and 2.0; the highest serves
            #expect(call["provider"]?.stringValue == "calculator")
            #expect(call["provider_sha256"]?.stringValue == calculatorDigest)
            #expect((call["duration_ms"]?.doubleValue ?? -1) >= 0)
            #expect(call["rate_wait_ms"]?.doubleValue == 0)  // alpha has no rate quota: no call waits for a turn
            #expect(call["outcome"]?.stringValue == "ok")
            #expect(isTimestamp(call["time"]?.stringValue))

            let refused = try #require(calls.first { $0["team"]?.stringValue == "beta" && $0["component"]?.stringValue == "alpha_add" })
            #expect(refused["outcome"]?.stringValue == "not_found")
            #expect(refused["provider"] == .null)
            #expect(refused["token_id"]?.stringValue == "beta-ci")

            let died = try #require(calls.first { $0["component"]?.stringValue == "gamma_segfault" })
            #expect(died["provider_sha256"]?.stringValue == hostileDigest)
            #expect(died["outcome"]?.stringValue == "unavailable")
            #expect(died["worker_exit"]?.stringValue?.contains("SIGSEGV") == true, "\(died)")

            let unload = try #require(lines.first { $0["event"]?.stringValue == "unload" })
            #expect(unload["team"]?.stringValue == "beta")
            #expect(unload["provider"]?.stringValue == "notes")
            #expect(unload["provider_sha256"]?.stringValue == notesDigest)

            // Never a token's text.
            let text = try String(contentsOfFile: teams.auditPath, encoding: .utf8)
            for token in [teams.alpha, teams.beta, teams.gamma, teams.alphaRevoked] { #expect(!text.contains(token.secret)) }
        }
    }
}

func sha256sum(_ file: String) async throws -> String {
    let run = try await CommandRun.run("/usr/bin/env", ["sha256sum", file])
    return String(run.stdout.prefix(64))
}

/// `2026-11-21T07:13:08.123Z`
func isTimestamp(_ text: String?) -> Bool {
    guard let text, text.count == 24, text.hasSuffix("Z") else { return false }
    return text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil
}
