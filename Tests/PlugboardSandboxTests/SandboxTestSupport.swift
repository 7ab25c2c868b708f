import Foundation
import PlugboardCore
import PlugboardJSON
import PlugboardSandbox
import Synchronization
import Testing

/// Real workers, real plugins, compiled at test time: paths, policies and call helpers for the sandbox tests.
enum Sandboxed {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The build products directory (test bundle, plugboard-worker and lib<name>.so of the bundled providers).
    static let products: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("libcalculator.so").path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.path
    }()

    static func bundled(_ name: String) -> String { products + "/lib\(name).so" }

    /// Fixtures compiled once per test process, with the guide's one line.
    static let fixtureDirectory: String = {
        let path = NSTemporaryDirectory() + "plugboard-sandbox-fixtures-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()
    private static let compiled = Mutex<[String: String]>([:])

    static func fixture(_ name: String) throws -> String {
        if let path = compiled.withLock({ $0[name] }) { return path }
        let output = fixtureDirectory + "/\(name).so"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-shared", "-fPIC", "-I", "PluginSDK/include", "Tests/Fixtures/\(name).c", "-o", output]
        process.currentDirectoryURL = URL(fileURLWithPath: repository)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CompileError(name: name) }
        compiled.withLock { $0[name] = output }
        return output
    }

    struct CompileError: Error { var name: String }

    /// A policy for tests: short deadlines and backoffs so faults resolve in well under a second.
    static func policy(deadline: Duration = .seconds(5), memory: UInt64? = 1 << 30) -> SandboxPolicy {
        var policy = SandboxPolicy()
        policy.callDeadline = deadline
        policy.cancelGrace = .milliseconds(300)
        policy.memoryBytes = memory
        policy.maxResponseBytes = 1 << 20
        let off = ProcessInfo.processInfo.environment["PB_OFF"] ?? ""
        if off.contains("landlock") { policy.landlock = false }
        if off.contains("seccomp") { policy.seccomp = false }
        if off.contains("ns") { policy.namespaces = false }
        if off.contains("mem") { policy.memoryBytes = nil }
        policy.restart = RestartPolicy(initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(50),
                                       circuitThreshold: 1000, circuitCooldown: .seconds(60))
        return policy
    }

    static func launch(_ file: String, policy: SandboxPolicy = Sandboxed.policy(), log: @escaping @Sendable (LogRecord) -> Void = { _ in })
        async throws -> WorkerProvider {
        try await WorkerProvider.launch(file: file, config: .emptyObject, policy: policy, log: log)
    }

    static func json(_ text: String) -> RawJSON { RawJSON(trusted: Array(text.utf8)) }
}

extension Provider {
    /// Calls a tool; the parsed CallToolResult, or the error.
    func call(_ name: String, _ arguments: String = "{}", context: InvocationContext = .none) async -> Result<JSONValue, InvocationError> {
        do {
            let bytes = try await invoke(Invocation(kind: .tool, key: name, version: nil, arguments: Sandboxed.json(arguments)), context: context)
            return .success(try JSONParser.parse(bytes))
        } catch let error as InvocationError {
            return .failure(error)
        } catch {
            return .failure(InvocationError(.internalError, "unparseable result: \(error)"))
        }
    }
}

extension Result where Failure == InvocationError {
    var error: InvocationError? { if case .failure(let error) = self { error } else { nil } }
    var value: Success? { try? get() }
}

extension JSONValue {
    /// The text of the first content item of a CallToolResult.
    var firstText: String? { self["content"]?.arrayValue?.first?["text"]?.stringValue }
}

/// Another provider's calls, made continuously while a fault happens elsewhere: every one must succeed.
final class Bystander: Sendable {
    private final class Tally: Sendable {
        let counts = Mutex((succeeded: 0, failed: [String]()))
        let stopped = Atomic<Bool>(false)
    }
    private let tally = Tally()
    private let task: Task<Void, Never>

    init(_ provider: any Provider) {
        let tally = tally
        task = Task {
            var n = 0
            // Stopped by a flag, not by cancellation: a cancelled call would count as a failure. At least one
            // call, even when the task starts only after the hostile call ended (a loaded machine).
            repeat {
                n += 1
                let result = await provider.call("add", "{\"a\": \(n), \"b\": 1}")
                let expected = "\(n + 1)"
                tally.counts.withLock { counts in
                    if let text = result.value?.firstText, text == expected || text == expected + ".0" {
                        counts.succeeded += 1
                    } else {
                        counts.failed.append("\(result)")
                    }
                }
                try? await Task.sleep(for: .milliseconds(2))
            } while !tally.stopped.load(ordering: .relaxed)
        }
    }

    /// Stops and returns how many calls succeeded and the failures.
    func finish() async -> (succeeded: Int, failed: [String]) {
        tally.stopped.store(true, ordering: .relaxed)
        await task.value
        return tally.counts.withLock { $0 }
    }
}

/// Collects what a provider logs or reports, from any thread.
final class Recorder<Item: Sendable>: Sendable {
    private let items = Mutex<[Item]>([])
    func add(_ item: Item) { items.withLock { $0.append(item) } }
    var all: [Item] { items.withLock { $0 } }
}

/// Every sandbox suite runs inside this one, one test at a time: each test starts several worker processes and
/// some burn CPU on purpose, which run side by side would starve the rest of the package's tests on a 2-core CI.
@Suite("Sandboxed providers", .serialized)
struct SandboxTests {}
