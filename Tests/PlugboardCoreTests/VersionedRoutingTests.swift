import PlugboardJSON
import Testing

@testable import PlugboardCore

/// Ported from FastMCP tests/server/versioning/test_versioning.py, test_calls.py and test_mounting.py
/// (TestVersionSorting); Plugboard's differences (errors instead of None) follow SEMANTICS.md.
@Suite struct VersionedRoutingTests {
    static let identities: [(ComponentKind, String)] = [
        (.tool, "calc"), (.prompt, "greet"), (.resource, "data://config"),
    ]

    func singleProviderTable(_ kind: ComponentKind, _ key: String, versions: [String?]) throws -> RoutingTable {
        let p = try provider("p", versions.map { component(kind, key, $0) })
        return compile(MountNode(providers: [p]))
    }

    @Test(arguments: identities)
    func highestVersionRunsByDefaultAndPinsSelect(kind: ComponentKind, key: String) async throws {
        let table = try singleProviderTable(kind, key, versions: ["1.0", "2.0"])
        #expect(try await versionRun(table, key, kind: kind) == "2.0")
        #expect(try await versionRun(table, key, kind: kind, version: "1.0") == "1.0")
        #expect(try await versionRun(table, key, kind: kind, version: "2.0") == "2.0")
    }

    @Test func resourceReadsRouteThroughRouteResource() async throws {
        let table = try singleProviderTable(.resource, "data://info", versions: ["1.0", "2.0"])
        for (pin, expected) in [(nil, "2.0"), ("1.0", "1.0"), ("2.0", "2.0")] as [(String?, String)] {
            let route = try table.routeResource(uri: "data://info", version: pin).get()
            #expect(route.invocation.version?.raw == expected)
            #expect(route.invocation.uri == "data://info")
        }
    }

    @Test func aMissingVersionIsAnErrorNamingWhatIsAvailable() throws {
        let table = try singleProviderTable(.tool, "calc", versions: ["1.0", "2.0"])
        let failure = table.route(.tool, "calc", version: "999.0")
        #expect(throws: RoutingError.versionUnavailable(kind: .tool, identity: "calc", requested: "999.0", available: ["2.0", "1.0"])) {
            try failure.get()
        }
        if case .failure(let error) = failure {
            #expect(error.message == "tool 'calc' has no version '999.0'; available: 2.0, 1.0")
        }
        // Not even an empty or malformed pin crashes: it is simply not available.
        for pin in ["", "1@2", "   "] {
            #expect(throws: RoutingError.self) { try table.route(.tool, "calc", version: pin).get() }
        }
    }

    @Test func unknownIdentityIsAnError() throws {
        let table = try singleProviderTable(.tool, "calc", versions: ["1.0"])
        #expect(throws: RoutingError.unknownComponent(kind: .tool, identity: "other")) {
            try table.route(.tool, "other", version: nil).get()
        }
        // Identities are per kind.
        #expect(throws: RoutingError.unknownComponent(kind: .prompt, identity: "calc")) {
            try table.route(.prompt, "calc", version: nil).get()
        }
        #expect(RoutingError.unknownComponent(kind: .tool, identity: "x").message == "unknown tool 'x'")
    }

    // TestVersionSorting: 1/10/2 -> 10; 1.2.3/1.2.10/1.10.1 -> 1.10.1; v1.0/v2.0 -> v2.0; and "0" is a version.
    @Test(arguments: [
        (["1", "10", "2"], "10"), (["1.2.3", "1.2.10", "1.10.1"], "1.10.1"), (["v1.0", "v2.0"], "v2.0"),
        (["0"], "0"), (["1.0", "2024-01-15", "99"], "2024-01-15"), (["1.0rc1", "1.0"], "1.0"),
        (["1.0", "1.0.post1", "1.0+local"], "1.0.post1"),
    ])
    func semanticOrderPicksTheDefault(versions: [String], expected: String) async throws {
        let table = try singleProviderTable(.tool, "count", versions: versions)
        #expect(try await versionRun(table, "count") == expected)
        #expect(try listed(table, .tool).first?.shownVersion == expected)
    }

    @Test func pinningMatchesByOrderEquality() async throws {
        let table = try singleProviderTable(.tool, "calc", versions: ["1.0", "2.0"])
        #expect(try await versionRun(table, "calc", version: "v1") == "1.0")
        #expect(try await versionRun(table, "calc", version: "1") == "1.0")
        #expect(try await versionRun(table, "calc", version: "2.0.0") == "2.0")
    }

    // TestVersionSelectionDeterminism.test_selection_is_registration_order_independent
    @Test(arguments: [["1", "1.0"], ["1.0", "1"]])
    func equalSpellingsSelectTheSameWhateverTheOrder(order: [String]) async throws {
        let table = try singleProviderTable(.tool, "add", versions: order)
        #expect(try await versionRun(table, "add") == "1.0")
        #expect(try await versionRun(table, "add", version: "1") == "1.0")
        #expect(try listed(table, .tool).first?.versions == ["1.0", "1"])
        #expect(table.warnings.isEmpty)
    }

    // TestUnversionedExemption.test_unversioned_returned_for_exact_version_request
    @Test func anUnversionedComponentAnswersAnyVersion() async throws {
        let table = try singleProviderTable(.tool, "my_tool", versions: [nil])
        #expect(try await versionRun(table, "my_tool") == "-")
        #expect(try await versionRun(table, "my_tool", version: "1.0") == "-")
        #expect(try await versionRun(table, "my_tool", version: "anything") == "-")
    }

    @Test func acrossProvidersVersionedBeatsUnversionedWhichAnswersOtherPins() async throws {
        let plain = try provider("plain", [tool("calc")])
        let versioned = try provider("versioned", [tool("calc", "1.0")])
        let table = compile(MountNode(providers: [plain, versioned]))
        let byDefault = try await call(table, "calc")
        #expect(byDefault["provider"]?.stringValue == "versioned")
        #expect(try await call(table, "calc", version: "1.0")["provider"]?.stringValue == "versioned")
        #expect(try await call(table, "calc", version: "7.0")["provider"]?.stringValue == "plain")
        #expect(table.warnings.count == 1)
        #expect(table.warnings.first?.shadowedProvider == "plain")
    }

    // TestVersionMetadata / test_unversioned_no_versions_list
    @Test func listingCarriesVersionMetaOnlyForVersionedEntries() throws {
        let p = try provider(
            "p", [tool("add", "1.0"), tool("add", "2.0"), tool("simple"), prompt("greet", "1.0"), resource("data://config", "2.0")])
        let table = compile(MountNode(providers: [p]))
        let tools = try listed(table, .tool)
        #expect(tools.count == 2)
        #expect(tools[0]["name"]?.stringValue == "add")
        #expect(tools[0].shownVersion == "2.0")
        #expect(tools[0].versions == ["2.0", "1.0"])
        #expect(tools[1]["name"]?.stringValue == "simple")
        let simpleMeta = try #require(tools[1]["_meta"]?["fastmcp"]?.objectValue)
        #expect(simpleMeta.keys == ["tags"])
        #expect(try listed(table, .prompt).first?.versions == ["1.0"])
        #expect(try listed(table, .resource).first?.shownVersion == "2.0")
    }

    @Test func routeCarriesDescriptorAndExposedKey() throws {
        let p = try provider("p", [tool("calc", "1.0", description: "adds")])
        let table = compile(MountNode(namespace: "math", providers: [p]))
        let route = try table.route(.tool, "math_calc", version: nil).get()
        #expect(route.exposedKey == "math_calc")
        #expect(route.descriptor.description == "adds")
        #expect(route.invocation == Invocation(kind: .tool, key: "calc", version: v("1.0")))
        #expect(route.provider.info.id == "p")
    }

    // Identities with many versions answer pins from a dictionary instead of a scan; the answers are the same.
    @Test(arguments: [3, RoutedIdentity.scanLimit + 4])
    func pinsAgreeForShortAndLongVersionLists(count: Int) async throws {
        let versions = (1...count).map { "\($0).0" } + ["1", "v2"]
        let table = try singleProviderTable(.tool, "calc", versions: versions.shuffled())
        #expect(try await versionRun(table, "calc") == "\(count).0")
        #expect(try await versionRun(table, "calc", version: "1") == "1.0")  // "1.0" sorts above "1"
        #expect(try await versionRun(table, "calc", version: "1.0") == "1.0")
        #expect(try await versionRun(table, "calc", version: "v2") == "v2")  // "v2" sorts above "2.0"
        #expect(try await versionRun(table, "calc", version: "2") == "v2")
        #expect(try await versionRun(table, "calc", version: "3.0") == "3.0")
        #expect(throws: RoutingError.self) { try table.route(.tool, "calc", version: "99").get() }
        #expect(try listed(table, .tool).first?.versions?.count == count + 2)
    }
}
