import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// HTTP POSTs answered on the connection's event loop (the hot path), against the real server: pipelined requests
/// come back in order whichever path answers each, `Connection: close` is kept, and a slow call on one connection
/// holds up neither the calls on another connection nor its own pipeline's order.
@Suite(.timeLimit(.minutes(2)))
struct HTTPInlineAnswerTests {
    static let sessionlessHeaders = "MCP-Protocol-Version: 2026-07-28\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
    static let meta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#

    /// One sessionless request's bytes, with the routing headers its body calls for.
    static func sessionless(_ id: Int, _ method: String, name: String? = nil, params: String = "", headerName: String? = nil) -> String {
        let body = #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":{\#(params.isEmpty ? "" : params + ",")\#(meta)}}"#
        var head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n" + sessionlessHeaders + "Mcp-Method: \(method)\r\n"
        if let name = headerName ?? name { head += "Mcp-Name: \(name)\r\n" }
        return head + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
    }

    static func call(_ id: Int, _ tool: String, _ arguments: String, headerName: String? = nil) -> String {
        sessionless(id, "tools/call", name: tool, params: #""name":"\#(tool)","arguments":\#(arguments)"#, headerName: headerName)
    }

    /// Writes all of `text` to a new connection at once: the requests arrive pipelined, in one read or a few.
    static func pipeline(_ text: String, port: Int) throws -> Int32 {
        let fd = try #require(Loopback.connect(port: port))
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            try #require(written > 0)
            offset += written
        }
        return fd
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var json: JSONValue?
    }

    static func next(_ reader: HTTPReplyReader) -> Reply? {
        guard let head = reader.readHead(), let body = reader.readBody(of: head) else { return nil }
        return Reply(status: head.status, headers: head.headers, json: try? JSONParser.parse(body))
    }

    @Test func pipelinedRequestsAreAnsweredInOrderWhicheverPathAnswersThem() async throws {
        let (server, client) = try await startHTTPServer()
        defer { server.process.terminate() }
        // Answered on the event loop, by Hummingbird (initialize opens a session), on the event loop again, by
        // Hummingbird again (an Mcp-Name that disagrees with the body is refused there), and once more here.
        let requests = Self.call(1, "math_add", #"{"a":1,"b":2}"#)
            + "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
            + "Content-Length: \(initializeBody.utf8.count)\r\n\r\n" + initializeBody
            + Self.sessionless(3, "tools/list")
            + Self.call(4, "math_add", #"{"a":2,"b":2}"#, headerName: "math_sub")
            + Self.call(5, "math_add", #"{"a":3,"b":2}"#)
        let fd = try Self.pipeline(requests, port: client.port)
        defer { close(fd) }
        let replies = await onThread { () -> [Reply] in
            let reader = HTTPReplyReader(fd: fd)
            return (0..<5).compactMap { _ in Self.next(reader) }
        }
        try #require(replies.count == 5)
        #expect(replies.map(\.status) == [200, 200, 200, 400, 200])
        #expect(replies.map { $0.json?["id"] } == [.int(1), .int(1), .int(3), .int(4), .int(5)])
        #expect(replies[0].json?[path: "result", "structuredContent", "result"] == .number("3"))
        #expect(replies[1].headers["mcp-session-id"] != nil, "the initialize went through Hummingbird and opened a session")
        #expect(replies[2].json?[path: "result", "tools"]?.arrayValue?.isEmpty == false)
        #expect(replies[3].json?[path: "error", "message"]?.stringValue?.contains("Mcp-Name") == true)
        #expect(replies[4].json?[path: "result", "structuredContent", "result"] == .number("5"))
        for reply in replies {
            #expect(reply.headers["content-type"] == "application/json")
            #expect(reply.headers["server"] == "plugboard" && reply.headers["date"] != nil)
        }
    }

    @Test func aClientThatAsksToCloseGetsItsAnswerAndThenTheEnd() async throws {
        let (server, client) = try await startHTTPServer()
        defer { server.process.terminate() }
        let request = Self.call(1, "math_add", #"{"a":20,"b":22}"#).replacingOccurrences(of: "Host: 127.0.0.1\r\n", with: "Host: 127.0.0.1\r\nConnection: close\r\n")
        // (RFC 9112: a client that sends `close` sends nothing after it; the decoder refuses bytes that follow.)
        let fd = try Self.pipeline(request, port: client.port)
        defer { close(fd) }
        let (reply, afterReply) = await onThread { () -> (Reply?, Int) in
            let reply = Self.next(HTTPReplyReader(fd: fd))
            // End of stream (0), not a read that timed out (-1) on a connection left open.
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var byte: UInt8 = 0
            return (reply, read(fd, &byte, 1))
        }
        #expect(reply?.status == 200 && reply?.headers["connection"] == "close")
        #expect(reply?.json?[path: "result", "structuredContent", "result"] == .number("42"))
        #expect(afterReply == 0, "the server closes the connection after the answer")
    }

    /// The slow_functions fixture mounted as `s`.
    static func slowServer() async throws -> (ServerProcess, HTTPTestClient) {
        let directory = BuildProducts.temporaryDirectory("http-inline")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = try await FixtureBuilds.fixture("slow_functions", into: directory)
        let config = #"{"plugin_directories":[{"path":"\#(directory)","watch":false}],"mounts":[{"namespace":"s","provider":"slow"}]}"#
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
        return try await startHTTPServer(["--config", directory + "/runtime.json"])
    }

    @Test func aSlowCallHoldsUpNeitherAnotherConnectionNorItsOwnPipelinesOrder() async throws {
        let (server, client) = try await Self.slowServer()
        defer { server.process.terminate() }
        // Connection A: a nap of 1.5 s, then a quick sum pipelined behind it.
        let fd = try Self.pipeline(Self.call(1, "s_nap", #"{"ms":1500}"#) + Self.call(2, "s_sum", #"{"a":1,"b":2}"#), port: client.port)
        defer { close(fd) }
        async let slowConnection = onThread { () -> (nap: JSONValue?, sum: JSONValue?, napAnswered: ContinuousClock.Instant) in
            let reader = HTTPReplyReader(fd: fd)
            let nap = Self.next(reader)?.json
            let answered = ContinuousClock.now
            return (nap, Self.next(reader)?.json, answered)
        }
        // Connections B…: quick calls, each on a connection of its own so both event loops serve some, all
        // answered while the nap still runs.
        try await Task.sleep(for: .milliseconds(100))
        let (sums, othersAnswered) = await onThread { () -> ([Int?], ContinuousClock.Instant) in
            let sums = (0..<8).map { index -> Int? in
                let other = HTTPTestClient(port: client.port)
                let sum = other.post("/mcp", #"{"jsonrpc":"2.0","id":\#(index),"method":"tools/call","params":{"name":"s_sum","arguments":{"a":\#(index),"b":1},\#(Self.meta)}}"#,
                                     headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "s_sum"])
                return sum?.json?[path: "result", "structuredContent", "result"]?.int64Value.map(Int.init)
            }
            return (sums, ContinuousClock.now)
        }
        #expect(sums == (0..<8).map { $0 + 1 })
        let (nap, sum, napAnswered) = await slowConnection
        #expect(othersAnswered < napAnswered, "every other connection was answered before the nap ended")
        #expect(nap?["id"] == .int(1) && nap?[path: "result", "structuredContent", "result"] == .number("1500"))
        #expect(sum?["id"] == .int(2) && sum?[path: "result", "structuredContent", "result"] == .number("3"),
                "the sum pipelined behind the nap is answered after it, in order")
    }

    /// Sends `request` on a connection of its own and reads one reply, then whether the server closed (0: end of
    /// stream) or kept the connection open (-1: the read timed out).
    static func answer(to request: String, port: Int) async throws -> (Reply?, afterReply: Int) {
        let fd = try Self.pipeline(request, port: port)
        defer { close(fd) }
        return await onThread { () -> (Reply?, Int) in
            let reply = Self.next(HTTPReplyReader(fd: fd))
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var byte: UInt8 = 0
            return (reply, read(fd, &byte, 1))
        }
    }

    /// The hot path reads the HTTP/1 head as decoded: field names in any case, the HTTP/1.0 keep-alive rules, a
    /// target in absolute form and a repeated field must all mean what they mean on Hummingbird's path.
    @Test func aHeadMeansTheSameWhicheverPathReadsIt() async throws {
        let (server, client) = try await startHTTPServer()
        defer { server.process.terminate() }
        let plain = Self.call(1, "math_add", #"{"a":40,"b":2}"#)

        let shouted = plain.replacingOccurrences(of: "MCP-Protocol-Version:", with: "mcp-protocol-version:")
            .replacingOccurrences(of: "Mcp-Method:", with: "MCP-METHOD:").replacingOccurrences(of: "Mcp-Name:", with: "mCp-NaMe:")
        let (sum, keptOpen) = try await Self.answer(to: shouted, port: client.port)
        #expect(sum?.status == 200 && sum?.json?[path: "result", "structuredContent", "result"] == .number("42"))
        #expect(keptOpen == -1, "an HTTP/1.1 connection stays open")

        let old = plain.replacingOccurrences(of: "POST /mcp HTTP/1.1", with: "POST /mcp HTTP/1.0")
        let (oldSum, oldAfter) = try await Self.answer(to: old, port: client.port)
        #expect(oldSum?.json?[path: "result", "structuredContent", "result"] == .number("42"))
        #expect(oldSum?.headers["connection"] == "close" && oldAfter == 0, "HTTP/1.0 without keep-alive closes after the answer")

        let oldKept = old.replacingOccurrences(of: "Host: 127.0.0.1\r\n", with: "Host: 127.0.0.1\r\nConnection: keep-alive\r\n")
        let (keptSum, keptAfter) = try await Self.answer(to: oldKept, port: client.port)
        #expect(keptSum?.json?[path: "result", "structuredContent", "result"] == .number("42"))
        #expect(keptAfter == -1, "HTTP/1.0 with Connection: keep-alive stays open")

        let absolute = plain.replacingOccurrences(of: "POST /mcp HTTP/1.1", with: "POST http://127.0.0.1:\(client.port)/mcp HTTP/1.1")
        let (absoluteSum, _) = try await Self.answer(to: absolute, port: client.port)
        #expect(absoluteSum?.json?[path: "result", "structuredContent", "result"] == .number("42"), "a target in absolute form is served")

        let doubled = plain.replacingOccurrences(of: "Mcp-Method: tools/call\r\n", with: "Mcp-Method: tools/call\r\nmcp-method: tools/call\r\n")
        let (refusal, _) = try await Self.answer(to: doubled, port: client.port)
        #expect(refusal?.status == 400)
        #expect(refusal?.json?[path: "error", "message"]?.stringValue?.contains("appears 2 times") == true,
                "a repeated routing header is refused, whatever the case of its second name")
    }
}
