import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// `subscriptions/listen` streams and tasks under teams: each team hears of its own catalog only, and a task
/// handle of one team is, to any other, a handle that does not exist.
@Suite("Listen streams and tasks per team against the real server", .timeLimit(.minutes(2)))
struct TeamStreamsAndTasksTests {
    static let tasksMeta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}},"io.modelcontextprotocol/clientInfo":{"name":"teams-tests","version":"1"}}"#

    /// A stateless request declaring the tasks extension (or not), with the headers 2026-07-28 requires.
    static func request(_ method: String, _ params: String, id: Int = 1, token: String, tasks: Bool = true)
        -> (headers: [String: String], body: String) {
        var (headers, body) = LoopbackHTTP.request(method, params, id: id, token: token)
        var text = String(decoding: body, as: UTF8.self)
        if tasks { text = text.replacingOccurrences(of: LoopbackHTTP.statelessMeta, with: tasksMeta) }
        headers["Accept"] = "application/json, text/event-stream"
        return (headers, text)
    }

    static func text(_ value: JSONValue?) -> String { value.map { String(decoding: $0.serialized, as: UTF8.self) } ?? "nil" }

    static func send(_ http: LoopbackHTTP, _ method: String, _ params: String, id: Int = 1, token: String,
                     tasks: Bool = true) async -> LoopbackHTTP.Reply? {
        let (headers, body) = request(method, params, id: id, token: token, tasks: tasks)
        return await http.send("POST", "/mcp", headers: headers, body: Array(body.utf8))
    }

    @Test("a change to one team's catalog reaches that team's listeners, tagged with their stream, and no one else's")
    func listChangesStayWithinTheTeam() async throws {
        try await TeamServer.with { server in
            let teams = server.deployment
            func listen(_ token: String, id: String) async throws -> EventStreamClient {
                let (headers, body) = Self.request("subscriptions/listen", #"{"notifications":{"toolsListChanged":true}}"#,
                                                   token: token, tasks: false)
                let opened = await EventStreamClient.open(
                    port: server.http.port, headers: headers, body: body.replacingOccurrences(of: #""id":1"#, with: #""id":"\#(id)""#))
                let stream = try #require(opened)
                #expect(stream.status == 200, "listen refused: \(Self.text(stream.refusal))")
                let ack = await stream.next()
                #expect(ack?["method"]?.stringValue == "notifications/subscriptions/acknowledged")
                #expect(ack?[path: "params", "_meta", "io.modelcontextprotocol/subscriptionId"]?.stringValue == id)
                #expect(ack?[path: "params", "notifications"] == .object(["toolsListChanged": .bool(true)]))
                return stream
            }
            let alpha = try await listen(teams.alpha.secret, id: "alpha-stream")
            let beta = try await listen(teams.beta.secret, id: "beta-stream")

            try teams.writeConfig(betaMounts: "[]")  // beta loses its notes; alpha's catalog stays as it was
            server.reload()
            let change = await beta.next()
            #expect(change?["method"]?.stringValue == "notifications/tools/list_changed")
            #expect(change?[path: "params", "_meta", "io.modelcontextprotocol/subscriptionId"]?.stringValue == "beta-stream")
            let betaTools = await Self.send(server.http, "tools/list", "{}", token: teams.beta.secret, tasks: false)?.json
            #expect(betaTools?[path: "result", "tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["hello_greet"])
            // alpha's stream carries nothing but keep-alives: no event within its patience.
            #expect(await alpha.next() == nil, "alpha saw a change that was beta's")
        }
    }

    @Test("another team's task handle, an unknown one: the same error; the owner's task goes on undisturbed")
    func tasksAreInvisibleToOtherTeams() async throws {
        try await TeamServer.with { server in
            let http = server.http, teams = server.deployment
            let started = await Self.send(http, "tools/call", #"{"name":"beta_reindex","arguments":{}}"#, token: teams.beta.secret)?.json
            #expect(started?[path: "result", "resultType"]?.stringValue == "task", "\(Self.text(started))")
            let handle = try #require(started?[path: "result", "taskId"]?.stringValue)

            let unknown = String(repeating: "f", count: 32)
            let theirs = await Self.send(http, "tasks/get", #"{"taskId":"\#(handle)"}"#, token: teams.alpha.secret)
            let nobodys = await Self.send(http, "tasks/get", #"{"taskId":"\#(unknown)"}"#, token: teams.alpha.secret)
            #expect(theirs?.status == nobodys?.status)
            #expect(theirs?.text == nobodys?.text.replacingOccurrences(of: unknown, with: handle),
                    "another team's handle: \(theirs?.text ?? "nil")\nan unknown one: \(nobodys?.text ?? "nil")")
            #expect(theirs?.json?[path: "error", "code"]?.doubleValue == -32602)
            let cancelTheirs = await Self.send(http, "tasks/cancel", #"{"taskId":"\#(handle)"}"#, token: teams.alpha.secret)
            #expect(cancelTheirs?.text == theirs?.text, "cancel answers as get does")

            // The owner polls its task to the end: alpha's attempt to cancel it changed nothing.
            var status: JSONValue?
            for _ in 0..<100 {
                status = await Self.send(http, "tasks/get", #"{"taskId":"\#(handle)"}"#, token: teams.beta.secret)?.json
                if status?[path: "result", "status"]?.stringValue != "working" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(status?[path: "result", "status"]?.stringValue == "completed", "\(Self.text(status))")
            #expect(status?[path: "result", "result", "content"]?.arrayValue?.first?["text"]?.stringValue == "reindexed")

            // Without the extension declared: the blocking call of before, and no task methods.
            let blocking = await Self.send(http, "tools/call", #"{"name":"beta_reindex","arguments":{}}"#, token: teams.beta.secret, tasks: false)?.json
            #expect(blocking?[path: "result", "resultType"]?.stringValue == "complete")
            #expect(blocking?[path: "result", "content"]?.arrayValue?.first?["text"]?.stringValue == "reindexed")
            let undeclared = await Self.send(http, "tasks/get", #"{"taskId":"\#(handle)"}"#, token: teams.beta.secret, tasks: false)?.json
            #expect(undeclared?[path: "error", "code"]?.doubleValue == -32021)
            #expect(undeclared?[path: "error", "data", "requiredCapabilities", "extensions", "io.modelcontextprotocol/tasks"] == .object([:]))
        }
    }
}

private extension JSONValue {
    subscript(path keys: String...) -> JSONValue? {
        keys.reduce(Optional(self)) { value, key in value?[key] }
    }
}
