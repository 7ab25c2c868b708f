import PlugboardProviderKit
import Testing

/// The kit's argument reader and JSON writers, on their own: what a handler sees before anything crosses the ABI.
@Suite struct ArgumentsTests {
    @Test func membersAreReadByTypeAndEscapesAreDecoded() throws {
        let name = "Zoë \"the\" \\ one"
        let arguments = Arguments(json: #"{"name":\#(JSON.quote(name)),"n":-2.5,"flag":true,"list":[1,{"a":"]"}],"none":null}"#)
        #expect(try arguments.string("name") == name)
        #expect(try arguments.number("n") == -2.5)
        #expect(try arguments.bool("flag"))
        #expect(arguments.raw("list") == #"[1,{"a":"]"}]"#)
        #expect(arguments.has("none") && !arguments.has("missing"))
    }

    @Test func absentAndNullMembersTakeTheFallbackAndMistypedOnesNeverDo() throws {
        let arguments = Arguments(json: #"{"none":null,"n":3}"#)
        #expect(try arguments.string("missing", default: "x") == "x")
        #expect(try arguments.stringIfPresent("none") == nil)
        #expect(try arguments.number("missing", default: 7) == 7)
        #expect(try arguments.bool("none", default: true))
        #expect(throws: ProviderError.invalidArguments("argument 'n' must be a string")) { try arguments.string("n", default: "x") }
        #expect(throws: ProviderError.invalidArguments("argument 'missing' is required: a number")) { try arguments.number("missing") }
        #expect(throws: ProviderError.invalidArguments("argument 'n' must be true or false")) { try arguments.bool("n") }
    }

    @Test func objectsAndRepliesAreJSONInTheOrderWritten() {
        let text = "line\nbreak \u{01} \"quoted\""
        let object = JSONObject().string("text", text).number("count", 3).number("ratio", 0.5).bool("ok", false)
        #expect(object.json == #"{"text":\#(JSON.quote(text)),"count":3,"ratio":0.5,"ok":false}"#)
        #expect(JSON.quote(text) == #""line\nbreak \u0001 \"quoted\"""#)
        #expect(JSON.number(.infinity) == "null")
        #expect(Reply.text("hi").json == #""hi""#)
        #expect(Reply.resourceText(uri: "a://b", mimeType: "text/plain", text: "t").json
            == #"{"contents":[{"uri":"a://b","mimeType":"text/plain","text":"t"}]}"#)
        #expect(Reply.userMessage("go").json == #"{"messages":[{"role":"user","content":{"type":"text","text":"go"}}]}"#)
    }
}
