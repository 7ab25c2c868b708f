import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

extension ServerTests {
/// `subscriptions/listen` and tasks at their bounds and with bad input, against the real server: every refusal
/// names what was wrong or which limit was reached, and nothing already open is disturbed.
@Suite struct ListenAndTaskLimitsTests {
    /// bundled calculator and notes; one stream per client, one task in all, calls become tasks at once.
    static func config() throws -> String {
        let directory = BuildProducts.temporaryDirectory("limits")
        let path = directory + "/runtime.json"
        try Data(#"""
            {"plugin_directories":["${bundled}"],
             "mounts":[{"namespace":"math","provider":"calculator"},{"namespace":"notes","provider":"notes"}],
             "transports":{"limits":{"max_subscriptions_per_client":1,"max_tasks":1,"run_as_task_after_ms":0}}}
            """#.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let tasksMeta = statelessMeta(extra: "").replacingOccurrences(
        of: #""io.modelcontextprotocol/clientCapabilities":{}"#,
        with: #""io.modelcontextprotocol/clientCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}"#)

    static func listenBody(_ id: String, _ notifications: String, meta: String = statelessMeta()) -> String {
        #"{"jsonrpc":"2.0","id":"\#(id)","method":"subscriptions/listen","params":{"notifications":\#(notifications),\#(meta)}}"#
    }

    static let listenHeaders = ["Content-Type": "application/json", "Accept": "text/event-stream",
                                "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "subscriptions/listen"]

    @Test func httpListenStreamsAreBoundedAndBadFiltersAreNamed() async throws {
        let (server, client) = try await startHTTPServer(["--config", try Self.config()])
        _ = server
        let opened = await EventStreamClient.open(port: client.port, headers: Self.listenHeaders,
                                                  body: Self.listenBody("first", #"{"toolsListChanged":true}"#))
        let first = try #require(opened)
        #expect(first.status == 200 && first.headers["content-type"] == "text/event-stream")
        #expect(await first.next()?[path: "params", "_meta", "io.modelcontextprotocol/subscriptionId"] == .string("first"))

        let second = try #require(await EventStreamClient.open(port: client.port, headers: Self.listenHeaders,
                                                               body: Self.listenBody("second", #"{"toolsListChanged":true}"#)))
        #expect(second.status == 429)
        #expect(second.refusal?[path: "error", "code"] == .number("-32040"))
        #expect(second.refusal?[path: "error", "data", "quota"] == .string("max_subscriptions_per_client"))
        #expect(second.refusal?[path: "error", "message"]?.stringValue?.contains("max_subscriptions_per_client = 1") == true)

        let unknown = client.post("/mcp", Self.listenBody("odd", #"{"toolsListChanged":true,"catalogExploded":true}"#),
                                  headers: Self.listenHeaders)
        #expect(unknown?.json?[path: "error", "code"] == .number("-32602"))
        let message = unknown?.json?[path: "error", "message"]?.stringValue ?? ""
        #expect(message.contains("unknown notification kind 'catalogExploded'") && message.contains("toolsListChanged"), "\(message)")
        let notFlag = client.post("/mcp", Self.listenBody("odd2", #"{"toolsListChanged":"yes"}"#), headers: Self.listenHeaders)
        #expect(notFlag?.json?[path: "error", "message"]?.stringValue?.contains("toolsListChanged must be a boolean") == true)

        var jsonOnly = Self.listenHeaders
        jsonOnly["Accept"] = "application/json"
        #expect(client.post("/mcp", Self.listenBody("json", #"{"toolsListChanged":true}"#), headers: jsonOnly)?.status == 406)

        // The first stream is still open and answered nothing more: a catalog it did not ask about stays quiet.
        #expect(await first.next() == nil)
    }

    @Test func tasksAreBoundedAndTheLimitIsNamed() async throws {
        let (server, client) = try await startHTTPServer(["--config", try Self.config()])
        _ = server
        let headers = ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "notes_reindex"]
        let call = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"notes_reindex","arguments":{},\#(Self.tasksMeta)}}"#
        let task = client.post("/mcp", call, headers: headers)?.json
        #expect(task?[path: "result", "resultType"] == .string("task"))
        let refused = client.post("/mcp", call, headers: headers)?.json
        #expect(refused?[path: "error", "code"] == .number("-32040"))
        #expect(refused?[path: "error", "data", "quota"] == .string("max_tasks"))
        #expect(refused?[path: "error", "message"]?.stringValue?.contains("max_tasks = 1") == true)
        // A client that does not declare the extension is not counted: its call blocks and answers as before.
        let plain = client.post("/mcp", #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"notes_reindex","arguments":{},\#(statelessMeta())}}"#,
                                headers: headers)?.json
        #expect(plain?[path: "result", "content", 0, "text"] == .string("reindexed"))
        let update = client.post("/mcp", #"{"jsonrpc":"2.0","id":3,"method":"tasks/update","params":{"taskId":"\#(task?[path: "result", "taskId"]?.stringValue ?? "")","inputResponses":{},\#(Self.tasksMeta)}}"#,
                                 headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tasks/update"])?.json
        #expect(update?[path: "error", "message"]?.stringValue?.contains("is not waiting for input") == true)
    }

    @Test func stdioStreamsAreTaggedEndOnCancelAndCloseWithTheirResult() async throws {
        let config = try Self.config()
        let server = try ServerProcess(["--config", config, "--stdio"])
        func listen(_ id: String) { server.send(Self.listenBody(id, #"{"toolsListChanged":true,"promptsListChanged":true}"#)) }
        func tagged(_ id: String, _ method: String) -> (JSONValue) -> Bool {
            { $0["method"]?.stringValue == method && $0[path: "params", "_meta", "io.modelcontextprotocol/subscriptionId"] == .string(id) }
        }
        listen("s1")
        #expect(await server.waitFor(tagged("s1", "notifications/subscriptions/acknowledged")) != nil)
        listen("s2")
        #expect(await server.response(#""s2""#)?[path: "error", "data", "quota"] == .string("max_subscriptions_per_client"))

        // The operator drops the notes mount: tools and prompts change, each announced once on the stream.
        try Data(#"{"plugin_directories":["${bundled}"],"mounts":[{"namespace":"math","provider":"calculator"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: config))
        kill(server.process.processIdentifier, SIGHUP)
        #expect(await server.waitFor(tagged("s1", "notifications/tools/list_changed")) != nil)
        #expect(await server.waitFor(tagged("s1", "notifications/prompts/list_changed")) != nil)
        let resourceChanges = server.messages.filter { $0["method"]?.stringValue == "notifications/resources/list_changed" }
        #expect(resourceChanges.isEmpty, "resources were not asked for")

        // Cancelled by the client: no result, and its place is free again.
        server.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"s1"}}"#)
        listen("s3")
        #expect(await server.waitFor(tagged("s3", "notifications/subscriptions/acknowledged")) != nil)
        server.closeInput()
        let end = await server.response(#""s3""#)
        #expect(end?[path: "result", "resultType"] == .string("complete"))
        #expect(end?[path: "result", "_meta", "io.modelcontextprotocol/subscriptionId"] == .string("s3"))
        #expect(end?[path: "result", "_meta", "io.modelcontextprotocol/serverInfo", "name"] == .string("plugboard"))
        #expect(await server.waitForExit(timeout: .seconds(10)))
        let s1Results = server.messages.filter { $0["id"] == .string("s1") }
        #expect(s1Results.isEmpty, "a cancelled stream gets no result")
    }

    @Test func handshakeSessionsAreToldListenBelongsTo2026() async throws {
        let server = try ServerProcess(["--stdio"])
        _ = await server.initialize()
        let reply = await server.call(1, "subscriptions/listen", #"{"notifications":{"toolsListChanged":true}}"#)
        #expect(reply?[path: "error", "code"] == .number("-32601"))
        #expect(reply?[path: "error", "message"]?.stringValue?.contains("2026-07-28") == true)
    }
}
}
