import Foundation
import PlugboardJSON
import PlugboardTestSupport
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

    @Test("an idle session leaves memory and is opened again from its id, until the id's lifetime ends")
    func idleSessionsLeaveMemoryAndIdsExpire() async throws {
        let (server, client) = try await startHTTPServer(["--session-idle-timeout", "1", "--session-lifetime", "5"])
        _ = server
        let opened = ContinuousClock.now
        let session = try #require(client.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        #expect(client.post("/mcp", #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#, headers: ["Mcp-Session-Id": session])?.status == 200)
        try await Task.sleep(for: .milliseconds(2_500))
        let reopened = client.post("/mcp", #"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#, headers: ["Mcp-Session-Id": session])
        #expect(reopened?.status == 200, "idle past the idle timeout: opened again from the id")
        #expect(reopened?.json?[path: "result", "tools"]?.arrayValue?.isEmpty == false)
        try await Task.sleep(until: opened + .seconds(6.5), clock: .continuous)
        let expired = client.post("/mcp", #"{"jsonrpc":"2.0","id":4,"method":"ping"}"#, headers: ["Mcp-Session-Id": session])
        #expect(expired?.status == 404, "past its lifetime the id is refused")
        #expect(expired?.json?[path: "error", "message"]?.stringValue?.contains("initialize again") == true)
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
