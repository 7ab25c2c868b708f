import Foundation
import Glibc

/// Three `plugboard serve --http` replicas of one deployment, sharing a session key, behind a real nginx that
/// balances them round-robin with no affinity: what a platform runs behind its load balancer.
final class ReplicaFleet: @unchecked Sendable {
    let directory: URL
    let ports: [Int]
    let port: Int
    private let config: String
    private let lock = NSLock()
    private var replicas: [PlugboardServer?]
    private let nginx: ChildProcess

    /// `runtime` is the replicas' configuration, given the path of the session key file they share.
    static func start(count: Int = 3, runtime: (_ keyFile: String) -> String) async throws -> ReplicaFleet {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plugboard-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keyFile = directory.appendingPathComponent("session.key").path
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try (key.base64EncodedString() + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("runtime.json").path
        try runtime(keyFile).write(toFile: config, atomically: true, encoding: .utf8)
        var replicas: [PlugboardServer?] = []
        for _ in 0..<count { replicas.append(try await PlugboardServer.startHTTP(["--config", config])) }
        let ports = replicas.map { $0!.port }
        let port = try LoopbackPort.free()
        let nginx = try await Self.startNginx(directory: directory, port: port, upstreams: ports)
        return ReplicaFleet(directory: directory, ports: ports, port: port, config: config, replicas: replicas, nginx: nginx)
    }

    private init(directory: URL, ports: [Int], port: Int, config: String, replicas: [PlugboardServer?], nginx: ChildProcess) {
        self.directory = directory
        self.ports = ports
        self.port = port
        self.config = config
        self.replicas = replicas
        self.nginx = nginx
    }

    /// The balancer's URL for `path`: what clients are given.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func replica(_ index: Int) -> PlugboardServer? { lock.withLock { replicas[index] } }

    /// SIGTERM: the replica drains (its /readyz answers 503, it finishes what runs) and exits.
    func terminate(_ index: Int) async throws -> Int32? {
        guard let replica = replica(index) else { return nil }
        kill(replica.pid, SIGTERM)
        let status = try await replica.exitStatus(within: 30)
        lock.withLock { replicas[index] = nil }
        return status
    }

    /// SIGKILL: the replica dies with whatever it was running.
    func kill9(_ index: Int) async throws {
        guard let replica = replica(index) else { return }
        kill(replica.pid, SIGKILL)
        _ = try await replica.exitStatus(within: 30)
        lock.withLock { replicas[index] = nil }
    }

    /// The replica started again on its port, with the same configuration.
    func restart(_ index: Int) async throws {
        let started = try await PlugboardServer.startHTTP(["--config", config], port: ports[index])
        lock.withLock { replicas[index] = started }
    }

    var logs: String {
        let replicaLogs = lock.withLock { replicas.enumerated().map { "replica \($0.offset): \($0.element?.stderrText ?? "(stopped)")" } }
        let errorLog = (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        return (replicaLogs + ["nginx: \(errorLog)"]).joined(separator: "\n")
    }

    func stop() {
        nginx.stop()
        lock.withLock { for replica in replicas { replica?.stop() } }
        try? FileManager.default.removeItem(at: directory)
    }

    /// nginx as an unprivileged foreground process, its files in `directory`, with the configuration the
    /// deployment guide ships (deploy/nginx/plugboard.conf): round-robin, no affinity, streams unbuffered, and
    /// the next replica tried when one cannot be reached.
    private static func startNginx(directory: URL, port: Int, upstreams: [Int]) async throws -> ChildProcess {
        guard let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ChildProcess.Failure(description: "nginx is not installed; run scripts/bootstrap (it installs Debian's nginx)")
        }
        let path = directory.path
        // The deployment guide's file as shipped, with this test's ports for its 8100 (nginx) and 8101-8103.
        let shipped = InteropEnvironment.packageRoot.appendingPathComponent("deploy/nginx/plugboard.conf")
        var site = try String(contentsOf: shipped, encoding: .utf8).replacingOccurrences(of: "127.0.0.1:8100", with: "127.0.0.1:\(port)")
        for (index, upstream) in upstreams.enumerated() {
            site = site.replacingOccurrences(of: "127.0.0.1:\(8101 + index)", with: "127.0.0.1:\(upstream)")
        }
        let included = directory.appendingPathComponent("plugboard.conf").path
        try site.write(toFile: included, atomically: true, encoding: .utf8)
        let conf = """
            worker_processes 1;
            daemon off;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path \(path)/body;
              proxy_temp_path \(path)/proxy;
              fastcgi_temp_path \(path)/fastcgi;
              uwsgi_temp_path \(path)/uwsgi;
              scgi_temp_path \(path)/scgi;
              include \(included);
            }
            """
        let file = directory.appendingPathComponent("nginx.conf").path
        try conf.write(toFile: file, atomically: true, encoding: .utf8)
        let child = try ChildProcess(URL(fileURLWithPath: binary), ["-p", path, "-c", file, "-e", "\(path)/error.log"])
        let deadline = ContinuousClock.now + .seconds(15)
        while !LoopbackPort.accepts(port) {
            guard child.isRunning, ContinuousClock.now < deadline else {
                child.stop()
                let log = (try? String(contentsOfFile: "\(path)/error.log", encoding: .utf8)) ?? ""
                throw ChildProcess.Failure(description: "nginx did not listen on 127.0.0.1:\(port):\n\(child.stderrText)\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return child
    }
}
