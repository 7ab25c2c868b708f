import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

extension ServerTests {
/// Streamable HTTP against the real executable: sessions, both eras' headers, SSE, DNS-rebinding checks.
@Suite struct HTTPTransportTests {
    @Test func handshakeSessionLifecycle() async throws {
        let (server, client) = try await startHTTPServer()
        _ = server
        let initialize = try #require(client.post("/mcp", initializeBody))
        #expect(initialize.status == 200)
        let session = try #require(initialize.headers["mcp-session-id"])
        #expect(initialize.json?[path: "result", "protocolVersion"] == .string("2025-11-25"))

        let initialized = client.post("/mcp", #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                                      headers: ["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"])
        #expect(initialized?.status == 202)
        let list = client.post("/mcp", #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
                               headers: ["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"])
        #expect(list?.status == 200)
        #expect(list?.headers["content-type"] == "application/json")
        #expect(list?.json?[path: "result", "tools", 0, "_meta", "fastmcp", "version"] == .string("2.0"))

        let noSession = client.post("/mcp", #"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#)
        #expect(noSession?.status == 400)
        let unknown = client.post("/mcp", #"{"jsonrpc":"2.0","id":4,"method":"tools/list"}"#, headers: ["Mcp-Session-Id": "nope"])
        #expect(unknown?.status == 404)
        let badVersion = client.post("/mcp", #"{"jsonrpc":"2.0","id":5,"method":"ping"}"#,
                                     headers: ["Mcp-Session-Id": session, "MCP-Protocol-Version": "1999-01-01"])
        #expect(badVersion?.status == 400)

        #expect(client.send("DELETE", "/mcp", headers: ["Mcp-Session-Id": session])?.status == 204)
        let afterDelete = client.post("/mcp", #"{"jsonrpc":"2.0","id":6,"method":"ping"}"#, headers: ["Mcp-Session-Id": session])
        #expect(afterDelete?.status == 404)
        #expect(client.send("DELETE", "/mcp", headers: ["Mcp-Session-Id": session])?.status == 404)
    }

    @Test func foreignOriginsAndHostsAreRefused() async throws {
        let (server, client) = try await startHTTPServer()
        _ = server
        #expect(client.post("/mcp", initializeBody, headers: ["Origin": "http://evil.example"])?.status == 403)
        #expect(client.post("/mcp", initializeBody, headers: ["Host": "evil.example:8000"])?.status == 403)
        #expect(client.post("/mcp", initializeBody, headers: ["Origin": "http://localhost:3000"])?.status == 200)
    }

    @Test func theOperatorAllowsThePublicNameAndBrowserOriginsBehindABalancer() async throws {
        let config = BuildProducts.temporaryDirectory("origins") + "/runtime.json"
        try #"{"transports": {"http": {"allowed_hosts": ["mcp.example.com", "*.internal.example"], "allowed_origins": ["https://app.example.com"]}}}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        let (server, client) = try await startHTTPServer(["--config", config])
        _ = server
        #expect(client.post("/mcp", initializeBody, headers: ["Host": "mcp.example.com"])?.status == 200)
        #expect(client.post("/mcp", initializeBody, headers: ["Host": "MCP.Example.com:443"])?.status == 200)
        #expect(client.post("/mcp", initializeBody, headers: ["Host": "eu.internal.example"])?.status == 200)
        #expect(client.post("/mcp", initializeBody, headers: ["Host": "localhost:8000"])?.status == 200)
        let foreignHost = client.post("/mcp", initializeBody, headers: ["Host": "internal.example.evil.test"])
        #expect(foreignHost?.status == 403)
        #expect(foreignHost?.json?[path: "error", "message"]?.stringValue?.contains("transports.http.allowed_hosts") == true)
        #expect(client.post("/mcp", initializeBody, headers: ["Host": "mcp.example.com", "Origin": "https://app.example.com"])?.status == 200)
        let foreignOrigin = client.post("/mcp", initializeBody, headers: ["Host": "mcp.example.com", "Origin": "https://app.example.com.evil.test"])
        #expect(foreignOrigin?.status == 403)
        #expect(foreignOrigin?.json?[path: "error", "message"]?.stringValue?.contains("transports.http.allowed_origins") == true)
        #expect(client.post("/mcp", initializeBody, headers: ["Origin": "http://app.example.com"])?.status == 403)  // another scheme
    }

    @Test func surfacesServeTheirVersionsOverTheSameProviders() async throws {
        let (server, client) = try await startHTTPServer()
        _ = server
        func versions(_ path: String) throws -> JSONValue? {
            let session = try #require(client.post(path, initializeBody)?.headers["mcp-session-id"])
            let tools = client.post(path, #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, headers: ["Mcp-Session-Id": session])?
                .json?[path: "result", "tools"]?.arrayValue ?? []
            return tools.first { $0["name"] == .string("math_calculate") }?[path: "_meta", "fastmcp", "versions"]
        }
        #expect(try versions("/mcp") == .array([.string("2.0"), .string("1.0")]))
        #expect(try versions("/v1/mcp") == .array([.string("1.0")]))
        #expect(try versions("/v2/mcp") == .array([.string("2.0")]))
    }

    @Test func statelessRequestsAreCheckedAgainstTheirHeaders() async throws {
        let (server, client) = try await startHTTPServer()
        _ = server
        let body = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"math_add","arguments":{"a":2,"b":3},\#(statelessMeta())}}"#
        let good = ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "math_add"]
        let ok = client.post("/mcp", body, headers: good)
        #expect(ok?.status == 200)
        #expect(ok?.headers["mcp-session-id"] == nil, "2026-07-28 is sessionless")
        #expect(ok?.json?[path: "result", "resultType"] == .string("complete"))
        #expect(ok?.json?[path: "result", "structuredContent", "result"]?.doubleValue == 5)

        for (header, value) in [("Mcp-Name", "math_sub"), ("Mcp-Method", "tools/list"), ("MCP-Protocol-Version", "2025-11-25")] {
            var headers = good
            headers[header] = value
            let reply = client.post("/mcp", body, headers: headers)
            #expect(reply?.status == 400, "\(header)")
            #expect(reply?.json?[path: "error", "code"] == .number("-32020"), "\(header)")
        }
        let unsupported = #"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{\#(statelessMeta("2031-01-01"))}}"#
        let refused = client.post("/mcp", unsupported, headers: ["MCP-Protocol-Version": "2031-01-01", "Mcp-Method": "tools/list"])
        #expect(refused?.status == 400)
        #expect(refused?.json?[path: "error", "code"] == .number("-32022"))

        let discover = client.post("/mcp", #"{"jsonrpc":"2.0","id":3,"method":"server/discover","params":{\#(statelessMeta())}}"#,
                                   headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "server/discover"])
        #expect(discover?.json?[path: "result", "supportedVersions"] == .array([.string("2026-07-28")]))
    }

    @Test func progressGoesOnTheRequestsSSEStream() async throws {
        let (server, client) = try await startHTTPServer(["--diagnostics"])
        _ = server
        let session = try #require(client.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        let reply = try #require(client.post("/mcp",
            #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"diag_slow","arguments":{"steps":3,"ms":10},"_meta":{"progressToken":"p"}}}"#,
            headers: ["Mcp-Session-Id": session]))
        #expect(reply.headers["content-type"] == "text/event-stream")
        let events = reply.events
        #expect(events.count == 4)
        #expect(events.prefix(3).allSatisfy { $0["method"] == .string("notifications/progress") && $0[path: "params", "progressToken"] == .string("p") })
        #expect(events.last?[path: "result", "content", 0, "text"] == .string("counted 3 steps"))
        #expect(events.last?["id"] == .number("7"))
    }

    @Test func tooLargeBodiesAreRefusedAndTheServerGoesOn() async throws {
        let (server, client) = try await startHTTPServer(["--max-message-bytes", "4096"])
        _ = server
        let huge = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"x":""# + String(repeating: "a", count: 10_000) + #""}}"#
        let refused = client.post("/mcp", huge)
        #expect(refused?.status == 413)
        let fresh = HTTPTestClient(port: client.port)
        #expect(fresh.post("/mcp", #"{"jsonrpc":"2.0","id":1,"#)?.json?[path: "error", "code"] == .number("-32700"))
        #expect(fresh.post("/mcp", initializeBody)?.status == 200)
    }

    /// The memory bar: 10,000 calls in one session keep the server's RSS flat. The calls go to the built-in echo
    /// tool so the figure is the MCP layer's own (sessions, routing, HTTP), not a plugin's.
    @Test(.timeLimit(.minutes(3))) func tenThousandCallsInOneSessionKeepMemoryFlat() async throws {
        let (server, client) = try await startHTTPServer(["--diagnostics"])
        let session = try #require(client.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        let headers = ["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"]
        func calls(_ range: Range<Int>) {
            for id in range {
                let reply = client.post("/mcp",
                    #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"diag_echo","arguments":{"a":\#(id),"b":1}}}"#,
                    headers: headers)
                if reply?.status != 200 { Issue.record("call \(id) failed: \(String(describing: reply?.text))"); return }
            }
        }
        calls(0..<1_000)  // warm up: allocator pools, caches
        let warm = server.residentKiB
        calls(1_000..<10_000)
        let after = server.residentKiB
        #expect(warm > 0 && after > 0)
        print("RSS after 1,000 calls: \(warm) KiB; after 10,000: \(after) KiB; growth \(after - warm) KiB")
        #expect(after - warm < 1_024, "RSS grew by \(after - warm) KiB over 9,000 calls")
    }
}
}
