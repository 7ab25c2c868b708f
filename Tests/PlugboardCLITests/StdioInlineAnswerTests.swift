import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// The stdio transport answers typed functions on its reading thread. These check what that must never cost:
/// a slow function holds up nothing behind it, still gets its deadline and its cancellation, and a client that
/// does not read its replies for a while never stalls the server's reading.
@Suite struct StdioInlineAnswerTests {
    /// A directory with the slow_functions fixture mounted as `s` and a runtime.json with the given call deadline.
    static func serverDirectory(deadlineMilliseconds: Int = 30_000) async throws -> String {
        let directory = BuildProducts.temporaryDirectory("inline")
        try await compileFixture("slow_functions", to: directory + "/libslow.so")
        let config = #"""
            {"plugin_directories":["\#(directory)"],"mounts":[{"namespace":"s","provider":"slow"}],
             "transports":{"limits":{"call_deadline_ms":\#(deadlineMilliseconds)}}}
            """#
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
        return directory
    }

    static func call(_ id: Int, _ tool: String, _ arguments: String) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)}}"#
    }

    @Test func aSlowTypedFunctionHoldsUpNothingBehindIt() async throws {
        let directory = try await Self.serverDirectory()
        let server = try StdioServer(arguments: ["--config", directory + "/runtime.json"])
        _ = await server.initialize()
        server.send(Self.call(1, "s_nap", #"{"ms":800}"#))
        server.send(#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#)
        server.send(Self.call(3, "s_sum", #"{"a":1,"b":2}"#))

        let ping = await server.next { $0["id"]?.int64Value == 2 }
        let sum = await server.next { $0["id"]?.int64Value == 3 }
        #expect(ping?["result"] == .object([:]))
        #expect(sum?["result"]?["structuredContent"]?["result"] == .number("3"))
        // Both came back while the nap still ran: it has not answered yet.
        #expect(await server.next(within: 0) { $0["id"]?.int64Value == 1 } == nil)

        let nap = await server.next { $0["id"]?.int64Value == 1 }
        #expect(nap?["result"]?["structuredContent"]?["result"] == .number("800"))
        #expect(await server.next(within: 0.3) { $0["id"]?.int64Value == 1 } == nil, "answered once")
        #expect(await server.finish() == 0)
    }

    @Test func aSlowTypedFunctionIsAnsweredWithATimeoutAtItsDeadline() async throws {
        let directory = try await Self.serverDirectory(deadlineMilliseconds: 300)
        let server = try StdioServer(arguments: ["--config", directory + "/runtime.json"])
        _ = await server.initialize()
        server.send(Self.call(1, "s_nap", #"{"ms":1500}"#))
        let answer = await server.next { $0["id"]?.int64Value == 1 }
        #expect(answer?["error"]?["code"] == .number("-32603"))
        let message = answer?["error"]?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("tool 's_nap' timed out: no answer within the call deadline of 0.3 seconds"), "\(message)")
        #expect(message.contains("transports.limits.call_deadline_ms"))
        // When the function finally returns, its late result is dropped.
        #expect(await server.next(within: 1.6) { $0["id"]?.int64Value == 1 } == nil)
        #expect(await server.request(2, "tools/call", #"{"name":"s_sum","arguments":{"a":2,"b":2}}"#)?["result"]?["structuredContent"]?["result"] == .number("4"))
        #expect(await server.finish() == 0)
    }

    @Test func aCancelledSlowTypedFunctionIsNotAnswered() async throws {
        let directory = try await Self.serverDirectory()
        let server = try StdioServer(arguments: ["--config", directory + "/runtime.json"])
        _ = await server.initialize()
        // The nap is long enough that the reading thread's watchdog has started a new reader (1-2 ms on a quiet
        // machine, far longer when the whole suite loads both cores) before the nap ends and the cancel is read.
        server.send(Self.call(1, "s_nap", #"{"ms":2000}"#))
        try await Task.sleep(for: .milliseconds(100))
        server.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":"test"}}"#)
        #expect(await server.request(2, "ping")?["result"] == .object([:]))
        #expect(await server.next(within: 2.5) { $0["id"]?.int64Value == 1 } == nil)
        #expect(await server.finish() == 0)
    }

    /// 3,000 tools/list requests written before a single reply is read: the replies (megabytes) fill the pipe
    /// long before the requests are all written. The server must keep reading regardless, or both sides wait on
    /// each other forever.
    @Test func aClientThatReadsLateStillGetsEveryReply() async throws {
        let directory = try await Self.serverDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.plugboard)
        process.arguments = ["serve", "--stdio", "--config", directory + "/runtime.json"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let count = 3_000
        let requests = (1...count).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"tools/list"}"# + "\n" }.joined()
        let written = try await Self.onOwnThread(timeout: 60) {
            try input.fileHandleForWriting.write(contentsOf: Data(requests.utf8))
            try input.fileHandleForWriting.close()
        }
        #expect(written, "the server stopped reading while its replies waited to be read")
        let replies = try await Self.onOwnThread(timeout: 60) {
            let data = try output.fileHandleForReading.readToEnd() ?? Data()
            let lines = data.split(separator: 0x0A)
            #expect(lines.count == count)
            let unexpected = lines.filter { (try? JSONParser.parse(Array($0)))?["result"]?["tools"]?.arrayValue?.first?["name"] != .string("s_nap") }
            #expect(unexpected.isEmpty, "\(unexpected.count) unexpected lines, the first: \(unexpected.first.map { String(decoding: $0.prefix(300), as: UTF8.self) } ?? "")")
        }
        #expect(replies)
    }

    /// Runs blocking I/O on a thread of its own (never on the cooperative pool); false if it did not end in time.
    static func onOwnThread(timeout seconds: Double, _ work: @escaping @Sendable () throws -> Void) async throws -> Bool {
        let (ended, continuation) = AsyncStream<Result<Void, any Error>>.makeStream()
        Thread { continuation.yield(Result { try work() }) }.start()
        let timer = Task {
            try await Task.sleep(for: .seconds(seconds))
            continuation.finish()
        }
        defer { timer.cancel() }
        var iterator = ended.makeAsyncIterator()
        guard let result = await iterator.next() else { return false }
        try result.get()
        return true
    }
}

/// Builds `Tests/Fixtures/<name>.c` into `library` with the SDK guide's one line.
func compileFixture(_ name: String, to library: String) async throws {
    let compiled = try await CommandRun.run("/usr/bin/env", [
        "cc", "-shared", "-fPIC", "-I", "PluginSDK/include", "Tests/Fixtures/\(name).c", "-o", library,
    ], in: BuildProducts.repository)
    try #require(compiled.status == 0, "cc failed for \(name).c: \(compiled.stderr)")
}
