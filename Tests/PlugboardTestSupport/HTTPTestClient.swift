import Foundation
import PlugboardJSON

/// A minimal HTTP/1.1 client over one keep-alive loopback connection, so tests control every header
/// (Origin, Host, MCP-Protocol-Version…) and can reuse a connection for thousands of calls.
public final class HTTPTestClient: @unchecked Sendable {
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]  // lower-cased names
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public var json: JSONValue? { try? JSONParser.parse(body) }
        /// The `data:` payloads of an SSE body, parsed.
        public var events: [JSONValue] {
            text.split(separator: "\n").filter { $0.hasPrefix("data: ") }.compactMap { try? JSONParser.parse(String($0.dropFirst(6))) }
        }
    }

    public let port: Int
    private var fd: Int32 = -1
    private var reader: HTTPReplyReader?

    public init(port: Int) { self.port = port }
    deinit { if fd >= 0 { close(fd) } }

    public static func freePort() -> Int { Loopback.freePort() ?? 0 }

    private func connectIfNeeded() -> Bool {
        if fd >= 0 { return true }
        guard let connected = Loopback.connect(port: port) else { return false }
        fd = connected
        reader = HTTPReplyReader(fd: connected)
        return true
    }

    private func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
        reader = nil
    }

    /// Waits until the server accepts connections.
    public func waitUntilReady(timeout: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if connectIfNeeded() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    public func post(_ path: String, _ body: String, headers: [String: String] = [:]) -> Reply? {
        var all = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"]
        all.merge(headers) { $1 }
        return send("POST", path, headers: all, body: Array(body.utf8))
    }

    public func send(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) -> Reply? {
        guard connectIfNeeded(), Loopback.sendRequest(fd, port: port, method, path, headers: headers, body: body),
              let reader, let head = reader.readHead(), let body = reader.readBody(of: head) else { return nil }
        if head.headers["connection"]?.lowercased() == "close" { disconnect() }
        return Reply(status: head.status, headers: head.headers, body: body)
    }

    /// Sends a request and reads only the status line and headers, leaving the body (an SSE stream) unread:
    /// when this returns, the server has accepted the request. `readBody(of:)` reads the rest.
    public func sendHead(_ method: String, _ path: String, headers: [String: String] = [:]) -> Reply? {
        guard connectIfNeeded(), Loopback.sendRequest(fd, port: port, method, path, headers: headers, body: []),
              let head = reader?.readHead() else { return nil }
        return Reply(status: head.status, headers: head.headers, body: [])
    }

    /// The body that follows a head read by `sendHead`, to its end. Blocks: call it through `onThread`.
    public func readBody(of head: Reply) -> Reply {
        var reply = head
        reply.body = reader?.readBody(of: HTTPReplyReader.Head(status: head.status, headers: head.headers)) ?? []
        return reply
    }
}

