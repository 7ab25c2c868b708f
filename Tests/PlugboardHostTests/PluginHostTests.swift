import Foundation
import Testing
import PlugboardConfig
import PlugboardCore
import PlugboardHost
import PlugboardJSON
import Synchronization

/// The shipped runtime.json, with `${bundled}` pointing at the build products directory.
private func shippedConfig() throws -> RuntimeConfig {
    try RuntimeConfigDecoder.load(file: HostFixtures.repository + "/runtime.json", bundledDirectory: HostFixtures.products)
}

/// A configuration with one watched auto-mount drop-in directory and the three usual surfaces.
private func dropInConfig(_ directory: String) throws -> RuntimeConfig {
    let two = try Version("2.0")
    return RuntimeConfig(
        pluginDirectories: [.init(path: directory, watch: true, autoMount: true)],
        surfaces: [.init(name: "mcp", path: "/mcp"), .init(name: "v1", path: "/v1/mcp", filter: .init(lt: two)),
                   .init(name: "v2", path: "/v2/mcp", filter: .init(gte: two))])
}

/// Waits (bounded) until `condition` holds, letting the watcher's debounce and the reload run.
private func eventually(_ seconds: Double = 10, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

@Suite struct PluginHostTests {
    @Test func shippedConfigMountsTheBundledProvidersOnThreeSurfaces() async throws {
        let host = PluginHost(config: try shippedConfig(), factory: HostFixtures.factory())
        let all = try #require(host.store.table(forPath: "/mcp"))
        let v1 = try #require(host.store.table(forPath: "/v1/mcp"))
        let v2 = try #require(host.store.table(forPath: "/v2/mcp"))
        #expect(try all.listedVersions(ofTool: "math_calculate") == ["2.0", "1.0"])
        #expect(try v1.listedVersions(ofTool: "math_calculate") == ["1.0"])
        #expect(try v2.listedVersions(ofTool: "math_calculate") == ["2.0"])
        #expect(try all.listedVersions(ofTool: "hello_greet") == ["2.0", "1.0"])
        // Unversioned components pass every filter.
        #expect(try v2.listedVersions(ofTool: "math_add") == [])
        // calculate and greet 1.0 declare no output schema, their 2.0 one: the only warnings, one per tool.
        #expect(host.warnings == host.catalogWarnings, "\(host.warnings)")
        #expect(host.catalogWarnings.count == 2 && host.catalogWarnings.allSatisfy { $0.contains("declare different output schemas") },
                "\(host.catalogWarnings)")
        let sum = try await v1.call("math_add", arguments: #"{"a":2,"b":3}"#)
        #expect(sum["structuredContent"]?["result"]?.doubleValue == 5)
    }

    @Test func aMountNamingAnUnknownPluginIsAWarningWithASuggestion() throws {
        var config = try shippedConfig()
        config.mounts[0].source = .pluginID("calculater")
        let host = PluginHost(config: config, factory: HostFixtures.factory())
        #expect(host.warnings.filter { !host.catalogWarnings.contains($0) }
            == ["$.mounts[0] names provider 'calculater', but no file in the plugin directories has that plugin id (found: calculator, greeter, notes)"])
        // The other mounts are served regardless.
        #expect(try host.store.table(forSurface: "mcp")?.listedVersions(ofTool: "hello_greet") == ["2.0", "1.0"])
    }

    @Test func aRuleThatMatchesNothingIsReportedAtStartAndOnReload() throws {
        var config = try shippedConfig()
        config.mounts[2].disable = [DisableRule(identity: "hello_greet", version: try Version("2.0"))]
        let events = Mutex<[String]>([])
        let host = PluginHost(config: config, factory: HostFixtures.factory()) { event in
            if case .warning(let message) = event { events.withLock { $0.append(message) } }
        }
        #expect(host.ruleFindings.map(\.path) == ["$.mounts[2].disable[0]"])
        #expect(events.withLock { $0 }.contains { $0.hasPrefix("$.mounts[2].disable[0]: ") && $0.contains("did you mean 'greet'?") })
        #expect(try host.store.table(forSurface: "mcp")?.listedVersions(ofTool: "hello_greet") == ["2.0", "1.0"])

        config.mounts[2].disable = [DisableRule(identity: "greet", version: try Version("2.0"))]
        _ = host.reload(config)
        #expect(host.ruleFindings.isEmpty, "\(host.ruleFindings)")
        #expect(try host.store.table(forSurface: "mcp")?.listedVersions(ofTool: "hello_greet") == ["1.0"])

        config.mounts[0].disable = [DisableRule(identity: "calculte")]
        _ = host.reload(config)
        #expect(host.ruleFindings.map(\.path) == ["$.mounts[0].disable[0]"])
        #expect(events.withLock { $0 }.contains { $0.hasPrefix("$.mounts[0].disable[0]: ") && $0.contains("did you mean 'calculate'?") })
    }

    @Test func fleetSettingsChangedOnReloadAreReportedAsNeedingARestart() throws {
        var config = try shippedConfig()
        let host = PluginHost(config: config, factory: HostFixtures.factory())
        config.fleet = RuntimeConfig.Fleet(redisURL: "redis://127.0.0.1:6390")
        let notApplied = host.reload(config)
        #expect(notApplied.contains { $0.contains("fleet settings") && $0.contains("next restart") }, "\(notApplied)")
        #expect(host.reload(try shippedConfig()).isEmpty, "back to the running settings: nothing left unapplied")
    }

    @Test func providersDroppedInAreServedReplacedAndRemovedWithoutARestart() async throws {
        let builds = HostFixtures.temporaryDirectory("builds")
        let (one, two) = (try await HostFixtures.dropin(version: "1.0", into: builds), try await HostFixtures.dropin(version: "2.0", into: builds))
        let plugins = HostFixtures.temporaryDirectory("plugins")
        let events = EventLog()
        let host = PluginHost(config: try dropInConfig(plugins), factory: HostFixtures.factory(), onEvent: events.record)
        host.startWatching()
        defer { host.stopWatching() }
        let changes = ChangeCounter(host.store)
        let surface = { host.store.table(forSurface: "mcp")! }
        #expect(try surface().listedVersions(ofTool: "dropin_ping") == nil)

        try HostFixtures.install(one, as: "dropin.so", in: plugins)
        #expect(try await eventually { try surface().listedVersions(ofTool: "dropin_ping") == ["1.0"] })
        #expect(try await surface().call("dropin_ping")["structuredContent"]?["version"]?.stringValue == "1.0")
        #expect(changes.tools >= 1)

        // Replaced in place: the new build serves, the old one is gone.
        try HostFixtures.install(two, as: "dropin.so", in: plugins)
        #expect(try await eventually { try surface().listedVersions(ofTool: "dropin_ping") == ["2.0"] })
        #expect(try host.store.table(forSurface: "v1")!.listedVersions(ofTool: "dropin_ping") == nil)

        // A second build beside it: both versions are served, the highest by default.
        try HostFixtures.install(one, as: "dropin-legacy.so", in: plugins)
        #expect(try await eventually { try surface().listedVersions(ofTool: "dropin_ping") == ["2.0", "1.0"] })
        #expect(try await surface().call("dropin_ping", version: "1.0")["structuredContent"]?["version"]?.stringValue == "1.0")

        try FileManager.default.removeItem(atPath: plugins + "/dropin.so")
        try FileManager.default.removeItem(atPath: plugins + "/dropin-legacy.so")
        #expect(try await eventually { try surface().listedVersions(ofTool: "dropin_ping") == nil })
        #expect(events.all.contains(.unloaded(file: plugins + "/dropin.so")))
    }

    @Test func aBrokenFileIsSkippedWithItsReasonAndTheOthersLoad() async throws {
        let builds = HostFixtures.temporaryDirectory("builds")
        let plugins = HostFixtures.temporaryDirectory("plugins")
        try Data("not an ELF file".utf8).write(to: URL(fileURLWithPath: plugins + "/broken.so"))
        try HostFixtures.install(try await HostFixtures.dropin(version: "1.0", into: builds), as: "dropin.so", in: plugins)
        let events = EventLog()
        let host = PluginHost(config: try dropInConfig(plugins), factory: HostFixtures.factory(), onEvent: events.record)
        #expect(try host.store.table(forSurface: "mcp")?.listedVersions(ofTool: "dropin_ping") == ["1.0"])
        let skipped = try #require(host.skippedFiles.first)
        #expect(skipped.file == plugins + "/broken.so")
        #expect(skipped.message.hasPrefix(plugins + "/broken.so: cannot be loaded as a shared library:"))
        #expect(events.all.contains(.skipped(skipped)))
    }

    @Test func aCallInFlightFinishesOnTheBuildItStartedOn() async throws {
        let builds = HostFixtures.temporaryDirectory("builds")
        let plugins = HostFixtures.temporaryDirectory("plugins")
        try HostFixtures.install(try await HostFixtures.dropin(version: "1.0", into: builds), as: "dropin.so", in: plugins)
        let host = PluginHost(config: try dropInConfig(plugins), factory: HostFixtures.factory())
        host.startWatching()
        defer { host.stopWatching() }
        let surface = { host.store.table(forSurface: "mcp")! }
        let before = surface()
        let slowCall = Task { try await before.call("dropin_ping", arguments: #"{"ms":1500}"#) }
        try await Task.sleep(for: .milliseconds(100))
        try HostFixtures.install(try await HostFixtures.dropin(version: "2.0", into: builds), as: "dropin.so", in: plugins)
        #expect(try await eventually { try surface().listedVersions(ofTool: "dropin_ping") == ["2.0"] })
        #expect(try await slowCall.value["structuredContent"]?["version"]?.stringValue == "1.0")
        #expect(try await surface().call("dropin_ping")["structuredContent"]?["version"]?.stringValue == "2.0")
    }
}

/// Counts the store's change notifications per kind.
final class ChangeCounter: Sendable {
    private final class Counts: Sendable { let byKind = Mutex<[ComponentKind: Int]>([:]) }
    private let counts = Counts()
    private let token: ObservationToken

    init(_ store: RoutingTableStore) {
        let counts = self.counts
        token = store.observe { kinds in counts.byKind.withLock { for kind in kinds { $0[kind, default: 0] += 1 } } }
    }

    var tools: Int { counts.byKind.withLock { $0[.tool] ?? 0 } }
}
