import PlugboardMCP
import Testing

/// Which Host and Origin values the DNS-rebinding check lets through: loopback names in any spelling a client
/// sends, the operator's names, and nothing that merely starts or ends like one of them.
@Suite struct OriginPolicyTests {
    let policy = OriginPolicy(allowedHosts: ["mcp.example.com", "*.teams.example.com"], allowedOrigins: ["https://app.example.com"])

    @Test(arguments: ["127.0.0.1", "127.0.0.1:8000", "127.0.0.1:", "localhost", "LocalHost:80", "[::1]", "[::1]:8000", "::1",
                      "mcp.example.com", "MCP.example.com:443", "a.teams.example.com:8443"])
    func allowedHosts(_ authority: String) {
        #expect(policy.admits(origin: nil, authority: authority))
    }

    @Test(arguments: ["127.0.0.1.evil.com", "127.0.0.1.evil.com:80", "localhost.evil.com", "evil-localhost", "127.0.0.2",
                      "[::2]:80", ":8000", "", "example.com", "teams.example.com", "evilteams.example.com"])
    func refusedHosts(_ authority: String) {
        #expect(!policy.admits(origin: nil, authority: authority))
    }

    @Test func originsAreCheckedBesideTheHost() {
        #expect(policy.admits(origin: "http://localhost:3000", authority: "127.0.0.1:8000"))
        #expect(policy.admits(origin: "HTTPS://App.Example.com/", authority: "mcp.example.com"))
        #expect(policy.admits(origin: "null", authority: "localhost"))
        #expect(!policy.admits(origin: "https://evil.example.net", authority: "127.0.0.1:8000"))
        #expect(!policy.admits(origin: "http://127.0.0.1.evil.com", authority: "127.0.0.1:8000"))
    }
}
