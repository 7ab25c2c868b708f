import Foundation
import Synchronization
import Testing
import PlugboardCore
import PlugboardConfig
import PlugboardHost
import PlugboardJSON

/// Outcomes of the calls a load loop made.
private final class Tally: Sendable {
    struct Counts { var succeeded = 0, notFound = 0, failed: [String] = [], versions: Set<String> = [] }
    let counts = Mutex(Counts())
    let stopped = Atomic(false)
    func stop() { stopped.store(true, ordering: .relaxed) }
    var snapshot: Counts { counts.withLock { $0 } }
}

/// Four callers call `dropin_ping` (2 ms of work each) through the current routing table until `stop` is set.
private func loadLoop(_ host: PluginHost, tally: Tally) async {
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<4 {
            group.addTask {
                while !tally.stopped.load(ordering: .relaxed) {
                    let table = host.store.table(forSurface: "mcp")!
                    switch table.route(.tool, "dropin_ping", version: nil) {
                    case .failure(.unknownComponent):
                        tally.counts.withLock { $0.notFound += 1 }
                        try? await Task.sleep(for: .milliseconds(1))
                    case .failure(let error):
                        tally.counts.withLock { $0.failed.append(error.message) }
                    case .success(let route):
                        var invocation = route.invocation
                        invocation.arguments = RawJSON(trusted: Array(#"{"ms":2}"#.utf8))
                        do {
                            let result = try JSONParser.parse(try await route.provider.invoke(invocation, context: .none))
                            let version = result["structuredContent"]?["version"]?.stringValue ?? "?"
                            tally.counts.withLock { $0.succeeded += 1; $0.versions.insert(version) }
                        } catch {
                            tally.counts.withLock { $0.failed.append("\(error)") }
                        }
                    }
                }
            }
        }
    }
}

@Suite struct ReloadUnderLoadTests {
    @Test func noCallFailsWhileTheProviderIsReplacedTwentyTimes() async throws {
        let builds = HostFixtures.temporaryDirectory("builds")
        let versions = ["1.0", "1.1"]
        let files = try await [HostFixtures.dropin(version: versions[0], into: builds), HostFixtures.dropin(version: versions[1], into: builds)]
        let plugins = HostFixtures.temporaryDirectory("plugins")
        try HostFixtures.install(files[0], as: "dropin.so", in: plugins)
        let host = PluginHost(config: RuntimeConfig(pluginDirectories: [.init(path: plugins, watch: true, autoMount: true)]),
                              factory: HostFixtures.factory())
        host.startWatching()
        defer { host.stopWatching() }
        let tally = Tally()
        let load = Task { await loadLoop(host, tally: tally) }

        for replacement in 1...20 {
            let version = versions[replacement % 2]
            try HostFixtures.install(files[replacement % 2], as: "dropin.so", in: plugins)
            let served = await eventuallyServes(host, version)
            #expect(served, "replacement \(replacement) to \(version) was not picked up")
        }
        tally.stop()
        await load.value

        let counts = tally.snapshot
        #expect(counts.failed.isEmpty, "failed calls: \(counts.failed.prefix(5))")
        #expect(counts.notFound == 0)
        #expect(counts.versions == Set(versions))
        #expect(counts.succeeded > 100)
        print("reload under load: 20 replacements, \(counts.succeeded) calls, \(counts.failed.count) failed")
    }

    @Test func removeAndReAddFailsNoCallInFlight() async throws {
        let builds = HostFixtures.temporaryDirectory("builds")
        let file = try await HostFixtures.dropin(version: "1.0", into: builds)
        let plugins = HostFixtures.temporaryDirectory("plugins")
        try HostFixtures.install(file, as: "dropin.so", in: plugins)
        let host = PluginHost(config: RuntimeConfig(pluginDirectories: [.init(path: plugins, watch: true, autoMount: true)]),
                              factory: HostFixtures.factory())
        host.startWatching()
        defer { host.stopWatching() }
        let tally = Tally()
        let load = Task { await loadLoop(host, tally: tally) }

        try await Task.sleep(for: .milliseconds(200))
        try FileManager.default.removeItem(atPath: plugins + "/dropin.so")
        let gone = await eventually { host.store.table(forSurface: "mcp")!.route(.tool, "dropin_ping", version: nil).isFailure }
        #expect(gone)
        try HostFixtures.install(file, as: "dropin.so", in: plugins)
        #expect(await eventuallyServes(host, "1.0"))
        let before = tally.snapshot.succeeded
        try await Task.sleep(for: .milliseconds(200))
        tally.stop()
        await load.value

        let counts = tally.snapshot
        // Calls in flight when the file went away finish; calls made while it is absent are told it does not exist.
        #expect(counts.failed.isEmpty, "failed calls: \(counts.failed.prefix(5))")
        #expect(counts.notFound > 0)
        #expect(counts.succeeded > before)
        print("remove and re-add under load: \(counts.succeeded) calls served, \(counts.notFound) answered 'unknown tool' while absent, \(counts.failed.count) failed")
    }
}

private func eventually(_ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

private func eventuallyServes(_ host: PluginHost, _ version: String) async -> Bool {
    await eventually { (try? host.store.table(forSurface: "mcp")!.listedVersions(ofTool: "dropin_ping")) == [version] }
}

extension Result {
    fileprivate var isFailure: Bool { if case .failure = self { return true } else { return false } }
}
