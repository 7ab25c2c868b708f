import Foundation

/// One finished run of a command: its exit status and everything it printed.
public struct CommandRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Runs `executable` with `arguments` in `directory` to completion (ended after `timeout`), with `input` on
    /// stdin. Waiting suspends; it never blocks a thread of Swift's cooperative pool, which tests share.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, input: String = "",
        timeout: Duration = .seconds(300)
    ) async throws -> CommandRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()
        let out = PipeDrain(stdout.fileHandleForReading), err = PipeDrain(stderr.fileHandleForReading)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            process.terminate()
        }
        var iterator = exited.stream.makeAsyncIterator()
        let status = await iterator.next() ?? -1
        watchdog.cancel()
        return CommandRun(status: status, stdout: await out.text(), stderr: await err.text())
    }

    /// `plugboard ARGUMENTS`, run from the repository root (where runtime.json is).
    public static func plugboard(_ arguments: String..., input: String = "", in directory: String = BuildProducts.repository) async throws -> CommandRun {
        try await run(BuildProducts.plugboard, arguments, in: directory, input: input)
    }
}

/// Drains a pipe to its end on a thread of its own, so a chatty child never blocks on a full pipe.
private final class PipeDrain: Sendable {
    private let result: Task<String, Never>

    init(_ handle: FileHandle) {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        Thread.detachNewThread {
            continuation.yield(String(decoding: handle.readDataToEndOfFile(), as: UTF8.self))
            continuation.finish()
        }
        result = Task { await stream.first { _ in true } ?? "" }
    }

    func text() async -> String { await result.value }
}
