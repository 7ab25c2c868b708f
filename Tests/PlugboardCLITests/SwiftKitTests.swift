import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// PlugboardProviderKit end to end: Swift providers declared with the kit, built the way an author builds them, served
/// by the real `plugboard serve --stdio` and called the way a client calls.
@Suite(.timeLimit(.minutes(10))) struct SwiftKitTests {
    /// Tests/Fixtures/swift_kit/Provider.swift in a `plugboard new --lang swift` package, built once for the suite:
    /// the directory holding libkitfixture.so.
    static let fixture = Task<String, any Error> {
        let directory = BuildProducts.temporaryDirectory("swift-kit")
        let created = try await CommandRun.plugboard("new", "kitfixture", "--lang", "swift", "--output", directory)
        guard created.status == 0 else { throw FixtureFailure(step: "plugboard new", output: created.stderr) }
        let project = directory + "/kitfixture"
        let source = project + "/Sources/kitfixture/Provider.swift"
        try FileManager.default.removeItem(atPath: source)
        try FileManager.default.copyItem(atPath: BuildProducts.repository + "/Tests/Fixtures/swift_kit/Provider.swift", toPath: source)
        let build = try await CommandRun.run("/usr/bin/env", ["swift", "build"], in: project, timeout: .seconds(600))
        guard build.status == 0 else { throw FixtureFailure(step: "swift build", output: build.stdout + build.stderr) }
        let plugins = directory + "/plugins"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: project + "/.build/debug/libkitfixture.so", toPath: plugins + "/libkitfixture.so")
        return plugins
    }

    /// Why the shared fixture could not be built; every test that needs it fails with this.
    struct FixtureFailure: Error, CustomStringConvertible {
        let step: String
        let output: String
        var description: String { "\(step) failed: \(output)" }
    }

    /// A host serving the fixture under `k`, in a directory of its own (serve writes runtime.json beside it).
    static func serveFixture(isolation: String) async throws -> StdioServer {
        let plugins = try await fixture.value
        let directory = BuildProducts.temporaryDirectory("swift-kit-serve")
        try FileManager.default.copyItem(atPath: plugins + "/libkitfixture.so", toPath: directory + "/libkitfixture.so")
        return try await CppSDKTests.serve(directory, mounts: [("k", "kitfixture")], isolation: isolation)
    }

    @Test func theLibraryExportsTheEntryAndInspectFindsEveryComponent() async throws {
        let plugins = try await Self.fixture.value
        let inspected = try await CommandRun.plugboard("inspect", plugins + "/libkitfixture.so")
        #expect(inspected.status == 0, "\(inspected.stderr)")
        #expect(inspected.stdout.contains("  plugin      kitfixture 3.1.4"), "\(inspected.stdout)")
        for line in ["tool divide 1.0", "tool divide 2.0", "tool count", "resource kit://about", "prompt summarize"] {
            #expect(inspected.stdout.contains("\n" + line), "\(line): \(inspected.stdout)")
        }
    }

    /// The guide's Swift example (the first ```swift block of PluginSDK/README.md) is what it says: in a package from
    /// `plugboard new --lang swift` it builds and serves two versions, one of which throws.
    @Test func theGuidesExampleBuildsAndAnswers() async throws {
        let guide = try String(contentsOfFile: BuildProducts.repository + "/PluginSDK/README.md", encoding: .utf8)
        let start = try #require(guide.range(of: "```swift\n"))
        let end = try #require(guide.range(of: "\n```", range: start.upperBound..<guide.endIndex))
        let directory = BuildProducts.temporaryDirectory("swift-guide")
        let created = try await CommandRun.plugboard("new", "hello", "--lang", "swift", "--output", directory)
        try #require(created.status == 0, "\(created.stderr)")
        let project = directory + "/hello"
        try (String(guide[start.upperBound..<end.lowerBound]) + "\n")
            .write(toFile: project + "/Sources/hello/Provider.swift", atomically: true, encoding: .utf8)
        let build = try await CommandRun.run("/usr/bin/env", ["swift", "build"], in: project, timeout: .seconds(600))
        try #require(build.status == 0, "\(build.stdout)\(build.stderr)")
        try FileManager.default.copyItem(atPath: project + "/.build/debug/libhello.so", toPath: directory + "/libhello.so")
        let server = try await CppSDKTests.serve(directory, mounts: [("hi", "hello")])

        let name = "Ada"
        let one = await CppSDKTests.call(server, 1, "hi_hello", #"{"name":"\#(name)"}"#, version: "1.0")
        #expect(one?["result"]?["content"]?[0]?["text"]?.stringValue == "Hello, \(name)!", "\(String(describing: one))")
        let two = await CppSDKTests.call(server, 2, "hi_hello", #"{"name":"\#(name)"}"#)
        #expect(two?["result"]?["structuredContent"]?["greeting"]?.stringValue == "Hello, \(name)!", "\(String(describing: two))")
        let nobody = await CppSDKTests.call(server, 3, "hi_hello", #"{"name":"nobody"}"#)
        #expect(nobody?["result"]?["isError"] == .bool(true), "\(String(describing: nobody))")
        #expect(nobody?["result"]?["content"]?[0]?["text"]?.stringValue == "nobody is there to greet")
        #expect(await server.finish() == 0)
    }

    /// The kit is linked into each provider library and hidden there: the entry is all a library exports, the
    /// skeleton's build (the fixture's) and the bundled greeter's alike.
    @Test func aKitProviderExportsTheEntryAlone() async throws {
        for library in [try await Self.fixture.value + "/libkitfixture.so", BuildProducts.bundled("greeter")] {
            let listed = try await CommandRun.run("/usr/bin/env", ["nm", "-D", "--defined-only", library])
            #expect(listed.status == 0, "\(listed.stderr)")
            // nm: ADDRESS TYPE NAME, the type in upper case for a global symbol, which another object could bind to.
            let globals = listed.stdout.split(separator: "\n").compactMap { line -> Substring? in
                let fields = line.split(separator: " ")
                guard fields.count == 3, fields[1].uppercased() == fields[1] else { return nil }
                return fields[2]
            }
            #expect(globals == ["plugboard_entry_v1"], "\(library): \(listed.stdout)")
        }
    }

    /// In process, what the handler throws must stop inside the host's address space; in a worker, inside the worker.
    @Test(arguments: ["in-process", "sandboxed"])
    func bothVersionsAnswerAndAThrownErrorBecomesAToolErrorWhileTheHostServesOn(isolation: String) async throws {
        let server = try await Self.serveFixture(isolation: isolation)

        let tools = await server.request(1, "tools/list")?["result"]?["tools"]?.arrayValue ?? []
        let divide = try #require(tools.first { $0["name"]?.stringValue == "k_divide" }, "\(tools)")
        #expect(divide["_meta"]?["fastmcp"]?["versions"]?.arrayValue?.compactMap(\.stringValue) == ["2.0", "1.0"])

        let (a, b) = (7.0, 2.0)
        let one = await CppSDKTests.call(server, 2, "k_divide", #"{"a":\#(a),"b":\#(b)}"#, version: "1.0")
        #expect(one?["result"]?["content"]?[0]?["text"]?.stringValue == String(a / b), "\(String(describing: one))")
        #expect(one?["result"]?["structuredContent"] == nil, "1.0 answers with text alone")
        let two = await CppSDKTests.call(server, 3, "k_divide", #"{"a":\#(a),"b":\#(b)}"#, version: "2.0")
        #expect(two?["result"]?["structuredContent"]?["quotient"]?.doubleValue == a / b, "\(String(describing: two))")

        // A Swift error thrown by the handler: the component's own failure, its description the message.
        let dividend = 5
        let byZero = await CppSDKTests.call(server, 4, "k_divide", #"{"a":\#(dividend),"b":0}"#, version: "2.0")
        #expect(byZero?["result"]?["isError"] == .bool(true), "\(String(describing: byZero))")
        #expect(byZero?["result"]?["content"]?[0]?["text"]?.stringValue == "cannot divide \(dividend) by zero")

        // A missing argument is the client's mistake: a protocol error naming it, thrown by the kit's reader.
        let missing = await CppSDKTests.call(server, 5, "k_divide", #"{"a":1}"#, version: "1.0")
        #expect(missing?["error"]?["code"] == .number("-32602"), "\(String(describing: missing))")
        #expect(missing?["error"]?["message"]?.stringValue?.hasSuffix("argument 'b' is required: a number") == true,
                "\(String(describing: missing))")

        // The host outlived both and still serves the same provider.
        let after = await CppSDKTests.call(server, 6, "k_divide", #"{"a":9,"b":3}"#, version: "1.0")
        #expect(after?["result"]?["content"]?[0]?["text"]?.stringValue == String(9 / 3), "\(String(describing: after))")
        #expect(await server.finish() == 0)
    }

    @Test func theCallContextCarriesProgressLogsMetaAndTheChosenVersion() async throws {
        let server = try await Self.serveFixture(isolation: "in-process")
        _ = await server.request(1, "logging/setLevel", #"{"level":"info"}"#)
        let n = 4
        let counted = await server.request(2, "tools/call", #"{"name":"k_count","arguments":{"n":\#(n)},"_meta":{"progressToken":"p"}}"#)
        #expect(counted?["result"]?["structuredContent"]?["counted"]?.doubleValue == Double(n), "\(String(describing: counted))")
        var progress: [Double] = []
        while let note = await server.next(within: 1, where: { $0["method"]?.stringValue == "notifications/progress" }) {
            progress.append(note["params"]?["progress"]?.doubleValue ?? -1)
        }
        #expect(progress == (1...n).map(Double.init))
        let log = await server.next(within: 5) { $0["method"]?.stringValue == "notifications/message" }
        #expect(log?["params"]?["data"]?.stringValue?.contains("counted to \(n)") == true, "\(String(describing: log))")

        let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        let context = await server.request(3, "tools/call",
            #"{"name":"k_context","arguments":{},"_meta":{"traceparent":"\#(traceparent)","fastmcp":{"version":"1.0"}}}"#)
        let structured = context?["result"]?["structuredContent"]
        #expect(structured?["meta"] == .object(["traceparent": .string(traceparent)]), "\(String(describing: context))")
        #expect(structured?["key"]?.stringValue == "context")
        #expect(structured?["version"]?.stringValue == "1.0")
        #expect(await server.finish() == 0)
    }

    @Test func resourcesTemplatesAndPromptsAnswerAndNotFoundIsAProtocolError() async throws {
        let server = try await Self.serveFixture(isolation: "in-process")
        // Mounted under k, kit://about is kit://k/about; call.uri gave the provider's own, namespaced back by the host.
        let about = await server.request(1, "resources/read", #"{"uri":"kit://k/about"}"#)
        #expect(about?["result"]?["contents"]?[0]?["uri"]?.stringValue == "kit://k/about", "\(String(describing: about))")
        #expect(about?["result"]?["contents"]?[0]?["text"]?.stringValue == "kitfixture answers.")
        let id = "b42"
        let item = await server.request(2, "resources/read", #"{"uri":"kit://k/item/\#(id)"}"#)
        #expect(item?["result"]?["contents"]?[0]?["text"]?.stringValue == "item \(id)", "\(String(describing: item))")
        let missing = await server.request(3, "resources/read", #"{"uri":"kit://k/item/missing"}"#)
        #expect(missing?["error"] != nil, "\(String(describing: missing))")
        #expect(missing?["error"]?["message"]?.stringValue?.contains("no item 'missing'") == true, "\(String(describing: missing))")
        let text = "a b c"
        let prompt = await server.request(4, "prompts/get", #"{"name":"k_summarize","arguments":{"text":"\#(text)"}}"#)
        #expect(prompt?["result"]?["messages"]?[0]?["content"]?["text"]?.stringValue == "Summarize: " + text,
                "\(String(describing: prompt))")
        #expect(await server.finish() == 0)
    }

    /// The bundled greeter, on the kit: both versions pinned by clients, answers computed from the inputs. Served in
    /// one process beside the fixture, whose copy of the kit is another: each library finds its own provider.
    @Test func theGreeterServesBothVersionsOnTheKitBesideAnotherKitProvider() async throws {
        let directory = BuildProducts.temporaryDirectory("swift-kit-greeter")
        try FileManager.default.copyItem(atPath: BuildProducts.bundled("greeter"), toPath: directory + "/libgreeter.so")
        try FileManager.default.copyItem(atPath: try await Self.fixture.value + "/libkitfixture.so", toPath: directory + "/libkitfixture.so")
        let server = try await CppSDKTests.serve(directory, mounts: [("g", "greeter"), ("k", "kitfixture")])
        let names = Set((await server.request(20, "tools/list")?["result"]?["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        #expect(names == ["g_greet", "k_divide", "k_count", "k_context"])
        let name = "Grace \"Amazing\" Hopper"
        let quoted = #""Grace \"Amazing\" Hopper""#
        let one = await CppSDKTests.call(server, 1, "g_greet", #"{"name":\#(quoted)}"#, version: "1.0")
        #expect(one?["result"]?["content"]?[0]?["text"]?.stringValue == "Hello, \(name)!", "\(String(describing: one))")
        for (index, (language, word)) in [("de", "Hallo"), ("es", "Hola"), ("fr", "Bonjour"), ("en", "Hello")].enumerated() {
            let two = await CppSDKTests.call(server, 2 + index, "g_greet", #"{"name":\#(quoted),"language":"\#(language)"}"#, version: "2.0")
            #expect(two?["result"]?["structuredContent"] == .object(["greeting": .string("\(word), \(name)!"), "language": .string(language)]),
                    "\(String(describing: two))")
        }
        let unknown = await CppSDKTests.call(server, 9, "g_greet", #"{"name":"Ada","language":"xx"}"#, version: "2.0")
        #expect(unknown?["error"]?["code"] == .number("-32602"), "\(String(describing: unknown))")
        let after = await CppSDKTests.call(server, 10, "g_greet", #"{"name":"Ada"}"#)
        #expect(after?["result"]?["structuredContent"]?["language"]?.stringValue == "en", "unpinned: the highest version")
        #expect(await server.finish() == 0)
    }
}

extension JSONValue {
    /// An array element by position, nil when out of range or not an array.
    fileprivate subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
