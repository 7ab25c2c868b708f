/// JSON text known to be valid, kept as bytes: schemas, annotations and arguments travel in this form so they
/// are validated once and then copied into responses verbatim.
public struct RawJSON: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Validates `bytes` as exactly one JSON value.
    public init(validating bytes: [UInt8], limits: JSONParser.Limits = .default) throws(JSONParseError) {
        try JSONParser.validate(bytes, limits: limits)
        self.bytes = bytes
    }

    public init(validating text: String, limits: JSONParser.Limits = .default) throws(JSONParseError) {
        try self.init(validating: Array(text.utf8), limits: limits)
    }

    public init(_ value: JSONValue) { bytes = value.serialized }

    /// For bytes the caller has already validated (for example a range returned by `JSONParser.members`).
    public init(trusted bytes: [UInt8]) { self.bytes = bytes }

    public static let emptyObject = RawJSON(trusted: Array("{}".utf8))

    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { text }

    /// The decoded value. The bytes are known to be valid, so this fails only past the default limits.
    public func parsed(limits: JSONParser.Limits = .default) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(bytes, limits: limits)
    }

    /// True when the text is a JSON object (first non-blank byte is `{`).
    public var isObject: Bool { bytes.first(where: { $0 > 0x20 }) == UInt8(ascii: "{") }
}
