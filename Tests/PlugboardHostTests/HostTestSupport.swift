import Foundation
import PlugboardConfig
import PlugboardCore
import PlugboardHost
import PlugboardJSON
import PlugboardLoader
import PlugboardTestSupport
import Synchronization

/// Paths and builds the host tests use: the real bundled providers from the build products directory, and
/// fixture providers compiled from Tests/Fixtures with the SDK's one-line build.
enum HostFixtures {
    static let repository = BuildProducts.repository
    static let products = BuildProducts.directory

    static func temporaryDirectory(_ label: String) -> String { BuildProducts.temporaryDirectory(label) }

    static func dropin(version: String, into directory: String) async throws -> String {
        try await FixtureBuilds.dropin(version: version, into: directory)
    }

    static func install(_ source: String, as name: String, in directory: String) throws {
        try FixtureBuilds.install(source, as: name, in: directory)
    }

    static func factory() -> LoaderProviderFactory {
        LoaderProviderFactory(loader: PluginLoader(cacheDirectory: temporaryDirectory("cache"), callDeadline: .seconds(10)))
    }
}

/// Collects a host's events for assertions.
final class EventLog: Sendable {
    private let events = Mutex<[HostEvent]>([])
    var all: [HostEvent] { events.withLock { $0 } }
    var record: @Sendable (HostEvent) -> Void { { [weak self] event in self?.events.withLock { $0.append(event) } } }
}

extension RoutingTable {
    /// The versions a surface lists for a tool, highest first (from the pre-rendered list entry).
    func listedVersions(ofTool name: String) throws -> [String]? {
        let page = try page(.tool, cursor: nil).get()
        let entries = try page.items.parsed().arrayValue ?? []
        guard let entry = entries.first(where: { $0["name"]?.stringValue == name }) else { return nil }
        return entry["_meta"]?["fastmcp"]?["versions"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Calls a tool through this table the way the MCP server does, returning the result's parsed JSON.
    func call(_ name: String, version: String? = nil, arguments: String = "{}") async throws -> JSONValue {
        let route = try route(.tool, name, version: version).get()
        var invocation = route.invocation
        invocation.arguments = try RawJSON(validating: arguments)
        return try JSONParser.parse(try await route.provider.invoke(invocation, context: .none))
    }
}
