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
    /// The `params` object's bytes and its members' ranges within them; empty when absent.
    public let params: [UInt8]
    public let paramMembers: [(key: String, range: Range<Int>)]

    public var id: [UInt8]? { if case .request(let id) = kind { return id } else { return nil } }

    /// The raw bytes of one member of `params`, or nil.
    public func param(_ key: String) -> ArraySlice<UInt8>? {
        paramMembers.first(where: { $0.key == key }).map { params[$0.range] }
    }

    /// A string member of `params`: nil when absent, an error naming the member when not a string.
    public func stringParam(_ key: String, required: Bool) throws(RPCError) -> String? {
        guard let raw = param(key) else {
            if required { throw .invalidParams("params.\(key) is required") }
            return nil
        }
        // The scan validated every member, so a string without escapes is its bytes between the quotes.
        if raw.count >= 2, raw.first == UInt8(ascii: "\""), !raw.contains(UInt8(ascii: "\\")) {
            return String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
        }
        guard raw.first == UInt8(ascii: "\""), case .string(let s)? = try? JSONParser.parse(Array(raw)) else {
            if raw.elementsEqual("null".utf8), !required { return nil }
            throw .invalidParams("params.\(key) must be a string")
        }
        return s
    }

    /// `params._meta` decoded (it is small), or nil when absent.
    public func meta() throws(RPCError) -> JSONObject? {
        guard let raw = param("_meta") else { return nil }
        guard case .object(let object)? = try? JSONParser.parse(Array(raw)) else {
            throw .invalidParams("params._meta must be an object")
        }
        return object
    }

    /// Scans one message. Throws the JSON-RPC error to answer with and the id to answer it under (nil: `null`).
    public static func scan(_ bytes: [UInt8], limits: JSONParser.Limits) throws(ScanFailure) -> IncomingMessage {
        let members: [(key: String, range: Range<Int>)]
        do {
            guard let found = try JSONParser.members(ofObject: bytes, limits: limits) else {
                let first = bytes.first(where: { $0 > 0x20 })
                if first == UInt8(ascii: "[") {
                    throw ScanFailure(id: nil, error: .invalidRequest(
                        "batches (JSON arrays) are not supported; send one message per line or request"))
                }
                throw ScanFailure(id: nil, error: .invalidRequest("a message must be a JSON object"))
            }
            members = found
        } catch let failure as ScanFailure {
            throw failure
        } catch {
            throw ScanFailure(id: nil, error: .parseError("\(error)"))
        }
        func raw(_ key: String) -> ArraySlice<UInt8>? { members.first(where: { $0.key == key }).map { bytes[$0.range] } }

        // The id first, so later errors can be answered under it.
        var id: [UInt8]? = nil
        if let rawID = raw("id"), let first = rawID.first {
            switch first {
            case UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): id = Array(rawID)
            case UInt8(ascii: "n"): id = nil
            default: throw ScanFailure(id: nil, error: .invalidRequest("id must be a string or a number"))
            }
        }
        guard let version = raw("jsonrpc"), version.elementsEqual(#""2.0""#.utf8) else {
            throw ScanFailure(id: id, error: .invalidRequest("jsonrpc must be \"2.0\""))
        }
        guard let rawMethod = raw("method") else {
            if raw("result") != nil || raw("error") != nil {
                return IncomingMessage(kind: .response, method: "", params: [], paramMembers: [])
            }
            throw ScanFailure(id: id, error: .invalidRequest("method is missing"))
        }
        guard rawMethod.first == UInt8(ascii: "\""), case .string(let method)? = try? JSONParser.parse(Array(rawMethod))
        else { throw ScanFailure(id: id, error: .invalidRequest("method must be a string")) }

        var params: [UInt8] = []
        var paramMembers: [(key: String, range: Range<Int>)] = []
        if let rawParams = raw("params"), !rawParams.elementsEqual("null".utf8) {
            guard rawParams.first == UInt8(ascii: "{") else {
                throw ScanFailure(id: id, error: .invalidParams("params must be an object"))
            }
            params = Array(rawParams)
            do { paramMembers = try JSONParser.members(ofObject: params, limits: limits) ?? [] } catch {
                throw ScanFailure(id: id, error: .parseError("\(error)"))
            }
        }
        let kind: Kind = raw("id") == nil ? .notification : (id.map { .request(id: $0) } ?? .request(id: WireMessages.nullID))
        return IncomingMessage(kind: kind, method: method, params: params, paramMembers: paramMembers)
    }

    public struct ScanFailure: Error, Sendable {
        public let id: [UInt8]?
        public let error: RPCError
    }
}
