import ArgumentParser
import Foundation
import PlugboardConfig
import PlugboardCore
import PlugboardHost
import PlugboardLoader

/// `--config`, shared by every command that needs the configured host.
struct HostOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp(
        "The runtime configuration (default: $PLUGBOARD_CONFIG, else ./runtime.json, else the built-in default: the bundled providers as math, notes and hello on /mcp, /v1/mcp and /v2/mcp).",
        valueName: "path"), completion: .file(extensions: ["json"]))
    var config: String?

    /// The file the configuration comes from, or nil for the built-in default. MCP clients start stdio servers
    /// from any working directory, so a missing ./runtime.json is not an error unless a file was named.
    var configFile: String? {
        if let config { return config }
        if let fromEnvironment = ProcessInfo.processInfo.environment["PLUGBOARD_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        return FileManager.default.fileExists(atPath: "runtime.json") ? "runtime.json" : nil
    }

    /// How messages name the configuration.
    var configName: String { configFile ?? "the built-in default configuration" }

    /// The directory holding the bundled providers: the running executable's, where `swift build` puts them.
    static var bundledDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (executable as NSString).deletingLastPathComponent
    }

    /// Where content-addressed copies of provider files go.
    static var cacheDirectory: String { cacheRoot + "/plugins" }

    /// The host's cache: `$XDG_CACHE_HOME/plugboard`, else a per-user temporary directory. Safe to delete.
    static var cacheRoot: String {
        ProcessInfo.processInfo.environment["XDG_CACHE_HOME"].map { $0 + "/plugboard" }
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("plugboard-cache-\(getuid())")
    }

    func loadConfig() throws -> RuntimeConfig {
        guard let file = configFile else { return Self.builtInDefault }
        do {
            return try RuntimeConfigDecoder.load(file: file, bundledDirectory: Self.bundledDirectory)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    /// The shipped runtime.json without its drop-in directory: the bundled providers on three surfaces.
    static var builtInDefault: RuntimeConfig {
        let two = try! Version("2.0")
        return RuntimeConfig(
            pluginDirectories: [.init(path: bundledDirectory)],
            mounts: [.init(namespace: "math", source: .pluginID("calculator")), .init(namespace: "notes", source: .pluginID("notes")),
                     .init(namespace: "hello", source: .pluginID("greeter"))],
            surfaces: [.init(name: "mcp", path: "/mcp"), .init(name: "v1", path: "/v1/mcp", filter: .init(lt: two)),
                       .init(name: "v2", path: "/v2/mcp", filter: .init(gte: two))])
    }

    static func factory(_ config: RuntimeConfig, log: (@Sendable (LogRecord) -> Void)? = nil) -> LoaderProviderFactory {
        LoaderProviderFactory(loader: PluginLoader(
            cacheDirectory: cacheDirectory, callDeadline: .milliseconds(config.transports.limits.callDeadlineMilliseconds), log: log))
    }

    /// Loads the configuration and every provider it names. Warnings and skipped files go to stderr.
    func makeHost(onEvent: @escaping @Sendable (HostEvent) -> Void = Self.reportProblems) throws -> (RuntimeConfig, PluginHost) {
        let config = try loadConfig()
        // Sandboxed mounts (every team mount) start their workers as `serve` would, without an audit trail.
        let factory = TeamProviderFactory(native: Self.factory(config), audit: nil) { record in
            if record.level >= .warning { StandardError.write("plugboard: \(record.logger): \(record.message)") }
        }
        let scanned = Scanning.wrap(factory, config: config) { StandardError.write("plugboard: warning: \($0)") }
        return (config, PluginHost(config: config, factory: scanned, onEvent: onEvent))
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
