import PlugboardJSON
import Testing

extension ServerTests {
/// Both protocol eras over stdio, against the real executable.
@Suite struct StdioHandshakeTests {
    @Test("initialize answers the client's version when supported, else the newest", arguments: [
        ("2024-11-05", "2024-11-05"), ("2025-03-26", "2025-03-26"), ("2025-06-18", "2025-06-18"),
        ("2025-11-25", "2025-11-25"), ("1999-01-01", "2025-11-25"),
    ])
    func negotiation(requested: String, expected: String) async throws {
        let server = try ServerProcess(["--stdio"])
        let reply = await server.initialize(version: requested)
        #expect(reply?[path: "result", "protocolVersion"] == .string(expected))
        #expect(reply?[path: "result", "serverInfo", "name"] == .string("plugboard"))
        #expect(reply?[path: "result", "capabilities", "tools", "listChanged"] == .bool(true))
        #expect(await server.call(1, "ping")?["result"] == .object([:]))
    }

    @Test func statelessDiscoverAndList() async throws {
        let server = try ServerProcess(["--stdio"])
        let discover = await server.call(1, "server/discover", "{\(statelessMeta())}")
        let result = try #require(discover?["result"])
        #expect(result["resultType"] == .string("complete"))
        #expect(result["supportedVersions"] == .array([.string("2026-07-28")]))
        #expect(result["ttlMs"] == .number("0"))
        #expect(result["cacheScope"] != nil)
        #expect(result[path: "capabilities", "tools"] != nil)

        let list = await server.call(2, "tools/list", "{\(statelessMeta())}")
        #expect(list?[path: "result", "resultType"] == .string("complete"))
        #expect(list?[path: "result", "cacheScope"] == .string("private"))
        #expect(list?[path: "result", "tools", 0, "name"] == .string("math_calculate"))

        let call = await server.call(3, "tools/call",
            #"{"name":"math_calculate","arguments":{"a":6,"b":3,"op":"div"},\#(statelessMeta())}"#)
        #expect(call?[path: "result", "resultType"] == .string("complete"))
        #expect(call?[path: "result", "structuredContent", "result"]?.doubleValue == 2)
    }

    @Test func unsupportedStatelessVersionIsMinus32022WithTheSupportedList() async throws {
        let server = try ServerProcess(["--stdio"])
        let reply = await server.call(1, "tools/list", "{\(statelessMeta("2030-01-01"))}")
        #expect(reply?[path: "error", "code"] == .number("-32022"))
        #expect(reply?[path: "error", "data", "requested"] == .string("2030-01-01"))
        let supported = reply?[path: "error", "data", "supported"]?.arrayValue ?? []
        #expect(supported.contains(.string("2026-07-28")) && supported.contains(.string("2025-11-25")))
    }

    @Test func statelessEnvelopeWithoutCapabilitiesIsInvalidParams() async throws {
        let server = try ServerProcess(["--stdio"])
        let reply = await server.call(1, "tools/list", #"{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}"#)
        #expect(reply?[path: "error", "code"] == .number("-32602"))
        #expect(reply?[path: "error", "message"]?.stringValue?.contains("clientCapabilities") == true)
    }

    @Test func endOfInputEndsTheProcessCleanlyAfterAnsweringWhatIsInFlight() async throws {
        let server = try ServerProcess(["--stdio", "--diagnostics"])
        _ = await server.initialize()
        server.send(#"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"diag_slow","arguments":{"steps":3,"ms":30}}}"#)
        server.closeInput()
        #expect(await server.waitForExit(timeout: .seconds(10)))
        #expect(server.process.terminationStatus == 0)
        #expect(await server.response("9", timeout: .seconds(1))?[path: "result", "content", 0, "text"] == .string("counted 3 steps"))
    }
}
}
