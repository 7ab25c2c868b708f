import PlugboardJSON
import PlugboardTestSupport
import Testing

/// A provider's `icons` (ABI 1.2) are listed as it registered them, in process and from a sandboxed worker, and a
/// plugin built against 1.1 is read only up to its own struct's end.
@Suite struct ComponentIconTests {
    static let linkIcons = #"[{"src":"https://example.com/links.svg","mimeType":"image/svg+xml","sizes":["any"]}]"#
    static let cardIcons = #"[{"src":"data:image/png;base64,iVBORw0KGgo=","sizes":["48x48"],"theme":"dark"},"#
        + #"{"src":"https://example.com/card-light.png","theme":"light"}]"#

    @Test(arguments: ["here", "boxed"])
    func iconsAreListedForToolsResourcesAndPrompts(mount: String) async throws {
        let server = try await MetaPassThroughTests.server()
        _ = await server.initialize()
        let tools = try #require(await server.request(2, "tools/list")?["result"]?["tools"]?.arrayValue)
        let links = try #require(tools.first { $0["name"]?.stringValue == "\(mount)_links" }, "\(tools)")
        #expect(links["icons"] == (try JSONParser.parse(Self.linkIcons)), "\(links)")
        let older = try #require(tools.first { $0["name"]?.stringValue == "\(mount)_from_abi_1_1" }, "\(tools)")
        #expect(older["icons"] == nil, "a 1.1 struct has no icons field: \(older)")
        #expect(tools.first { $0["name"]?.stringValue == "\(mount)_echo" }?["icons"] == nil, "no icons registered, none listed")

        let resources = try #require(await server.request(3, "resources/list")?["result"]?["resources"]?.arrayValue)
        let card = try #require(resources.first { $0["uri"]?.stringValue == "ui://\(mount)/card" }, "\(resources)")
        #expect(card["icons"] == (try JSONParser.parse(Self.cardIcons)), "\(card)")

        let prompts = try #require(await server.request(4, "prompts/list")?["result"]?["prompts"]?.arrayValue)
        let prompt = try #require(prompts.first { $0["name"]?.stringValue == "\(mount)_show_card" }, "\(prompts)")
        #expect(prompt["icons"] == (try JSONParser.parse(Self.cardIcons)), "\(prompt)")

        let call = await server.request(5, "tools/call", #"{"name":"\#(mount)_from_abi_1_1","arguments":{"x":1}}"#)
        #expect(call?["result"]?["isError"]?.boolValue != true, "the 1.1 registration works: \(String(describing: call))")
        #expect(await server.finish() == 0)
    }
}
