import Foundation
import PlugboardCore
import PlugboardJSON
import PlugboardLoader

/// Paths and helpers shared by the loader tests: real compilers, real files, the real loader.
enum TestSupport {
    /// The repository root (this file is Tests/PlugboardLoaderTests/TestSupport.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let fixtures = repository + "/Tests/Fixtures"

    /// The build products directory: where the test binary is, beside lib<name>.so of the bundled providers.
    static let products: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // Inside a bundle (PlugboardPackageTests.xctest/...): walk up to the directory holding the libraries.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("libcalculator.so").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.path
    }()

    static func bundled(_ name: String) -> String { products + "/lib\(name).so" }

    /// A fresh temporary directory.
    static func temporaryDirectory(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "plugboard-\(label)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    struct CompileError: Error, CustomStringConvertible {
        var description: String
    }

    /// Builds `source` with the guide's one line, `cc -shared -fPIC -I PluginSDK/include x.c -o x.so`, run from
    /// the repository root, and returns the library's path.
    /// Async, so a compile never blocks a thread of Swift's cooperative pool (tests run in parallel on it).
    static func compile(_ source: String, into directory: String, name: String? = nil) async throws -> String {
        let output = directory + "/" + (name ?? URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent) + ".so"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-shared", "-fPIC", "-I", "PluginSDK/include", source, "-o", output]
        process.currentDirectoryURL = URL(fileURLWithPath: repository)
        let errors = Pipe()
        process.standardError = errors
        try await run(process)
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw CompileError(description: "cc failed for \(source): \(text)")
        }
        return output
    }

    static func fixture(_ name: String, into directory: String) async throws -> String {
        try await compile(fixtures + "/\(name).c", into: directory)
    }

    /// Runs `process` to its end without blocking the calling thread.
    static func run(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }

    static func loader(deadline: Duration = .seconds(10)) -> PluginLoader {
        PluginLoader(cacheDirectory: temporaryDirectory("cache"), callDeadline: deadline)
    }

    static func json(_ text: String) -> RawJSON { RawJSON(trusted: Array(text.utf8)) }

    static func parse(_ bytes: [UInt8]) throws -> JSONValue { try JSONParser.parse(bytes) }
}

extension Provider {
    /// Calls a tool and returns the parsed CallToolResult.
    func callTool(_ name: String, version: String? = nil, _ arguments: String = "{}", context: InvocationContext = .none) async throws -> JSONValue {
        let invocation = Invocation(kind: .tool, key: name, version: try version.map { try Version($0) }, arguments: TestSupport.json(arguments))
        return try TestSupport.parse(try await invoke(invocation, context: context))
    }

    /// Calls a tool and returns the error it failed with (nil if it succeeded).
    func toolError(_ name: String, version: String? = nil, _ arguments: String = "{}") async throws -> InvocationError? {
        let invocation = Invocation(kind: .tool, key: name, version: try version.map { try Version($0) }, arguments: TestSupport.json(arguments))
        do {
            _ = try await invoke(invocation, context: .none)
            return nil
        } catch {
            return error
        }
    }
}

extension JSONValue {
    /// The text of the first content item of a CallToolResult.
    var firstText: String? { self["content"]?.arrayValue?.first?["text"]?.stringValue }
}
