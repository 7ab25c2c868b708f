import Foundation

/// The real `plugboard` executable serving Streamable HTTP on a loopback port, for one test.
final class PlugboardServer: Sendable {
    let port: Int
    private let child: ChildProcess

    /// `plugboard serve --http` on `port` (nil: a free one), with `arguments` after (a `--config` among them, say).
    static func startHTTP(_ arguments: [String] = [], port: Int? = nil) async throws -> PlugboardServer {
        let port = try port ?? LoopbackPort.free()
        let child = try ChildProcess(
            try InteropEnvironment.plugboard(), ["serve", "--http", "127.0.0.1:\(port)"] + arguments,
            directory: InteropEnvironment.packageRoot)
        let deadline = ContinuousClock.now + .seconds(30)
        while !LoopbackPort.accepts(port) {
            guard child.isRunning else {
                throw ChildProcess.Failure(description: "`\(child.commandLine)` exited at start:\n\(child.stderrText)")
            }
            guard ContinuousClock.now < deadline else {
                child.stop()
                throw ChildProcess.Failure(description: """
                    `\(child.commandLine)` did not listen on 127.0.0.1:\(port) within 30 s:
                    \(child.stderrText)
                    """)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return PlugboardServer(port: port, child: child)
    }

    private init(port: Int, child: ChildProcess) {
        self.port = port
        self.child = child
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    var stderrText: String { child.stderrText }
    var isRunning: Bool { child.isRunning }

    var pid: Int32 { child.pid }

    /// Waits for the server to exit by itself (after a SIGTERM, say); its exit status.
    func exitStatus(within seconds: Double) async throws -> Int32 { try await child.finish(within: seconds).status }

    func stop() { child.stop() }
}
