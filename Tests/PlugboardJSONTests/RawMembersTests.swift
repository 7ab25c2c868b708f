import PlugboardJSON
import Testing

/// `rawMembers(ofObject:expanding:)`: how a message envelope and its params are read in one pass.
@Suite struct RawMembersTests {
    func scan(_ text: String, expanding: StaticString? = "params", limits: JSONParser.Limits = .default) throws -> (bytes: [UInt8], object: JSONParser.RawObject?) {
        let bytes = Array(text.utf8)
        let object = try bytes.withUnsafeBufferPointer { try JSONParser.rawMembers(ofObject: $0, limits: limits, expanding: expanding) }
        return (bytes, object)
    }

    func text(_ bytes: [UInt8], _ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    @Test func envelopeAndParamsMembersAreRangesIntoTheMessage() throws {
        let (bytes, found) = try scan(#"{"id": 7, "params": {"name": "add", "arguments": {"x": 1.50, "s": "a,b"}}, "method":"tools/call"}"#)
        let object = try #require(found)
        #expect(object.members.map { text(bytes, $0.key) } == ["id", "params", "method"])
        #expect(object.members.map { text(bytes, $0.value) } == ["7", #"{"name": "add", "arguments": {"x": 1.50, "s": "a,b"}}"#, #""tools/call""#])
        let params = try #require(object.expanded)
        #expect(params.map { text(bytes, $0.key) } == ["name", "arguments"])
        #expect(params.map { text(bytes, $0.value) } == [#""add""#, #"{"x": 1.50, "s": "a,b"}"#])
    }

    @Test func onlyAnObjectValueIsExpanded() throws {
        #expect(try scan(#"{"params": [1, 2]}"#).object?.expanded == nil)
        #expect(try scan(#"{"params": null}"#).object?.expanded == nil)
        #expect(try scan(#"{"other": {"a": 1}}"#).object?.expanded == nil)
        #expect(try scan(#"{"params": {}}"#).object?.expanded == [])
        #expect(try scan("[1]").object == nil)
    }

    @Test func escapedKeysAreRecognisedByWhatTheyMean() throws {
        let (bytes, found) = try scan(#"{"\u0070arams": {"n\u0061me": 1}}"#)
        let object = try #require(found)
        #expect(object.members.first?.keyIsPlain == false)
        let params = try #require(object.expanded)
        bytes.withUnsafeBufferPointer { buffer in
            #expect(object.members[0].hasKey("params", in: buffer))
            #expect(params[0].hasKey("name", in: buffer))
            #expect(!params[0].hasKey("nam", in: buffer))
        }
    }

    @Test func duplicateKeysAreRefusedAtBothLevelsEvenWhenSpelledDifferently() {
        #expect(throws: JSONParseError.self) { try scan(#"{"id": 1, "id": 2}"#) }
        #expect(throws: JSONParseError.self) { try scan(#"{"id": 1, "\u0069d": 2}"#) }
        #expect(throws: JSONParseError.self) { try scan(#"{"params": {"a": 1, "a": 2}}"#) }
        // Below params, values are validated but not checked for duplicates (they are the provider's to read).
        #expect(throws: Never.self) { try scan(#"{"params": {"arguments": {"a": 1, "a": 2}}}"#) }
    }

    @Test func everyByteIsStillValidated() {
        #expect(throws: JSONParseError.self) { try scan(#"{"params": {"arguments": {"x": 01}}}"#) }
        #expect(throws: JSONParseError.self) { try scan(#"{"params": {"a": "\q"}}"#) }
        #expect(throws: JSONParseError.self) { try scan(#"{"id": 1} x"#) }
        #expect(throws: JSONParseError.self) { try scan(#"{"params": {"a": 1}"#) }
    }

    @Test func theDepthLimitCountsTheExpandedLevel() {
        let limits = JSONParser.Limits(maxDepth: 3, maxBytes: 1 << 20)
        #expect(throws: Never.self) { try scan(#"{"params": {"a": {"b": 1}}}"#, limits: limits) }
        #expect(throws: JSONParseError.self) { try scan(#"{"params": {"a": {"b": {"c": 1}}}}"#, limits: limits) }
        #expect(throws: JSONParseError.self) { try scan(#"{"other": {"a": {"b": {"c": 1}}}}"#, limits: limits) }
    }

    @Test func aMemberOfTheExpandedObjectIsExpandedWithinIt() throws {
        let text = #"{"params": {"name": "add", "_meta": {"a": {"b": 1}, "c": "d"}}, "_meta": {"x": 1}}"#
        let bytes = Array(text.utf8)
        let object = try #require(try bytes.withUnsafeBufferPointer {
            try JSONParser.rawMembers(ofObject: $0, expanding: "params", andWithin: "_meta")
        })
        let meta = try #require(object.expandedWithin)
        #expect(meta.map { self.text(bytes, $0.key) } == ["a", "c"])
        #expect(meta.map { self.text(bytes, $0.value) } == [#"{"b": 1}"#, #""d""#])
        let notAnObject = Array(#"{"params": {"_meta": [1]}}"#.utf8)
        #expect(try notAnObject.withUnsafeBufferPointer {
            try JSONParser.rawMembers(ofObject: $0, expanding: "params", andWithin: "_meta")
        }?.expandedWithin == nil)
        let duplicate = Array(#"{"params": {"_meta": {"k": 1, "k": 2}}}"#.utf8)
        #expect(throws: JSONParseError.self) {
            try duplicate.withUnsafeBufferPointer { try JSONParser.rawMembers(ofObject: $0, expanding: "params", andWithin: "_meta") }
        }
    }
}
