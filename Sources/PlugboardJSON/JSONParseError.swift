/// Why a JSON text was refused, and where: `offset` is the byte offset of the offending input.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidNumber
        case invalidEscape
        case invalidUnicodeEscape
        case invalidUTF8
        case controlCharacterInString
        case tooDeep(limit: Int)
        case tooLarge(limit: Int)
        case trailingData
        case duplicateKey(String)
    }

    public var reason: Reason
    public var offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch reason {
        case .unexpectedEnd: what = "the text ends in the middle of a value"
        case .unexpectedByte(let b):
            what = (0x20..<0x7f).contains(b)
                ? "unexpected character '\(Character(UnicodeScalar(b)))'" : "unexpected byte 0x\(String(b, radix: 16))"
        case .invalidNumber: what = "malformed number"
        case .invalidEscape: what = "invalid escape sequence in a string"
        case .invalidUnicodeEscape: what = "invalid \\u escape (bad hex digits or an unpaired surrogate)"
        case .invalidUTF8: what = "invalid UTF-8"
        case .controlCharacterInString: what = "unescaped control character in a string"
        case .tooDeep(let limit): what = "nesting deeper than \(limit) levels"
        case .tooLarge(let limit): what = "text larger than \(limit) bytes"
        case .trailingData: what = "more data after the end of the JSON value"
        case .duplicateKey(let key): what = "duplicate object key \"\(key)\""
        }
        return "\(what) at byte \(offset)"
    }
}
