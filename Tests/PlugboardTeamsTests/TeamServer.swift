import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Synchronization

/// A bearer token minted by the real `plugboard token mint`: the secret for the client, the line for the config.
struct MintedToken: Sendable {
    let secret: String
    let id: String
    let sha256: String

    static func mint(team: String, id: String) async throws -> MintedToken {
        let run = try await CommandRun.plugboard("token", "mint", "--team", team, "--id", id)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        guard run.status == 0, lines.count == 2, let line = try? JSONParser.parse(lines[1]),
              let hash = line["sha256"]?.stringValue, line["id"]?.stringValue == id else {
            throw SetupFailure("token mint printed an unexpected answer: \(run.stdout) \(run.stderr)")
        }
        return MintedToken(secret: lines[0], id: id, sha256: hash)
    }

    /// The JSON for `tokens`.
    func entry(revoked: Bool = false) -> String {
        #"{"id":"\#(id)","sha256":"\#(sha256)"\#(revoked ? #","revoked":true"# : "")}"#
    }
}

struct SetupFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The deployment every team test runs against: the real `plugboard serve --http` with three teams.
///   operator: `hello` (greeter, shared with every team), `ops` (notes, the operator's own: no team sees it)
///   alpha:    `alpha` (calculator), `alphab` (the behaviours fixture) — at most 2 calls in flight, replies ≤ 1024 bytes
///   beta:     `beta` (notes) — requests ≤ 2048 bytes
///   gamma:    `gamma` (the hostile fixture) — 2 calls per second
struct TeamDeployment: Sendable {
    let alpha: MintedToken, alphaRevoked: MintedToken, beta: MintedToken, gamma: MintedToken
    let directory: String
    let behaviours: String
    let hostile: String
    var configPath: String { directory + "/runtime.json" }
    var auditPath: String { directory + "/audit.log" }
    /// What the server wrote to stderr, the last 4 KiB: for the message of a failed expectation.
    var stderrLog: String {
        String(((try? String(contentsOfFile: directory + "/stderr.log", encoding: .utf8)) ?? "").suffix(4096))
    }

    /// The audit log's lines as written so far, parsed.
    func auditLines() -> [JSONValue] {
        let text = (try? String(contentsOfFile: auditPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
    }

    static func make() async throws -> TeamDeployment {
        let directory = BuildProducts.temporaryDirectory("teams")
        let behaviours = try await Fixtures.compile("behaviours", into: directory)
        let hostile = try await Fixtures.compile("hostile", into: directory)
        let deployment = TeamDeployment(
            alpha: try await .mint(team: "alpha", id: "alpha-ci"), alphaRevoked: try await .mint(team: "alpha", id: "alpha-old"),
            beta: try await .mint(team: "beta", id: "beta-ci"), gamma: try await .mint(team: "gamma", id: "gamma-ci"),
            directory: directory, behaviours: behaviours, hostile: hostile)
        try deployment.writeConfig()
        return deployment
    }

    func writeConfig(betaMounts: String? = nil, stdioTeam: String? = nil, limits: String = "{}") throws {
        let products = BuildProducts.directory
        let config = """
        {
          "mounts": [
            { "namespace": "hello", "file": "\(products)/libgreeter.so", "shared": true },
            { "namespace": "ops", "file": "\(products)/libnotes.so" }
          ],
          "surfaces": [ { "name": "mcp", "path": "/mcp" } ],
          "teams": [
            { "name": "alpha",
              "mounts": [ { "namespace": "alpha", "file": "\(products)/libcalculator.so" },
                          { "namespace": "alphab", "file": "\(behaviours)" } ],
              "tokens": [ \(alpha.entry()), \(alphaRevoked.entry(revoked: true)) ],
              "sandbox": { "call_deadline_ms": 10000 },
              "quotas": { "max_concurrent_calls": 2, "max_response_bytes": 1024 } },
            { "name": "beta",
              "mounts": \(betaMounts ?? #"[ { "namespace": "beta", "file": "\#(products)/libnotes.so" } ]"#),
              "tokens": [ \(beta.entry()) ],
              "quotas": { "max_request_bytes": 2048 } },
            { "name": "gamma",
              "mounts": [ { "namespace": "gamma", "file": "\(hostile)" } ],
              "tokens": [ \(gamma.entry()) ],
              "quotas": { "calls_per_second": 2 } }
          ],
          "transports": { "stdio": { "surface": "mcp"\(stdioTeam.map { #", "team": "\#($0)""# } ?? "") }, "limits": \(limits) },
          "audit": { "file": "audit.log" }
        }
        """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }
}

/// Test fixtures from Tests/Fixtures, compiled with the guide's one line.
enum Fixtures {
    static func compile(_ name: String, into directory: String) async throws -> String {
        try await FixtureBuilds.fixture(name, into: directory)
    }
}

/// `plugboard serve --http` on a free loopback port with the deployment's config; stderr goes to a file.
final class TeamServer: Sendable {
    let process: Process
    let http: LoopbackHTTP
    let deployment: TeamDeployment
    private let exited: AsyncStream<Int32>
    var stderrPath: String { deployment.directory + "/stderr.log" }

    private init(process: Process, http: LoopbackHTTP, deployment: TeamDeployment, exited: AsyncStream<Int32>) {
        self.process = process
        self.http = http
        self.deployment = deployment
        self.exited = exited
    }

    static func start(_ deployment: TeamDeployment) async throws -> TeamServer {
        let port = LoopbackHTTP.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.plugboard)
        process.arguments = ["serve", "--http", "127.0.0.1:\(port)", "--config", deployment.configPath]
        process.currentDirectoryURL = URL(fileURLWithPath: deployment.directory)
        _ = FileManager.default.createFile(atPath: deployment.directory + "/stderr.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: deployment.directory + "/stderr.log")
        process.standardOutput = FileHandle.nullDevice
        let (exited, continuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { continuation.yield($0.terminationStatus); continuation.finish() }
        try process.run()
        let server = TeamServer(process: process, http: LoopbackHTTP(port: port), deployment: deployment, exited: exited)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let reply = await server.http.post(#"{"jsonrpc":"2.0","id":0,"method":"ping"}"#, token: nil), reply.status == 401 { return server }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        let log = (try? String(contentsOfFile: deployment.directory + "/stderr.log", encoding: .utf8)) ?? ""
        throw SetupFailure("plugboard serve did not come up on port \(port):\n\(log)")
    }

    /// Runs `body` against a fresh server and always stops it (SIGTERM: the audit trail is flushed).
    static func with(_ body: (TeamServer) async throws -> Void) async throws {
        try await run(try await start(try await TeamDeployment.make()), body)
    }

    /// Runs `body` against `server` and always stops it.
    static func run(_ server: TeamServer, _ body: (TeamServer) async throws -> Void) async throws {
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func stop() async {
        if process.isRunning { process.terminate() }
        var iterator = exited.makeAsyncIterator()
        _ = await iterator.next()
    }

    func reload() { kill(process.processIdentifier, SIGHUP) }

    /// The audit log's lines, parsed (waits until `until` holds, at most 10 s).
    func auditLines(until: ([JSONValue]) -> Bool = { _ in true }) async -> [JSONValue] {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let lines = deployment.auditLines()
            if until(lines) || ContinuousClock.now > deadline { return lines }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
