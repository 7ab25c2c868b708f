import PlugboardJSON
import Testing
@testable import PlugboardCore

/// SEMANTICS.md "Listing": a tool's listed `outputSchema` holds for every version callable through that listing,
/// because a client may pin any of them and checks results against the schema it cached from the list.
@Suite struct OutputSchemaListingTests {
    static let integer = #"{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}"#
    static let text = #"{"type":"object","properties":{"s":{"type":"string"}},"required":["s"]}"#

    func calc(_ version: String?, output: String?) throws -> ComponentDescriptor {
        var descriptor = tool("calc", version)
        descriptor.outputSchema = try output.map { try RawJSON(validating: $0) }
        return descriptor
    }

    func listedSchema(_ table: RoutingTable) throws -> JSONValue? {
        let entry = try #require(try listed(table, .tool).first)
        return entry["outputSchema"]
    }

    @Test func everyVersionWithTheSameSchemaListsThatSchema() throws {
        let p = try provider("p", [try calc("1.0", output: Self.integer), try calc("2.0", output: Self.integer)])
        let table = compile(MountNode(providers: [p]))
        #expect(try listedSchema(table) == (try JSONParser.parse(Self.integer)))
        #expect(table.warnings.isEmpty)
    }

    @Test func versionsWithDifferentSchemasListAnAnyOfOfThem() throws {
        let p = try provider("p", [try calc("1.0", output: Self.integer), try calc("2.0", output: Self.text),
                                   try calc("3.0", output: Self.integer)])
        let table = compile(MountNode(providers: [p]))
        let schema = try #require(try listedSchema(table))
        // The root stays an object schema (the 2025-11-25 schema requires it); each version's schema once.
        #expect(schema["type"]?.stringValue == "object")
        let alternatives = try #require(schema["anyOf"]?.arrayValue)
        #expect(Set(alternatives.map(\.serialized)) == Set([Self.integer, Self.text].map { try! JSONParser.parse($0).serialized }))
        #expect(alternatives.count == 2)
        let warning = try #require(table.warnings.first)
        #expect(warning.cause == .outputSchemasDiffer(versions: ["3.0", "2.0", "1.0"]))
        #expect(warning.message.contains("calc") && warning.message.contains("anyOf"))
    }

    @Test func aVersionWithoutASchemaMakesTheListingDeclareNone() throws {
        let p = try provider("p", [try calc("1.0", output: nil), try calc("2.0", output: Self.integer)])
        let table = compile(MountNode(providers: [p]))
        let entry = try #require(try listed(table, .tool).first)
        #expect(entry["outputSchema"] == nil)
        #expect(entry["_meta"]?["fastmcp"]?["version"]?.stringValue == "2.0", "2.0 is still the version shown")
        let warning = try #require(table.warnings.first)
        #expect(warning.cause == .outputSchemasDiffer(versions: ["2.0", "1.0"]))
        #expect(warning.message.contains("1.0 declares none"))
    }

    @Test func theRuleIsPerSurface() throws {
        let p = try provider("p", [try calc("1.0", output: nil), try calc("2.0", output: Self.integer)])
        let root = MountNode(providers: [p])
        let v1 = compile(root, surface: Surface(name: "v1", path: "/v1/mcp", filter: VersionFilter(lt: v("2.0"))))
        let v2 = compile(root, surface: Surface(name: "v2", path: "/v2/mcp", filter: VersionFilter(gte: v("2.0"))))
        #expect(try listedSchema(v1) == nil, "only 1.0 is callable through /v1: it declares none")
        #expect(try listedSchema(v2) == (try JSONParser.parse(Self.integer)), "only 2.0 through /v2: its schema stands alone")
        #expect(v1.warnings.isEmpty && v2.warnings.isEmpty, "one version per surface: nothing differs")
    }

    @Test func disabledVersionsDoNotCount() throws {
        let p = try provider("p", [try calc("1.0", output: nil), try calc("2.0", output: Self.integer)])
        let table = compile(MountNode(disabled: [DisableRule(identity: "calc", version: v("1.0"))], providers: [p]))
        #expect(try listedSchema(table) == (try JSONParser.parse(Self.integer)))
    }

    @Test func anUnversionedRegistrationAnswersEveryPinAndCounts() throws {
        let versioned = try provider("a", [try calc("2.0", output: Self.integer)])
        let unversioned = try provider("b", [try calc(nil, output: nil)])
        let table = compile(MountNode(providers: [versioned, unversioned]))
        #expect(try listedSchema(table) == nil)
    }

    @Test func inspectionWarnsPerToolOfOneCatalog() throws {
        let warnings = ListedOutputSchema.divergences(in: [
            try calc("1.0", output: nil), try calc("2.0", output: Self.integer), tool("same", "1.0"), tool("same", "2.0"),
        ])
        #expect(warnings.map(\.identity) == ["calc"])
        #expect(warnings.first?.cause == .outputSchemasDiffer(versions: ["2.0", "1.0"]))
    }
}
