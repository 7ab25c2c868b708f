import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// Sandboxed mounts served over stdio: calls go out to the worker from the reading thread and are answered from
/// the thread the worker's answer arrives on (no task in between), with progress, cancellation and many calls in
/// flight at once.
@Suite struct StdioSandboxedMountTests {
    /// The bundled calculator as `math` and the slow_functions fixture as `s`, both sandboxed.
    static func server() async throws -> StdioServer {
        let directory = BuildProducts.temporaryDirectory("sandboxed-stdio")
        try await compileFixture("slow_functions", to: directory + "/libslow.so")
        let config = #"""
            {"plugin_directories":["${bundled}","\#(directory)"],
             "mounts":[{"namespace":"math","provider":"calculator","isolation":"sandboxed"},
                       {"namespace":"s","provider":"slow","isolation":"sandboxed"}]}
            """#
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
        return try StdioServer(arguments: ["--config", directory + "/runtime.json"])
    }

    @Test func manyCallsInFlightEachGetTheirOwnAnswer() async throws {
        let server = try await Self.server()
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

    @Test func progressArrivesAndACancelReachesTheHandlerInItsWorker() async throws {
        let server = try await Self.server()
        _ = await server.initialize()
        // 50 steps of 100 ms: far longer than any pause of a loaded test machine between the progress and the cancel.
        server.send(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"s_count","arguments":{"steps":50,"ms":100},"_meta":{"progressToken":"p7"}}}"#)
        let progress = await server.next { $0["method"]?.stringValue == "notifications/progress" }
        #expect(progress?["params"]?["progressToken"] == .string("p7"))
        #expect(progress?["params"]?["total"] == .number("50"))
        server.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"test"}}"#)
        #expect(await server.request(8, "ping")?["result"] == .object([:]))
        // The plugin saw the cancel (its log line reaches the host's log, the call having no client any more)…
        var stopped = false
        for _ in 0..<250 where !stopped {
            stopped = server.stderr.contains("count cancelled at step")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(stopped, "the handler never saw the cancel; stderr: \(server.stderr.suffix(600))")
        // …and the client gets no response for the cancelled request.
        let late = await server.next(within: 0.5) { $0["id"]?.int64Value == 7 }
        #expect(late == nil, "a cancelled request gets no response; got \(String(describing: late))")

        let again = await server.request(9, "tools/call", #"{"name":"s_count","arguments":{"steps":2,"ms":10}}"#)
        #expect(again?["result"]?["content"]?.arrayValue?.first?["text"] == .string("counted 2 steps"))
        #expect(await server.finish() == 0)
    }
}
