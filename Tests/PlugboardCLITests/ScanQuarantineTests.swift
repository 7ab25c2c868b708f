import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// Out-of-process scanning against the real host: files that crash or hang are found in a sandboxed worker,
/// quarantined until they change, and never mapped into the host.
@Suite("Scanning new provider files in a sandboxed worker", .timeLimit(.minutes(3)))
struct ScanQuarantineTests {
    struct Deployment {
        let directory: String
        var plugins: String { directory + "/plugins" }
        var registry: String { directory + "/cache/scan-registry.json" }

        init() throws {
            directory = BuildProducts.temporaryDirectory("scan")
            try FileManager.default.createDirectory(atPath: directory + "/plugins", withIntermediateDirectories: true)
            let config = #"""
                {"plugin_directories": [{"path": "plugins", "watch": true, "auto_mount": true}],
                 "scan": {"cache_directory": "cache", "timeout_ms": 1500}}
                """#
            try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
        }

        func serve() throws -> StdioServer { try StdioServer(arguments: ["--config", directory + "/runtime.json"]) }
    }

    static func maps(of pid: Int32) async throws -> String {
        try await CommandRun.run("/usr/bin/env", ["cat", "/proc/\(pid)/maps"]).stdout  // procfs sizes read as 0
    }

    static func sha256(_ file: String) async throws -> String {
        String(try await CommandRun.run("/usr/bin/env", ["sha256sum", file]).stdout.prefix(64))
    }

    static func tools(_ server: StdioServer) async -> [String] {
        let list = await server.request(1, "tools/list")
        return list?["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    /// The quarantine line for `file` in the host's log, and the time of the scan it quotes.
    static func quarantine(_ log: String, _ file: String) -> (line: String, scannedAt: String)? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("\(file): quarantined: its scan in a sandboxed worker (") }),
              let at = line.firstMatch(of: /sandboxed worker \(([^)]+)\)/)?.1 else { return nil }
        return (String(line), String(at))
    }

    @Test("a provider that segfaults in init or spins in describe is quarantined at start and when dropped in; the host serves the rest and never maps them")
    func crashingAndHangingFilesAreQuarantined() async throws {
        let deployment = try Deployment()
        let builds = deployment.directory + "/builds"
        try FileManager.default.createDirectory(atPath: builds, withIntermediateDirectories: true)
        try FixtureBuilds.install(try await FixtureBuilds.dropin(version: "1.0", into: builds), as: "dropin.so", in: deployment.plugins)
        let crash = try await FixtureBuilds.fixture("crash_at_init", into: builds)
        try FixtureBuilds.install(crash, as: "crash_at_init.so", in: deployment.plugins)
        try FixtureBuilds.install(try await FixtureBuilds.fixture("describe_loops", into: builds), as: "describe_loops.so", in: deployment.plugins)

        let server = try deployment.serve()
        _ = await server.initialize()
        #expect(await Self.tools(server) == ["dropin_ping"], "\(server.stderr)")
        let log = server.stderr
        let crashed = try #require(Self.quarantine(log, deployment.plugins + "/crash_at_init.so"), "\(log)")
        #expect(crashed.line.contains("SIGSEGV"), "\(crashed.line)")
        let spun = try #require(Self.quarantine(log, deployment.plugins + "/describe_loops.so"), "\(log)")
        #expect(spun.line.contains("within"), "the scan's deadline is named: \(spun.line)")

        // Dropped in while the host runs: found by the scan, the host unharmed.
        try FixtureBuilds.install(crash, as: "dropped.so", in: deployment.plugins)
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.quarantine(server.stderr, deployment.plugins + "/dropped.so") == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(Self.quarantine(server.stderr, deployment.plugins + "/dropped.so") != nil, "\(server.stderr)")
        #expect(await Self.tools(server) == ["dropin_ping"], "the host still answers")

        let maps = try await Self.maps(of: server.process.processIdentifier)
        #expect(maps.contains(try await Self.sha256(deployment.plugins + "/dropin.so")), "the good file is mapped (the checks below mean something)")
        #expect(!maps.contains(try await Self.sha256(crash)), "the crashing file was mapped into the host")
        #expect(!maps.contains(try await Self.sha256(deployment.plugins + "/describe_loops.so")), "the spinning file was mapped into the host")
        _ = await server.finish()

        // `plugboard list --providers` shows each file with what became of it, from the registry.
        let listing = try await CommandRun.plugboard("list", "--providers", "--json", "--config", deployment.directory + "/runtime.json")
        #expect(listing.status == 0, "\(listing.stderr)")
        let rows = try JSONParser.parse(listing.stdout).arrayValue ?? []
        let status = Dictionary(rows.compactMap { row in row["file"]?.stringValue.map { ($0, row["status"]?.stringValue ?? "") } }) { a, _ in a }
        #expect(status[deployment.plugins + "/dropin.so"] == "loaded")
        #expect(status[deployment.plugins + "/crash_at_init.so"] == "quarantined")
        #expect(status[deployment.plugins + "/describe_loops.so"] == "quarantined")
        #expect(rows.contains { $0["reason"]?.stringValue?.contains("SIGSEGV") == true })

        let registry = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: deployment.registry))))
        #expect(registry["files"]?[deployment.plugins + "/crash_at_init.so"]?["outcome"] == .string("quarantined"))
        #expect(registry["files"]?[deployment.plugins + "/dropin.so"]?["outcome"] == .string("passed"))
    }

    @Test("a quarantine holds across restarts without a new scan, ends when the file changes, and a corrupt registry is rebuilt")
    func theRegistryRemembersUntilTheFileChanges() async throws {
        let deployment = try Deployment()
        let builds = deployment.directory + "/builds"
        try FileManager.default.createDirectory(atPath: builds, withIntermediateDirectories: true)
        try FixtureBuilds.install(try await FixtureBuilds.fixture("describe_loops", into: builds), as: "tool.so", in: deployment.plugins)
        let file = deployment.plugins + "/tool.so"

        var server = try deployment.serve()
        _ = await server.initialize()
        let first = try #require(Self.quarantine(server.stderr, file), "\(server.stderr)")
        _ = await server.finish()

        server = try deployment.serve()
        _ = await server.initialize()
        let again = try #require(Self.quarantine(server.stderr, file), "\(server.stderr)")
        #expect(again.scannedAt == first.scannedAt, "the restart used the registry; it did not scan again")
        _ = await server.finish()

        // A fixed build in the same place: scanned again and served.
        try FixtureBuilds.install(try await FixtureBuilds.dropin(version: "2.0", into: builds), as: "tool.so", in: deployment.plugins)
        server = try deployment.serve()
        _ = await server.initialize()
        #expect(await Self.tools(server) == ["dropin_ping"], "\(server.stderr)")
        #expect(Self.quarantine(server.stderr, file) == nil)
        _ = await server.finish()

        // Garbage where the registry was: ignored, and written anew.
        try Data("{\"format\": \"something else\"".utf8).write(to: URL(fileURLWithPath: deployment.registry))
        server = try deployment.serve()
        _ = await server.initialize()
        #expect(await Self.tools(server) == ["dropin_ping"], "\(server.stderr)")
        _ = await server.finish()
        let rebuilt = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: deployment.registry))))
        #expect(rebuilt["files"]?[file]?["outcome"] == .string("passed"))
    }
}
