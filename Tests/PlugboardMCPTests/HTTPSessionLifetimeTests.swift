import Foundation
import PlugboardJSON
import Testing

extension ServerTests {
/// GET streams, idle expiry and graceful shutdown of the real executable.
@Suite struct HTTPSessionLifetimeTests {
    @Test func getStreamIsOnePerSessionAndEndsWithTheSession() async throws {
        let (server, client) = try await startHTTPServer()
        _ = server
        let session = try #require(client.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        // Open the stream and read its head: from then on the server holds it, so a second GET must be refused.
        let streamClient = HTTPTestClient(port: client.port)
        let head = try #require(await onThread {
            streamClient.sendHead("GET", "/mcp", headers: ["Mcp-Session-Id": session, "Accept": "text/event-stream"])
        })
        #expect(head.status == 200)
        async let stream = onThread { streamClient.readBody(of: head) }
        let second = await onThread {
            client.send("GET", "/mcp", headers: ["Mcp-Session-Id": session, "Accept": "text/event-stream"])?.status
        }
        #expect(second == 409)
        #expect(client.send("DELETE", "/mcp", headers: ["Mcp-Session-Id": session])?.status == 204)
        let ended = await stream
        #expect(ended.status == 200)
        #expect(ended.headers["content-type"] == "text/event-stream")
        #expect(client.send("GET", "/mcp", headers: ["Accept": "text/event-stream"])?.status == 405, "GET needs a session")
    }

    @Test func idleSessionsExpire() async throws {
        let (server, client) = try await startHTTPServer(["--session-idle-timeout", "1"])
        _ = server
        let session = try #require(client.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        #expect(client.post("/mcp", #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#, headers: ["Mcp-Session-Id": session])?.status == 200)
        try await Task.sleep(for: .milliseconds(2_500))
        #expect(client.post("/mcp", #"{"jsonrpc":"2.0","id":3,"method":"ping"}"#, headers: ["Mcp-Session-Id": session])?.status == 404)
    }

    @Test func sigtermFinishesRequestsInFlightThenExits() async throws {
        let (server, client) = try await startHTTPServer(["--diagnostics"])
        let session = try #require(client.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        async let slow = onThread {
            client.post("/mcp", #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"diag_slow","arguments":{"steps":10,"ms":50}}}"#,
                        headers: ["Mcp-Session-Id": session])
        }
        try await Task.sleep(for: .milliseconds(200))
        server.process.terminate()  // SIGTERM
        let reply = await slow
        #expect(reply?.json?[path: "result", "content", 0, "text"] == .string("counted 10 steps"))
        #expect(await server.waitForExit(timeout: .seconds(10)))
        #expect(server.process.terminationReason == .exit)
    }
}
}
