import Testing
@testable import PlugboardCore

/// Disable rules and filters that match nothing are reported with their JSON path, what they could have meant and
/// the level's naming rule (DisableRule: a rule names components as they stand inside its node).
@Suite struct RuleAuditTests {
    func findings(_ root: MountNode, surfaces: [Surface] = []) -> [RuleAudit.Finding] {
        RuleAudit.findings(root: root, surfaces: surfaces, surfacePaths: surfaces.indices.map { "$.surfaces[\($0)]" })
    }

    func greeter() throws -> InMemoryProvider {
        try provider("greeter", [tool("greet", "1.0"), tool("greet", "2.0"), resource("ui://card"), tool("hello")])
    }

    @Test func rulesThatMatchSomethingAreNotReported() throws {
        let mount = MountNode(namespace: "g", disabled: [DisableRule(identity: "greet", version: v("2.0")),
                                                         DisableRule(identity: "ui://card")],
                              providers: [try greeter()], origin: "$.mounts[0]")
        let surface = Surface(name: "mcp", path: "/mcp", disabled: [DisableRule(identity: "g_hello")])
        #expect(findings(MountNode(children: [mount]), surfaces: [surface]).isEmpty)
    }

    @Test func theNameAsClientsSeeItOnAProvidersMountIsReportedWithTheOwnName() throws {
        let mount = MountNode(namespace: "g", disabled: [DisableRule(identity: "g_greet", version: v("2.0"))],
                              providers: [try greeter()], origin: "$.mounts[0]")
        let found = findings(MountNode(children: [mount]))
        #expect(found.map(\.path) == ["$.mounts[0].disable[0]"])
        #expect(found.first?.message.contains("did you mean 'greet'?") == true, "\(found)")
        #expect(found.first?.message.contains("without its own namespace 'g'") == true, "\(found)")
    }

    @Test func aVersionThatIsNotThereIsNamedWithTheVersionsThatAre() throws {
        let mount = MountNode(namespace: "g", disabled: [DisableRule(kind: .tool, identity: "greet", version: v("3.0"))],
                              providers: [try greeter()], origin: "$.mounts[0]")
        let found = findings(MountNode(children: [mount]))
        #expect(found.first?.message.contains("'greet' has no version 3.0 (versions: 1.0, 2.0)") == true, "\(found)")
    }

    @Test func aParentMountsRulesNameWhatItsChildrenExpose() throws {
        let child = MountNode(namespace: "g", providers: [try greeter()], origin: "$.mounts[0].mounts[0]")
        let right = MountNode(namespace: "api", disabled: [DisableRule(identity: "g_greet")], children: [child], origin: "$.mounts[0]")
        #expect(findings(MountNode(children: [right])).isEmpty)
        let wrong = MountNode(namespace: "api", disabled: [DisableRule(identity: "greet")], children: [child], origin: "$.mounts[0]")
        let found = findings(MountNode(children: [wrong]))
        #expect(found.first?.message.contains("did you mean 'g_greet'?") == true, "\(found)")
    }

    @Test func aKindThatDoesNotMatchIsReported() throws {
        let mount = MountNode(namespace: "g", disabled: [DisableRule(kind: .prompt, identity: "greet")],
                              providers: [try greeter()], origin: "$.mounts[0]")
        #expect(findings(MountNode(children: [mount])).map(\.path) == ["$.mounts[0].disable[0]"])
    }

    @Test func aFilterThatWithTheFiltersAboveItAdmitsNoVersionIsReported() throws {
        let child = MountNode(namespace: "g", filter: VersionFilter(gte: v("2.0")), providers: [try greeter()],
                              origin: "$.mounts[0].mounts[0]")
        let parent = MountNode(filter: VersionFilter(lt: v("2.0")), children: [child], origin: "$.mounts[0]")
        let found = findings(MountNode(children: [parent]))
        #expect(found.map(\.path) == ["$.mounts[0].mounts[0].filter"])
        #expect(found.first?.message.contains("with the filters above it (version_lt 2.0)") == true, "\(found)")
        #expect(found.first?.message.contains("versions there: 2.0, 1.0") == true, "\(found)")
        // Alone, each filter admits something.
        #expect(findings(MountNode(children: [MountNode(filter: VersionFilter(lt: v("2.0")), providers: [try greeter()], origin: "$.m")])).isEmpty)
    }

    @Test func aSurfaceFilterThatAdmitsNoVersionOfTheTreeIsReported() throws {
        let tree = MountNode(children: [MountNode(namespace: "g", providers: [try greeter()], origin: "$.mounts[0]")])
        let surfaces = [Surface(name: "v3", path: "/v3/mcp", filter: VersionFilter(gte: v("3.0"))),
                        Surface(name: "v1", path: "/v1/mcp", filter: VersionFilter(lt: v("2.0")))]
        #expect(findings(tree, surfaces: surfaces).map(\.path) == ["$.surfaces[0].filter"])
    }

    @Test func nodesTheHostMadeItselfAreNotReported() throws {
        // Without an origin (auto-mounts, built-ins) there is no JSON path to name, and the rules are the host's.
        let mount = MountNode(namespace: "g", disabled: [DisableRule(identity: "nothing")], providers: [try greeter()])
        #expect(findings(MountNode(children: [mount])).isEmpty)
    }
}
