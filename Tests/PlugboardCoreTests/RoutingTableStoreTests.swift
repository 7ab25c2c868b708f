import PlugboardJSON
import Synchronization
import Testing

@testable import PlugboardCore

@Suite struct RoutingTableStoreTests {
    let surfaces = [Surface(name: "main", path: "/mcp"), Surface(name: "v1", path: "/v1/mcp", filter: VersionFilter(lt: v("2.0")))]

    /// Collects what observers are told.
    final class Changes: Sendable {
        let seen = Mutex<[Set<ComponentKind>]>([])
        func record(_ kinds: Set<ComponentKind>) { seen.withLock { $0.append(kinds) } }
        var all: [Set<ComponentKind>] { seen.withLock { $0 } }
    }

    @Test func tablesAreFoundBySurfaceNameAndPath() throws {
        let store = RoutingTableStore(root: MountNode(providers: [try provider("p", [tool("calc", "1.0")])]), surfaces: surfaces)
        #expect(store.surfaces == surfaces)
        #expect(store.table(forSurface: "main")?.surface.path == "/mcp")
        #expect(store.table(forPath: "/v1/mcp")?.surface.name == "v1")
        #expect(store.table(forSurface: "nope") == nil)
        #expect(store.table(forPath: "/nope") == nil)
        #expect(store.table(forSurface: "main")?.generation == 0)
    }

    @Test func replacingTheRootSwapsTablesAndLeavesOldOnesWorking() async throws {
        let old = try provider("old", [tool("calc", "1.0")])
        let store = RoutingTableStore(root: MountNode(providers: [old]), surfaces: surfaces)
        let before = try #require(store.table(forSurface: "main"))
        let new = try provider("new", [tool("calc", "1.0"), tool("calc", "2.0")])
        store.replaceRoot(MountNode(providers: [new]))
        let after = try #require(store.table(forSurface: "main"))
        #expect(after.generation == 1)
        #expect(store.generation == 1)
        #expect(try await call(after, "calc")["provider"]?.stringValue == "new")
        // A request that took the old table before the swap still completes against it.
        #expect(try await call(before, "calc")["provider"]?.stringValue == "old")
        #expect(try await call(#require(store.table(forSurface: "v1")), "calc")["version"]?.stringValue == "1.0")
    }

    @Test func observersLearnWhichListsChanged() throws {
        let changes = Changes()
        let base = try provider("base", [tool("calc", "1.0"), prompt("greet")])
        let store = RoutingTableStore(root: MountNode(providers: [base]), surfaces: surfaces)
        let token = store.observe { changes.record($0) }
        store.replaceRoot(MountNode(providers: [base]))  // same lists: no notification
        #expect(changes.all.isEmpty)
        let withResource = try provider("res", [resource("data://x")])
        store.replaceRoot(MountNode(providers: [base, withResource]))
        #expect(changes.all.last == [.resource])
        let newer = try provider("newer", [tool("calc", "1.5"), template("data://t/{id}")])
        store.replaceRoot(MountNode(providers: [base, withResource, newer]))
        #expect(changes.all.last == [.tool, .resourceTemplate])  // a new version changes the tool entry's meta
        store.replaceRoot(MountNode())
        #expect(changes.all.last == [.tool, .resource, .resourceTemplate, .prompt])
        token.cancel()
        store.replaceRoot(MountNode(providers: [base]))
        #expect(changes.all.count == 3)
    }

    @Test func releasingTheTokenEndsObservation() throws {
        let changes = Changes()
        let store = RoutingTableStore(root: MountNode(), surfaces: surfaces)
        do {
            let token = store.observe { changes.record($0) }
            store.replaceRoot(MountNode(providers: [try provider("a", [tool("a")])]))
            withExtendedLifetime(token) {}
        }
        store.replaceRoot(MountNode())
        #expect(changes.all == [[.tool]])
    }

    @Test func readersNeverSeeAHalfBuiltTableWhileWritersSwap() async throws {
        let a = try provider("a", (1...50).map { tool("t\($0)", "1.0") })
        let b = try provider("b", (1...50).map { tool("t\($0)", "2.0") })
        let store = RoutingTableStore(root: MountNode(providers: [a]), surfaces: surfaces)
        let inconsistent = Shared(0)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for round in 0..<200 { store.replaceRoot(MountNode(providers: [round % 2 == 0 ? b : a])) }
            }
            for _ in 0..<4 {
                group.addTask {
                    for i in 0..<20_000 {
                        guard let table = store.table(forSurface: "main"),
                            case .success(let route) = table.route(.tool, "t\(i % 50 + 1)", version: nil)
                        else {
                            inconsistent.update { $0 += 1 }
                            continue
                        }
                        // Within one table every tool comes from the same provider generation.
                        if i % 1000 == 0, route.provider.info.id != table.entries(.tool).first?.provider.info.id {
                            inconsistent.update { $0 += 1 }
                        }
                    }
                }
            }
        }
        #expect(inconsistent.value == 0)
        #expect(store.generation == 200)
    }
}
