import PlugboardJSON
import Testing

extension ServerTests {
/// Hostile and malformed input is answered with errors, and the session keeps working.
@Suite struct StdioRobustnessTests {
    @Test func malformedMessagesGetErrorsAndTheSessionGoesOn() async throws {
        let server = try ServerProcess(["--stdio", "--max-message-bytes", "65536", "--max-depth", "32"])
        _ = await server.initialize()
        server.send(#"{"jsonrpc":"2.0","id":1,"method":"#)                                  // truncated
        server.send(String(repeating: "[", count: 1_000))                                    // deep
        server.send(#"{"jsonrpc":"2.0","id":2,"method":"ping","params":{"x":"# + String(repeating: "1", count: 200_000) + "}}")  // huge
        server.sendBytes(Array(#"{"jsonrpc":"2.0","id":3,"method":"ping","params":{"s":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8) + [0x0A])
        server.send(#"{"jsonrpc":"1.0","id":4,"method":"ping"}"#)                          // wrong version
        server.send(#"{"jsonrpc":"2.0","id":5,"method":7}"#)                              // wrong type
        server.send(#"[{"jsonrpc":"2.0","id":6,"method":"ping"}]"#)                      // batch
        server.send(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"math_add","arguments":[1,2]}}"#)
        server.send(#"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"math_add","arguments":{"a":1,"b":2},"extra":{"unknown":true}}}"#)
        #expect(await server.call(9, "ping")?["result"] == .object([:]))

        let errors = server.messages.compactMap { $0[path: "error", "code"]?.int64Value }
        #expect(errors.filter { $0 == -32700 }.count == 3, "truncated, deep and invalid UTF-8: \(server.rawLines)")
        #expect(errors.filter { $0 == -32600 }.count == 4, "huge, wrong jsonrpc, wrong method type, batch: \(server.rawLines)")
        #expect(await server.response("4")?[path: "error", "code"] == .number("-32600"), "answered under its id")
        #expect(await server.response("7")?[path: "error", "code"] == .number("-32602"))
        #expect(await server.response("8")?[path: "result", "structuredContent", "result"]?.doubleValue == 3,
                "unknown fields are ignored")
        let parseErrors = server.messages.filter { $0[path: "error", "code"] == .number("-32700") }
        #expect(parseErrors.allSatisfy { $0["id"] == .null })
    }

    @Test func argumentsReachThePluginAsTheClientsBytes() async throws {
        let server = try ServerProcess(["--stdio", "--diagnostics"])
        _ = await server.initialize()
        let arguments = #"{"text":"data: 1,2,3","float":1.0,"big":12345678901234567890,"exp":1E+2,"nested":{"u":"\u00e9\ud83d\ude00"}}"#
        let reply = await server.call(1, "tools/call", #"{"name":"diag_echo","arguments":\#(arguments)}"#)
        #expect(reply?[path: "result", "content", 0, "text"] == .string(arguments))
    }

    @Test func paginationFollowsCursors() async throws {
        let server = try ServerProcess(["--stdio", "--page-size", "2"])
        _ = await server.initialize()
        var names: [String] = []
        var cursor: String? = nil
        var id = 1
        repeat {
            let params = cursor.map { #"{"cursor":"\#($0)"}"# } ?? "{}"
            let result = try #require(await server.call(id, "tools/list", params)?["result"])
            let page = result["tools"]?.arrayValue ?? []
            #expect(page.count <= 2)
            names += page.compactMap { $0["name"]?.stringValue }
            cursor = result["nextCursor"]?.stringValue
            id += 1
        } while cursor != nil && id < 20
        #expect(names == ["math_calculate", "math_add", "notes_add_note", "notes_reindex", "hello_greet"])
        #expect(await server.call(50, "tools/list", #"{"cursor":"bogus"}"#)?[path: "error", "code"] == .number("-32602"))
    }
}
}
