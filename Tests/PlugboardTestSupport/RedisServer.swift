import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real Debian `redis-server` of the test's own, on a free loopback port, with nothing persisted; stopped (and
/// its directory removed) by `stop` or when it is released.
public final class RedisServer: @unchecked Sendable {  // the Process is only touched under `lock`
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    public let password: String?
    private let process: Process
    private let lock = NSLock()
    private let directory: URL

    public var url: String { "redis://127.0.0.1:\(port)" }

    /// `port`: a given one (to start Redis again where clients expect it); nil: a free one.
    /// `port`: a given one (to start Redis again where clients expect it); nil: a free one, and another if some
    /// other process of the test run takes it first.
    public init(password: String? = nil, port: Int? = nil) throws {
        guard let binary = ["/usr/bin/redis-server", "/usr/sbin/redis-server"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "redis-server is not installed; run scripts/bootstrap (it installs Debian's redis-server)")
        }
        self.password = password
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("plugboard-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var attempts = 0
        while true {
            attempts += 1
            guard let chosen = port ?? Loopback.freePort() else { throw Failure(description: "no free loopback port for redis-server") }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["--port", String(chosen), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                 "--daemonize", "no", "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path]
                + (password.map { ["--requirepass", $0] } ?? [])
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if Self.answers(port: chosen, process: process, password: password, directory: directory.path) {
                self.port = chosen
                self.process = process
                return
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            guard port == nil, attempts < 3 else {
                let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
                try? FileManager.default.removeItem(at: directory)
                throw Failure(description: "redis-server did not answer on 127.0.0.1:\(chosen):\n\(log)")
            }
        }
    }

    /// Whether our redis-server answers: the one with our directory, not another test's that took the port first.
    private static func answers(port: Int, process: Process, password: String?, directory: String) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline {
            if let fd = Loopback.connect(port: port) {
                defer { close(fd) }
                let ask = (password.map { "AUTH \($0)\r\n" } ?? "") + "CONFIG GET dir\r\n"
                _ = ask.withCString { write(fd, $0, strlen($0)) }
                var reply = [UInt8](repeating: 0, count: 4096)
                var text = ""
                for _ in 0..<4 where !text.contains(directory) {
                    let count = read(fd, &reply, reply.count)
                    guard count > 0 else { break }
                    text += String(decoding: reply[..<count], as: UTF8.self)
                }
                if text.contains(directory) { return process.isRunning }
                if !text.isEmpty { return false }  // someone else's server
            }
            usleep(20_000)
        }
        return false
    }

    deinit { stop() }

    public var isRunning: Bool { lock.withLock { process.isRunning } }

    /// SIGKILL, as a crashed or partitioned Redis looks to its clients.
    public func stop() {
        lock.withLock {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
