import Foundation

/// Providers compiled from Tests/Fixtures with the SDK's one-line build, and installed the way deployment tools
/// install files.
public enum FixtureBuilds {
    /// Builds Tests/Fixtures/dropin.c with its `ping` tool at `version`, into `directory`, and returns the path.
    public static func dropin(version: String, into directory: String) async throws -> String {
        let output = directory + "/dropin-\(version).so"
        let build = try await CommandRun.run("/usr/bin/env", [
            "cc", "-shared", "-fPIC", "-I", BuildProducts.repository + "/PluginSDK/include",
            "-DDROPIN_VERSION=\"\(version)\"", BuildProducts.repository + "/Tests/Fixtures/dropin.c", "-o", output])
        guard build.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: build.stderr]) }
        return output
    }

    /// Builds Tests/Fixtures/`name`.c into `directory`/`name`.so and returns the path.
    public static func fixture(_ name: String, into directory: String) async throws -> String {
        let output = directory + "/\(name).so"
        let build = try await CommandRun.run("/usr/bin/env", [
            "cc", "-shared", "-fPIC", "-I", BuildProducts.repository + "/PluginSDK/include",
            BuildProducts.repository + "/Tests/Fixtures/\(name).c", "-o", output])
        guard build.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: build.stderr]) }
        return output
    }

    /// Puts `source` at `directory/name`: a temporary file first, then a rename, so a watcher never sees half a file.
    public static func install(_ source: String, as name: String, in directory: String) throws {
        let temporary = directory + "/.\(name).\(UUID().uuidString).tmp"
        try FileManager.default.copyItem(atPath: source, toPath: temporary)
        guard rename(temporary, directory + "/" + name) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
