import HTTPTypes
import PlugboardJSON

/// The 2026-07-28 headers that repeat the body so that a proxy can route without parsing it: `MCP-Protocol-Version`,
/// `Mcp-Method`, and `Mcp-Name` for the methods that name a component. A request whose headers are missing,
/// doubled, undecodable or different from its body is refused with -32020 before anything runs, because an
/// intermediary may already have routed or authorized it by the headers.
///
/// Names are compared as the client sees them: the namespaced tool or prompt name, the namespaced resource URI.
enum RoutingHeaders {
    static let version = HTTPField.Name("MCP-Protocol-Version")!
    static let method = HTTPField.Name("Mcp-Method")!
    static let name = HTTPField.Name("Mcp-Name")!

    private static let versionKey = "params._meta['\(ProtocolVersions.protocolVersionKey)']"

    /// The body parameter `Mcp-Name` repeats, for the methods that have one.
    static func nameParameter(of method: String) -> StaticString? {
        switch method {
        case "tools/call", "prompts/get": "name"
        case "resources/read": "uri"
        default: nil
        }
    }

    /// Nil when the headers agree with the body; otherwise the -32020 error that says which header is wrong and how.
    static func mismatch(_ headers: HTTPFields, message: IncomingMessage, protocolVersion: String?) -> RPCError? {
        mismatch(message: message, protocolVersion: protocolVersion) { field in
            let values = headers[values: field]
            return (values.first, values.count)
        }
    }

    /// The same, with the headers read by `field`: its first value and how many times it was sent.
    static func mismatch(message: IncomingMessage, protocolVersion: String?,
                         field: (HTTPField.Name) -> (first: String?, count: Int)) -> RPCError? {
        if let problem = compare(field(version), version, with: protocolVersion, bodyField: versionKey) { return problem }
        guard message.kind != .response else { return nil }
        if let problem = compare(field(method), method, with: message.method, bodyField: "method") { return problem }
        guard let parameter = nameParameter(of: message.method),
              let bodyName = try? message.stringParam(parameter, required: false) else { return nil }
        return compare(field(name), name, with: bodyName, bodyField: "params.\(parameter)", encoded: true)
    }

    private static func compare(_ values: (first: String?, count: Int), _ field: HTTPField.Name, with body: String?,
                                bodyField: @autoclosure () -> String, encoded: Bool = false) -> RPCError? {
        guard let raw = values.first else {
            return RPCError(RPCError.headerMismatchCode,
                "the \(field) header is missing; a 2026-07-28 request repeats its \(bodyField()) in it")
        }
        guard values.count == 1 else {
            return RPCError(RPCError.headerMismatchCode, "the \(field) header appears \(values.count) times; send it once")
        }
        let value: String
        if encoded {
            guard let decoded = HeaderValue.decode(raw) else {
                return RPCError(RPCError.headerMismatchCode,
                    "the \(field) header '\(raw.prefix(80))' is not valid =?base64?…?= (canonical base64 of UTF-8)")
            }
            value = decoded
        } else {
            value = raw
        }
        guard value == body else {
            return RPCError(RPCError.headerMismatchCode,
                "the \(field) header '\(value.prefix(80))' does not match the body's \(bodyField()) '\((body ?? "").prefix(80))'")
        }
        return nil
    }
}

/// Header values that are not plain printable ASCII travel as `=?base64?…?=`.
enum HeaderValue {
    /// The value as sent, or the text inside the base64 sentinel; nil when the sentinel holds anything but
    /// canonical base64 of UTF-8 (a corrupt header must never match a body by accident).
    static func decode(_ value: String) -> String? {
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11 else { return value }
        let payload = String(value.dropFirst(9).dropLast(2))
        guard let bytes = Base64.decode(payload), Base64.encode(bytes) == payload else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}

enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let lookup: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            var quad: [Int] = []
            for k in 0..<4 {
                let c = chars[i + k]
                if c == UInt8(ascii: "=") { quad.append(-2) } else if lookup[Int(c)] >= 0 { quad.append(Int(lookup[Int(c)])) } else { return nil }
            }
            guard quad[0] >= 0, quad[1] >= 0 else { return nil }
            out.append(UInt8((quad[0] << 2 | quad[1] >> 4) & 0xFF))
            if quad[2] >= 0 { out.append(UInt8((quad[1] << 4 | quad[2] >> 2) & 0xFF)) }
            if quad[2] >= 0, quad[3] >= 0 { out.append(UInt8((quad[2] << 6 | quad[3]) & 0xFF)) }
            i += 4
        }
        return out
    }

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = Int(bytes[i]), b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[(b0 & 0x3) << 4 | b1 >> 4])
            out.append(i + 1 < bytes.count ? alphabet[(b1 & 0xF) << 2 | b2 >> 6] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[b2 & 0x3F] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
