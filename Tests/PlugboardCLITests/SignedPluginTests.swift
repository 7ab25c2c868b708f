import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// Signed plugins end to end: `plugboard keygen` and `plugboard sign`, then a real host that loads only what a
/// trusted key signed, never maps the rest, and says why.
@Suite("Signed plugins against the real host", .timeLimit(.minutes(3)))
struct SignedPluginTests {
    /// A key pair made by `plugboard keygen` in `directory`: NAME.key and NAME.pub.
    static func keygen(_ name: String, in directory: String) async throws -> (privateKey: String, publicKey: String) {
        let run = try await CommandRun.plugboard("keygen", "--output", directory + "/" + name)
        #expect(run.status == 0, "\(run.stderr)")
        return (directory + "/\(name).key", directory + "/\(name).pub")
    }

    static func sign(_ file: String, key: String) async throws {
        let run = try await CommandRun.plugboard("sign", file, "--key", key)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("signed \(file) -> \(file).sig"))
    }

    /// The file's SHA-256 by coreutils: the name of its copy in the host's plugin cache, as mapped.
    static func sha256(_ file: String) async throws -> String {
        let run = try await CommandRun.run("/usr/bin/env", ["sha256sum", file])
        return String(run.stdout.prefix(64))
    }

    /// Read by `cat`: procfs files report a size of 0, and a reader that trusts it may stop early.
    static func maps(of pid: Int32) async throws -> String {
        try await CommandRun.run("/usr/bin/env", ["cat", "/proc/\(pid)/maps"]).stdout
    }

    static func toolVersions(_ server: StdioServer, _ name: String) async -> [String]? {
        let list = await server.request(1, "tools/list")
        let tool = list?["result"]?["tools"]?.arrayValue?.first { $0["name"]?.stringValue == name }
        return tool.map { $0["_meta"]?["fastmcp"]?["versions"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    }

    @Test("a directory that requires signatures serves the signed file; unsigned, tampered and stranger-signed files are refused, named and never mapped")
    func directoryRequiresSignatures() async throws {
        let directory = BuildProducts.temporaryDirectory("signed")
        let plugins = directory + "/plugins"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        let release = try await Self.keygen("release", in: directory)
        let stranger = try await Self.keygen("stranger", in: directory)
        let mode = try FileManager.default.attributesOfItem(atPath: release.privateKey)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the private key is readable by its owner only")

        let builds = directory + "/builds"
        try FileManager.default.createDirectory(atPath: builds, withIntermediateDirectories: true)
        let one = try await FixtureBuilds.dropin(version: "1.0", into: builds)
        let two = try await FixtureBuilds.dropin(version: "2.0", into: builds)
        try FixtureBuilds.install(one, as: "dropin.so", in: plugins)
        try await Self.sign(plugins + "/dropin.so", key: release.privateKey)
        try FixtureBuilds.install(two, as: "unsigned.so", in: plugins)
        try FixtureBuilds.install(two, as: "stranger.so", in: plugins)
        try await Self.sign(plugins + "/stranger.so", key: stranger.privateKey)
        // Signed, then one byte changed.
        try FixtureBuilds.install(two, as: "tampered.so", in: plugins)
        try await Self.sign(plugins + "/tampered.so", key: release.privateKey)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: plugins + "/tampered.so")))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: plugins + "/tampered.so"))

        let config = #"""
            {"plugin_directories": [{"path": "plugins", "auto_mount": true, "require_signature": true,
                                     "trusted_keys": [{"name": "release", "file": "release.pub"}]}],
             "audit": {"file": "audit.log"}}
            """#
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
        let server = try StdioServer(arguments: ["--config", directory + "/runtime.json"])
        _ = await server.initialize()
        #expect(await Self.toolVersions(server, "dropin_ping") == ["1.0"], "only the signed build is served")

        let log = server.stderr
        #expect(log.contains("\(plugins)/unsigned.so: refused: it has no signature file"), "\(log)")
        #expect(log.contains("\(plugins)/stranger.so: refused: it is signed by ed25519:"), "\(log)")
        #expect(log.contains("\(plugins)/tampered.so: refused: its signature is of another file"), "\(log)")

        // The refused files' code never entered the host: no mapping of their content-addressed copies.
        let maps = try await Self.maps(of: server.process.processIdentifier)
        let signedDigest = try await Self.sha256(plugins + "/dropin.so")
        #expect(signedDigest.count == 64 && maps.contains(signedDigest),
                "the signed file is mapped (so the check below means something)")
        for refused in ["unsigned.so", "tampered.so"] {
            #expect(!maps.contains(try await Self.sha256(plugins + "/" + refused)), "\(refused) was mapped")
        }

        _ = await server.finish()
        // `plugboard validate` applies the same policy, and fails on the refused files.
        let validate = try await CommandRun.plugboard("validate", "--config", directory + "/runtime.json")
        #expect(validate.status != 0)
        #expect((validate.stdout + validate.stderr).contains("\(plugins)/tampered.so: refused: its signature is of another file"))
        let listing = try await CommandRun.plugboard("list", "--providers", "--json", "--config", directory + "/runtime.json")
        let rows = try JSONParser.parse(listing.stdout).arrayValue ?? []
        let status = { (name: String) in rows.first { $0["file"]?.stringValue == plugins + "/" + name }?["status"]?.stringValue }
        #expect(status("dropin.so") == "loaded", "\(listing.stdout)\(listing.stderr)")
        #expect(status("unsigned.so") == "refused")
        #expect(status("tampered.so") == "refused")
        let audit = try String(contentsOfFile: directory + "/audit.log", encoding: .utf8)
        let load = try #require(audit.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
            .first { $0["event"]?.stringValue == "load" && $0["provider"]?.stringValue == "dropin" })
        #expect(load["signed_by"]?.stringValue == "release")
    }

    @Test("dropped into a watched directory that requires signatures: skipped until its .sig arrives, refused again when replaced unsigned")
    func dropInWaitsForItsSignature() async throws {
        let directory = BuildProducts.temporaryDirectory("signed-dropin")
        let plugins = directory + "/plugins"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        let release = try await Self.keygen("release", in: directory)
        let one = try await FixtureBuilds.dropin(version: "1.0", into: directory)
        let two = try await FixtureBuilds.dropin(version: "2.0", into: directory)
        try await Self.sign(one, key: release.privateKey)  // beside the build: dropin-1.0.so.sig
        let publicKey = try String(contentsOfFile: release.publicKey, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let config = #"{"plugin_directories": [{"path": "plugins", "watch": true, "auto_mount": true, "require_signature": true, "trusted_keys": [{"name": "release", "public_key": "\#(publicKey)"}]}]}"#
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
        let server = try StdioServer(arguments: ["--config", directory + "/runtime.json"])
        _ = await server.initialize()

        try FixtureBuilds.install(one, as: "dropin.so", in: plugins)
        #expect(await eventually { server.stderr.contains("\(plugins)/dropin.so: refused: it has no signature file") })
        #expect(await Self.toolVersions(server, "dropin_ping") == nil)

        try FixtureBuilds.install(one + ".sig", as: "dropin.so.sig", in: plugins)
        #expect(await eventually { await Self.toolVersions(server, "dropin_ping") == ["1.0"] }, "\(server.stderr)")

        // A new build over it, its old signature left in place: refused, and the old build is gone with it.
        try FixtureBuilds.install(two, as: "dropin.so", in: plugins)
        #expect(await eventually { await Self.toolVersions(server, "dropin_ping") == nil }, "\(server.stderr)")
        #expect(server.stderr.contains("\(plugins)/dropin.so: refused: its signature is of another file"))
        _ = await server.finish()
    }

    @Test("a team that requires signatures mounts only what its own key signed; the operator's directory needs none")
    func teamRequiresItsKey() async throws {
        let directory = BuildProducts.temporaryDirectory("signed-team")
        let plugins = directory + "/plugins"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        let alpha = try await Self.keygen("alpha", in: directory)
        let other = try await Self.keygen("other", in: directory)
        try FixtureBuilds.install(try await FixtureBuilds.dropin(version: "1.0", into: directory), as: "dropin.so", in: plugins)
        try await Self.sign(plugins + "/dropin.so", key: alpha.privateKey)
        try FixtureBuilds.install(try await FixtureBuilds.dropin(version: "2.0", into: directory), as: "dropin-two.so", in: plugins)
        try await Self.sign(plugins + "/dropin-two.so", key: other.privateKey)
        let config = #"""
            {"plugin_directories": ["plugins"],
             "teams": [{"name": "alpha", "require_signature": true, "trusted_keys": [{"name": "alpha-release", "file": "alpha.pub"}],
                        "mounts": [{"namespace": "d", "provider": "dropin"}]}],
             "transports": {"stdio": {"team": "alpha"}}}
            """#
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
        let server = try StdioServer(arguments: ["--config", directory + "/runtime.json"])
        _ = await server.initialize()
        #expect(await Self.toolVersions(server, "d_ping") == ["1.0"], "\(server.stderr)")
        let pinned = await server.request(2, "tools/call", #"{"name":"d_ping","arguments":{},"_meta":{"fastmcp":{"version":"2.0"}}}"#)
        #expect(pinned?["error"]?["code"] == .int(-32602), "the build the team's key did not sign cannot be pinned")
        #expect(server.stderr.contains("\(plugins)/dropin-two.so carries no signature by a trusted key"), "\(server.stderr)")
        #expect(server.stderr.contains("team 'alpha' loads only providers signed by its trusted_keys (alpha-release)"))
        _ = await server.finish()
    }
}

/// Waits (bounded) until `condition` holds: the watcher debounces before it reloads.
private func eventually(_ seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}
