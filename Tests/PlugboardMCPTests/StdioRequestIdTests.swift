import PlugboardJSON
import Testing

extension ServerTests {
/// Request ids over stdio: an id may be in flight once; the refusal comes at once and leaves the first request
/// running; the id is free again once it has been answered.
@Suite struct StdioRequestIdTests {
    @Test func aSecondRequestWithAnIdInFlightIsRefusedAndTheFirstStillAnswers() async throws {
        let server = try ServerProcess(["--stdio", "--diagnostics"])
        _ = await server.initialize()
        // About 0.3 s of work, so the ping below arrives while it runs.
        server.send(#"{"jsonrpc":"2.0","id":"dup","method":"tools/call","params":{"name":"diag_slow","arguments":{"steps":10,"ms":30}}}"#)
        server.send(#"{"jsonrpc":"2.0","id":"dup","method":"ping"}"#)
        let refused = await server.waitFor { $0["id"] == .string("dup") && $0["error"] != nil }
        #expect(refused?[path: "error", "code"] == .number("-32600"))
        #expect(refused?[path: "error", "message"] == .string(#"Invalid request: a request with id "dup" is already in flight"#))
        let answered = await server.waitFor { $0["id"] == .string("dup") && $0["result"] != nil }
        #expect(answered?[path: "result", "content", 0, "text"] == .string("counted 10 steps"))

        server.send(#"{"jsonrpc":"2.0","id":"dup","method":"ping"}"#)
        let reused = await server.waitFor { $0["id"] == .string("dup") && $0["result"] == .object([:]) }
        #expect(reused != nil, "the id is free once answered: \(server.rawLines)")
        #expect(server.messages.filter { $0["id"] == .string("dup") }.count == 3)
    }
}
}
