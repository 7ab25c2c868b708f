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
    private let process = Process()
    private let lock = NSLock()
    private let directory: URL

    public var url: String { "redis://127.0.0.1:\(port)" }

    /// `port`: a given one (to start Redis again where clients expect it); nil: a free one.
    public init(password: String? = nil, port: Int? = nil) throws {
        guard let binary = ["/usr/bin/redis-server", "/usr/sbin/redis-server"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "redis-server is not installed; run scripts/bootstrap (it installs Debian's redis-server)")
        }
        guard let port = port ?? Loopback.freePort() else { throw Failure(description: "no free loopback port for redis-server") }
        self.port = port
        self.password = password
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("plugboard-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--daemonize", "no", "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path]
            + (password.map { ["--requirepass", $0] } ?? [])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while true {
            if let fd = Loopback.connect(port: port) {
                close(fd)
                break
            }
            guard process.isRunning, Date() < deadline else {
                let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
                stop()
                throw Failure(description: "redis-server did not listen on 127.0.0.1:\(port):\n\(log)")
            }
            usleep(20_000)
        }
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
