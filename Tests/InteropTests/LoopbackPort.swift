import PlugboardTestSupport

/// Loopback TCP ports for the HTTP server under test.
enum LoopbackPort {
    static func free() throws -> Int {
        guard let port = Loopback.freePort() else { throw ChildProcess.Failure(description: "could not bind a loopback port (127.0.0.1:0)") }
        return port
    }

    static func accepts(_ port: Int) -> Bool { Loopback.accepts(port) }
}
