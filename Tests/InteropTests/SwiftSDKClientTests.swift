import Foundation
import MCP
import SystemPackage
import Testing

extension InteropSuite {
    /// The official Swift SDK client (modelcontextprotocol/swift-sdk 0.12.1) against the real `plugboard`.
    @Suite("Swift SDK client")
    struct SwiftSDKClient {
        @Test("over stdio: list, call, pinned call, read and prompt, version error")
        func overStdio() async throws {
            let server = try StdioServer()
            defer { server.stop() }
            let client = Client(name: "plugboard-interop", version: "1.0")
            try await client.connect(transport: StdioTransport(input: server.fromServer, output: server.toServer))
            try await Self.exercise(client, serverLog: { server.stderrText })
            await client.disconnect()
        }

        /// On Linux the SDK's HTTP transport reads a POST's answer whole and takes it as JSON, so this holds when
        /// Plugboard answers plain requests with `application/json` (the Streamable HTTP spec lets it choose).
        @Test("over Streamable HTTP: list, call, pinned call, read and prompt, version error")
        func overHTTP() async throws {
            let server = try await PlugboardServer.startHTTP()
            defer { server.stop() }
            let client = Client(name: "plugboard-interop", version: "1.0")
            let transport = HTTPClientTransport(endpoint: URL(string: server.url("/mcp"))!, streaming: false)
            try await client.connect(transport: transport)
            try await Self.exercise(client, serverLog: { server.stderrText })
            await client.disconnect()
        }

        /// The same expectations as the Python clients' (ScenarioExpectations), through the Swift SDK's types.
        static func exercise(_ client: Client, serverLog: () -> String) async throws {
            let tools = try await client.listTools().tools
            #expect(Set(tools.map(\.name)) == ScenarioExpectations.tools, "server log:\n\(serverLog())")
            let calculate = tools.first { $0.name == "math_calculate" }
            let fastmcp = calculate?._meta?["fastmcp"]?.objectValue
            #expect(fastmcp?["version"]?.stringValue == "2.0")
            #expect(fastmcp?["versions"]?.arrayValue?.compactMap(\.stringValue) == ["2.0", "1.0"])
            let add = tools.first { $0.name == "math_add" }?._meta?["fastmcp"]?.objectValue
            #expect(add?["version"] == nil && add?["tags"]?.arrayValue != nil, "unversioned: tags only")

            let third: [String: Value] = ["a": 1, "b": 3, "op": "div"]
            let latest = try await client.callTool(name: "math_calculate", arguments: third.merging(["precision": 2]) { $1 })
            #expect(latest.isError != true)
            #expect(number(latest.content).map { abs($0 - 0.33) < 1e-9 } == true, "2.0 rounds: \(latest.content)")
            let pinned = try await client.callTool(name: "math_calculate", arguments: third, meta: pin("1.0"))
            #expect(number(pinned.content).map { abs($0 - 1.0 / 3.0) < 1e-4 && abs($0 - 0.33) > 1e-3 } == true,
                    "1.0 does not round: \(pinned.content)")
            let pinned2 = try await client.callTool(name: "math_calculate", arguments: third.merging(["precision": 2]) { $1 },
                                                    meta: pin("2.0"))
            #expect(number(pinned2.content).map { abs($0 - 0.33) < 1e-9 } == true, "2.0 pinned rounds: \(pinned2.content)")
            // greet 1.0 and 2.0 are two implementations (2.0 declares an output schema, 1.0 none); both answer pinned.
            let greet1 = try await client.callTool(name: "hello_greet", arguments: ["name": "Ada"], meta: pin("1.0"))
            let greet2 = try await client.callTool(name: "hello_greet", arguments: ["name": "Ada"], meta: pin("2.0"))
            #expect(greet1.isError != true && greet2.isError != true, "\(greet1.content) / \(greet2.content)")
            #expect(texts(greet1.content).joined().contains("Ada") && texts(greet2.content).joined().contains("Ada"))
            #expect(texts(greet1.content) != texts(greet2.content), "greet 1.0 and 2.0 answer differently")
            let byZero = try await client.callTool(name: "math_calculate", arguments: ["a": 1, "b": 0, "op": "div"])
            #expect(byZero.isError == true, "division by zero is a tool error: \(byZero.content)")

            do {
                _ = try await client.callTool(name: "math_calculate", arguments: third, meta: pin("9.9"))
                Issue.record("a call pinned to a missing version must fail")
            } catch let error as MCPError {
                #expect(error.code == ScenarioExpectations.invalidParams)
                for needle in ["math_calculate", "9.9", "1.0", "2.0"] {
                    #expect("\(error)".contains(needle), "the error names \(needle): \(error)")
                }
            }

            let templates = try await client.listResourceTemplates().templates
            #expect(templates.map(\.uriTemplate) == ["notes://notes/note/{id}"])
            let index = try await client.readResource(uri: "notes://notes/index")
            #expect(index.first?.text?.isEmpty == false, "notes://notes/index has text")
            // The SDK's readResource sends no _meta, so it reads the default: the template's 2.0 (JSON).
            let added = try await client.callTool(name: "notes_add_note", arguments: ["title": "Swift", "body": "from the SDK"])
            #expect(added.isError != true, "add_note: \(added.content)")
            guard let id = noteID(added.content) else {
                Issue.record("add_note returned no id: \(added.content)")
                return
            }
            let note = try await client.readResource(uri: "notes://notes/note/\(id)")
            let json = note.first?.text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(json?["body"] as? String == "from the SDK", "unpinned read is 2.0 JSON: \(note)")
            try await pinnedReadAndPrompt(client, noteID: id, body: "from the SDK")
        }

        /// Template 1.0 is plain text; prompt summarize 1.0 and 2.0 differ and both show the note.
        static func pinnedReadAndPrompt(_ client: Client, noteID id: String, body: String) async throws {
            let read = try await client.send(PinnedReadResource.request(
                .init(uri: "notes://notes/note/\(id)", _meta: pin("1.0")))).value
            let text = read.contents.first?.text ?? ""
            #expect(text.contains(body) && (try? JSONSerialization.jsonObject(with: Data(text.utf8))) == nil,
                    "1.0 is plain text with the body: \(text)")
            let latest = try await client.getPrompt(name: "notes_summarize", arguments: ["id": id]).messages
            let pinned = try await client.send(PinnedGetPrompt.request(
                .init(name: "notes_summarize", arguments: ["id": id], _meta: pin("1.0")))).value.messages
            let latestText = latest.compactMap { if case .text(let t) = $0.content { t } else { nil } }.joined()
            let pinnedText = pinned.compactMap { if case .text(let t) = $0.content { t } else { nil } }.joined()
            #expect(latestText.contains(body) && pinnedText.contains(body), "both show the note: \(latest) / \(pinned)")
            #expect(latestText != pinnedText, "summarize 2.0 and 1.0 differ")
        }

        static func pin(_ version: String) -> Metadata {
            Metadata(additionalFields: ["fastmcp": .object(["version": .string(version)])])
        }

        static func texts(_ content: [Tool.Content]) -> [String] {
            content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }
        }

        static func number(_ content: [Tool.Content]) -> Double? {
            texts(content).first.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }

        /// The id add_note answered: its text, bare or as JSON `{"id": ...}`.
        static func noteID(_ content: [Tool.Content]) -> String? {
            guard let text = texts(content).first?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
            else { return nil }
            if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
               let id = object["id"] {
                return "\(id)"
            }
            return text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }
}

/// `plugboard serve --stdio` with its stdin and stdout as pipes for the SDK's StdioTransport.
final class StdioServer: Sendable {
    private let child: ChildProcess
    let toServer: FileDescriptor
    let fromServer: FileDescriptor

    init() throws {
        let stdin = Pipe(), stdout = Pipe()
        child = try ChildProcess(try InteropEnvironment.plugboard(), ["serve", "--stdio"],
                                 directory: InteropEnvironment.packageRoot, stdin: stdin, stdout: stdout)
        toServer = FileDescriptor(rawValue: stdin.fileHandleForWriting.fileDescriptor)
        fromServer = FileDescriptor(rawValue: stdout.fileHandleForReading.fileDescriptor)
    }

    var stderrText: String { child.stderrText }

    func stop() { child.stop() }
}
