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
