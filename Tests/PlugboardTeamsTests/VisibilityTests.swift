import PlugboardJSON
import Testing

/// A token sees its team's namespaces and the shared ones; everything else is absent from listings, and asking
/// for it is answered byte for byte like asking for something that does not exist.
@Suite("Team visibility against the real server", .timeLimit(.minutes(2)))
struct VisibilityTests {
    @Test("listings hold the team's own and shared components, never another team's or the operator's")
    func listings() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            let alphaTools = try await names(http, "tools/list", "tools", "name", token: teams.alpha.secret)
            let betaTools = try await names(http, "tools/list", "tools", "name", token: teams.beta.secret)
            // calculator: calculate, add; behaviours: serial, parallel, …; greeter (shared): greet.
            #expect(alphaTools.contains("alpha_calculate") && alphaTools.contains("alpha_add") && alphaTools.contains("alphab_echo"))
            #expect(alphaTools.contains("hello_greet"))
            #expect(alphaTools.allSatisfy { $0.hasPrefix("alpha_") || $0.hasPrefix("alphab_") || $0.hasPrefix("hello_") })
            // notes: add_note, reindex.
            #expect(Set(betaTools) == ["beta_add_note", "beta_reindex", "hello_greet"])
            let betaResources = try await names(http, "resources/list", "resources", "uri", token: teams.beta.secret)
            let alphaResources = try await names(http, "resources/list", "resources", "uri", token: teams.alpha.secret)
            #expect(betaResources.count == 1 && betaResources[0].contains("beta"))
            #expect(alphaResources.allSatisfy { !$0.contains("beta") && !$0.contains("ops") })
            let alphaPrompts = try await names(http, "prompts/list", "prompts", "name", token: teams.alpha.secret)
            #expect(alphaPrompts.allSatisfy { !$0.hasPrefix("beta_") && !$0.hasPrefix("ops_") })
        }
    }

    @Test("calls across teams get exactly the bytes a nonexistent name gets, with the name swapped")
    func crossTeamCallsLookNotFound() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            let alphaTools = try await names(http, "tools/list", "tools", "name", token: teams.alpha.secret)
            let betaTools = try await names(http, "tools/list", "tools", "name", token: teams.beta.secret)
            let betaResources = try await names(http, "resources/list", "resources", "uri", token: teams.beta.secret)
            let betaPrompts = try await names(http, "prompts/list", "prompts", "name", token: teams.beta.secret)
            #expect(!betaResources.isEmpty && !betaPrompts.isEmpty)

            var attempts = 0, succeeded = 0
            // beta probes alpha's tools and the operator's own (unshared) namespace.
            let alphaOnly = alphaTools.filter { !$0.hasPrefix("hello_") }
            for (index, name) in (alphaOnly + ["ops_add_note", "ops_reindex"]).enumerated() {
                let probe = try await callBytes(http, "tools/call", #"{"name":"\#(name)","arguments":{}}"#, id: index, token: teams.beta.secret)
                let missing = "zz" + String(name.dropFirst(2))
                let control = try await callBytes(http, "tools/call", #"{"name":"\#(missing)","arguments":{}}"#, id: index, token: teams.beta.secret)
                attempts += 1
                if probe.json?["result"] != nil { succeeded += 1 }
                #expect(probe.status == control.status)
                #expect(probe.headers["content-type"] == control.headers["content-type"])
                #expect(probe.text.replacingOccurrences(of: name, with: "NAME") == control.text.replacingOccurrences(of: missing, with: "NAME"),
                        "\(probe.text) vs \(control.text)")
            }
            // alpha probes beta's resources and prompts.
            for (index, uri) in betaResources.enumerated() {
                let probe = try await callBytes(http, "resources/read", #"{"uri":"\#(uri)"}"#, id: index, token: teams.alpha.secret)
                let missing = uri.replacingOccurrences(of: "beta", with: "zzzz")
                let control = try await callBytes(http, "resources/read", #"{"uri":"\#(missing)"}"#, id: index, token: teams.alpha.secret)
                attempts += 1
                if probe.json?["result"] != nil { succeeded += 1 }
                #expect(probe.status == control.status)
                #expect(probe.text.replacingOccurrences(of: uri, with: "URI") == control.text.replacingOccurrences(of: missing, with: "URI"))
            }
            for (index, name) in betaPrompts.filter({ !$0.hasPrefix("hello_") }).enumerated() {
                let probe = try await callBytes(http, "prompts/get", #"{"name":"\#(name)","arguments":{}}"#, id: index, token: teams.alpha.secret)
                let missing = "zzzz" + String(name.dropFirst(4))
                let control = try await callBytes(http, "prompts/get", #"{"name":"\#(missing)","arguments":{}}"#, id: index, token: teams.alpha.secret)
                attempts += 1
                if probe.json?["result"] != nil { succeeded += 1 }
                #expect(probe.text.replacingOccurrences(of: name, with: "NAME") == control.text.replacingOccurrences(of: missing, with: "NAME"))
            }
            #expect(attempts >= 8)
            #expect(succeeded == 0)
            // The owners themselves reach the same names (so the refusals above are about visibility).
            let own = try await callBytes(http, "tools/call", #"{"name":"alpha_add","arguments":{"a":2,"b":3}}"#, id: 1, token: teams.alpha.secret)
            #expect(own.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == "5")
            #expect(betaTools.contains("beta_add_note"))
        }
    }

    @Test("a session opened by one team is unknown to another team's token")
    func sessionsBelongToTheirTeam() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            let session = try #require(await http.session(token: teams.alpha.secret))
            let own = try #require(await http.call("tools/list", "{}", token: teams.alpha.secret, session: session))
            #expect(own.status == 200)
            let stolen = try #require(await http.call("tools/list", "{}", token: teams.beta.secret, session: session))
            let unknown = try #require(await http.call("tools/list", "{}", token: teams.beta.secret, session: "0-0"))
            #expect(stolen.status == 404)
            #expect(stolen.text.replacingOccurrences(of: session, with: "ID") == unknown.text.replacingOccurrences(of: "0-0", with: "ID"))
        }
    }
}

/// The `key` of every entry of a list method's answer.
func names(_ http: LoopbackHTTP, _ method: String, _ member: String, _ key: String, token: String) async throws -> [String] {
    let reply = try #require(await http.call(method, "{}", token: token))
    try #require(reply.status == 200, "\(method): \(reply.status) \(reply.text)")
    let entries = try #require(reply.json?["result"]?[member]?.arrayValue)
    return entries.compactMap { $0[key]?.stringValue }
}

func callBytes(_ http: LoopbackHTTP, _ method: String, _ params: String, id: Int, token: String) async throws -> LoopbackHTTP.Reply {
    try #require(await http.call(method, params, id: id, token: token))
}
