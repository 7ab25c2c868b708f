import PlugboardJSON
import Testing

extension ServerTests {
/// Progress, cancellation and log messages over stdio.
@Suite struct StdioNotificationTests {
    @Test func progressArrivesBeforeTheResponseWithTheRequestsToken() async throws {
        let server = try ServerProcess(["--stdio", "--diagnostics"])
        _ = await server.initialize()
        let reply = await server.call(1, "tools/call", #"{"name":"diag_slow","arguments":{"steps":3,"ms":10},"_meta":{"progressToken":"tok-1"}}"#)
        #expect(reply?[path: "result", "content", 0, "text"] == .string("counted 3 steps"))
        let progress = server.messages.filter { $0["method"] == .string("notifications/progress") }
        #expect(progress.count == 3)
        #expect(progress.allSatisfy { $0[path: "params", "progressToken"] == .string("tok-1") })
        #expect(progress.last?[path: "params", "progress"]?.doubleValue == 3)
        #expect(progress.last?[path: "params", "total"]?.doubleValue == 3)
        // Without a token, no progress is sent.
        _ = await server.call(2, "tools/call", #"{"name":"diag_slow","arguments":{"steps":2,"ms":10}}"#)
        #expect(server.messages.filter { $0["method"] == .string("notifications/progress") }.count == 3)
    }

    @Test func cancelledRequestsStopAndGetNoResponse() async throws {
        let server = try ServerProcess(["--stdio", "--diagnostics"])
        _ = await server.initialize()
        _ = await server.call(1, "logging/setLevel", #"{"level":"info"}"#)
        server.send(#"{"jsonrpc":"2.0","id":"long","method":"tools/call","params":{"name":"diag_slow","arguments":{"steps":200,"ms":20}}}"#)
        // Wait until it is running (its first log line), then cancel it.
        #expect(await server.waitFor { $0["method"] == .string("notifications/message") } != nil)
        server.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"long","reason":"test"}}"#)
        // The provider saw the cancellation (it logs where it stopped) …
        let stopped = await server.waitFor(timeout: .seconds(3)) {
            $0[path: "params", "data"]?.stringValue?.hasPrefix("cancelled at step") == true
        }
        #expect(stopped != nil)
        // … and no response is sent for it, while the session keeps answering.
        #expect(await server.call(2, "ping")?["result"] != nil)
        #expect(await server.response(#""long""#, timeout: .milliseconds(300)) == nil)
    }

    @Test func logMessagesFollowTheSessionLevel() async throws {
        let server = try ServerProcess(["--stdio", "--diagnostics"])
        _ = await server.initialize()
        _ = await server.call(1, "tools/call", #"{"name":"diag_slow","arguments":{"steps":2,"ms":5}}"#)
        #expect(server.messages.filter { $0["method"] == .string("notifications/message") }.isEmpty, "no level set yet")
        _ = await server.call(2, "logging/setLevel", #"{"level":"info"}"#)
        _ = await server.call(3, "tools/call", #"{"name":"diag_slow","arguments":{"steps":2,"ms":5}}"#)
        let logs = server.messages.filter { $0["method"] == .string("notifications/message") }
        #expect(logs.count == 2)
        #expect(logs.first?[path: "params", "level"] == .string("info"))
        #expect(logs.first?[path: "params", "logger"] == .string("diagnostics/slow"))
        _ = await server.call(4, "logging/setLevel", #"{"level":"error"}"#)
        _ = await server.call(5, "tools/call", #"{"name":"diag_slow","arguments":{"steps":2,"ms":5}}"#)
        #expect(server.messages.filter { $0["method"] == .string("notifications/message") }.count == 2)
        #expect(await server.call(6, "logging/setLevel", #"{"level":"loud"}"#)?[path: "error", "code"] == .number("-32602"))
    }
}
}
