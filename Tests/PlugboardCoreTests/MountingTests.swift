import PlugboardJSON
import Testing

@testable import PlugboardCore

/// Ported from FastMCP tests/server/mount/ (test_mount, test_advanced TestDeeplyNestedMount, test_resources,
/// test_prompts) and tests/server/versioning/test_mounting.py (TestMountedServerVersioning).
@Suite struct MountingTests {
    func mounted(_ namespace: String?, _ p: InMemoryProvider) -> MountNode {
        MountNode(children: [MountNode(namespace: namespace, providers: [p])])
    }

    @Test func namespacedToolsAreCalledByPrefixedName() async throws {
        let sub = try provider("sub", [tool("tool"), tool("transformed_tool")])
        let t = compile(mounted("sub", sub))
        #expect(try listed(t, .tool).compactMap { $0["name"]?.stringValue } == ["sub_tool", "sub_transformed_tool"])
        #expect(try await call(t, "sub_tool")["key"]?.stringValue == "tool")
        #expect(throws: RoutingError.self) { try t.route(.tool, "tool", version: nil).get() }
    }

    // test_mount_with_no_prefix (""/None), test_mount_{tools,resources,resource_templates,prompts}_no_prefix
    @Test(arguments: [nil, ""] as [String?])
    func withoutANamespaceIdentitiesAreUnchanged(namespace: String?) async throws {
        let sub = try provider("sub", [tool("sub_tool"), resource("data://config"), template("users://{user_id}/info"), prompt("sub_prompt")])
        let t = compile(mounted(namespace, sub))
        #expect(try await call(t, "sub_tool")["key"]?.stringValue == "sub_tool")
        #expect(try t.routeResource(uri: "data://config", version: nil).get().invocation.uri == "data://config")
        let templated = try t.routeResource(uri: "users://123/info", version: nil).get()
        #expect(templated.invocation.arguments.text == #"{"user_id":"123"}"#)
        #expect(try await call(t, "sub_prompt", kind: .prompt)["key"]?.stringValue == "sub_prompt")
        #expect(try listed(t, .resourceTemplate).first?["uriTemplate"]?.stringValue == "users://{user_id}/info")
    }

    @Test func severalProvidersUnderDifferentAndSameNamespaces() async throws {
        let weather = try provider("weather", [tool("get_forecast")])
        let news = try provider("news", [tool("get_headlines")])
        let first = try provider("first", [tool("first_tool")])
        let second = try provider("second", [tool("second_tool")])
        let root = MountNode(children: [
            MountNode(namespace: "weather", providers: [weather]), MountNode(namespace: "news", providers: [news]),
            MountNode(namespace: "api", providers: [first, second]),
        ])
        let t = compile(root)
        #expect(try listed(t, .tool).compactMap { $0["name"]?.stringValue } == ["weather_get_forecast", "news_get_headlines", "api_first_tool", "api_second_tool"])
        #expect(try await call(t, "news_get_headlines")["provider"]?.stringValue == "news")
        #expect(try await call(t, "api_second_tool")["provider"]?.stringValue == "second")
    }

    // TestPrefixConflictResolution: first mounted wins, for every kind, with no prefix and with the same prefix.
    @Test(arguments: [
        (ComponentKind.tool, "shared_tool", "shared_tool", "api_shared_tool"),
        (.prompt, "shared_prompt", "shared_prompt", "api_shared_prompt"),
        (.resource, "shared://data", "shared://data", "shared://api/data"),
        (.resourceTemplate, "users://{user_id}/profile", "users://123/profile", "users://api/123/profile"),
    ])
    func firstMountedWinsATie(kind: ComponentKind, key: String, plainRequest: String, prefixedRequest: String) async throws {
        let first = try provider("first", [component(kind, key)])
        let second = try provider("second", [component(kind, key)])
        for (namespace, request) in [(nil, plainRequest), ("api", prefixedRequest)] as [(String?, String)] {
            let t = compile(MountNode(children: [MountNode(namespace: namespace, providers: [first]), MountNode(namespace: namespace, providers: [second])]))
            let route = try kind == .resource || kind == .resourceTemplate
                ? t.routeResource(uri: request, version: nil).get() : t.route(kind, request, version: nil).get()
            #expect(route.provider.info.id == "first")
            #expect(try listed(t, kind).count == 1)
            #expect(t.warnings.count == 1)
            #expect(t.warnings.first?.shadowedProvider == "second" && t.warnings.first?.winningProvider == "first")
        }
    }

    // TestCrossProviderDuplicateDetection
    @Test func crossProviderDuplicatesWarnAndDifferentNamesDoNot() throws {
        let sub1 = try provider("sub1", [tool("greet"), tool("tool_a")])
        let sub2 = try provider("sub2", [tool("greet"), tool("tool_b")])
        let t = compile(MountNode(namespace: "ns", providers: [sub1, sub2]))
        #expect(t.warnings.count == 1)
        let warning = try #require(t.warnings.first)
        #expect(warning.identity == "ns_greet" && warning.kind == .tool)
        #expect(warning.message == "tool 'ns_greet' unversioned from 'sub2' is shadowed by unversioned from 'sub1' (the same version is mounted earlier); no request can reach it")
    }

    @Test(arguments: [["old", "new"], ["new", "old"]])
    func higherVersionWinsAcrossProvidersWhateverTheMountOrder(order: [String]) async throws {
        let providers = try order.map { id in try provider(id, [tool("calc", id == "old" ? "1.0" : "2.0")]) }
        let t = compile(MountNode(namespace: "math", providers: providers))
        #expect(try await call(t, "math_calc")["provider"]?.stringValue == "new")
        #expect(try await call(t, "math_calc", version: "1.0")["provider"]?.stringValue == "old")
        #expect(try listed(t, .tool).first?.versions == ["2.0", "1.0"])
        #expect(t.warnings.map(\.shadowedProvider) == ["old"])
        #expect(t.warnings.first?.message.contains("requests without a pinned version get version 2.0 from 'new'") == true)
    }

    // TestDeeplyNestedMount: three and four levels, every kind.
    @Test func nestedMountsComposeOuterFirst() async throws {
        let leaf = try provider("leaf", [tool("add"), resource("leaf://data"), template("leaf://item/{id}"), prompt("leaf_prompt")])
        let middle = try provider("middle", [tool("multiply"), resource("middle://data"), template("middle://item/{id}")])
        let root = MountNode(children: [MountNode(namespace: "middle", providers: [middle], children: [MountNode(namespace: "leaf", providers: [leaf])])])
        let t = compile(root)
        #expect(try await call(t, "middle_multiply")["provider"]?.stringValue == "middle")
        #expect(try await call(t, "middle_leaf_add")["key"]?.stringValue == "add")
        #expect(try t.routeResource(uri: "middle://middle/data", version: nil).get().invocation.uri == "middle://data")
        #expect(try t.routeResource(uri: "leaf://middle/leaf/data", version: nil).get().invocation.uri == "leaf://data")
        let item = try t.routeResource(uri: "leaf://middle/leaf/item/99", version: nil).get()
        #expect(item.invocation.uri == "leaf://item/99")
        #expect(item.invocation.arguments.text == #"{"id":"99"}"#)
        #expect(try t.routeResource(uri: "middle://middle/item/42", version: nil).get().provider.info.id == "middle")
        #expect(try await call(t, "middle_leaf_leaf_prompt", kind: .prompt)["key"]?.stringValue == "leaf_prompt")
        let four = MountNode(children: [MountNode(namespace: "a", children: [MountNode(namespace: "b", children: [MountNode(namespace: "c", providers: [leaf])])])])
        #expect(try await call(compile(four), "a_b_c_add")["key"]?.stringValue == "add")
    }

    // TestResourceUriPrefixing: URIs prefixed, names not.
    @Test func resourceURIsArePrefixedAndNamesAreNot() throws {
        let sub = try provider("sub", [resource("resource://my_resource", name: "my_resource"), template("resource://user/{user_id}", name: "user_template")])
        let t = compile(mounted("prefix", sub))
        let resourceEntry = try #require(try listed(t, .resource).first)
        #expect(resourceEntry["uri"]?.stringValue == "resource://prefix/my_resource")
        #expect(resourceEntry["name"]?.stringValue == "my_resource")
        let templateEntry = try #require(try listed(t, .resourceTemplate).first)
        #expect(templateEntry["uriTemplate"]?.stringValue == "resource://prefix/user/{user_id}")
        #expect(templateEntry["name"]?.stringValue == "user_template")
    }

    @Test func aTripleSlashURIGainsTheNamespaceAsFirstSegment() async throws {
        // test_mounted_resource_wrapper_reads_correct_version: data:///config under child is data://child//config.
        let child = try provider("child", [resource("data:///config", "1.0"), resource("data:///config", "2.0")])
        let t = compile(mounted("child", child))
        for (pin, expected) in [("1.0", "1.0"), ("2.0", "2.0")] {
            let route = try t.routeResource(uri: "data://child//config", version: pin).get()
            #expect(route.invocation.version?.raw == expected)
            #expect(route.invocation.uri == "data:///config")
        }
    }

    @Test func aURIWithoutSchemeSeparatorIsLeftAlone() throws {
        let sub = try provider("sub", [resource("urn:isbn:123")])
        let t = compile(mounted("ns", sub))
        #expect(try listed(t, .resource).first?["uri"]?.stringValue == "urn:isbn:123")
        #expect(try t.routeResource(uri: "urn:isbn:123", version: nil).get().invocation.uri == "urn:isbn:123")
    }

    // test_mount_with_wildcard_resource_template and TestMountedResourceTemplateQueryParams
    @Test(arguments: [
        ("resource://multi/{extra*}", "resource://sub/multi/abc/def", #"{"extra":"abc/def"}"#, "resource://multi/abc/def"),
        ("resource://multi/{extra*}", "resource://sub/multi/abc", #"{"extra":"abc"}"#, "resource://multi/abc"),
        ("resource://greet{?name}", "resource://sub/greet?name=Alice", #"{"name":"Alice"}"#, "resource://greet?name=Alice"),
        ("resource://greet{?name}", "resource://sub/greet", "{}", "resource://greet"),
        ("resource://data/{id}{?format,verbose}", "resource://sub/data/42?format=xml&verbose=true", #"{"id":"42","format":"xml","verbose":"true"}"#, "resource://data/42?format=xml&verbose=true"),
        ("resource://data/{id}{?format,limit}", "resource://sub/data/42?limit=5", #"{"id":"42","limit":"5"}"#, "resource://data/42?limit=5"),
    ])
    func templatesMatchThroughAMount(template key: String, uri: String, arguments: String, localURI: String) throws {
        let sub = try provider("sub", [template(key)])
        let route = try compile(mounted("sub", sub)).routeResource(uri: uri, version: nil).get()
        #expect(route.invocation.arguments.text == arguments)
        #expect(route.invocation.uri == localURI)
        #expect(route.invocation.key == key)
        #expect(route.invocation.kind == .resourceTemplate)
    }

    // TestMountedServerVersioning: versions survive mounting, and pins are forwarded through two levels.
    @Test func versionsSurviveMountingAndPinsReachDeepProviders() async throws {
        let level3 = try provider("level3", [tool("calc", "1.0"), tool("calc", "2.0"), resource("file:///config", "1.5"), prompt("greet", "3.0")])
        let t = compile(MountNode(namespace: "l2", children: [MountNode(namespace: "l3", providers: [level3])]))
        let tools = try listed(t, .tool)
        #expect(tools.map { $0["name"]?.stringValue } == ["l2_l3_calc"])
        #expect(tools.first?.versions == ["2.0", "1.0"])
        #expect(try await versionRun(t, "l2_l3_calc") == "2.0")
        #expect(try await versionRun(t, "l2_l3_calc", version: "1.0") == "1.0")
        #expect(try listed(t, .resource).first?.shownVersion == "1.5")
        #expect(try listed(t, .prompt).first?["name"]?.stringValue == "l2_l3_greet")
        #expect(try listed(t, .prompt).first?.shownVersion == "3.0")
        #expect(t.entries(.tool).map { $0.descriptor.version?.raw } == ["2.0", "1.0"])
    }
}
