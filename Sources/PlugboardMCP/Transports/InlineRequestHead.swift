import NIOHTTP1

/// What the hot path reads of a request's head, gathered in one pass over the HTTP/1 decoder's headers. The hot
/// path does not convert a head to HTTPTypes: that builds a second field table, lowercases every name and parses
/// the target as a URL, on every request. A request passed on to Hummingbird is converted as it always was.
///
/// Any of these fields sent twice makes the request not the hot path's (`isPlain` is false): Hummingbird's
/// answer to it (a refusal, a joined value) stays the one authority on what a repeated field means.
struct InlineRequestHead {
    /// The target as sent, when it is origin-form (`/mcp?x=1`); nil for any other form, which Hummingbird parses.
    let path: String?
    let keepAlive: Bool
    private(set) var origin: String?
    /// The Host field: the request's authority.
    private(set) var host: String?
    private(set) var authorization: String?
    private(set) var protocolVersion: String?
    private(set) var mcpMethod: String?
    private(set) var mcpName: String?
    private(set) var sessionID: String?
    private(set) var accept: String?
    private(set) var traceparent: String?
    private(set) var tracestate: String?
    private(set) var isPlain = true

    init(_ head: HTTPRequestHead) {
        path = head.uri.utf8.first == UInt8(ascii: "/") ? head.uri : nil
        keepAlive = head.isKeepAlive
        for (name, value) in head.headers {
            switch name.utf8.count {  // the length first: most fields are none of these, and fail on it
            case 4: if Self.named(name, "host") { keep(value, in: \.host) }
            case 6:
                if Self.named(name, "origin") { keep(value, in: \.origin) }
                else if Self.named(name, "accept") { keep(value, in: \.accept) }
            case 8: if Self.named(name, "mcp-name") { keep(value, in: \.mcpName) }
            case 10:
                if Self.named(name, "mcp-method") { keep(value, in: \.mcpMethod) }
                else if Self.named(name, "tracestate") { keep(value, in: \.tracestate) }
            case 11: if Self.named(name, "traceparent") { keep(value, in: \.traceparent) }
            case 13:
                if Self.named(name, "authorization") { keep(value, in: \.authorization) }
            case 14: if Self.named(name, "mcp-session-id") { keep(value, in: \.sessionID) }
            case 20: if Self.named(name, "mcp-protocol-version") { keep(value, in: \.protocolVersion) }
            default: break
            }
        }
    }

    private mutating func keep(_ value: String, in field: WritableKeyPath<Self, String?>) {
        if self[keyPath: field] != nil { isPlain = false }
        self[keyPath: field] = value
    }

    /// ASCII case-insensitive equality with a lowercase name of the same length.
    private static func named(_ name: String, _ lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { expected in
            var index = 0
            for byte in name.utf8 {
                let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                guard index < expected.count, lowered == expected[index] else { return false }
                index += 1
            }
            return index == expected.count
        }
    }
}
