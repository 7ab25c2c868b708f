import PlugboardJSON
import Testing

@testable import PlugboardCore

/// SEMANTICS.md "Migration workflow", step by step through a RoutingTableStore, the way the host drives it.
@Suite struct MigrationWorkflowTests {
    @Test func fromOneDotXToTwoWithoutDroppingClients() async throws {
        let changes = RoutingTableStoreTests.Changes()
        let calc1 = try provider("calc-1", [tool("calc", "1.0")])
        let calc2 = try provider("calc-2", [tool("calc", "2.0")])
        let below2 = VersionFilter(lt: v("2.0"))
        func root(_ providers: [InMemoryProvider], filter: VersionFilter?) -> MountNode {
            MountNode(children: [MountNode(namespace: "math", filter: filter, providers: providers)])
        }
        let store = RoutingTableStore(
            root: root([calc1], filter: below2),
            surfaces: [Surface(name: "stable", path: "/mcp")])
        let token = store.observe { changes.record($0) }

        // 1-2. Keep unpinned clients on 1.x with a filter, then drop in the 2.0 build next to the old one.
        store.replaceRoot(root([calc1, calc2], filter: below2))
        var stable = try #require(store.table(forSurface: "stable"))
        #expect(try await versionRun(stable, "math_calc") == "1.0")
        #expect(changes.all.isEmpty)  // the filter hides 2.0, so no list changed yet

        // 3. Try 2.0 through a second surface without the filter (on a filtered path a pin cannot see it).
        let preview = RoutingTable.compile(root: root([calc1, calc2], filter: nil), surface: Surface(name: "preview", path: "/preview/mcp"))
        #expect(try await versionRun(preview, "math_calc", version: "2.0") == "2.0")
        #expect(throws: RoutingError.versionUnavailable(kind: .tool, identity: "math_calc", requested: "2.0", available: ["1.0"])) {
            try stable.route(.tool, "math_calc", version: "2.0").get()
        }

        // 4. Lift the filter: 2.0 by default, 1.0 still pinnable; clients hear that the tool list changed.
        store.replaceRoot(root([calc1, calc2], filter: nil))
        stable = try #require(store.table(forSurface: "stable"))
        #expect(try await versionRun(stable, "math_calc") == "2.0")
        #expect(try await versionRun(stable, "math_calc", version: "1.0") == "1.0")
        #expect(changes.all.last == [.tool])

        // 5. Remove the old build: a request routed before the swap still completes on the old provider.
        let inFlight = try stable.route(.tool, "math_calc", version: "1.0").get()
        store.replaceRoot(root([calc2], filter: nil))
        let answer = try JSONParser.parse(await inFlight.provider.invoke(inFlight.invocation, context: .none))
        #expect(answer["provider"]?.stringValue == "calc-1")
        let after = try #require(store.table(forSurface: "stable"))
        #expect(throws: RoutingError.versionUnavailable(kind: .tool, identity: "math_calc", requested: "1.0", available: ["2.0"])) {
            try after.route(.tool, "math_calc", version: "1.0").get()
        }
        token.cancel()
    }
}
