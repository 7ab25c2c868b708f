import PlugboardJSON
import Testing

extension ServerTests {
/// SEMANTICS.md "Listing" and "Requesting a version", on the bundled plugins, through surfaces.
@Suite struct StdioVersionRoutingTests {
    @Test func listingShowsTheHighestVersionWithFastMCPMeta() async throws {
        let server = try ServerProcess(["--stdio"])
        _ = await server.initialize()
        let tools = try #require(await server.call(1, "tools/list")?[path: "result", "tools"]?.arrayValue)
        let calculate = try #require(tools.first { $0["name"] == .string("math_calculate") })
        #expect(calculate[path: "_meta", "fastmcp", "version"] == .string("2.0"))
        #expect(calculate[path: "_meta", "fastmcp", "versions"] == .array([.string("2.0"), .string("1.0")]))
        #expect(calculate[path: "_meta", "fastmcp", "tags"] == .array([]))
        let add = try #require(tools.first { $0["name"] == .string("math_add") })
        #expect(add[path: "_meta", "fastmcp", "version"] == nil, "unversioned entries carry no version")
    }

    @Test func surfaceV1HidesVersionTwo() async throws {
        let server = try ServerProcess(["--stdio", "--surface", "v1"])
        _ = await server.initialize()
        let tools = try #require(await server.call(1, "tools/list")?[path: "result", "tools"]?.arrayValue)
        let calculate = try #require(tools.first { $0["name"] == .string("math_calculate") })
        #expect(calculate[path: "_meta", "fastmcp", "versions"] == .array([.string("1.0")]))
        let pinned = await server.call(2, "tools/call", #"{"name":"math_calculate","arguments":{"a":1,"b":2,"op":"add"},"_meta":{"fastmcp":{"version":"2.0"}}}"#)
        #expect(pinned?[path: "error", "code"] == .number("-32602"))
        let message = pinned?[path: "error", "message"]?.stringValue ?? ""
        #expect(message.contains("math_calculate") && message.contains("2.0") && message.contains("1.0"), "\(message)")
    }

    @Test func pinnedAndUnpinnedCallsRunDifferentVersions() async throws {
        let server = try ServerProcess(["--stdio"])
        _ = await server.initialize()
        // greet 2.0 answers with structured content; 1.0 with plain text.
        let latest = await server.call(1, "tools/call", #"{"name":"hello_greet","arguments":{"name":"Ada"}}"#)
        #expect(latest?[path: "result", "structuredContent", "greeting"] == .string("Hello, Ada!"))
        let pinned = await server.call(2, "tools/call", #"{"name":"hello_greet","arguments":{"name":"Ada"},"_meta":{"fastmcp":{"version":"1.0"}}}"#)
        #expect(pinned?[path: "result", "content", 0, "text"] == .string("Hello, Ada!"))
        #expect(pinned?[path: "result", "structuredContent"] == nil)
        // Order equality: "v1" selects 1.0.
        let spelled = await server.call(3, "tools/call", #"{"name":"hello_greet","arguments":{"name":"Ada"},"_meta":{"fastmcp":{"version":"v1"}}}"#)
        #expect(spelled?[path: "result", "content", 0, "text"] == .string("Hello, Ada!"))
    }

    @Test func versionErrorsNameComponentRequestAndAvailable() async throws {
        let server = try ServerProcess(["--stdio"])
        _ = await server.initialize()
        let missing = await server.call(1, "tools/call", #"{"name":"math_calculate","arguments":{},"_meta":{"fastmcp":{"version":"3.0"}}}"#)
        #expect(missing?[path: "error", "code"] == .number("-32602"))
        #expect(missing?[path: "error", "data", "requested"] == .string("3.0"))
        #expect(missing?[path: "error", "data", "available"] == .array([.string("2.0"), .string("1.0")]))
        let wrongType = await server.call(2, "tools/call", #"{"name":"math_calculate","arguments":{},"_meta":{"fastmcp":{"version":2}}}"#)
        #expect(wrongType?[path: "error", "code"] == .number("-32602"))
        #expect(wrongType?[path: "error", "message"]?.stringValue?.contains("must be a string") == true)
        let unknown = await server.call(3, "tools/call", #"{"name":"math_nope","arguments":{}}"#)
        #expect(unknown?[path: "error", "code"] == .number("-32602"))
        #expect(unknown?[path: "error", "message"]?.stringValue?.contains("math_nope") == true)
        // Unversioned components answer whatever version is asked for.
        let unversioned = await server.call(4, "tools/call", #"{"name":"math_add","arguments":{"a":1,"b":2},"_meta":{"fastmcp":{"version":"9"}}}"#)
        #expect(unversioned?[path: "result", "structuredContent", "result"]?.doubleValue == 3)
    }

    @Test func templatesPromptsAndResourceErrors() async throws {
        let server = try ServerProcess(["--stdio"])
        _ = await server.initialize()
        let read = await server.call(1, "resources/read", #"{"uri":"notes://notes/note/1","_meta":{"fastmcp":{"version":"1.0"}}}"#)
        #expect(read?[path: "result", "contents", 0, "text"]?.stringValue?.contains("Welcome") == true)
        #expect(read?[path: "result", "contents", 0, "uri"] == .string("notes://notes/note/1"), "the URI the client asked for")
        let absent = await server.call(2, "resources/read", #"{"uri":"notes://notes/nothing-here"}"#)
        #expect(absent?[path: "error", "code"] == .number("-32002"))
        let prompt = await server.call(3, "prompts/get", #"{"name":"notes_summarize","arguments":{"id":"1"}}"#)
        #expect(prompt?[path: "result", "messages", 0, "role"] == .string("user"))
        let failing = await server.call(4, "tools/call", #"{"name":"math_calculate","arguments":{"a":1,"b":0,"op":"div"}}"#)
        #expect(failing?[path: "result", "isError"] == .bool(true), "a tool failure is a result, not a protocol error")
        #expect(await server.call(5, "no/such/method")?[path: "error", "code"] == .number("-32601"))
    }
}
}
