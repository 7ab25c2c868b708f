import Foundation
import PlugboardCore
import PlugboardJSON
import PlugboardLoader
import Synchronization
import Testing

/// The bundled providers, built by `swift build` into the products directory, loaded with the real loader;
/// every component is called.
@Suite struct CalculatorTests {
    let provider: NativeProvider

    init() throws {
        provider = try TestSupport.loader().load(file: TestSupport.bundled("calculator"))
    }

    @Test func catalog() throws {
        #expect(provider.info.id == "calculator")
        #expect(provider.info.digest == SHA256.hex(try fileBytes(TestSupport.bundled("calculator"))))
        #expect(provider.components.map(\.label) == ["tool 'calculate' version 1.0", "tool 'calculate' version 2.0", "tool 'add'"])
        let add = try #require(provider.components.last)
        #expect(add.inputSchema?.text == #"{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"],"additionalProperties":false}"#)
        #expect(add.outputSchema?.text == #"{"type":"object","properties":{"result":{"type":"number"}},"required":["result"]}"#)
    }

    @Test func calculateVersion1() async throws {
        let result = try await provider.callTool("calculate", version: "1.0", #"{"a":7,"b":2,"op":"div"}"#)
        #expect(result.firstText == "3.5")
        #expect(result["structuredContent"] == nil)
        let product = try await provider.callTool("calculate", version: "1.0", #"{"a":6,"b":7,"op":"mul"}"#)
        #expect(product.firstText == "42")
    }

    @Test func calculateVersion2RoundsToPrecision() async throws {
        let result = try await provider.callTool("calculate", version: "2.0", #"{"a":1,"b":3,"op":"div","precision":2}"#)
        #expect(result.firstText == "0.33")
        #expect(result["structuredContent"] == .object(["result": .number("0.33"), "precision": .number("2")]))
        // Rounded, not padded: the default 6 digits of a whole product is 42, not 42.000000.
        let whole = try await provider.callTool("calculate", version: "2.0", #"{"a":6,"b":7,"op":"mul"}"#)
        #expect(whole.firstText == "42")
        #expect(whole["structuredContent"] == .object(["result": .number("42"), "precision": .number("6")]))
        let error = try await provider.toolError("calculate", version: "2.0", #"{"a":1,"b":3,"op":"div","precision":-1}"#)
        #expect(error == InvocationError(.invalidArguments, "argument 'precision' must be an integer from 0 to 15"))
    }

    @Test func divisionByZeroIsAToolFailure() async throws {
        for version in ["1.0", "2.0"] {
            let error = try await provider.toolError("calculate", version: version, #"{"a":1,"b":0,"op":"div"}"#)
            #expect(error == InvocationError(.failed, "division by zero: 'b' must not be 0 when op is div"))
        }
    }

    @Test func badArgumentsAreInvalidArguments() async throws {
        let missing = try await provider.toolError("calculate", version: "1.0", #"{"a":1,"op":"add"}"#)
        #expect(missing == InvocationError(.invalidArguments, "argument 'b' is required and must be a number"))
        let op = try await provider.toolError("calculate", version: "1.0", #"{"a":1,"b":2,"op":"pow"}"#)
        #expect(op == InvocationError(.invalidArguments, "argument 'op' must be one of add, sub, mul, div; got 'pow'"))
    }

    @Test func typedAdd() async throws {
        let result = try await provider.callTool("add", #"{"a":0.1,"b":0.2}"#)
        #expect(result.firstText == "0.30000000000000004")  // IEEE 754: 0.1 + 0.2, shortest round-trip text
        #expect(result["structuredContent"] == .object(["result": .number("0.30000000000000004")]))
        let error = try await provider.toolError("add", #"{"a":1,"b":"2"}"#)
        #expect(error == InvocationError(.invalidArguments, "argument 'b' of 'add' must be a number, got a string"))
    }
}

@Suite struct NotesTests {
    let provider: NativeProvider

    init() throws {
        provider = try TestSupport.loader().load(file: TestSupport.bundled("notes"))
    }

    func read(_ kind: ComponentKind, _ key: String, version: String? = nil, uri: String, variables: String = "{}") async throws -> JSONValue {
        let invocation = Invocation(kind: kind, key: key, version: try version.map { try Version($0) },
                                    arguments: TestSupport.json(variables), uri: uri)
        return try TestSupport.parse(try await provider.invoke(invocation, context: .none))
    }

    @Test func logsOutsideACallGoToTheLoadersLogTaggedWithThePluginId() throws {
        let records = Mutex<[LogRecord]>([])
        let loader = PluginLoader(cacheDirectory: TestSupport.temporaryDirectory("cache"), log: { record in records.withLock { $0.append(record) } })
        _ = try loader.load(file: TestSupport.bundled("notes"))
        #expect(records.withLock { $0 } == [LogRecord(level: .info, logger: "notes", message: "notes: ready with 2 notes")])
    }

    @Test func catalog() {
        #expect(provider.components.map(\.label) == [
            "resource 'notes://index'", "resource template 'notes://note/{id}' version 1.0",
            "resource template 'notes://note/{id}' version 2.0", "prompt 'summarize' version 1.0",
            "prompt 'summarize' version 2.0", "tool 'add_note'", "tool 'reindex'",
        ])
        #expect(provider.components[4].arguments == [
            PromptArgument(name: "id", description: "the note's id", required: true),
            PromptArgument(name: "style", description: "brief (default) or detailed", required: false),
        ])
    }

    @Test func indexTemplatesAndAddNote() async throws {
        let added = try await provider.callTool("add_note", #"{"title":"Trip \"Rome\"","body":"Pack light.","tags":["travel"]}"#)
        #expect(added["structuredContent"] == .object(["id": .number("3")]))
        #expect(added.firstText == #"{"id":3}"#)

        let index = try await read(.resource, "notes://index", uri: "notes://index")
        #expect(index["contents"]?.arrayValue?.first?["text"]?.stringValue == "1: Welcome\n2: Shopping\n3: Trip \"Rome\"\n")

        let text = try await read(.resourceTemplate, "notes://note/{id}", version: "1.0", uri: "notes://note/3", variables: #"{"id":"3"}"#)
        let textContent = try #require(text["contents"]?.arrayValue?.first)
        #expect(textContent["uri"]?.stringValue == "notes://note/3")
        #expect(textContent["mimeType"]?.stringValue == "text/plain")
        #expect(textContent["text"]?.stringValue == "Trip \"Rome\"\n\nPack light.")

        let json = try await read(.resourceTemplate, "notes://note/{id}", version: "2.0", uri: "notes://note/3", variables: #"{"id":"3"}"#)
        let jsonContent = try #require(json["contents"]?.arrayValue?.first)
        #expect(jsonContent["mimeType"]?.stringValue == "application/json")
        let document = try JSONParser.parse(try #require(jsonContent["text"]?.stringValue))
        #expect(document == .object(["id": .number("3"), "title": .string("Trip \"Rome\""), "body": .string("Pack light."),
                                     "tags": .array([.string("travel")])]))
    }

    @Test func missingNoteIsNotFound() async throws {
        await #expect(throws: InvocationError(.notFound, "there is no note '99'; read notes://index for the list")) {
            _ = try await read(.resourceTemplate, "notes://note/{id}", version: "2.0", uri: "notes://note/99", variables: #"{"id":"99"}"#)
        }
    }

    @Test func summarizePromptVersions() async throws {
        let v1 = try TestSupport.parse(try await provider.invoke(
            Invocation(kind: .prompt, key: "summarize", version: try Version("1.0"), arguments: TestSupport.json(#"{"id":"2"}"#)), context: .none))
        #expect(v1["messages"]?.arrayValue?.first?["content"]?["text"]?.stringValue == "Summarize this note.\n\nTitle: Shopping\n\nMilk, eggs, bread.")
        let v2 = try TestSupport.parse(try await provider.invoke(
            Invocation(kind: .prompt, key: "summarize", version: try Version("2.0"), arguments: TestSupport.json(#"{"id":"2","style":"detailed"}"#)), context: .none))
        #expect(v2["messages"]?.arrayValue?.first?["role"]?.stringValue == "user")
        #expect(v2["messages"]?.arrayValue?.first?["content"]?["text"]?.stringValue == "Write a detailed summary of this note.\n\nTitle: Shopping\n\nMilk, eggs, bread.")
    }

    @Test func reindexReportsProgress() async throws {
        let updates = Mutex<[ProgressUpdate]>([])
        let context = InvocationContext(progress: { update in updates.withLock { $0.append(update) } })
        let result = try await provider.callTool("reindex", context: context)
        #expect(result.firstText == "reindexed")
        let seen = updates.withLock { $0 }
        #expect(seen.map(\.progress) == Array(1...10).map(Double.init))
        #expect(seen.allSatisfy { $0.total == 10 && $0.message == "indexing" })
    }

    @Test func reindexStopsEarlyWhenCancelled() async throws {
        let logs = Mutex<[LogRecord]>([])
        let progress = Mutex<Int>(0)
        let running = Mutex<Task<JSONValue, any Error>?>(nil)
        // The cancellation comes from the second progress report itself, on the handler's thread, so the
        // handler is certainly mid-work (step 2 of 10) however busy the machine is.
        let context = InvocationContext(
            progress: { _ in
                let count = progress.withLock { $0 += 1; return $0 }
                if count == 2 { running.withLock { $0?.cancel() } }
            },
            log: { record in logs.withLock { $0.append(record) } })
        let provider = provider
        running.withLock { $0 = Task { try await provider.callTool("reindex", context: context) } }
        let task = try #require(running.withLock { $0 })
        let outcome = await task.result
        #expect(throws: InvocationError(.cancelled, "tool 'reindex' was cancelled")) { try outcome.get() }
        // The handler sees the flag at its next step and logs where it stopped, tagged with the plugin id.
        try await eventually { !logs.withLock { $0 }.isEmpty }
        let records = logs.withLock { $0 }
        #expect(records == [LogRecord(level: .notice, logger: "notes", message: "reindex cancelled after 2 of 10 steps")])
        #expect(progress.withLock { $0 } == 2)
    }
}

@Suite struct GreeterTests {
    @Test func greetVersions() async throws {
        let provider = try TestSupport.loader().load(file: TestSupport.bundled("greeter"))
        #expect(provider.info.id == "greeter")
        #expect(provider.components.map(\.label) == ["tool 'greet' version 1.0", "tool 'greet' version 2.0"])
        let v1 = try await provider.callTool("greet", version: "1.0", #"{"name":"Ada"}"#)
        #expect(v1.firstText == "Hello, Ada!")
        let v2 = try await provider.callTool("greet", version: "2.0", #"{"name":"Ada","language":"fr"}"#)
        #expect(v2["structuredContent"] == .object(["greeting": .string("Bonjour, Ada!"), "language": .string("fr")]))
        let error = try await provider.toolError("greet", version: "2.0", #"{"name":"Ada","language":"xx"}"#)
        #expect(error == InvocationError(.invalidArguments, "argument 'language' must be one of de, en, es, fr"))
        let missing = try await provider.toolError("greet", version: "1.0", #"{}"#)
        #expect(missing == InvocationError(.invalidArguments, "argument 'name' is required and must be a string"))
    }
}

func fileBytes(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw TestSupport.CompileError(description: "cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}

/// Waits (up to 30 s, polling) until `condition` holds; the machine may be busy with other builds.
func eventually(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while !condition() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
}
