import Foundation
import PlugboardJSON
import PlugboardTestSupport

/// A local OAuth authorization server's token side (Tests/Interop/jwt_issuer.py: keys made by joserfc, their
/// JWKS served on loopback, tokens minted on request), run from the venv scripts/bootstrap makes.
final class LocalIssuer: Sendable {
    let process: Process
    let input: FileHandle
    let http: LoopbackHTTP
    var url: String { "http://127.0.0.1:\(http.port)" }

    /// `<root>/Tests/PlugboardTeamsTests/IdentityServer.swift` -> `<root>`.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    private init(process: Process, input: FileHandle, port: Int) {
        self.process = process
        self.input = input
        self.http = LoopbackHTTP(port: port)
    }

    static func start() throws -> LocalIssuer {
        let python = packageRoot + "/.venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw SetupFailure("no Python venv at \(packageRoot)/.venv: run scripts/bootstrap")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [packageRoot + "/Tests/Interop/jwt_issuer.py"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // The first line: {"port": N, ...}.
        var line: [UInt8] = []
        while true {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        guard let port = (try? JSONParser.parse(line))?["port"]?.int64Value.map(Int.init) else {
            process.terminate()
            throw SetupFailure("jwt_issuer.py did not say its port (is joserfc installed? run scripts/bootstrap)")
        }
        return LocalIssuer(process: process, input: stdin.fileHandleForWriting, port: port)
    }

    func stop() {
        try? input.close()
        process.waitUntilExit()
    }

    /// A token signed by joserfc with key `kid`, or forged (`none`, `hs256-public`).
    func mint(kid: String = "rsa-1", alg: String = "RS256", claims: JSONValue, header: JSONValue? = nil,
              forge: String? = nil) async throws -> String {
        var request: JSONObject = ["kid": .string(kid), "alg": .string(alg), "claims": claims]
        if let header { request["header"] = header }
        if let forge { request["forge"] = .string(forge) }
        guard let token = try await post("/mint", .object(request))["token"]?.stringValue else {
            throw SetupFailure("the issuer minted nothing for \(kid) \(alg)")
        }
        return token
    }

    /// `ok`, `down` (503) or `garbage` (a body that is not a JWKS).
    func mode(_ mode: String) async throws { _ = try await post("/mode", .object(["mode": .string(mode)])) }

    func publish(_ kids: [String]) async throws { _ = try await post("/publish", .object(["kids": .array(kids.map(JSONValue.string))])) }

    private func post(_ path: String, _ body: JSONValue) async throws -> JSONValue {
        var bytes: [UInt8] = []
        JSONWriter.append(body, to: &bytes)
        guard let reply = await http.send("POST", path, headers: ["Content-Type": "application/json"], body: bytes),
              reply.status == 200, let json = reply.json else {
            throw SetupFailure("the issuer did not answer POST \(path)")
        }
        return json
    }
}

/// `plugboard serve --http` with two teams whose members come with JWTs from a `LocalIssuer`: a token whose
/// `groups` holds `platform-alpha` acts for team alpha (the calculator, as `alpha_*`), `beta` for team beta.
final class IdentityServer: Sendable {
    let issuer: LocalIssuer
    let process: Process
    let http: LoopbackHTTP
    let directory: String
    var resource: String { "http://127.0.0.1:\(http.port)/mcp" }
    var auditPath: String { directory + "/audit.log" }

    private init(issuer: LocalIssuer, process: Process, http: LoopbackHTTP, directory: String) {
        self.issuer = issuer
        self.process = process
        self.http = http
        self.directory = directory
    }

    /// `rules`: the JSON array for `identity.rules`.
    static func with(rules: String = "[]", requiredScopes: String = "[]", _ body: (IdentityServer) async throws -> Void) async throws {
        let issuer = try LocalIssuer.start()
        defer { issuer.stop() }
        let server = try await start(issuer: issuer, rules: rules, requiredScopes: requiredScopes)
        do { try await body(server) } catch {
            server.stop()
            throw error
        }
        server.stop()
    }

    private static func start(issuer: LocalIssuer, rules: String, requiredScopes: String) async throws -> IdentityServer {
        let directory = BuildProducts.temporaryDirectory("identity")
        let products = BuildProducts.directory
        let config = """
        {
          "surfaces": [ { "name": "mcp", "path": "/mcp" } ],
          "teams": [
            { "name": "alpha", "mounts": [ { "namespace": "alpha", "file": "\(products)/libcalculator.so" } ] },
            { "name": "beta", "mounts": [ { "namespace": "beta", "file": "\(products)/libnotes.so" } ] }
          ],
          "identity": {
            "scopes_supported": ["mcp:tools"],
            "rules": \(rules),
            "required_scopes": \(requiredScopes),
            "issuers": [ { "issuer": "\(issuer.url)", "jwks_url": "\(issuer.url)/jwks", "team_claim": "groups",
                           "teams": { "platform-alpha": "alpha" }, "refresh_interval_seconds": 1 } ]
          },
          "audit": { "file": "audit.log" }
        }
        """
        try config.write(toFile: directory + "/runtime.json", atomically: true, encoding: .utf8)
        let port = LoopbackHTTP.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.plugboard)
        process.arguments = ["serve", "--http", "127.0.0.1:\(port)", "--config", directory + "/runtime.json"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        _ = FileManager.default.createFile(atPath: directory + "/stderr.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory + "/stderr.log")
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let server = IdentityServer(issuer: issuer, process: process, http: LoopbackHTTP(port: port), directory: directory)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, process.isRunning {
            if let reply = await server.http.post(#"{"jsonrpc":"2.0","id":0,"method":"ping"}"#, token: nil), reply.status == 401 { return server }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        let log = (try? String(contentsOfFile: directory + "/stderr.log", encoding: .utf8)) ?? ""
        throw SetupFailure("plugboard serve did not come up on port \(port):\n\(log)")
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// Claims of a valid token for team alpha, with `changes` applied (`.null` removes a claim).
    func claims(_ changes: [String: JSONValue] = [:]) -> JSONValue {
        let now = Int(Date().timeIntervalSince1970)
        var claims: JSONObject = [
            "iss": .string(issuer.url), "sub": .string("user-1"), "aud": .string(resource), "exp": .int(now + 300),
            "iat": .int(now), "nbf": .int(now - 1), "jti": .string(UUID().uuidString), "groups": .array([.string("platform-alpha")]),
        ]
        for (name, value) in changes { claims[name] = value == .null ? nil : value }
        return .object(claims)
    }

    /// The audit trail's call events so far.
    func auditedCalls() -> [JSONValue] { audited("call") }

    /// The audit trail's events of one kind so far.
    func audited(_ event: String) -> [JSONValue] {
        let text = (try? String(contentsOfFile: auditPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }.filter { $0["event"] == .string(event) }
    }

    /// `tools/call NAME ARGUMENTS`: stateless, or pinned to `version` in a handshake-era session (whose `_meta`
    /// is the request's own).
    func call(_ name: String, _ arguments: String, version: String? = nil, token: String) async -> LoopbackHTTP.Reply? {
        guard let version else { return await http.call("tools/call", #"{"name":"\#(name)","arguments":\#(arguments)}"#, token: token) }
        guard let session = await http.session(token: token) else { return nil }
        return await http.call("tools/call", #"{"name":"\#(name)","arguments":\#(arguments),"_meta":{"fastmcp":{"version":"\#(version)"}}}"#,
                               token: token, session: session)
    }

    /// `tools/call alpha_add {a: 2, b: 3}`, stateless.
    func add(token: String?, path: String = "/mcp", headers: [String: String] = [:]) async -> LoopbackHTTP.Reply? {
        var request = LoopbackHTTP.request("tools/call", #"{"name":"alpha_add","arguments":{"a":2,"b":3}}"#, id: 1, token: token, session: nil)
        request.headers.merge(headers) { $1 }
        return await http.send("POST", path, headers: request.headers, body: request.body)
    }
}
