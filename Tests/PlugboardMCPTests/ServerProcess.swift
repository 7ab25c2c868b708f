import Foundation
import PlugboardJSON
import Synchronization

/// The real `plugboard` executable from the build products directory (beside this test bundle), started with
/// `serve` and the given arguments. Lines on its stdout are collected as messages.
final class ServerProcess: Sendable {
    static var productsDirectory: URL {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: me).deletingLastPathComponent()
        // The test runner may live inside PlugboardPackageTests.xctest/…; walk up to the directory holding `plugboard`.
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("plugboard").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url
    }

    let process: Process
    private let stdin: FileHandle
    private final class Inbox: Sendable {
        let state = Mutex<(messages: [JSONValue], raw: [String], partial: [UInt8])>(([], [], []))
    }
    private let inbox = Inbox()

    init(_ arguments: [String]) throws {
        process = Process()
        process.executableURL = Self.productsDirectory.appendingPathComponent("plugboard")
        process.arguments = ["serve"] + arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        stdin = input.fileHandleForWriting
        output.fileHandleForReading.readabilityHandler = { [inbox] handle in
            let data = handle.availableData
            inbox.state.withLock { state in
                state.partial += data
                while let newline = state.partial.firstIndex(of: 0x0A) {
                    let line = Array(state.partial[..<newline])
                    state.partial.removeSubrange(...newline)
                    state.raw.append(String(decoding: line, as: UTF8.self))
                    state.messages.append((try? JSONParser.parse(line)) ?? .string("UNPARSEABLE: " + String(decoding: line, as: UTF8.self)))
                }
            }
        }
        try process.run()
    }

    deinit { if process.isRunning { process.terminate() } }

    func send(_ line: String) { sendBytes(Array(line.utf8) + [0x0A]) }
    func sendBytes(_ bytes: [UInt8]) { try? stdin.write(contentsOf: Data(bytes)) }
    func closeInput() { try? stdin.close() }

    var messages: [JSONValue] { inbox.state.withLock { $0.messages } }
    var rawLines: [String] { inbox.state.withLock { $0.raw } }

    /// Waits for the first message matching `predicate`; nil after `timeout`.
    func waitFor(timeout: Duration = .seconds(10), _ predicate: (JSONValue) -> Bool) async -> JSONValue? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = messages.first(where: predicate) { return found }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// The response to request `id` (a JSON literal such as `7` or `"a"`).
    func response(_ id: String, timeout: Duration = .seconds(10)) async -> JSONValue? {
        let wanted = try! JSONParser.parse(id)
        return await waitFor(timeout: timeout) { $0["id"] == wanted && ($0["result"] != nil || $0["error"] != nil) }
    }

    /// Sends a request and waits for its response.
    func call(_ id: Int, _ method: String, _ params: String = "{}") async -> JSONValue? {
        send(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#)
        return await response(String(id))
    }

    func initialize(version: String = "2025-11-25") async -> JSONValue? {
        let reply = await call(0, "initialize", #"{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}"#)
        send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        return reply
    }

    /// Waits for exit; false if it is still running after `timeout`.
    func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return !process.isRunning
    }

    /// Resident memory of the server in KiB, from /proc.
    var residentKiB: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
}

extension JSONValue {
    /// Member access through arrays by index too: `value[path: "result", "tools", 0, "name"]`.
    subscript(path path: Any...) -> JSONValue? {
        var current: JSONValue? = self
        for step in path {
            if let key = step as? String { current = current?[key] }
            else if let index = step as? Int, let array = current?.arrayValue, array.indices.contains(index) { current = array[index] }
            else { return nil }
        }
        return current
    }
}

/// Stateless-era `_meta` for a request.
func statelessMeta(_ version: String = "2026-07-28", extra: String = "") -> String {
    #""_meta":{"io.modelcontextprotocol/protocolVersion":"\#(version)","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"tests","version":"1"}\#(extra)}"#
}
