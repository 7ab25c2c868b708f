import PlugboardJSON
import PlugboardTestSupport
import Testing

/// URIs in results are namespaced like the resources they name, and everything else in a result passes unchanged.
@Suite struct ResultURITests {
    @Test(arguments: ["here", "boxed"])
    func theProvidersOwnURIsInResultsAreNamespacedAndOthersLeftAlone(mount: String) async throws {
        let server = try await MetaPassThroughTests.server()
        _ = await server.initialize()
        let card = "ui://\(mount)/card"
        let resources = await server.request(2, "resources/list")
        #expect(resources?["result"]?["resources"]?.arrayValue?.contains { $0["uri"]?.stringValue == card } == true,
                "the ui:// resource is listed namespaced: \(String(describing: resources))")

        let call = await server.request(3, "tools/call", #"{"name":"\#(mount)_links","arguments":{}}"#)
        let content = try #require(call?["result"]?["content"]?.arrayValue, "\(String(describing: call))")
        #expect(content.first?["uri"]?.stringValue == card, "resource_link: \(content)")
        #expect(content.dropFirst().first?["resource"]?["uri"]?.stringValue == card, "embedded resource: \(content)")
        #expect(content.last?["uri"]?.stringValue == "https://example.com/elsewhere", "a link elsewhere is left alone")
        #expect(call?["result"]?["structuredContent"] == (try JSONParser.parse(#"[1,2.50,"x"]"#)),
                "structured content that is not an object passes with its literals")

        let read = await server.request(4, "resources/read", #"{"uri":"\#(card)"}"#)
        #expect(read?["result"]?["contents"]?.arrayValue?.first?["uri"]?.stringValue == card, "\(String(describing: read))")

        let prompt = await server.request(5, "prompts/get", #"{"name":"\#(mount)_show_card"}"#)
        let message = prompt?["result"]?["messages"]?.arrayValue?.first
        #expect(message?["content"]?["resource"]?["uri"]?.stringValue == card, "\(String(describing: prompt))")
        #expect(await server.finish() == 0)
    }
}
