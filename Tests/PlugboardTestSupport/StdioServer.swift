import Foundation
import PlugboardJSON
import Synchronization

/// A real `plugboard serve --stdio` process: send it JSON-RPC lines, wait for the lines it answers.
public final class StdioServer: @unchecked Sendable {
    public let process = Process()
    private let input: FileHandle
    /// What the reader threads collect.
    private final class Output: Sendable {
        let lines = Mutex<[String]>([])
        let errors = Mutex<String>("")
    }
    private let output = Output()

    public init(arguments: [String], in directory: String = BuildProducts.repository) throws {
        process.executableURL = URL(fileURLWithPath: BuildProducts.plugboard)
        process.arguments = ["serve", "--stdio"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        input = stdin.fileHandleForWriting
        try process.run()
        let output = self.output
        Thread.detachNewThread {
            var pending = Data()
            while case let chunk = stdout.fileHandleForReading.availableData, !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    output.lines.withLock { $0.append(line) }
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
        }
        Thread.detachNewThread {
            while case let chunk = stderr.fileHandleForReading.availableData, !chunk.isEmpty {
                output.errors.withLock { $0 += String(decoding: chunk, as: UTF8.self) }
            }
        }
    }

    public func send(_ line: String) { input.write(Data((line + "\n").utf8)) }

    /// Everything the server wrote to stderr so far.
    public var stderr: String { output.errors.withLock { $0 } }

    /// The first unread line satisfying `match`, waiting up to `seconds`; earlier unmatched lines stay queued.
    public func next(within seconds: Double = 20, where match: (JSONValue) -> Bool = { _ in true }) async -> JSONValue? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let found: JSONValue? = output.lines.withLock { queue in
                for (index, line) in queue.enumerated() {
                    if let value = try? JSONParser.parse(line), match(value) {
                        queue.remove(at: index)
                        return value
                    }
                }
                return nil
            }
            if let found { return found }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Sends a request and waits for the response with its id.
    public func request(_ id: Int, _ method: String, _ params: String = "{}") async -> JSONValue? {
        send(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#)
        return await next { $0["id"]?.int64Value == Int64(id) }
    }

    /// The legacy handshake.
    public func initialize() async -> JSONValue? {
        let answer = await request(0, "initialize", #"{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}"#)
        send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        return answer
    }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Closes stdin and waits (bounded) for the exit status.
    public func finish(within seconds: Double = 20) async -> Int32? {
        try? input.close()
        let deadline = ContinuousClock.now + .seconds(seconds)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }
}
