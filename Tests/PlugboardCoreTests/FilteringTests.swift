import PlugboardJSON
import Testing

@testable import PlugboardCore

/// Ported from FastMCP tests/server/versioning/test_filtering.py; the filter sits on a mount node, a nested
/// node or a surface (SEMANTICS.md "Version filters", "Surfaces").
@Suite struct FilteringTests {
    func table(_ versions: [String], filter: VersionFilter, kind: ComponentKind = .tool, key: String = "calc")
        throws -> RoutingTable
    {
        let p = try provider("p", versions.map { component(kind, key, $0) })
        return compile(MountNode(filter: filter, providers: [p]))
    }

    func shownVersions(_ table: RoutingTable, _ kind: ComponentKind = .tool) throws -> [String]? {
        try listed(table, kind).first?.versions
    }

    @Test func ltHidesHighVersionsAndTheHighestRemainingServes() async throws {
        let t = try table(["1.0", "2.0", "3.0"], filter: VersionFilter(lt: v("3.0")))
        #expect(try shownVersions(t) == ["2.0", "1.0"])
        #expect(try listed(t, .tool).first?.shownVersion == "2.0")
        #expect(try await versionRun(t, "calc") == "2.0")
    }

    @Test func gteHidesLowVersionsAndPinsOutsideAreErrors() async throws {
        let t = try table(["1.0", "2.0", "3.0"], filter: VersionFilter(gte: v("2.0")))
        #expect(try shownVersions(t) == ["3.0", "2.0"])
        #expect(try await versionRun(t, "calc") == "3.0")
        #expect(try await versionRun(t, "calc", version: "2.0") == "2.0")
        #expect(throws: RoutingError.versionUnavailable(kind: .tool, identity: "calc", requested: "1.0", available: ["3.0", "2.0"])) {
            try t.route(.tool, "calc", version: "1.0").get()
        }
    }

    @Test func aRangeShowsOnlyWhatIsInside() async throws {
        let t = try table(["1.0", "2.0", "2.5", "3.0"], filter: VersionFilter(gte: v("2.0"), lt: v("3.0")))
        #expect(try shownVersions(t) == ["2.5", "2.0"])
        #expect(try await versionRun(t, "calc") == "2.5")
        #expect(try await versionRun(t, "calc", version: "2.0") == "2.0")
        for hidden in ["1.0", "3.0"] {
            #expect(throws: RoutingError.self) { try t.route(.tool, "calc", version: hidden).get() }
        }
    }

    @Test func unversionedPassesByDefault() throws {
        let p = try provider("p", [tool("unversioned_tool"), tool("versioned_tool", "5.0")])
        let t = compile(MountNode(filter: VersionFilter(lt: v("3.0")), providers: [p]))
        #expect(try listed(t, .tool).compactMap { $0["name"]?.stringValue } == ["unversioned_tool"])
    }

    // test_include_unversioned_false_excludes_unversioned_{tools,resources,resource_templates,prompts}
    @Test(arguments: [
        (ComponentKind.tool, ["unversioned", "included", "excluded"]),
        (.prompt, ["unversioned", "included", "excluded"]),
        (.resource, ["file:///unversioned", "file:///included", "file:///excluded"]),
        (.resourceTemplate, ["resource://unversioned/{name}", "resource://included/{name}", "resource://excluded/{name}"]),
    ])
    func includeUnversionedFalseHidesUnversioned(kind: ComponentKind, keys: [String]) throws {
        let p = try provider(
            "p", [component(kind, keys[0]), component(kind, keys[1], "1.0"), component(kind, keys[2], "5.0")])
        let t = compile(MountNode(filter: VersionFilter(lt: v("2.0"), includeUnversioned: false), providers: [p]))
        let field = kind == .resource ? "uri" : kind == .resourceTemplate ? "uriTemplate" : "name"
        #expect(try listed(t, kind).compactMap { $0[field]?.stringValue } == [keys[1]])
    }

    @Test func dateVersionsFilterAsStrings() throws {
        let t = try table(["2025-01-01", "2025-06-01", "2025-12-01"], filter: VersionFilter(lt: v("2025-04-01")))
        let entries = try listed(t, .tool)
        #expect(entries.count == 1)
        #expect(entries.first?.shownVersion == "2025-01-01")
    }

    @Test func anIdentityWithEveryVersionFilteredIsUnknown() throws {
        let t = try table(["5.0"], filter: VersionFilter(lt: v("3.0")))
        #expect(try listed(t, .tool).isEmpty)
        #expect(throws: RoutingError.unknownComponent(kind: .tool, identity: "calc")) {
            try t.route(.tool, "calc", version: nil).get()
        }
    }

    @Test(arguments: [(ComponentKind.resource, "file:///config"), (.prompt, "greet"), (.resourceTemplate, "data://c/{id}")])
    func otherKindsAreFilteredToo(kind: ComponentKind, key: String) throws {
        let t = try table(["1.0", "2.0"], filter: VersionFilter(lt: v("2.0")), kind: kind, key: key)
        #expect(try listed(t, kind).map(\.shownVersion) == ["1.0"])
    }

    // TestMountedVersionFiltering / TestMountedRangeFiltering: a filter above a namespaced child.
    @Test func aFilterAboveANamespacedMountSeesThroughIt() async throws {
        let child = try provider("child", [tool("calc", "1.0"), tool("calc", "3.0"), tool("high", "5.0"), tool("plain")])
        let root = MountNode(filter: VersionFilter(lt: v("2.0")), children: [MountNode(namespace: "child", providers: [child])])
        let t = compile(root)
        #expect(try await versionRun(t, "child_calc") == "1.0")
        #expect(throws: RoutingError.self) { try t.route(.tool, "child_calc", version: "3.0").get() }
        #expect(throws: RoutingError.unknownComponent(kind: .tool, identity: "child_high")) {
            try t.route(.tool, "child_high", version: nil).get()
        }
        #expect(try await versionRun(t, "child_plain") == "-")
    }

    @Test func explicitVersionHonouredWithinMountedRange() async throws {
        let child = try provider("child", ["1.0", "2.0", "3.0"].map { tool("calc", $0) })
        let t = compile(MountNode(filter: VersionFilter(gte: v("1.0"), lt: v("3.0")), children: [MountNode(namespace: "child", providers: [child])]))
        #expect(try await versionRun(t, "child_calc", version: "1.0") == "1.0")
        #expect(throws: RoutingError.self) { try t.route(.tool, "child_calc", version: "3.0").get() }
    }

    @Test func filtersOnThePathIntersect() async throws {
        let p = try provider("p", ["1.0", "2.0", "3.0", "4.0"].map { tool("calc", $0) })
        let inner = MountNode(namespace: "inner", filter: VersionFilter(lt: v("4.0")), providers: [p])
        let outer = MountNode(namespace: "outer", filter: VersionFilter(gte: v("2.0")), children: [inner])
        let surface = Surface(name: "s", path: "/s", filter: VersionFilter(lt: v("3.0")))
        let t = compile(MountNode(children: [outer]), surface: surface)
        #expect(try listed(t, .tool).first?.versions == ["2.0"])
        #expect(try await versionRun(t, "outer_inner_calc") == "2.0")
    }

    @Test func includeUnversionedFalseAnywhereOnThePathHidesUnversioned() throws {
        let p = try provider("p", [tool("plain"), tool("calc", "1.0")])
        let inner = MountNode(filter: VersionFilter(gte: v("0"), includeUnversioned: false), providers: [p])
        let t = compile(MountNode(filter: VersionFilter(lt: v("9")), children: [inner]))
        #expect(try listed(t, .tool).compactMap { $0["name"]?.stringValue } == ["calc"])
    }

    // SEMANTICS.md "Surfaces" and the migration workflow: one tree, two API versions.
    @Test func twoSurfacesServeTwoApiVersionsFromOneTree() async throws {
        let old = try provider("calc-1", [tool("calc", "1.0")])
        let new = try provider("calc-2", [tool("calc", "2.0")])
        let root = MountNode(children: [MountNode(namespace: "math", providers: [old, new])])
        let store = RoutingTableStore(
            root: root,
            surfaces: [
                Surface(name: "v1", path: "/v1/mcp", filter: VersionFilter(lt: v("2.0"))),
                Surface(name: "v2", path: "/v2/mcp", filter: VersionFilter(gte: v("2.0"))),
                Surface(name: "all", path: "/mcp"),
            ])
        let v1 = try #require(store.table(forPath: "/v1/mcp"))
        let v2 = try #require(store.table(forSurface: "v2"))
        let all = try #require(store.table(forSurface: "all"))
        #expect(try await call(v1, "math_calc")["provider"]?.stringValue == "calc-1")
        #expect(try await call(v2, "math_calc")["provider"]?.stringValue == "calc-2")
        #expect(try await versionRun(all, "math_calc") == "2.0")
        #expect(try await versionRun(all, "math_calc", version: "1.0") == "1.0")
        #expect(throws: RoutingError.self) { try v1.route(.tool, "math_calc", version: "2.0").get() }
        #expect(try listed(v1, .tool).first?.versions == ["1.0"])
        #expect(try listed(all, .tool).first?.versions == ["2.0", "1.0"])
    }
}
