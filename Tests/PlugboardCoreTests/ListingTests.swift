import PlugboardJSON
import Testing

@testable import PlugboardCore

/// The pre-rendered list entries (routing-contract.md "List entries, exactly") and MCP pagination.
@Suite struct ListingTests {
    func raw(_ text: String) -> RawJSON {
        do { return try RawJSON(validating: text) } catch { fatalError("bad test JSON \(text)") }
    }

    @Test func everyFieldInContractOrderForEachKind() throws {
        let full = ComponentDescriptor(
            kind: .tool, key: "calc", version: v("2.0"), title: "Calculator", description: "Adds \"quoted\" numbers",
            inputSchema: raw(#"{"type":"object","properties":{"a":{"type":"number"}}}"#),
            outputSchema: raw(#"{"type":"object"}"#), annotations: raw(#"{"readOnlyHint":true}"#), tags: ["b", "a", "b"])
        let res = ComponentDescriptor(
            kind: .resource, key: "data://pi", name: "pi", version: v("1"), title: "Pi", description: "the constant",
            mimeType: "text/plain", annotations: raw(#"{"priority":1}"#))
        let tpl = ComponentDescriptor(
            kind: .resourceTemplate, key: "data://sq/{n}", name: "square", description: "n squared", mimeType: "application/json")
        let greet = ComponentDescriptor(
            kind: .prompt, key: "greet", title: "Greeting", description: "says hi",
            arguments: [PromptArgument(name: "name", description: "who", required: true), PromptArgument(name: "tone")])
        // 1.0 declares the same outputSchema: a schema is listed only when every callable version honours it.
        let older = ComponentDescriptor(kind: .tool, key: "calc", version: v("1.0"), outputSchema: raw(#"{"type":"object"}"#))
        let p = try provider("p", [full, older, res, tpl, greet])
        let t = compile(MountNode(namespace: "m", providers: [p]))
        #expect(try t.page(.tool, cursor: nil).get().items.text == #"[{"name":"m_calc","title":"Calculator","description":"Adds \"quoted\" numbers","inputSchema":{"type":"object","properties":{"a":{"type":"number"}}},"outputSchema":{"type":"object"},"annotations":{"readOnlyHint":true},"_meta":{"fastmcp":{"tags":["a","b"],"version":"2.0","versions":["2.0","1.0"]}}}]"#)
        #expect(try t.page(.resource, cursor: nil).get().items.text == #"[{"uri":"data://m/pi","name":"pi","title":"Pi","description":"the constant","mimeType":"text/plain","annotations":{"priority":1},"_meta":{"fastmcp":{"tags":[],"version":"1","versions":["1"]}}}]"#)
        #expect(try t.page(.resourceTemplate, cursor: nil).get().items.text == #"[{"uriTemplate":"data://m/sq/{n}","name":"square","description":"n squared","mimeType":"application/json","_meta":{"fastmcp":{"tags":[]}}}]"#)
        #expect(try t.page(.prompt, cursor: nil).get().items.text == #"[{"name":"m_greet","title":"Greeting","description":"says hi","arguments":[{"name":"name","description":"who","required":true},{"name":"tone","required":false}],"_meta":{"fastmcp":{"tags":[]}}}]"#)
    }

    @Test func theShownEntryIsTheHighestVisibleVersionsOwn() throws {
        let p = try provider("p", [tool("calc", "1.0", description: "one", tags: ["old"]), tool("calc", "2.0", description: "two", tags: ["new"])])
        let shown = try #require(try listed(compile(MountNode(providers: [p])), .tool).first)
        #expect(shown["description"]?.stringValue == "two")
        #expect(shown["_meta"]?["fastmcp"]?["tags"] == .array([.string("new")]))
        let filtered = try #require(try listed(compile(MountNode(filter: VersionFilter(lt: v("2")), providers: [p])), .tool).first)
        #expect(filtered["description"]?.stringValue == "one")
    }

    @Test func versionsAreDistinctHighestFirstAcrossProviders() throws {
        let a = try provider("a", [tool("calc", "1.0"), tool("calc", "3.0")])
        let b = try provider("b", [tool("calc", "2.0"), tool("calc", "1.0")])
        let entries = try listed(compile(MountNode(providers: [a, b])), .tool)
        #expect(entries.count == 1)
        #expect(entries.first?.versions == ["3.0", "2.0", "1.0"])
    }

    @Test func pagesFollowTheCursorToTheEnd() throws {
        let p = try provider("p", (1...5).map { tool("t\($0)") })
        let t = compile(MountNode(providers: [p]), pageSize: 2)
        let first = try t.page(.tool, cursor: nil).get()
        #expect(try first.items.parsed().arrayValue?.compactMap { $0["name"]?.stringValue } == ["t1", "t2"])
        let cursor = try #require(first.nextCursor)
        let second = try t.page(.tool, cursor: cursor).get()
        #expect(try second.items.parsed().arrayValue?.compactMap { $0["name"]?.stringValue } == ["t3", "t4"])
        let third = try t.page(.tool, cursor: second.nextCursor).get()
        #expect(third.nextCursor == nil)
        #expect(try listed(t, .tool).compactMap { $0["name"]?.stringValue } == ["t1", "t2", "t3", "t4", "t5"])
    }

    @Test(arguments: ["garbage", "page-0", "page-9", "page--1", ""])
    func aBadCursorIsAnError(cursor: String) throws {
        let p = try provider("p", (1...3).map { tool("t\($0)") })
        let t = compile(MountNode(providers: [p]), pageSize: 2)
        #expect(throws: RoutingError.invalidCursor(cursor)) { try t.page(.tool, cursor: cursor).get() }
    }

    @Test func anEmptyListIsOneEmptyPage() throws {
        let t = compile(MountNode())
        for kind in ComponentKind.allCases {
            let page = try t.page(kind, cursor: nil).get()
            #expect(page.items.text == "[]")
            #expect(page.nextCursor == nil)
        }
    }

    @Test func entriesListEveryRoutableVersionWithTheDefaultMarked() throws {
        let a = try provider("a", [tool("calc", "1.0"), tool("calc", "2.0"), tool("solo")])
        let entries = compile(MountNode(namespace: "m", providers: [a])).entries(.tool)
        #expect(entries.map(\.exposedKey) == ["m_calc", "m_calc", "m_solo"])
        #expect(entries.map { $0.descriptor.version?.raw } == ["2.0", "1.0", nil])
        #expect(entries.map(\.isDefault) == [true, false, true])
    }
}
