import PlugboardJSON
import Testing

@testable import PlugboardCore

/// Ported from FastMCP tests/server/versioning/test_visibility_version_fallback.py. FastMCP's
/// `disable(version=...)` without a name becomes a rule naming the identity (Plugboard rules always name one).
@Suite struct DisableRuleTests {
    static let kinds: [(ComponentKind, String)] = [
        (.tool, "calc"), (.resource, "data://info"), (.resourceTemplate, "data://items/{id}"), (.prompt, "greet"),
    ]

    func table(_ kind: ComponentKind, _ key: String, _ versions: [String], disabled: [DisableRule]) throws -> RoutingTable {
        let p = try provider("p", versions.map { component(kind, key, $0) })
        return compile(MountNode(disabled: disabled, providers: [p]))
    }

    @Test(arguments: kinds)
    func disablingTheLatestFallsBackToThePrevious(kind: ComponentKind, key: String) throws {
        let t = try table(kind, key, ["1.0", "2.0"], disabled: [DisableRule(identity: key, version: v("2.0"))])
        let entries = try listed(t, kind)
        #expect(entries.count == 1)
        #expect(entries.first?.shownVersion == "1.0")
        #expect(entries.first?.versions == ["1.0"])
        #expect(try t.route(kind, key, version: nil).get().invocation.version?.raw == "1.0")
    }

    @Test func callsRunTheFallbackAndExplicitDisabledVersionIsAnError() async throws {
        let t = try table(.tool, "calc", ["1.0", "2.0"], disabled: [DisableRule(kind: .tool, identity: "calc", version: v("2.0"))])
        #expect(try await versionRun(t, "calc") == "1.0")
        #expect(throws: RoutingError.versionUnavailable(kind: .tool, identity: "calc", requested: "2.0", available: ["1.0"])) {
            try t.route(.tool, "calc", version: "2.0").get()
        }
    }

    @Test(arguments: [(ComponentKind.resource, "data://info"), (.prompt, "greet")])
    func explicitDisabledVersionIsAnErrorForOtherKinds(kind: ComponentKind, key: String) throws {
        let t = try table(kind, key, ["1.0", "2.0"], disabled: [DisableRule(identity: key, version: v("2.0"))])
        #expect(throws: RoutingError.self) { try t.route(kind, key, version: "2.0").get() }
    }

    @Test func disablingEveryVersionMakesTheIdentityUnknown() throws {
        let t = try table(.tool, "calc", ["1.0", "2.0"], disabled: [DisableRule(identity: "calc")])
        #expect(throws: RoutingError.unknownComponent(kind: .tool, identity: "calc")) {
            try t.route(.tool, "calc", version: nil).get()
        }
        #expect(try listed(t, .tool).isEmpty)
    }

    @Test func disablingTheMiddleOfThreeFallsBackToTheNext() async throws {
        let t = try table(.tool, "calc", ["1.0", "2.0", "3.0"], disabled: [DisableRule(identity: "calc", version: v("3.0"))])
        #expect(try await versionRun(t, "calc") == "2.0")
    }

    @Test func aVersionRuleMatchesByOrderEqualityAndSparesUnversioned() throws {
        let rule = DisableRule(identity: "calc", version: v("v2"))
        #expect(rule.hides(kind: .tool, identity: "calc", version: v("2.0")))
        #expect(!rule.hides(kind: .tool, identity: "calc", version: nil))
        #expect(!rule.hides(kind: .tool, identity: "other", version: v("2.0")))
        #expect(DisableRule(identity: "calc").hides(kind: .prompt, identity: "calc", version: nil))
        #expect(!DisableRule(kind: .tool, identity: "calc").hides(kind: .prompt, identity: "calc", version: nil))
    }

    @Test func aKindedRuleLeavesOtherKindsWithTheSameKey() throws {
        let p = try provider("p", [tool("calc", "1.0"), prompt("calc", "1.0")])
        let t = compile(MountNode(disabled: [DisableRule(kind: .prompt, identity: "calc")], providers: [p]))
        #expect(try listed(t, .tool).count == 1)
        #expect(try listed(t, .prompt).isEmpty)
    }

    @Test func rulesSeeIdentitiesAsTheyStandInsideTheirNode() throws {
        let p = try provider("p", [tool("calc", "1.0"), tool("add", "1.0"), resource("data://x")])
        // On the mount of the provider: its own names; on a parent: the names its children expose; on a surface:
        // the full exposed names.
        let inner = MountNode(namespace: "math", disabled: [DisableRule(identity: "calc")], providers: [p])
        let outer = MountNode(namespace: "api", disabled: [DisableRule(identity: "data://math/x")], children: [inner])
        let t = compile(MountNode(children: [outer]), surface: Surface(name: "s", path: "/s", disabled: [DisableRule(identity: "api_math_add")]))
        #expect(try listed(t, .tool).isEmpty)
        #expect(try listed(t, .resource).isEmpty)
        // The name as clients see it does not match on the provider's mount: that is the node's own namespace.
        let exposedName = MountNode(namespace: "math", disabled: [DisableRule(identity: "math_calc")], providers: [p])
        #expect(try listed(compile(exposedName), .tool).compactMap { $0["name"]?.stringValue } == ["math_calc", "math_add"])
        let open = compile(MountNode(children: [MountNode(namespace: "api", children: [MountNode(namespace: "math", providers: [p])])]))
        #expect(try listed(open, .tool).compactMap { $0["name"]?.stringValue } == ["api_math_calc", "api_math_add"])
    }

    @Test func aSurfaceRuleForOneVersionHidesOnlyThatVersionBehindNamespaces() async throws {
        let p = try provider("p", [tool("calc", "1.0"), tool("calc", "2.0"), tool("calc", "3.0"), tool("other", "3.0")])
        let surface = Surface(name: "s", path: "/s", disabled: [DisableRule(kind: .tool, identity: "a_b_calc", version: v("3"))])
        let t = compile(MountNode(namespace: "a", children: [MountNode(namespace: "b", providers: [p])]), surface: surface)
        #expect(try await versionRun(t, "a_b_calc") == "2.0")
        #expect(try listed(t, .tool).first?.versions == ["2.0", "1.0"])
        #expect(try await versionRun(t, "a_b_other") == "3.0")
    }
}
