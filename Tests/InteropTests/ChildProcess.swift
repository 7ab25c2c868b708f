import Foundation

/// A child process whose output goes to temporary files (so a chatty child can never block on a full pipe), with
/// a deadline: the interop tests must fail, not hang, when a client or the server stalls.
final class ChildProcess: @unchecked Sendable {  // the Process is only touched under `lock`
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Output: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    private let process = Process()
    private let lock = NSLock()
    private let stdoutFile: URL
    private let stderrFile: URL
    let commandLine: String

    /// `stdin`/`stdout` pipes are for a child the caller talks to; without them stdin is empty and stdout a file.
    init(_ executable: URL, _ arguments: [String], directory: URL? = nil, stdin: Pipe? = nil, stdout: Pipe? = nil)
        throws
    {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("plugboard-interop-\(UUID().uuidString)")
        stdoutFile = scratch.appendingPathExtension("out")
        stderrFile = scratch.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let stdin { process.standardInput = stdin } else { process.standardInput = FileHandle.nullDevice }
        if let stdout { process.standardOutput = stdout } else {
            process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        }
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        commandLine = ([executable.path] + arguments).joined(separator: " ")
        try process.run()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: stdoutFile)
        try? FileManager.default.removeItem(at: stderrFile)
    }

    var isRunning: Bool { lock.withLock { process.isRunning } }

    var pid: Int32 { process.processIdentifier }

    var stderrText: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Waits for the child to exit by itself; past the deadline it is killed and this throws with its stderr.
    func finish(within seconds: Double) async throws -> Output {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while isRunning {
            if ContinuousClock.now >= deadline {
                stop()
                throw Failure(description: """
                    `\(commandLine)` did not finish within \(seconds) s; killed. Its stderr:
                    \(stderrText)
                    """)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let stdout = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
        return Output(status: lock.withLock { process.terminationStatus }, stdout: stdout, stderr: stderrText)
    }

    /// SIGTERM, a moment to drain, then SIGKILL.
    func stop() {
        lock.withLock {
            guard process.isRunning else { return }
            process.terminate()
            for _ in 0..<40 where process.isRunning { usleep(25_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }
}
