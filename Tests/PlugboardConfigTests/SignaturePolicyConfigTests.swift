import Foundation
import Testing
@testable import PlugboardConfig

@Suite struct SignaturePolicyConfigTests {
    static let key = "ed25519:" + Data(repeating: 7, count: 32).base64EncodedString()

    @Test func directoriesAndTeamsNameTheirTrustedKeys() throws {
        let config = try decoder.decode(Array(#"""
            {"plugin_directories": [{"path": "plugins.d", "require_signature": true,
                                     "trusted_keys": [{"name": "release", "public_key": "\#(Self.key)"}]}, "plain"],
             "teams": [{"name": "alpha", "require_signature": true, "trusted_keys": [{"name": "alpha-ci", "public_key": "\#(Self.key)"}]}]}
            """#.utf8), source: "runtime.json")
        #expect(config.pluginDirectories[0].signatures == .init(trustedKeys: [.init(name: "release", publicKey: Self.key)], requireSignature: true))
        #expect(config.pluginDirectories[1].signatures == .init(), "a directory that says nothing needs no signatures")
        #expect(config.teams[0].signatures.requireSignature)
        #expect(config.teams[0].signatures.trustedKeys.map(\.name) == ["alpha-ci"])
    }

    @Test func aKeyFileIsReadRelativeToTheConfig() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data((Self.key + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/release.pub"))
        let config = try RuntimeConfigDecoder(baseDirectory: directory, bundledDirectory: directory).decode(Array(#"""
            {"plugin_directories": [{"path": "p", "trusted_keys": [{"name": "release", "file": "release.pub"}]}]}
            """#.utf8), source: "runtime.json")
        #expect(config.pluginDirectories[0].signatures.trustedKeys == [.init(name: "release", publicKey: Self.key)])
    }

    @Test func mistakesAreNamedWithTheirPath() {
        #expect(issues(#"{"plugin_directories": [{"path": "p", "require_signature": true}]}"#)
            .contains { $0.contains("$.plugin_directories[0].require_signature") && $0.contains("no trusted_keys") })
        #expect(issues(#"{"plugin_directories": [{"path": "p", "trusted_keys": [{"name": "k", "public_key": "ed25519:AAAA"}]}]}"#)
            .contains { $0.contains("$.plugin_directories[0].trusted_keys[0]") && $0.contains("base64 of 32 bytes") })
        #expect(issues(#"{"plugin_directories": [{"path": "p", "trusted_keys": [{"name": "k", "public_key": "\#(Self.key)", "file": "k.pub"}]}]}"#)
            .contains { $0.contains("both 'public_key' and 'file'") })
        #expect(issues(#"{"plugin_directories": [{"path": "p", "trusted_keys": [{"name": "k", "file": "missing.pub"}]}]}"#)
            .contains { $0.contains("$.plugin_directories[0].trusted_keys[0].file") && $0.contains("cannot read") })
        #expect(issues(#"{"teams": [{"name": "a", "trusted_keys": [{"public_key": "\#(Self.key)"}]}]}"#)
            .contains { $0.contains("$.teams[0].trusted_keys[0]") && $0.contains("name") })
        #expect(issues(#"{"plugin_directories": [{"path": "p", "require_signatures": true}]}"#).contains { $0.contains("require_signatures") })
    }
}
