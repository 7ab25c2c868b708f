import Foundation
import PlugboardJSON
import Testing

extension InteropSuite {
    /// The interop scenario behind an OAuth resource server: the bundled deployment owned by one team, whose
    /// members come with JWT access tokens (minted by joserfc; keys in a JWKS file).
    @Suite("Access tokens")
    struct AccessTokens {
        static let issuer = "https://issuer.interop.invalid"

        @Test("the mcp client and fastmcp's BearerAuth run the whole interop scenario with a JWT access token, and see what SEMANTICS.md promises",
              arguments: [PythonClientRun.Client.mcp, .fastmcpAuto])
        func scenario(client: PythonClientRun.Client) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plugboard-tokens-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let key = directory.appendingPathComponent("key.json").path, jwks = directory.appendingPathComponent("jwks.json").path
            _ = try await mint(key: key, jwks: jwks, claims: "{}")  // makes the key and its JWKS
            let config = directory.appendingPathComponent("runtime.json").path
            try """
            {
              "plugin_directories": [ { "path": "${bundled}", "watch": false } ],
              "mounts": [ { "namespace": "math", "provider": "calculator" }, { "namespace": "notes", "provider": "notes" },
                          { "namespace": "hello", "provider": "greeter" } ],
              "surfaces": [ { "name": "mcp", "path": "/mcp" },
                            { "name": "v1", "path": "/v1/mcp", "filter": { "version_lt": "2.0" } },
                            { "name": "v2", "path": "/v2/mcp", "filter": { "version_gte": "2.0" } } ],
              "teams": [ { "name": "platform", "namespaces": ["math", "notes", "hello"] } ],
              "identity": { "issuers": [ { "issuer": "\(Self.issuer)", "jwks_file": "\(jwks)" } ] }
            }
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let http = try await PlugboardServer.startHTTP(["--config", config])
            defer { http.stop() }
            let now = Int(Date().timeIntervalSince1970)
            let audiences = ["/mcp", "/v1/mcp", "/v2/mcp"].map { "\"\(http.url($0))\"" }.joined(separator: ",")
            let token = try await mint(key: key, jwks: jwks, claims: """
                {"iss":"\(Self.issuer)","sub":"interop","aud":[\(audiences)],"iat":\(now),"exp":\(now + 900),"team":"platform"}
                """)
            let run = PythonClientRun(client: client, transport: .http)
            let observation = try await PythonScript.observe(
                client.scriptArguments + ["--bearer", token, "--surface-url", "v1=\(http.url("/v1/mcp"))",
                                          "--surface-url", "v2=\(http.url("/v2/mcp"))", "--http", http.url("/mcp")],
                server: http, what: "\(run.testDescription) with an access token")
            ScenarioExpectations.check(observation, run)
        }

        private func mint(key: String, jwks: String, claims: String) async throws -> String {
            let child = try ChildProcess(try InteropEnvironment.python(), ["mint_token.py", key, jwks, claims],
                                         directory: InteropEnvironment.scriptsDirectory)
            let output = try await child.finish(within: 60)
            guard output.status == 0 else { throw ChildProcess.Failure(description: "mint_token.py failed: \(output.stderr)") }
            return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
