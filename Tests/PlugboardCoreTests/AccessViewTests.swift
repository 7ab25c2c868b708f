import PlugboardJSON
import Testing

@testable import PlugboardCore

/// Per-caller views of a store: access rules hide components by namespace, kind, identity glob and version range.
@Suite struct AccessViewTests {
    let surfaces = [Surface(name: "main", path: "/mcp")]

    func root(_ weather: InMemoryProvider, _ admin: InMemoryProvider) -> MountNode {
        MountNode(children: [MountNode(namespace: "weather", providers: [weather]), MountNode(namespace: "admin", providers: [admin])])
    }

    @Test func globsMatchRunsAndSingleCharacters() {
        #expect(ComponentPattern.glob("weather_*", matches: "weather_forecast"))
        #expect(ComponentPattern.glob("*_forecast", matches: "weather_forecast"))
        #expect(ComponentPattern.glob("w?ather_*t", matches: "weather_forecast"))
        #expect(ComponentPattern.glob("*", matches: ""))
        #expect(!ComponentPattern.glob("weather_*", matches: "admin_reset"))
        #expect(!ComponentPattern.glob("weather_?", matches: "weather_"))
        #expect(ComponentPattern.glob("a*b*c", matches: "aXXbYYc"))
        #expect(!ComponentPattern.glob("a*b*c", matches: "aXXbYY"))
    }

    @Test func patternsMatchByNamespaceKindIdentityAndVersionRange() {
        let beta = ComponentPattern(identity: "weather_*", versions: VersionRange(gte: v("2.0")))
        #expect(beta.matches(kind: .tool, identity: "weather_forecast", namespaces: ["weather"], version: v("2.1")))
        #expect(!beta.matches(kind: .tool, identity: "weather_forecast", namespaces: ["weather"], version: v("1.0")))
        #expect(!beta.matches(kind: .tool, identity: "weather_forecast", namespaces: ["weather"], version: nil))
        let admin = ComponentPattern(kind: .tool, namespace: "admin")
        #expect(admin.matches(kind: .tool, identity: "admin_reset", namespaces: ["admin"], version: nil))
        #expect(!admin.matches(kind: .prompt, identity: "admin_reset", namespaces: ["admin"], version: nil))
        #expect(!admin.matches(kind: .tool, identity: "admin_reset", namespaces: ["ops", "admin"], version: nil))  // the outermost
    }

    @Test func aViewHidesWhatItsPatternsMatchAndAPinToAHiddenVersionListsOnlyTheOthers() async throws {
        let weather = try provider("w", [tool("forecast", "1.0"), tool("forecast", "2.0")])
        let admin = try provider("a", [tool("reset")])
        let store = RoutingTableStore(root: root(weather, admin), surfaces: surfaces)
        let view = try #require(store.view(hiding: [ComponentPattern(namespace: "admin"),
                                                    ComponentPattern(identity: "weather_*", versions: VersionRange(gte: v("2.0")))]))
        let table = try #require(view.table(forSurface: "main"))
        let names = try listed(table, .tool).compactMap { $0["name"]?.stringValue }
        #expect(names == ["weather_forecast"])
        #expect(try listed(table, .tool).first?.shownVersion == "1.0")
        #expect(try await versionRun(table, "weather_forecast") == "1.0")
        // Hidden is gone: the same failure as a name that never existed.
        guard case .failure(.unknownComponent(.tool, "admin_reset")) = table.route(.tool, "admin_reset", version: nil) else {
            Issue.record("a hidden tool was routed, or failed otherwise than an unknown one")
            return
        }
        // A pin to the hidden version lists only the version the view serves.
        guard case .failure(.versionUnavailable(.tool, "weather_forecast", "2.0", let available)) =
                table.route(.tool, "weather_forecast", version: "2.0") else {
            Issue.record("a pin to a hidden version was routed, or failed otherwise")
            return
        }
        #expect(available == ["1.0"])
        // The store itself still serves everything.
        #expect(try listed(#require(store.table(forSurface: "main")), .tool).count == 2)
    }

    @Test func viewsFollowEveryReplacementAndAreSharedPerPatternSet() async throws {
        let admin = try provider("a", [tool("reset")])
        let store = RoutingTableStore(root: root(try provider("old", [tool("forecast", "1.0")]), admin), surfaces: surfaces)
        let hidden = [ComponentPattern(namespace: "admin")]
        let view = try #require(store.view(hiding: hidden))
        #expect(store.view(hiding: hidden) === view)
        #expect(store.view(hiding: []) === store)
        // Same lists, new provider instance: the view must route to the new one too.
        store.replaceRoot(root(try provider("new", [tool("forecast", "1.0")]), admin))
        let table = try #require(view.table(forSurface: "main"))
        #expect(try await call(table, "weather_forecast")["provider"]?.stringValue == "new")
    }
}
