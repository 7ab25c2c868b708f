import PlugboardJSON

/// One JSON-RPC message from a client, scanned but not decoded: the envelope fields are read, the `params`
/// members are kept as byte ranges so `arguments` can go to the provider as the client's exact bytes.
public struct IncomingMessage: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A request; `id` is the id's JSON bytes as sent (a string or a number).
        case request(id: [UInt8])
        case notification
        /// A response to something the server sent (the server sends no requests, so these are dropped).
        case response
    }

    public let kind: Kind
    public let method: String
    /// The whole message as received; `params` members are ranges into it.
    private let bytes: [UInt8]
    private let paramMembers: [RawMember]
    /// The members of `params._meta` when it is an object.
    private let metaMembers: [RawMember]?

    private init(kind: Kind, method: String, bytes: [UInt8], paramMembers: [RawMember], metaMembers: [RawMember]?) {
        self.kind = kind
        self.method = method
        self.bytes = bytes
        self.paramMembers = paramMembers
        self.metaMembers = metaMembers
    }

    public var id: [UInt8]? { if case .request(let id) = kind { return id } else { return nil } }

    /// How long the request waited for its team's rate token before it ran (HTTP `max_rate_wait_ms`); the audit
    /// trail reports it apart from the call's own duration.
    public var rateWait: Duration = .zero

    /// The transport's W3C trace context headers (HTTP `traceparent`, `tracestate`), used when `_meta` has none.
    public var transportTraceparent: String?
    public var transportTracestate: String?

    /// The request's metrics and span, once the server has begun watching it (only while someone watches).
    var observation: RequestObservation?

    /// What `_meta` says, once a transport has read it (`keepRequestContext`), so the server does not read it again.
    /// Boxed: a message is copied on its way through the server, and the context is several words.
    private var keptContext: KeptContext?

    private final class KeptContext: Sendable {
        let context: RequestContext
        init(_ context: RequestContext) { self.context = context }
    }

    /// `requestContext()`, kept with the message: a transport that reads `_meta` before handing the message on
    /// reads it once.
    public mutating func keepRequestContext() throws(RPCError) -> RequestContext {
        let context = try requestContext()
        keptContext = KeptContext(context)
        return context
    }

    /// What `_meta` says, checked (`RequestContext.read`).
    public func requestContext() throws(RPCError) -> RequestContext {
        if let keptContext { return keptContext.context }
        return try RequestContext.read(meta())
    }

    /// The raw bytes of one member of `params`, or nil.
    public func param(_ key: StaticString) -> ArraySlice<UInt8>? {
        bytes.withUnsafeBufferPointer { buffer in
            paramMembers.first(where: { $0.hasKey(key, in: buffer) }).map { bytes[$0.value] }
        }
    }

    /// A string member of `params`: nil when absent, an error naming the member when not a string.
    public func stringParam(_ key: StaticString, required: Bool) throws(RPCError) -> String? {
        guard let raw = param(key) else {
            if required { throw .invalidParams("params.\(key) is required") }
            return nil
        }
        guard let value = JSONParser.stringValue(ofValidated: raw) else {
            if raw.bytesEqual("null"), !required { return nil }
            throw .invalidParams("params.\(key) must be a string")
        }
        return value
    }

    /// `params._meta` as ranges (read without decoding), or nil when absent.
    public func meta() throws(RPCError) -> RequestMeta? {
        if let metaMembers { return RequestMeta(bytes: bytes, members: metaMembers) }
        guard param("_meta") == nil else { throw .invalidParams("params._meta must be an object") }
        return nil
    }

    /// Scans one message in one pass over its bytes (the envelope, and the members of `params`), decoding only
    /// the id and the method. Throws the JSON-RPC error to answer with and the id to answer it under (nil: `null`).
    public static func scan(_ bytes: [UInt8], limits: JSONParser.Limits) throws(ScanFailure) -> IncomingMessage {
        let object: JSONParser.RawObject
        do {
            let found = try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONParser.RawObject? in
                try JSONParser.rawMembers(ofObject: buffer, limits: limits, expanding: "params", andWithin: "_meta")
            }
            guard let found else {
                let first = bytes.first(where: { $0 > 0x20 })
                if first == UInt8(ascii: "[") {
                    throw ScanFailure(id: nil, error: .invalidRequest(
                        "batches (JSON arrays) are not supported; send one message per line or request"))
                }
                throw ScanFailure(id: nil, error: .invalidRequest("a message must be a JSON object"))
            }
            object = found
        } catch let failure as ScanFailure {
            throw failure
        } catch {
            throw ScanFailure(id: nil, error: .parseError("\(error)"))
        }
        // The envelope's members, in one pass.
        var rawID, version, rawMethod, rawParams: ArraySlice<UInt8>?
        var isResponse = false
        bytes.withUnsafeBufferPointer { buffer in
            for member in object.members {
                let value = bytes[member.value]
                if member.hasKey("id", in: buffer) { rawID = value }
                else if member.hasKey("jsonrpc", in: buffer) { version = value }
                else if member.hasKey("method", in: buffer) { rawMethod = value }
                else if member.hasKey("params", in: buffer) { rawParams = value }
                else if member.hasKey("result", in: buffer) || member.hasKey("error", in: buffer) { isResponse = true }
            }
        }

        // The id first, so later errors can be answered under it.
        var id: [UInt8]? = nil
        if let rawID, let first = rawID.first {
            switch first {
            case UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): id = Array(rawID)
            case UInt8(ascii: "n"): id = nil
            default: throw ScanFailure(id: nil, error: .invalidRequest("id must be a string or a number"))
            }
        }
        guard let version, version.bytesEqual(#""2.0""#) else {
            throw ScanFailure(id: id, error: .invalidRequest("jsonrpc must be \"2.0\""))
        }
        guard let rawMethod else {
            if isResponse {
                return IncomingMessage(kind: .response, method: "", bytes: [], paramMembers: [], metaMembers: nil)
            }
            throw ScanFailure(id: id, error: .invalidRequest("method is missing"))
        }
        guard let method = JSONParser.stringValue(ofValidated: rawMethod) else { throw ScanFailure(id: id, error: .invalidRequest("method must be a string")) }

        if let rawParams, !rawParams.bytesEqual("null"), object.expanded == nil {
            throw ScanFailure(id: id, error: .invalidParams("params must be an object"))
        }
        let kind: Kind = rawID == nil ? .notification : (id.map { .request(id: $0) } ?? .request(id: WireMessages.nullID))
        return IncomingMessage(kind: kind, method: method, bytes: bytes, paramMembers: object.expanded ?? [],
                               metaMembers: object.expandedWithin)
    }

    public struct ScanFailure: Error, Sendable {
        public let id: [UInt8]?
        public let error: RPCError
    }
}
