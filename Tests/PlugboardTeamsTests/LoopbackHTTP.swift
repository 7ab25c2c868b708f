import Foundation
import PlugboardJSON

/// One HTTP/1.1 exchange with the server under test over a fresh loopback connection. The socket I/O runs on a
/// thread of its own; callers await it, so tests never block Swift's cooperative pool.
struct LoopbackHTTP: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]  // lower-cased names
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue? { try? JSONParser.parse(body) }
    }

    let port: Int

    func post(_ body: String, path: String = "/mcp", token: String?, headers: [String: String] = [:]) async -> Reply? {
        var all = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"]
        if let token { all["Authorization"] = "Bearer \(token)" }
        all.merge(headers) { $1 }
        return await send("POST", path, headers: all, body: Array(body.utf8))
    }

    func send(_ method: String, _ path: String, headers: [String: String], body: [UInt8] = []) async -> Reply? {
        let port = self.port
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: Self.exchange(port: port, method, path, headers: headers, body: body))
            }
        }
    }

    /// A request: in a handshake-era session when one is given, else stateless (2026-07-28: `_meta` in the body,
    /// the protocol version, method and name repeated in headers).
    func call(_ method: String, _ params: String, id: Int = 1, token: String?, session: String? = nil) async -> Reply? {
        var headers: [String: String] = [:]
        var params = params
        if let session {
            headers["Mcp-Session-Id"] = session
        } else {
            headers["MCP-Protocol-Version"] = "2026-07-28"
            headers["Mcp-Method"] = method
            let parsed = try? JSONParser.parse(params)
            if let name = parsed?["name"]?.stringValue ?? parsed?["uri"]?.stringValue { headers["Mcp-Name"] = name }
            let rest = params.dropFirst().trimmingCharacters(in: .whitespaces)
            params = "{" + Self.statelessMeta + (rest == "}" ? "}" : "," + rest)
        }
        return await post(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#, token: token, headers: headers)
    }

    static let statelessMeta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"teams-tests","version":"1"}}"#

    /// Initializes a handshake-era session and returns its id.
    func session(token: String?) async -> String? {
        let reply = await post(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"teams-tests","version":"1"}}}"#,
                               token: token)
        guard let id = reply?.headers["mcp-session-id"] else { return nil }
        _ = await post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, token: token, headers: ["Mcp-Session-Id": id])
        return id
    }

    static func freePort() -> Int {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    // MARK: - Blocking I/O (on the caller's own thread)

    private static func exchange(port: Int, _ method: String, _ path: String, headers: [String: String], body: [UInt8]) -> Reply? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
        guard connected else { return nil }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { return nil }
            offset += n
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            received += chunk[..<n]
        }
        return parse(received)
    }

    static func parse(_ bytes: [UInt8]) -> Reply? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Reply(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstIndex(of: 10) else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            let start = lineEnd + 1
            out += bytes[start..<min(start + size, bytes.count)]
            index = start + size + 2
        }
        return out
    }
}
