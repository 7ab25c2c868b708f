import ArgumentParser
import Foundation
import PlugboardConfig
import PlugboardCore
import PlugboardHost
import PlugboardLoader

/// `--config`, shared by every command that needs the configured host.
struct HostOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The runtime configuration.", completion: .file(extensions: ["json"]))
    var config = "runtime.json"

    /// The directory holding the bundled providers: the running executable's, where `swift build` puts them.
    static var bundledDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (executable as NSString).deletingLastPathComponent
    }

    /// Where content-addressed copies of provider files go.
    static var cacheDirectory: String {
        let base = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"].map { $0 + "/plugboard" }
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("plugboard-cache-\(getuid())")
        return base + "/plugins"
    }

    func loadConfig() throws -> RuntimeConfig {
        do {
            return try RuntimeConfigDecoder.load(file: config, bundledDirectory: Self.bundledDirectory)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    static func factory(log: (@Sendable (LogRecord) -> Void)? = nil) -> LoaderProviderFactory {
        LoaderProviderFactory(loader: PluginLoader(cacheDirectory: cacheDirectory, log: log))
    }

    /// Loads the configuration and every provider it names. Warnings and skipped files go to stderr.
    func makeHost(onEvent: @escaping @Sendable (HostEvent) -> Void = Self.reportProblems) throws -> (RuntimeConfig, PluginHost) {
        let config = try loadConfig()
        // Sandboxed mounts (every team mount) start their workers as `serve` would, without an audit trail.
        let factory = TeamProviderFactory(native: Self.factory(), audit: nil) { record in
            if record.level >= .warning { StandardError.write("plugboard: \(record.logger): \(record.message)") }
        }
        return (config, PluginHost(config: config, factory: factory, onEvent: onEvent))
    }
}

extension HostOptions {
    @Sendable static func reportProblems(_ event: HostEvent) {
        switch event {
        case .warning, .skipped: StandardError.write("plugboard: \(event)")
        case .loaded, .unloaded: break
        }
    }
}

/// A failure the command reports as it is (no stack, no type name) before exiting with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

enum StandardError {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
