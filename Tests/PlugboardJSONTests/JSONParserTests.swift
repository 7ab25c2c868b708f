import Testing
@testable import PlugboardJSON

@Suite struct JSONParserTests {
    @Test func keepsNumberLiteralsAndMemberOrder() throws {
        let value = try JSONParser.parse(#"{"b":1.0,"a":12345678901234567890,"c":-0.5e10}"#)
        #expect(value.objectValue?.keys == ["b", "a", "c"])
        #expect(value["b"]?.numberLiteral == "1.0")
        #expect(value["a"]?.numberLiteral == "12345678901234567890")
        #expect(value.jsonText == #"{"b":1.0,"a":12345678901234567890,"c":-0.5e10}"#)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\/\n\u00e9\ud83d\ude00"]"#)
        #expect(value.arrayValue?.first?.stringValue == "a\"b\\c/\né😀")
    }

    @Test func roundTripsStringsThatNeedEscaping() throws {
        let original = JSONValue.string("quote\" back\\ nl\n tab\t bell\u{07} é 😀")
        #expect(try JSONParser.parse(original.serialized) == original)
    }

    @Test(arguments: [
        ("", JSONParseError.Reason.unexpectedEnd),
        ("{\"a\":1", .unexpectedEnd),
        ("[1,]", .unexpectedByte(UInt8(ascii: "]"))),
        ("01", .trailingData),
        ("1.", .invalidNumber),
        ("\"\\x\"", .invalidEscape),
        ("\"\\ud800\"", .invalidUnicodeEscape),
        ("{\"a\":1,\"a\":2}", .duplicateKey("a")),
        ("\"a\nb\"", .controlCharacterInString),
        ("nul", .unexpectedEnd),
        ("{} x", .trailingData),
    ])
    func refusesMalformedText(text: String, reason: JSONParseError.Reason) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do { _ = try JSONParser.parse(text) } catch { #expect(error.reason == reason, "for \(text)") }
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]  // "\xC3(" — broken two-byte sequence
        #expect(throws: JSONParseError(.invalidUTF8, at: 2)) { try JSONParser.parse(bytes) }
        let surrogate: [UInt8] = [0x22, 0xED, 0xA0, 0x80, 0x22]  // an encoded UTF-16 surrogate
        #expect(throws: JSONParseError(.invalidUTF8, at: 2)) { try JSONParser.parse(surrogate) }
    }

    /// Strings are looked at eight bytes at a time; whatever byte needs a look must be found at every offset in
    /// such a word, and at the tail that is shorter than one.
    @Test func aByteThatNeedsALookIsFoundAtEveryOffset() throws {
        for length in 0..<20 {
            for offset in 0..<length {
                func string(_ special: [UInt8]) -> [UInt8] {
                    var inner = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    inner.replaceSubrange(offset..<(offset + 1), with: special)
                    return [UInt8(ascii: "\"")] + inner + [UInt8(ascii: "\"")]
                }
                #expect(try JSONParser.parse(string(Array(#"\""#.utf8))) == .string(String(repeating: "a", count: offset) + "\""
                    + String(repeating: "a", count: length - offset - 1)), "an escaped quote at \(offset) of \(length)")
                #expect(try JSONParser.parse(string([0xC3, 0xA9])).stringValue?.count == length, "é at \(offset) of \(length)")
                #expect(throws: JSONParseError(.controlCharacterInString, at: offset + 1), "a newline at \(offset) of \(length)") {
                    try JSONParser.parse(string([0x0A]))
                }
                #expect(throws: JSONParseError(.invalidUTF8, at: offset + 1), "a stray byte at \(offset) of \(length)") {
                    try JSONParser.parse(string([0xFF]))
                }
                // A quote ends the string early: what follows is not JSON.
                #expect(throws: JSONParseError.self, "a quote at \(offset) of \(length)") {
                    try JSONParser.parse(string([UInt8(ascii: "\"")]) + Array("x".utf8))
                }
            }
        }
        #expect(throws: JSONParseError(.unexpectedEnd, at: 17)) { try JSONParser.parse(Array(#""0123456789abcdef"#.utf8)) }
    }

    @Test func limitsDepthAndSize() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError(.tooDeep(limit: 64), at: 64)) { try JSONParser.parse(deep) }
        #expect(throws: JSONParseError(.tooLarge(limit: 4), at: 4)) {
            try JSONParser.parse("[1,2,3]", limits: .init(maxBytes: 4))
        }
    }

    @Test func membersReturnRawRangesOfValidatedValues() throws {
        let text = #"{"id": 7, "params": {"arguments": {"x": 1.50, "s": "data: 1,2"}}}"#
        let bytes = Array(text.utf8)
        let members = try #require(try JSONParser.members(ofObject: bytes))
        #expect(members.map(\.key) == ["id", "params"])
        let params = String(decoding: bytes[members[1].range], as: UTF8.self)
        #expect(params == #"{"arguments": {"x": 1.50, "s": "data: 1,2"}}"#)
        #expect(try JSONParser.members(ofObject: Array("[1]".utf8)) == nil)
        #expect(throws: JSONParseError.self) { try JSONParser.members(ofObject: Array(#"{"a":[1,}"#.utf8)) }
    }
}
