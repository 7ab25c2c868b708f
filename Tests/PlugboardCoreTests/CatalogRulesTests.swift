import Testing

@testable import PlugboardCore

@Suite struct CatalogRulesTests {
    func error(_ components: [ComponentDescriptor]) -> CatalogError? {
        do {
            try CatalogRules.validate(components, provider: "calc")
            return nil
        } catch {
            return error
        }
    }

    // FastMCP test_mixing_versioned_and_unversioned_rejected / ..._after_versioned / resource / prompt mixing.
    @Test(arguments: [ComponentKind.tool, .prompt, .resource, .resourceTemplate])
    func mixingVersionedAndUnversionedIsRefusedEitherWay(kind: ComponentKind) throws {
        let key = kind == .resource ? "file:///config" : kind == .resourceTemplate ? "file:///c/{id}" : "my_tool"
        for pair in [[nil, "1.0"], ["1.0", nil]] {
            let failure = try #require(error(pair.map { component(kind, key, $0) }))
            #expect(failure.problem == .mixedVersioning)
            #expect(failure.registrations == [1, 2])
            #expect(failure.description.contains("plugin 'calc'"))
            #expect(failure.description.contains("\(kind) '\(key)'"))
            #expect(failure.description.contains("unversioned") && failure.description.contains("version 1.0"))
        }
    }

    @Test func sameVersionTwiceIsADuplicate() throws {
        let failure = try #require(error([tool("add", "1.0"), tool("sub", "1.0"), tool("add", "1.0")]))
        #expect(failure.problem == .duplicate)
        #expect(failure.registrations == [1, 3])
        #expect(failure.description == "plugin 'calc': tool 'add' (registration #1 and #3): registered twice with version 1.0 (#1 and #3); remove one or give it another version")
        let unversioned = try #require(error([prompt("greet"), prompt("greet")]))
        #expect(unversioned.problem == .duplicate)
    }

    @Test func severalVersionsAndSameKeyAcrossKindsAreFine() {
        // FastMCP test_multiple_versions_allowed; identities are per kind.
        #expect(error([tool("calc", "1.0"), tool("calc", "2.0"), tool("calc", "3.0"), prompt("calc")]) == nil)
        // Order-equal spellings are distinct registrations (FastMCP allows them; selection is deterministic).
        #expect(error([tool("add", "1"), tool("add", "1.0")]) == nil)
    }

    @Test(arguments: [
        (tool(""), "1 to 128"), (tool("has space"), "letters, digits"), (tool(String(repeating: "x", count: 129)), "1 to 128"),
        (tool("a/b"), "letters, digits"), (prompt(""), "not empty"), (prompt("a b"), "no spaces"),
        (resource("no-scheme"), "scheme"), (resource("1x://a"), "not valid"), (resource("data://a b"), "no spaces"),
        (resource("data://{x}"), "resource template"), (template("data://x"), "no {variables}"),
        (template("data://{x"), "unbalanced"), (template("data://{+x}"), "only {var}"), (template("data://{x}/{x}"), "twice"),
        (template("data://{a}{b}"), "nothing between"), (template("data://{}"), "variable ''"),
        (resource("data://ok", name: ""), "non-empty name"),
    ])
    func invalidIdentitiesAreRefusedWithAReason(descriptor: ComponentDescriptor, reason: String) throws {
        let failure = try #require(error([tool("fine", "1.0"), descriptor]))
        #expect(failure.registrations == [2])
        #expect(failure.description.contains(reason), "\(failure.description)")
        #expect(failure.description.contains("plugin 'calc'"))
    }

    @Test func validIdentitiesPass() {
        #expect(
            error([
                tool("get_weather.v2-beta"), prompt("greet"), resource("data://config"), resource("file:///etc/x"),
                template("users://{user_id}/info"), template("resource://multi/{extra*}"),
                template("resource://data/{id}{?format,verbose}"), template("resource://tags{?tag*}"),
            ]) == nil)
    }

    @Test func promptArgumentsMustBeNamedOnce() throws {
        var greet = prompt("greet")
        greet.arguments = [PromptArgument(name: "name"), PromptArgument(name: "name")]
        let failure = try #require(error([greet]))
        #expect(failure.problem == .invalidField)
        #expect(failure.description.contains("'name' is declared twice"))
    }
}
