import Foundation
import PlugboardTestSupport

/// `plugboard serve --http` on a free loopback port, with a client connected to it.
func startHTTPServer(_ extra: [String] = []) async throws -> (ServerProcess, HTTPTestClient) {
    let port = HTTPTestClient.freePort()
    let server = try ServerProcess(["--http", "127.0.0.1:\(port)"] + extra)
    let client = HTTPTestClient(port: port)
    guard await client.waitUntilReady() else { throw HTTPStartFailure(port: port) }
    return (server, client)
}

struct HTTPStartFailure: Error { let port: Int }

let initializeBody = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}}"#

/// Runs blocking socket work on a thread of its own, so it never occupies the (two-thread) cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
