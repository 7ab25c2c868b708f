import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// Sandboxed mounts served over stdio: calls go out to the worker from the reading thread and are answered from
/// the thread the worker's answer arrives on (no task in between), with progress, cancellation and many calls in
/// flight at once.
@Suite struct StdioSandboxedMountTests {
    static func server() throws -> StdioServer {
        let directory = BuildProducts.temporaryDirectory("sandboxed-stdio")
        let config = #"""
            {"plugin_directories":["${bundled}"],
             "mounts":[{"namespace":"math","provider":"calculator","isolation":"sandboxed"},
                       {"namespace":"notes","provider":"notes","isolation":"sandboxed"}]}
            """#
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
        return try StdioServer(arguments: ["--config", directory + "/runtime.json"])
    }

    @Test func manyCallsInFlightEachGetTheirOwnAnswer() async throws {
        let server = try Self.server()
        _ = await server.initialize()
        // 100 at once: the first ones through handler threads in the worker, the rest (once the function is known
        // to be quick) on the worker's reading thread.
        for n in 1...100 {
            server.send(#"{"jsonrpc":"2.0","id":\#(n),"method":"tools/call","params":{"name":"math_add","arguments":{"a":\#(n),"b":1000}}}"#)
        }
        var wrong: [String] = []
        for n in 1...100 {
            let answer = await server.next { $0["id"]?.int64Value == Int64(n) }
            if answer?["result"]?["structuredContent"]?["result"] != .number("\(n + 1000)") { wrong.append("\(n): \(String(describing: answer))") }
        }
        #expect(wrong.isEmpty, "wrong or missing answers: \(wrong.prefix(5))")
        #expect(await server.finish() == 0)
    }

    @Test func progressArrivesAndACancelledCallIsNotAnswered() async throws {
        let server = try Self.server()
        _ = await server.initialize()
        server.send(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"notes_reindex","arguments":{},"_meta":{"progressToken":"p7"}}}"#)
        let progress = await server.next { $0["method"]?.stringValue == "notifications/progress" }
        #expect(progress?["params"]?["progressToken"] == .string("p7"))
        #expect(progress?["params"]?["total"] == .number("10"))
        server.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"test"}}"#)
        #expect(await server.request(8, "ping")?["result"] == .object([:]))
        let late = await server.next(within: 1.5) { $0["id"]?.int64Value == 7 }
        #expect(late == nil, "a cancelled request gets no response; got \(String(describing: late)); stderr: \(server.stderr.suffix(800))")

        let again = await server.request(9, "tools/call", #"{"name":"notes_reindex","arguments":{}}"#)
        #expect(again?["result"]?["content"]?.arrayValue?.first?["text"] == .string("reindexed"))
        #expect(await server.finish() == 0)
    }
}
