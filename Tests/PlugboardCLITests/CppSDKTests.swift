import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// The C++ SDK (PluginSDK/include/plugboard.hpp) end to end: providers compiled with the strictest flags the guide
/// names, served by the real `plugboard serve --stdio`, called the way a client calls.
@Suite struct CppSDKTests {
    static let strictFlags = ["-std=c++17", "-Wall", "-Wextra", "-pedantic", "-Werror"]

    /// Compiles `source` (relative to the repository) into `directory`/lib`name`.so with the strict flags.
    static func compile(_ source: String, name: String, into directory: String) async throws {
        let build = try await CommandRun.run("/usr/bin/env", ["c++"] + strictFlags + [
            "-shared", "-fPIC", "-I", BuildProducts.repository + "/PluginSDK/include",
            BuildProducts.repository + "/" + source, "-o", directory + "/lib\(name).so"])
        try #require(build.status == 0, "\(build.stdout)\(build.stderr)")
    }

    /// A host serving every provider in `directory`, each mounted under its `namespace` (in process, or each in a
    /// sandboxed worker).
    static func serve(_ directory: String, mounts: [(namespace: String, provider: String)], isolation: String = "in-process") async throws -> StdioServer {
        let list = mounts.map { #"{"namespace":"\#($0.namespace)","provider":"\#($0.provider)","isolation":"\#(isolation)"}"# }
            .joined(separator: ",")
        let config = #"{"plugin_directories":["\#(directory)"],"mounts":[\#(list)]}"#
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
        let server = try StdioServer(arguments: ["--config", directory + "/runtime.json"])
        try #require(await server.initialize()?["result"] != nil, "\(server.stderr)")
        return server
    }

    static func call(_ server: StdioServer, _ id: Int, _ tool: String, _ arguments: String, version: String? = nil) async -> JSONValue? {
        let meta = version.map { #","_meta":{"fastmcp":{"version":"\#($0)"}}"# } ?? ""
        return await server.request(id, "tools/call", #"{"name":"\#(tool)","arguments":\#(arguments)\#(meta)}"#)
    }

    /// plugboard.h and plugboard_json.h, with the registration macros in use, as C++ with warnings as errors.
    @Test func theCHeadersCompileAsStrictCpp() async throws {
        let source = """
            #include "plugboard.h"
            #include "plugboard_json.h"
            static int32_t handler(pb_call *, const pb_request *) { return PB_OK; }
            static int32_t init(const pb_host *, const char *, void **, char *, size_t) { return 0; }
            static int32_t describe(void *, pb_registrar *registrar) {
                pb_component tool = PB_COMPONENT_INIT;
                tool.handler = handler;
                double number = 0;
                char text[8];
                if (pbj_number("{}", "a", &number) < 0 || pbj_string("{}", "b", text, sizeof text) < 0) return 1;
                return registrar->add(registrar, &tool);
            }
            extern "C" PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
                static const pb_entry entry = PB_ENTRY_INIT("strict", "1.0.0", init, describe, NULL);
                return &entry;
            }
            """
        for compiler in ["c++", "clang++"] {
            let run = try await CommandRun.run("/usr/bin/env", [compiler] + Self.strictFlags + [
                "-fsyntax-only", "-I", BuildProducts.repository + "/PluginSDK/include", "-x", "c++", "-"], input: source)
            #expect(run.status == 0, "\(compiler): \(run.stderr)")
        }
    }

    /// In process the exception must stop inside the host's own address space; in a worker, inside the worker.
    @Test(arguments: ["in-process", "sandboxed"])
    func theExampleServesBothVersionsAndAThrowingToolBecomesAToolError(isolation: String) async throws {
        let directory = BuildProducts.temporaryDirectory("cpp-example")
        try await Self.compile("PluginSDK/examples/cpp/wordcount.cpp", name: "wordcount", into: directory)
        let server = try await Self.serve(directory, mounts: [("wc", "wordcount")], isolation: isolation)

        let tools = await server.request(1, "tools/list")?["result"]?["tools"]?.arrayValue ?? []
        let count = try #require(tools.first { $0["name"]?.stringValue == "wc_count" }, "\(tools)")
        #expect(count["_meta"]?["fastmcp"]?["versions"]?.arrayValue?.compactMap(\.stringValue) == ["2.0", "1.0"])

        let text = "to be or not to be"
        let words = text.split(separator: " ")
        let one = await Self.call(server, 2, "wc_count", #"{"text":"\#(text)"}"#, version: "1.0")
        #expect(one?["result"]?["content"]?[0]?["text"]?.stringValue == String(words.count), "\(String(describing: one))")
        #expect(one?["result"]?["structuredContent"] == nil, "1.0 answers with text alone")

        let two = await Self.call(server, 3, "wc_count", #"{"text":"\#(text)","unique":true}"#, version: "2.0")
        let structured = two?["result"]?["structuredContent"]
        #expect(structured?["words"]?.doubleValue == Double(words.count), "\(String(describing: two))")
        #expect(structured?["characters"]?.doubleValue == Double(text.utf8.count))
        #expect(structured?["unique"]?.doubleValue == Double(Set(words).count))
        // Unpinned, the client gets the highest version.
        let latest = await Self.call(server, 4, "wc_count", #"{"text":"\#(text)"}"#)
        #expect(latest?["result"]?["structuredContent"]?["words"]?.doubleValue == Double(words.count))
        #expect(latest?["result"]?["structuredContent"]?["unique"] == nil, "unique was not asked for")

        let exploded = await Self.call(server, 5, "wc_explode", #"{"reason":"the disk is full"}"#)
        #expect(exploded?["result"]?["isError"] == .bool(true), "\(String(describing: exploded))")
        #expect(exploded?["result"]?["content"]?[0]?["text"]?.stringValue == "exploded: the disk is full")

        // A missing argument is the client's mistake: a protocol error naming it, thrown by Arguments.
        let missing = await Self.call(server, 6, "wc_count", "{}", version: "1.0")
        #expect(missing?["error"]?["code"] == .number("-32602"), "\(String(describing: missing))")
        #expect(missing?["error"]?["message"]?.stringValue?.hasSuffix("argument 'text' is required: a string") == true)

        // The host outlived the exception and still serves the same provider.
        let after = await Self.call(server, 7, "wc_count", #"{"text":"still here"}"#, version: "1.0")
        #expect(after?["result"]?["content"]?[0]?["text"]?.stringValue == "2", "\(String(describing: after))")

        // Mounted under wc, the resource is wordcount://wc/about; call.uri() gave the provider's own, which the
        // host namespaces back in the result.
        let resource = await server.request(8, "resources/read", #"{"uri":"wordcount://wc/about"}"#)
        #expect(resource?["result"]?["contents"]?[0]?["uri"]?.stringValue == "wordcount://wc/about", "\(String(describing: resource))")
        #expect(resource?["result"]?["contents"]?[0]?["text"]?.stringValue == "wordcount counts words.")
        let prompt = await server.request(9, "prompts/get", #"{"name":"wc_summarize","arguments":{"text":"a b"}}"#)
        #expect(prompt?["result"]?["messages"]?[0]?["content"]?["text"]?.stringValue == "Summarize in one line:\na b",
                "\(String(describing: prompt))")
        #expect(await server.finish() == 0)
    }

    /// The guide's C++ example (the first ```cpp block of PluginSDK/README.md) is what it says: it builds with the
    /// line the guide gives and serves two versions, one of which throws.
    @Test func theGuidesExampleBuildsAndAnswers() async throws {
        let guide = try String(contentsOfFile: BuildProducts.repository + "/PluginSDK/README.md", encoding: .utf8)
        #expect(guide.contains("c++ " + Self.strictFlags.joined(separator: " ") + " -shared -fPIC -I PluginSDK/include hello.cpp -o libhello.so"))
        let start = try #require(guide.range(of: "```cpp\n"))
        let end = try #require(guide.range(of: "\n```", range: start.upperBound..<guide.endIndex))
        let directory = BuildProducts.temporaryDirectory("cpp-guide")
        try (String(guide[start.upperBound..<end.lowerBound]) + "\n").write(toFile: directory + "/hello.cpp", atomically: true, encoding: .utf8)
        let build = try await CommandRun.run("/usr/bin/env", ["c++"] + Self.strictFlags + [
            "-shared", "-fPIC", "-I", BuildProducts.repository + "/PluginSDK/include", "hello.cpp", "-o", "libhello.so"], in: directory)
        try #require(build.status == 0, "\(build.stderr)")
        let server = try await Self.serve(directory, mounts: [("hi", "hello")])

        let one = await Self.call(server, 1, "hi_hello", #"{"name":"Ada"}"#, version: "1.0")
        #expect(one?["result"]?["content"]?[0]?["text"]?.stringValue == "Hello, Ada!", "\(String(describing: one))")
        let two = await Self.call(server, 2, "hi_hello", #"{"name":"Ada"}"#)
        #expect(two?["result"]?["structuredContent"]?["greeting"]?.stringValue == "Hello, Ada!", "\(String(describing: two))")
        let nobody = await Self.call(server, 3, "hi_hello", #"{"name":"nobody"}"#)
        #expect(nobody?["result"]?["isError"] == .bool(true), "\(String(describing: nobody))")
        #expect(nobody?["result"]?["content"]?[0]?["text"]?.stringValue == "nobody is there to greet")
        let status = await server.finish()
        #expect(status == 0, "the host's exit status: \(String(describing: status)); its log ends: \(server.stderr.suffix(3000))")
    }

    @Test func whatAHandlerThrowsBecomesTheErrorItsKindMapsTo() async throws {
        let directory = BuildProducts.temporaryDirectory("cpp-boundary")
        try await Self.compile("Tests/Fixtures/cpp_boundary.cpp", name: "cpp_boundary", into: directory)
        let server = try await Self.serve(directory, mounts: [("b", "cpp_boundary")])

        let thrownInt = await Self.call(server, 1, "b_throws_int", "{}")
        #expect(thrownInt?["result"]?["isError"] == .bool(true), "\(String(describing: thrownInt))")
        #expect(thrownInt?["result"]?["content"]?[0]?["text"]?.stringValue == "the handler threw something that is not a std::exception")

        let notFound = await Self.call(server, 2, "b_throws_not_found", #"{"id":"x7"}"#)
        #expect(notFound?["error"]?["code"] == .number("-32602"), "\(String(describing: notFound))")
        #expect(notFound?["error"]?["message"]?.stringValue?.hasSuffix("no record 'x7'") == true)

        let mistyped = await Self.call(server, 3, "b_wants_number", #"{"n":"three"}"#)
        #expect(mistyped?["error"]?["message"]?.stringValue?.hasSuffix("argument 'n' must be a number") == true,
                "\(String(describing: mistyped))")
        let doubled = await Self.call(server, 4, "b_wants_number", #"{"n":21}"#)
        #expect(doubled?["result"]?["content"]?[0]?["text"]?.stringValue.flatMap(Double.init) == 42)
        #expect(await server.finish() == 0)
    }
}

extension JSONValue {
    fileprivate subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
