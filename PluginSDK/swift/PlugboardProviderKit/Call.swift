import PlugboardABI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure with the C ABI's error code. Anything else a handler throws is the component's own failure
/// (`.failed`): for tools an `isError` result whose text is `String(describing: error)`.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Int32, Sendable {
        /// The component ran and failed: for tools an `isError` result the model sees.
        case failed = 1
        /// The client's arguments do not fit: a protocol error (-32602).
        case invalidArguments = 2
        /// The thing asked for does not exist.
        case notFound = 3
        /// A bug in the provider.
        case `internal` = 4
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func failed(_ message: String) -> ProviderError { ProviderError(.failed, message) }
    public static func invalidArguments(_ message: String) -> ProviderError { ProviderError(.invalidArguments, message) }
    public static func notFound(_ message: String) -> ProviderError { ProviderError(.notFound, message) }

    public var description: String { message }
}

/// A log line's severity, as MCP names them.
public enum LogLevel: Int32, Sendable {
    case debug = 0, info, notice, warning, error, critical, alert, emergency
}

/// One running call. Valid only while its handler runs: do not keep it.
public struct Call {
    /// Tool and prompt arguments, or a template's variables.
    public let arguments: Arguments
    private let host: UnsafePointer<pb_host>
    private let call: OpaquePointer?
    private let request: UnsafePointer<pb_request>

    init(host: UnsafePointer<pb_host>, call: OpaquePointer?, request: UnsafePointer<pb_request>) {
        self.host = host
        self.call = call
        self.request = request
        let arguments = request.pointee.arguments
        self.arguments = Arguments(json: arguments.map { String(cString: $0) } ?? "{}")
    }

    /// The component's key as registered (tool name, URI, URI template).
    public var key: String { String(cString: request.pointee.key) }
    /// The version the host chose, or nil for an unversioned component.
    public var version: String? { request.pointee.version.map { String(cString: $0) } }
    /// Resources and templates: the URI being read.
    public var uri: String? { request.pointee.uri.map { String(cString: $0) } }
    /// The request's `_meta` without the host's own keys, a JSON object (`{}` from a 1.0 host, which has no such
    /// field).
    public var meta: String {
        let since = MemoryLayout<pb_request>.offset(of: \pb_request.meta_len)! + MemoryLayout<Int>.size
        guard request.pointee.struct_size >= since, let meta = request.pointee.meta else { return "{}" }
        return String(cString: meta)
    }

    /// Progress; a `total` of 0 or less means unknown.
    public func progress(_ done: Double, total: Double = 0, message: String? = nil) {
        if let message {
            message.withCString { host.pointee.progress(call, done, total, $0) }
        } else {
            host.pointee.progress(call, done, total, nil)
        }
    }

    /// True once the client cancelled the call or its deadline passed: stop early.
    public var isCancelled: Bool { host.pointee.is_cancelled(call) != 0 }

    /// Throws a failure naming the cancellation, for loops that only need to stop.
    public func checkCancellation() throws {
        if isCancelled { throw ProviderError.failed("cancelled") }
    }

    /// A log line to this call's client, tagged with the plugin id.
    public func log(_ level: LogLevel, _ message: String) {
        message.withCString { host.pointee.log(host, call, level.rawValue, $0) }
    }
}

/// The top-level members of a JSON object the host handed over (already valid JSON). The required readers throw
/// `invalidArguments` naming the member when it is absent or `null`; every reader throws it when the member has
/// another type. Keys are compared literally.
public struct Arguments: Sendable {
    /// The whole object, as the client sent it.
    public let json: String

    public init(json: String) { self.json = json }

    /// Whether the member is there (`null` included).
    public func has(_ key: String) -> Bool { member(key) { $0 != nil } }

    /// The member's JSON text (an object, array, number...), or nil if absent.
    public func raw(_ key: String) -> String? {
        member(key) { value in
            value.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: $0.distance(to: pbj_skip_value($0))), as: UTF8.self) }
        }
    }

    public func string(_ key: String) throws -> String { try required(stringIfPresent(key), key, "a string") }
    public func string(_ key: String, default fallback: String) throws -> String { try stringIfPresent(key) ?? fallback }
    public func stringIfPresent(_ key: String) throws -> String? {
        try member(key) { value -> String? in
            guard let value, !isNull(value) else { return nil }
            guard value.pointee == ascii("\"") else { throw mistyped(key, "a string") }
            // Decoding never lengthens a string: its encoded length bounds the buffer.
            let capacity = value.distance(to: pbj_skip_string(value)) + 1
            return String(unsafeUninitializedCapacity: capacity) { buffer in
                buffer.withMemoryRebound(to: CChar.self) { text in
                    _ = pbj_decode_string(value, text.baseAddress, capacity)
                    return strlen(text.baseAddress!)
                }
            }
        }
    }

    public func number(_ key: String) throws -> Double { try required(numberIfPresent(key), key, "a number") }
    public func number(_ key: String, default fallback: Double) throws -> Double { try numberIfPresent(key) ?? fallback }
    public func numberIfPresent(_ key: String) throws -> Double? {
        try member(key) { value -> Double? in
            guard let value, !isNull(value) else { return nil }
            guard value.pointee == ascii("-") || (ascii("0")...ascii("9")).contains(value.pointee) else {
                throw mistyped(key, "a number")
            }
            return strtod(value, nil)
        }
    }

    public func bool(_ key: String) throws -> Bool { try required(boolIfPresent(key), key, "true or false") }
    public func bool(_ key: String, default fallback: Bool) throws -> Bool { try boolIfPresent(key) ?? fallback }
    public func boolIfPresent(_ key: String) throws -> Bool? {
        try member(key) { value -> Bool? in
            guard let value, !isNull(value) else { return nil }
            if strncmp(value, "true", 4) == 0 { return true }
            if strncmp(value, "false", 5) == 0 { return false }
            throw mistyped(key, "true or false")
        }
    }

    /// Runs `body` with the member's value inside the object's bytes (nil if absent).
    private func member<T>(_ key: String, _ body: (UnsafePointer<CChar>?) throws -> T) rethrows -> T {
        try json.withCString { object in try key.withCString { try body(pbj_find(object, $0)) } }
    }

    private func ascii(_ character: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: character)) }

    private func isNull(_ value: UnsafePointer<CChar>) -> Bool { strncmp(value, "null", 4) == 0 }

    private func required<T>(_ value: T?, _ key: String, _ what: String) throws -> T {
        guard let value else { throw ProviderError.invalidArguments("argument '\(key)' is required: \(what)") }
        return value
    }

    private func mistyped(_ key: String, _ what: String) -> ProviderError {
        .invalidArguments("argument '\(key)' must be \(what)")
    }
}

/// What a handler returns: JSON text for the host's set_result.
public struct Reply: Sendable {
    public let json: String

    /// Any JSON value. For tools: a full CallToolResult (`{"content":[...]}`), or anything else, which the host wraps
    /// as text content (and, for an object, structuredContent too).
    public static func json(_ json: String) -> Reply { Reply(json: json) }
    /// A tool's plain text answer.
    public static func text(_ text: String) -> Reply { Reply(json: JSON.quote(text)) }
    /// An object: a tool's text content and its structuredContent.
    public static func object(_ object: JSONObject) -> Reply { Reply(json: object.json) }
    /// A resource's contents: one text entry.
    public static func resourceText(uri: String, mimeType: String, text: String) -> Reply {
        let content = JSONObject().string("uri", uri).string("mimeType", mimeType).string("text", text)
        return Reply(json: #"{"contents":[\#(content.json)]}"#)
    }
    /// A prompt: one user message of text.
    public static func userMessage(_ text: String) -> Reply {
        Reply(json: #"{"messages":[{"role":"user","content":{"type":"text","text":\#(JSON.quote(text))}}]}"#)
    }
}

/// JSON text helpers.
public enum JSON {
    /// `text` as a JSON string literal, quotes included.
    public static func quote(_ text: String) -> String {
        text.withCString { source in
            let length = pbj_escape(source, nil, 0)
            return String(unsafeUninitializedCapacity: length + 1) { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = pbj_escape(source, $0.baseAddress, length + 1) }
                return length
            }
        }
    }

    /// A JSON number: integral values without a fraction, non-finite ones (which JSON cannot carry) as null.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return String(value)
    }
}

/// A JSON object, member by member, in the order written. Each setter has its own name, so a value never changes
/// type by overload resolution.
public struct JSONObject: Sendable {
    private var members: [String] = []

    public init() {}

    public func string(_ key: String, _ value: String) -> JSONObject { raw(key, JSON.quote(value)) }
    public func number(_ key: String, _ value: Double) -> JSONObject { raw(key, JSON.number(value)) }
    public func bool(_ key: String, _ value: Bool) -> JSONObject { raw(key, value ? "true" : "false") }
    /// `json` is written as is: a nested object or array built elsewhere.
    public func raw(_ key: String, _ json: String) -> JSONObject {
        var copy = self
        copy.members.append(JSON.quote(key) + ":" + json)
        return copy
    }

    public var json: String { "{" + members.joined(separator: ",") + "}" }
}
