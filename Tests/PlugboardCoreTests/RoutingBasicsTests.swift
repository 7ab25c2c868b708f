import PlugboardJSON
import Testing

@testable import PlugboardCore

@Suite struct RoutingBasicsTests {
    @Test func highestVersionRunsAndPinningPicksExactVersion() async throws {
        let calc = try provider("calc", [tool("add", "1.0"), tool("add", "2.0")])
        let table = compile(MountNode(providers: [calc]))
        #expect(try await versionRun(table, "add") == "2.0")
        #expect(try await versionRun(table, "add", version: "1.0") == "1.0")
        #expect(try await versionRun(table, "add", version: "v1") == "1.0")
        let missing = table.route(.tool, "add", version: "3.0")
        #expect(throws: RoutingError.versionUnavailable(kind: .tool, identity: "add", requested: "3.0", available: ["2.0", "1.0"])) {
            try missing.get()
        }
        #expect(throws: RoutingError.unknownComponent(kind: .tool, identity: "nope")) {
            try table.route(.tool, "nope", version: nil).get()
        }
    }

    @Test func listShowsHighestWithVersions() throws {
        let calc = try provider("calc", [tool("add", "1.0", description: "old"), tool("add", "2.0", description: "new")])
        let table = compile(MountNode(providers: [calc]))
        let page = try table.page(.tool, cursor: nil).get()
        #expect(page.nextCursor == nil)
        #expect(
            page.items.text
                == #"[{"name":"add","description":"new","inputSchema":{"type":"object"},"_meta":{"fastmcp":{"tags":[],"version":"2.0","versions":["2.0","1.0"]}}}]"#
        )
    }

    @Test func namespacedMountRoutesToLocalKey() async throws {
        let math = try provider("math", [tool("calculate", "1.0"), resource("data://constants/pi"), template("data://square/{n}")])
        let table = compile(MountNode(children: [MountNode(namespace: "math", providers: [math])]))
        let answered = try await call(table, "math_calculate")
        #expect(answered["key"]?.stringValue == "calculate")
        let read = try table.routeResource(uri: "data://math/constants/pi", version: nil).get()
        #expect(read.invocation.uri == "data://constants/pi")
        let templated = try table.routeResource(uri: "data://math/square/7", version: nil).get()
        #expect(templated.invocation.uri == "data://square/7")
        #expect(templated.invocation.arguments.text == #"{"n":"7"}"#)
    }
}
