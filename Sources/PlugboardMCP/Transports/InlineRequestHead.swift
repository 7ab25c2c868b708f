import HTTPTypes
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
            case 4: if ASCIICase.equal(name.utf8, "host") { keep(value, in: \.host) }
            case 6:
                if ASCIICase.equal(name.utf8, "origin") { keep(value, in: \.origin) }
                else if ASCIICase.equal(name.utf8, "accept") { keep(value, in: \.accept) }
            case 8: if ASCIICase.equal(name.utf8, "mcp-name") { keep(value, in: \.mcpName) }
            case 10:
                if ASCIICase.equal(name.utf8, "mcp-method") { keep(value, in: \.mcpMethod) }
                else if ASCIICase.equal(name.utf8, "tracestate") { keep(value, in: \.tracestate) }
            case 11: if ASCIICase.equal(name.utf8, "traceparent") { keep(value, in: \.traceparent) }
            case 13:
                if ASCIICase.equal(name.utf8, "authorization") { keep(value, in: \.authorization) }
            case 14: if ASCIICase.equal(name.utf8, "mcp-session-id") { keep(value, in: \.sessionID) }
            case 20: if ASCIICase.equal(name.utf8, "mcp-protocol-version") { keep(value, in: \.protocolVersion) }
            default: break
            }
        }
    }

    /// A routing header as `RoutingHeaders.mismatch` reads one: its value and how often it was sent (a repeated
    /// one makes the request not plain, so here at most once).
    func routingField(_ name: HTTPField.Name) -> (first: String?, count: Int) {
        let value = switch name {
        case RoutingHeaders.version: protocolVersion
        case RoutingHeaders.method: mcpMethod
        case RoutingHeaders.name: mcpName
        default: String?.none
        }
        return (value, value == nil ? 0 : 1)
    }

    private mutating func keep(_ value: String, in field: WritableKeyPath<Self, String?>) {
        if self[keyPath: field] != nil { isPlain = false }
        self[keyPath: field] = value
    }
}
