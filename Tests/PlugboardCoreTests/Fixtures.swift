import Synchronization
import PlugboardJSON
@testable import PlugboardCore

// Builders for test catalogs: every handler answers with the provider id, key and version it ran as, so a
// test can tell which registration a request reached by actually invoking it.

func v(_ raw: String) -> Version {
    do { return try Version(raw) } catch { fatalError("bad test version \(raw): \(error)") }
}

func answer(_ provider: String, _ invocation: Invocation) -> [UInt8] {
    let version = invocation.version?.raw ?? "-"
    return RawJSON(
        .object([
            "provider": .string(provider), "key": .string(invocation.key), "version": .string(version),
            "uri": invocation.uri.map(JSONValue.string) ?? .null, "arguments": .string(invocation.arguments.text),
        ])
    ).bytes
}

func component(
    _ kind: ComponentKind, _ key: String, _ version: String? = nil, name: String? = nil, description: String? = nil,
    tags: [String] = []
) -> ComponentDescriptor {
    ComponentDescriptor(
        kind: kind, key: key, name: name, version: version.map(v), description: description, tags: tags)
}

func tool(_ key: String, _ version: String? = nil, description: String? = nil, tags: [String] = [])
    -> ComponentDescriptor
{
    component(.tool, key, version, description: description, tags: tags)
}

func prompt(_ key: String, _ version: String? = nil) -> ComponentDescriptor { component(.prompt, key, version) }

func resource(_ uri: String, _ version: String? = nil, name: String = "res") -> ComponentDescriptor {
    component(.resource, uri, version, name: name)
}

func template(_ uriTemplate: String, _ version: String? = nil, name: String = "tpl") -> ComponentDescriptor {
    component(.resourceTemplate, uriTemplate, version, name: name)
}

/// A provider whose every component answers with `answer(id, invocation)`.
func provider(_ id: String, _ components: [ComponentDescriptor]) throws -> InMemoryProvider {
    try InMemoryProvider(
        id: id,
        registrations: components.map { descriptor in
            InMemoryProvider.Registration(descriptor) { invocation, _ in answer(id, invocation) }
        })
}

/// A surface without filters.
let plain = Surface(name: "main", path: "/mcp")

func compile(_ root: MountNode, surface: Surface = plain, pageSize: Int = 100) -> RoutingTable {
    RoutingTable.compile(root: root, surface: surface, pageSize: pageSize)
}

/// Routes and invokes; returns the parsed answer.
func call(
    _ table: RoutingTable, _ identity: String, kind: ComponentKind = .tool, version: String? = nil
) async throws -> JSONValue {
    let route = try table.route(kind, identity, version: version).get()
    return try JSONParser.parse(await route.provider.invoke(route.invocation, context: .none))
}

/// Which version ran (`-` for unversioned).
func versionRun(_ table: RoutingTable, _ identity: String, kind: ComponentKind = .tool, version: String? = nil)
    async throws -> String?
{
    try await call(table, identity, kind: kind, version: version)["version"]?.stringValue
}

/// The parsed entries of every page of a list.
func listed(_ table: RoutingTable, _ kind: ComponentKind) throws -> [JSONValue] {
    var items: [JSONValue] = []
    var cursor: String?
    repeat {
        let page = try table.page(kind, cursor: cursor).get()
        items += try page.items.parsed().arrayValue ?? []
        cursor = page.nextCursor
    } while cursor != nil
    return items
}

extension JSONValue {
    /// `_meta.fastmcp.version`.
    var shownVersion: String? { self["_meta"]?["fastmcp"]?["version"]?.stringValue }
    /// `_meta.fastmcp.versions`.
    var versions: [String]? { self["_meta"]?["fastmcp"]?["versions"]?.arrayValue?.compactMap(\.stringValue) }
}

/// A value that concurrent closures update (a Mutex cannot be captured by an escaping closure directly).
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    func update(_ body: (inout Value) -> Void) { storage.withLock { body(&$0) } }
    var value: Value { storage.withLock { $0 } }
}
