import Foundation
import PlugboardJSON
import PlugboardTestSupport

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
        let request = Self.request(method, params, id: id, token: token, session: session)
        return await send("POST", "/mcp", headers: request.headers, body: request.body)
    }

    /// The headers and body of `call`'s request.
    static func request(_ method: String, _ params: String, id: Int, token: String?,
                        session: String? = nil) -> (headers: [String: String], body: [UInt8]) {
        var headers = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
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
        return (headers, Array(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#.utf8))
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

    static func freePort() -> Int { Loopback.freePort() ?? 0 }

    /// One request on a fresh connection, closed after the reply. Blocks: `send` runs it on a thread of its own.
    private static func exchange(port: Int, _ method: String, _ path: String, headers: [String: String], body: [UInt8]) -> Reply? {
        guard let fd = Loopback.connect(port: port) else { return nil }
        defer { close(fd) }
        guard write(fd, port: port, method, path, headers: headers, body: body) else { return nil }
        return readReply(fd)
    }

    /// Writes one request that asks the server to close the connection after its reply.
    static func write(_ fd: Int32, port: Int, _ method: String, _ path: String, headers: [String: String], body: [UInt8]) -> Bool {
        var headers = headers
        headers["Connection"] = "close"
        return Loopback.sendRequest(fd, port: port, method, path, headers: headers, body: body)
    }

    /// Reads the reply to the request written on `fd`.
    static func readReply(_ fd: Int32) -> Reply? {
        let reader = HTTPReplyReader(fd: fd)
        guard let head = reader.readHead(), let body = reader.readBody(of: head) else { return nil }
        return Reply(status: head.status, headers: head.headers, body: body)
    }
}
