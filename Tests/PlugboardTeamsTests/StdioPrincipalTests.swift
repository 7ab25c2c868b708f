import PlugboardJSON
import PlugboardTestSupport
import Testing

/// Over stdio there is no token: the operator's principal from `transports.stdio.team` applies, or, without it,
/// the operator sees everything.
@Suite("The stdio principal", .timeLimit(.minutes(2)))
struct StdioPrincipalTests {
    static let input = """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
        {"jsonrpc":"2.0","method":"notifications/initialized"}
        {"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}

        """

    static func toolNames(_ run: CommandRun) throws -> Set<String> {
        let reply = try #require(run.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
            .first { $0["id"] == .int(2) })
        return Set(try #require(reply["result"]?["tools"]?.arrayValue).compactMap { $0["name"]?.stringValue })
    }

    @Test("transports.stdio.team gives stdio that team's view")
    func teamView() async throws {
        let deployment = try await TeamDeployment.make()
        try deployment.writeConfig(stdioTeam: "beta")
        let run = try await CommandRun.run(BuildProducts.plugboard, ["serve", "--stdio", "--config", deployment.configPath],
                                           in: deployment.directory, input: Self.input, timeout: .seconds(60))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.toolNames(run) == ["beta_add_note", "beta_reindex", "hello_greet"])
    }

    @Test("without transports.stdio.team the operator sees every team's and its own components")
    func operatorView() async throws {
        let deployment = try await TeamDeployment.make()
        let run = try await CommandRun.run(BuildProducts.plugboard, ["serve", "--stdio", "--config", deployment.configPath],
                                           in: deployment.directory, input: Self.input, timeout: .seconds(60))
        let names = try Self.toolNames(run)
        #expect(names.contains("ops_reindex") && names.contains("alpha_add") && names.contains("beta_reindex")
            && names.contains("gamma_fine") && names.contains("hello_greet"))
    }
}

@Suite("plugboard list and validate with teams", .timeLimit(.minutes(2)))
struct TeamCommandTests {
    @Test("list --team shows that team's view; list alone the operator's; an unknown team is named")
    func listTeam() async throws {
        let deployment = try await TeamDeployment.make()
        let beta = try await CommandRun.run(BuildProducts.plugboard, ["list", "--config", deployment.configPath, "--team", "beta", "--json"],
                                            in: deployment.directory)
        #expect(beta.status == 0, "\(beta.stderr)")
        let rows = try #require(try JSONParser.parse(beta.stdout).arrayValue)
        let identities = Set(rows.compactMap { $0["identity"]?.stringValue })
        #expect(identities.contains("beta_add_note") && identities.contains("hello_greet"))
        #expect(!identities.contains { $0.hasPrefix("alpha") || $0.hasPrefix("gamma") || $0.hasPrefix("ops") })
        let everything = try await CommandRun.run(BuildProducts.plugboard, ["list", "--config", deployment.configPath, "--json"],
                                                  in: deployment.directory)
        let all = Set(try #require(try JSONParser.parse(everything.stdout).arrayValue).compactMap { $0["identity"]?.stringValue })
        #expect(all.isSuperset(of: identities) && all.contains("alpha_add") && all.contains("ops_reindex"))
        let unknown = try await CommandRun.run(BuildProducts.plugboard, ["list", "--config", deployment.configPath, "--team", "delta"],
                                               in: deployment.directory)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown team 'delta'") && unknown.stderr.contains("alpha, beta, gamma"))
    }

    @Test("validate checks team mounts and names the teams")
    func validate() async throws {
        let deployment = try await TeamDeployment.make()
        let good = try await CommandRun.run(BuildProducts.plugboard, ["validate", "--config", deployment.configPath], in: deployment.directory)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("teams alpha, beta, gamma"))
        try deployment.writeConfig(betaMounts: #"[ { "namespace": "beta", "file": "missing.so" } ]"#)
        let bad = try await CommandRun.run(BuildProducts.plugboard, ["validate", "--config", deployment.configPath], in: deployment.directory)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("$.teams[1].mounts[0].file"))
    }
}
