import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// What a gateway must pass through unchanged: the request's `_meta` members that are not the host's own (trace
/// context, a client's correlation keys) reach the provider, in this process and in a sandboxed worker alike.
@Suite struct MetaPassThroughTests {
    static func server() async throws -> StdioServer {
        let directory = BuildProducts.temporaryDirectory("meta-pass-through")
        try await compileFixture("behaviours", to: directory + "/libbehaviours.so")
        let config = #"""
            {"plugin_directories":["\#(directory)"],
             "mounts":[{"namespace":"here","provider":"behaviours"},
                       {"namespace":"boxed","provider":"behaviours","isolation":"sandboxed"}]}
            """#
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
        return try StdioServer(arguments: ["--config", directory + "/runtime.json"])
    }

    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    /// Members the provider must see, with their literal text (a number stays `7.50`).
    static let foreign = #""traceparent":"\#(traceparent)","tracestate":"vendor=a1","com.example/correlation":7.50"#

    @Test(arguments: ["here", "boxed"])
    func foreignMetaKeysReachTheProviderAndTheHostsOwnDoNot(mount: String) async throws {
        let server = try await Self.server()
        _ = await server.initialize()
        let reply = await server.request(2, "tools/call", #"""
            {"name":"\#(mount)_echo_meta","arguments":{},
             "_meta":{"progressToken":"p1",\#(Self.foreign),"fastmcp":{"version":"1.0"}}}
            """#.replacingOccurrences(of: "\n", with: ""))
        let meta = try #require(reply?["result"]?["structuredContent"]?["meta"], "\(String(describing: reply))")
        #expect(meta == (try JSONParser.parse("{\(Self.foreign)}")), "exactly the foreign members, in order")
        #expect(meta["com.example/correlation"] == .number("7.50"), "a number keeps its literal text")

        // Without _meta the provider sees an empty object.
        let bare = await server.request(3, "tools/call", #"{"name":"\#(mount)_echo_meta","arguments":{}}"#)
        #expect(bare?["result"]?["structuredContent"]?["meta"] == .object([:]), "\(String(describing: bare))")
        #expect(await server.finish() == 0)
    }

    @Test func theStatelessEnvelopeKeysStayWithTheHost() async throws {
        let server = try await Self.server()
        server.send(#"""
            {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"here_echo_meta","arguments":{},
             "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},
                      "io.modelcontextprotocol/logLevel":"error",\#(Self.foreign)}}}
            """#.replacingOccurrences(of: "\n", with: ""))
        let reply = await server.next { $0["id"]?.int64Value == 1 }
        let meta = try #require(reply?["result"]?["structuredContent"]?["meta"], "\(String(describing: reply))")
        #expect(meta == (try JSONParser.parse("{\(Self.foreign)}")))
        #expect(await server.finish() == 0)
    }
}
