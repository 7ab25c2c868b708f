import Foundation
import PlugboardJSON

/// A minimal HTTP/1.1 client over one keep-alive loopback connection, so tests control every header
/// (Origin, Host, MCP-Protocol-Version…) and can reuse a connection for thousands of calls.
final class HTTPTestClient: @unchecked Sendable {
    struct Reply {
        var status: Int
        var headers: [String: String]  // lower-cased names
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue? { try? JSONParser.parse(body) }
        /// The `data:` payloads of an SSE body, parsed.
        var events: [JSONValue] {
            text.split(separator: "\n").filter { $0.hasPrefix("data: ") }.compactMap { try? JSONParser.parse(String($0.dropFirst(6))) }
        }
    }

    let port: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []

    init(port: Int) { self.port = port }
    deinit { if fd >= 0 { close(fd) } }

    static func freePort() -> Int {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private func connectIfNeeded() -> Bool {
        if fd >= 0 { return true }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
        if !ok { close(fd); fd = -1 } else {
            // Nothing in a test may wait forever on a server that stopped answering.
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        buffer = []
        return ok
    }

    /// Waits until the server accepts connections.
    func waitUntilReady(timeout: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if connectIfNeeded() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    func post(_ path: String, _ body: String, headers: [String: String] = [:]) -> Reply? {
        var all = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"]
        all.merge(headers) { $1 }
        return send("POST", path, headers: all, body: Array(body.utf8))
    }

    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) -> Reply? {
        guard connectIfNeeded() else { return nil }
        var head = "\(method) \(path) HTTP/1.1\r\n"
        if headers["Host"] == nil { head += "Host: 127.0.0.1:\(port)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { return nil }
            offset += n
        }
        return readReply()
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n <= 0 { return false }
        buffer += chunk[..<n]
        return true
    }

    private func readLine() -> String? {
        while true {
            if let i = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<i], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                buffer.removeSubrange(...i)
                return line
            }
            guard fill() else { return nil }
        }
    }

    private func readBytes(_ count: Int) -> [UInt8]? {
        while buffer.count < count { guard fill() else { return nil } }
        let out = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return out
    }

    /// Sends a request and reads only the status line and headers, leaving the body (an SSE stream) unread:
    /// when this returns, the server has accepted the request. `readBody(of:)` reads the rest.
    func sendHead(_ method: String, _ path: String, headers: [String: String] = [:]) -> Reply? {
        guard connectIfNeeded() else { return nil }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: 0\r\n\r\n"
        let bytes = Array(head.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }) == bytes.count else { return nil }
        return readHead()
    }

    /// The body that follows a head read by `sendHead`, to its end. Blocks: call it through `onThread`.
    func readBody(of head: Reply) -> Reply {
        var reply = head
        reply.body = readBody(headers: head.headers) ?? []
        return reply
    }

    private func readHead() -> Reply? {
        guard let status = readLine()?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        var headers: [String: String] = [:]
        while let line = readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: status, headers: headers, body: [])
    }

    private func readReply() -> Reply? {
        guard var reply = readHead() else { return nil }
        guard let body = readBody(headers: reply.headers) else { return nil }
        reply.body = body
        if reply.headers["connection"]?.lowercased() == "close" { close(fd); fd = -1 }
        return reply
    }

    private func readBody(headers: [String: String]) -> [UInt8]? {
        var body: [UInt8] = []
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while let sizeLine = readLine(), let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) {
                if size == 0 { _ = readLine(); break }
                guard let chunk = readBytes(size) else { return nil }
                body += chunk
                _ = readLine()
            }
        } else if let length = Int(headers["content-length"] ?? "0"), length > 0 {
            guard let bytes = readBytes(length) else { return nil }
            body = bytes
        }
        return body
    }
}

/// `plugboard serve --http` on a free loopback port, with a client connected to it.
func startHTTPServer(_ extra: [String] = []) async throws -> (ServerProcess, HTTPTestClient) {
    let port = HTTPTestClient.freePort()
    let server = try ServerProcess(["--http", "127.0.0.1:\(port)"] + extra)
    let client = HTTPTestClient(port: port)
    guard await client.waitUntilReady() else { throw HTTPStartFailure(port: port) }
    return (server, client)
}

struct HTTPStartFailure: Error { let port: Int }

let initializeBody = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}}"#

/// Runs blocking socket work on a thread of its own, so it never occupies the (two-thread) cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
