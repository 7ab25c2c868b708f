import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

extension InteropSuite {
    /// The tasks extension (SEP-2663) through `fastmcp.Client` with `fastmcp-tasks`, the client half its users
    /// install, against the real `plugboard` over both transports (Tests/Interop/tasks_client.py).
    @Suite("Tasks through fastmcp-tasks")
    struct TasksClient {
        enum Transport: String, CaseIterable, Sendable { case stdio, http }

        @Test("notes_reindex runs as a task: polled to completion, cancelled midway; quick calls stay plain",
              arguments: Transport.allCases)
        func reindexAsATask(transport: Transport) async throws {
            let root = BuildProducts.temporaryDirectory("tasks")
            let config = root + "/runtime.json", audit = root + "/audit.log"
            try Data(#"""
                {"plugin_directories":["${bundled}"],
                 "mounts":[{"namespace":"math","provider":"calculator"},{"namespace":"notes","provider":"notes"}],
                 "audit":{"file":"audit.log"}}
                """#.utf8).write(to: URL(fileURLWithPath: config))
            let observed: JSONValue
            switch transport {
            case .http:
                let server = try await PlugboardServer.startHTTP(["--config", config])
                defer { server.stop() }
                observed = try await PythonScript.observe(["tasks_client.py", "--http", server.url("/mcp")], server: server,
                                                          what: "tasks over HTTP")
            case .stdio:
                let plugboard = try InteropEnvironment.plugboard().path
                observed = try await PythonScript.observe(
                    ["tasks_client.py", "--stdio", plugboard, "serve", "--config", config, "--stdio"], what: "tasks over stdio")
            }
            #expect(observed["protocolVersion"]?.stringValue == "2026-07-28")
            #expect(observed["transparent", "text"]?.stringValue == "reindexed", "call_tool drives the task to its result")

            let created = observed["created"]
            #expect(created?["resultType"]?.stringValue == "task")
            #expect(created?["status"]?.stringValue == "working")
            #expect(created?["taskId"]?.stringValue?.count == 32, "a 128-bit handle: \(created?.text ?? "nil")")
            #expect((created?["pollIntervalMs"]?.doubleValue ?? 0) > 0 && (created?["ttlMs"]?.doubleValue ?? 0) > 0)
            let polled = observed["polled"]?.arrayValue ?? []
            #expect(polled.dropLast().allSatisfy { $0["status"]?.stringValue == "working" && $0["result"] == nil })
            #expect(polled.contains { $0["statusMessage"]?.stringValue?.hasPrefix("indexing (") == true },
                    "progress shows in the status message: \(polled.map(\.text))")
            #expect(polled.last?["status"]?.stringValue == "completed")
            #expect(polled.last?["result", "content"]?.arrayValue?.first?["text"]?.stringValue == "reindexed", "tasks/get carries the result")
            #expect(observed["result", "text"]?.stringValue == "reindexed")

            for key in ["cancelled", "cancelledLater", "cancelledTwice"] {
                #expect(observed[key, "status"]?.stringValue == "cancelled", "\(key): \(observed[key]?.text ?? "nil")")
                #expect(observed[key, "result"] == nil)
            }
            #expect(observed["quick", "text"]?.stringValue == "5")
            #expect(observed["quickAsTask", "error", "message"]?.stringValue?.contains("did not run as a task") == true,
                    "math_add answers before it could become a task: \(observed["quickAsTask"]?.text ?? "nil")")
            #expect(observed["unknown", "error", "code"]?.doubleValue == -32602)
            #expect(observed["unknown", "error", "message"]?.stringValue
                    == "task '0123456789abcdef0123456789abcdef' does not exist or has expired")

            // The cancellation reached the plugin: its call is audited as cancelled, and it stopped sooner than the
            // reindexes that ran to the end (same log, same machine).
            func isReindex(_ line: JSONValue, _ outcome: String) -> Bool {
                line["component"]?.stringValue == "notes_reindex" && line["outcome"]?.stringValue == outcome
            }
            let lines = try await auditLines(audit, until: { $0.contains { isReindex($0, "cancelled") } })
            let cancelled = lines.filter { isReindex($0, "cancelled") }, completed = lines.filter { isReindex($0, "ok") }
            let described = lines.filter { $0["component"]?.stringValue == "notes_reindex" }.map(\.text)
            #expect(cancelled.count == 1 && completed.count == 2, "audit: \(described)")
            let stoppedAfter = cancelled.first?["duration_ms"]?.doubleValue ?? .infinity
            #expect(completed.allSatisfy { stoppedAfter < ($0["duration_ms"]?.doubleValue ?? 0) }, "audit: \(described)")
        }

        /// The audit log's lines, once `ready` holds for them (the writer may lag the answer a little).
        func auditLines(_ path: String, until ready: ([JSONValue]) -> Bool) async throws -> [JSONValue] {
            var lines: [JSONValue] = []
            for _ in 0..<100 {
                let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                lines = text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
                if ready(lines) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            return lines
        }
    }
}
