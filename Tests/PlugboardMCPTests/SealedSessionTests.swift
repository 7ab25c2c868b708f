import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

extension ServerTests {
/// Handshake-era session ids carry their sealed state: hosts that share a session key serve each other's sessions
/// (replicas behind a load balancer without affinity); an id no key here sealed is the spec's 404.
@Suite struct SealedSessionTests {
    /// A host serving the bundled providers whose session ids are sealed with `keys` (files, first seals).
    static func replica(keys: [String]) async throws -> (ServerProcess, HTTPTestClient) {
        let config = NSTemporaryDirectory() + "sealed-\(UUID().uuidString).json"
        let json: JSONValue = .object([
            "plugin_directories": .array([.string("${bundled}")]),
            "mounts": .array([.object(["namespace": .string("math"), "provider": .string("calculator")])]),
            "surfaces": .array([.object(["name": .string("mcp"), "path": .string("/mcp")]),
                                .object(["name": .string("v1"), "path": .string("/v1/mcp"),
                                         "filter": .object(["version_lt": .string("2.0")])])]),
            "transports": .object(["http": .object(["session_keys": .array(keys.map { .object(["file": .string($0)]) })])]),
        ])
        try Data(json.serialized).write(to: URL(fileURLWithPath: config))
        return try await startHTTPServer(["--config", config])
    }

    /// A new random session key in a file of its own, as an operator makes one with `openssl rand -base64 32`.
    static func keyFile() throws -> String {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = NSTemporaryDirectory() + "session-\(UUID().uuidString).key"
        try Data((Data(key).base64EncodedString() + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let add = #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"math_add","arguments":{"a":2,"b":3}}}"#

    @Test("a session opened on one replica is served by another that holds the same key")
    func anyReplicaServesTheSession() async throws {
        let key = try Self.keyFile()
        let (first, one) = try await Self.replica(keys: [key])
        let (second, two) = try await Self.replica(keys: [key])
        _ = (first, second)
        let session = try #require(one.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        #expect(two.post("/mcp", #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers: ["Mcp-Session-Id": session])?.status == 202)
        let listed = two.post("/mcp", #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, headers: ["Mcp-Session-Id": session])
        #expect(listed?.status == 200)
        #expect(listed?.json?[path: "result", "tools"]?.arrayValue?.contains { $0["name"] == .string("math_add") } == true)
        let called = two.post("/mcp", Self.add, headers: ["Mcp-Session-Id": session])
        #expect(called?.json?[path: "result", "structuredContent", "result"]?.doubleValue == 5)
        #expect(one.post("/mcp", Self.add, headers: ["Mcp-Session-Id": session])?.status == 200, "and still by the first")
        // The id names its surface: on another path of the same replicas it does not exist.
        #expect(two.post("/v1/mcp", Self.add, headers: ["Mcp-Session-Id": session])?.status == 404)
    }

    @Test("a tampered, truncated, forged or foreign-key id gets 404 and a JSON-RPC error, and the host goes on")
    func idsNoKeyHereSealedAreNotFound() async throws {
        let (server, client) = try await Self.replica(keys: [try Self.keyFile()])
        let (stranger, strangerClient) = try await startHTTPServer()  // an ephemeral key of its own
        _ = (server, stranger)
        let session = try #require(client.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        let foreign = try #require(strangerClient.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        var tampered = Array(session.utf8)
        let middle = tampered.count / 2
        tampered[middle] = tampered[middle] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let bad = [String(decoding: tampered, as: UTF8.self), String(session.dropLast(4)), "pb1." + String(repeating: "A", count: 80),
                   "pb1.!!!", "not-a-session", foreign, session + session]
        for id in bad {
            let reply = client.post("/mcp", #"{"jsonrpc":"2.0","id":7,"method":"ping"}"#, headers: ["Mcp-Session-Id": id])
            #expect(reply?.status == 404, "id \(id)")
            #expect(reply?.json?[path: "error", "code"] == .number("-32600"), "id \(id)")
            #expect(reply?.json?[path: "error", "message"]?.stringValue?.contains("initialize again") == true, "id \(id)")
            #expect(client.send("GET", "/mcp", headers: ["Mcp-Session-Id": id, "Accept": "text/event-stream"])?.status == 404)
            #expect(client.send("DELETE", "/mcp", headers: ["Mcp-Session-Id": id])?.status == 404)
        }
        #expect(client.post("/mcp", Self.add, headers: ["Mcp-Session-Id": session])?.status == 200, "the real id still serves")
    }

    @Test("DELETE ends the session on the replica that gets it; a replica that shares only the key still serves it")
    func deleteEndsTheSessionOnThatReplica() async throws {
        let key = try Self.keyFile()
        let (first, one) = try await Self.replica(keys: [key])
        let (second, two) = try await Self.replica(keys: [key])
        _ = (first, second)
        let session = try #require(one.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        #expect(two.post("/mcp", Self.add, headers: ["Mcp-Session-Id": session])?.status == 200)
        #expect(one.send("DELETE", "/mcp", headers: ["Mcp-Session-Id": session])?.status == 204)
        #expect(one.post("/mcp", Self.add, headers: ["Mcp-Session-Id": session])?.status == 404)
        #expect(one.send("DELETE", "/mcp", headers: ["Mcp-Session-Id": session])?.status == 404, "ended already")
        #expect(two.post("/mcp", Self.add, headers: ["Mcp-Session-Id": session])?.status == 200)
    }

    @Test("rotation: the first key seals, every key opens")
    func keysRotate() async throws {
        let old = try Self.keyFile(), new = try Self.keyFile()
        let (before, oldOnly) = try await Self.replica(keys: [old])
        let (after, rotated) = try await Self.replica(keys: [new, old])
        _ = (before, after)
        let oldSession = try #require(oldOnly.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        #expect(rotated.post("/mcp", Self.add, headers: ["Mcp-Session-Id": oldSession])?.status == 200, "opened with the old key")
        let newSession = try #require(rotated.post("/mcp", initializeBody)?.headers["mcp-session-id"])
        #expect(rotated.post("/mcp", Self.add, headers: ["Mcp-Session-Id": newSession])?.status == 200)
        #expect(oldOnly.post("/mcp", Self.add, headers: ["Mcp-Session-Id": newSession])?.status == 404, "sealed with the new key")
    }

    @Test("a session key that cannot be used stops serve with where it was configured and what to do")
    func unusableKeysStopTheHost() async throws {
        let short = NSTemporaryDirectory() + "short-\(UUID().uuidString).key"
        try Data("c2hvcnQ=\n".utf8).write(to: URL(fileURLWithPath: short))
        let missing = NSTemporaryDirectory() + "missing-\(UUID().uuidString).key"
        for (path, expected) in [(short, "holds 5 bytes, not 32"), (missing, "cannot read the file")] {
            let config = NSTemporaryDirectory() + "badkey-\(UUID().uuidString).json"
            try Data(#"{"plugin_directories":["${bundled}"],"transports":{"http":{"session_keys":[{"file":"\#(path)"}]}}}"#.utf8)
                .write(to: URL(fileURLWithPath: config))
            let serve = Process()
            serve.executableURL = ServerProcess.productsDirectory.appendingPathComponent("plugboard")
            serve.arguments = ["serve", "--config", config, "--http", "127.0.0.1:\(HTTPTestClient.freePort())"]
            let errors = Pipe()
            serve.standardError = errors
            serve.standardOutput = FileHandle.nullDevice
            try serve.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            serve.waitUntilExit()
            #expect(serve.terminationStatus != 0)
            #expect(message.contains("transports.http.session_keys[0]"), "\(message)")
            #expect(message.contains(expected), "\(message)")
            #expect(message.contains("openssl rand -base64 32"), "\(message)")
        }
    }
}
}
