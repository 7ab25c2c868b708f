import Foundation
import PlugboardJSON
import PlugboardTestSupport
import Testing

/// The Rust SDK (PluginSDK/rust) end to end: providers built with `cargo build --offline --release` (whichever
/// cargo PATH names; the SDK keeps to what Debian's rustc 1.63 accepts), served by the real
/// `plugboard serve --stdio`, called the way a client calls.
@Suite struct RustSDKTests {
    static let sdk = BuildProducts.repository + "/PluginSDK/rust"

    /// `cargo build --offline --release ARGUMENTS` in `directory`, into `target`; fails the test with cargo's output.
    static func cargoBuild(in directory: String, target: String, _ arguments: [String] = []) async throws {
        let build = try await CommandRun.run("/usr/bin/env", [
            "CARGO_TARGET_DIR=" + target, "cargo", "build", "--offline", "--release"] + arguments,
            in: directory, timeout: .seconds(600))
        try #require(build.status == 0, "\(build.stdout)\(build.stderr)")
        // The SDK and its example build without a warning.
        #expect(!build.stderr.contains("warning"), "\(build.stderr)")
    }

    /// The example, built once for the suite (a few seconds): the path of libwordcount.so.
    static let example = Task<String, any Error> {
        let target = BuildProducts.temporaryDirectory("rust-target")
        try await cargoBuild(in: sdk, target: target, ["--example", "wordcount"])
        return target + "/release/examples/libwordcount.so"
    }

    /// A fresh plugin directory holding a copy of `library` as `name`.
    static func pluginDirectory(with library: String, as name: String) throws -> String {
        let directory = BuildProducts.temporaryDirectory("rust-plugins")
        try FileManager.default.copyItem(atPath: library, toPath: directory + "/" + name)
        return directory
    }

    /// In process the panic must stop inside the host's own address space; in a worker, inside the worker.
    @Test(arguments: ["in-process", "sandboxed"])
    func theExampleServesBothVersionsAndAPanicBecomesAToolError(isolation: String) async throws {
        let directory = try Self.pluginDirectory(with: try await Self.example.value, as: "libwordcount.so")
        let server = try await CppSDKTests.serve(directory, mounts: [("wc", "wordcount")], isolation: isolation)

        let tools = await server.request(1, "tools/list")?["result"]?["tools"]?.arrayValue ?? []
        let count = try #require(tools.first { $0["name"]?.stringValue == "wc_count" }, "\(tools)")
        #expect(count["_meta"]?["fastmcp"]?["versions"]?.arrayValue?.compactMap(\.stringValue) == ["2.0", "1.0"])

        let text = "to be or not to be"
        let words = text.split(separator: " ")
        let one = await CppSDKTests.call(server, 2, "wc_count", #"{"text":"\#(text)"}"#, version: "1.0")
        #expect(one?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == String(words.count), "\(String(describing: one))")
        #expect(one?["result"]?["structuredContent"] == nil, "1.0 answers with text alone")

        let two = await CppSDKTests.call(server, 3, "wc_count", #"{"text":"\#(text)","unique":true}"#, version: "2.0")
        let structured = two?["result"]?["structuredContent"]
        #expect(structured?["words"]?.doubleValue == Double(words.count), "\(String(describing: two))")
        #expect(structured?["characters"]?.doubleValue == Double(text.utf8.count))
        #expect(structured?["unique"]?.doubleValue == Double(Set(words).count))
        // Unpinned, the client gets the highest version.
        let latest = await CppSDKTests.call(server, 4, "wc_count", #"{"text":"\#(text)"}"#)
        #expect(latest?["result"]?["structuredContent"]?["words"]?.doubleValue == Double(words.count))
        #expect(latest?["result"]?["structuredContent"]?["unique"] == nil, "unique was not asked for")

        let reason = "the disk is full"
        let exploded = await CppSDKTests.call(server, 5, "wc_explode", #"{"reason":"\#(reason)"}"#)
        #expect(exploded?["result"]?["isError"] == .bool(true), "\(String(describing: exploded))")
        #expect(exploded?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == "panicked: exploded: " + reason)

        // A missing argument is the client's mistake: a protocol error naming it, returned by Args.
        let missing = await CppSDKTests.call(server, 6, "wc_count", "{}", version: "1.0")
        #expect(missing?["error"]?["code"] == .number("-32602"), "\(String(describing: missing))")
        #expect(missing?["error"]?["message"]?.stringValue?.hasSuffix("argument 'text' is required: a string") == true)
        let mistyped = await CppSDKTests.call(server, 7, "wc_count", #"{"text":"a b","unique":"yes"}"#, version: "2.0")
        #expect(mistyped?["error"]?["message"]?.stringValue?.hasSuffix("argument 'unique' must be true or false") == true,
                "\(String(describing: mistyped))")

        // The host outlived the panic and still serves the same provider, the panicking tool included.
        let after = await CppSDKTests.call(server, 8, "wc_count", #"{"text":"still here"}"#, version: "1.0")
        #expect(after?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == "2", "\(String(describing: after))")
        let again = await CppSDKTests.call(server, 9, "wc_explode", "{}")
        #expect(again?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == "panicked: exploded: no reason given",
                "\(String(describing: again))")

        let resource = await server.request(10, "resources/read", #"{"uri":"wordcount://wc/about"}"#)
        #expect(resource?["result"]?["contents"]?.arrayValue?.first?["uri"]?.stringValue == "wordcount://wc/about", "\(String(describing: resource))")
        #expect(resource?["result"]?["contents"]?.arrayValue?.first?["text"]?.stringValue == "wordcount counts words.")
        let prompt = await server.request(11, "prompts/get", #"{"name":"wc_summarize","arguments":{"text":"a \"b\""}}"#)
        #expect(prompt?["result"]?["messages"]?.arrayValue?.first?["content"]?["text"]?.stringValue == "Summarize in one line:\na \"b\"",
                "\(String(describing: prompt))")

        // A typed function: the host checks the arguments against the types the Rust signature gave, and calls it.
        let (wordCount, sentenceCount) = (27.0, 4.0)
        let ratio = await CppSDKTests.call(server, 12, "wc_ratio", #"{"words":\#(wordCount),"sentences":\#(sentenceCount)}"#)
        #expect(ratio?["result"]?["structuredContent"]?["result"]?.doubleValue == wordCount / sentenceCount, "\(String(describing: ratio))")
        let wrong = await CppSDKTests.call(server, 13, "wc_ratio", #"{"words":"many","sentences":1}"#)
        #expect(wrong?["error"]?["code"] == .number("-32602"), "\(String(describing: wrong))")
        #expect(await server.finish() == 0)
    }

    /// The crate's own unit tests: the JSON reader and writer, and the structs' layout against the header.
    @Test func theCratesUnitTestsPass() async throws {
        let run = try await CommandRun.run("/usr/bin/env", [
            "CARGO_TARGET_DIR=" + BuildProducts.temporaryDirectory("rust-target"), "cargo", "test", "--offline", "--lib"],
            in: Self.sdk, timeout: .seconds(600))
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("test result: ok."), "\(run.stdout)")
    }

    /// The guide's Rust example (the first ```rust block of PluginSDK/README.md) is what it says: a crate holding it
    /// builds with the line the guide gives and serves two versions, one of which fails.
    @Test func theGuidesExampleBuildsAndAnswers() async throws {
        let guide = try String(contentsOfFile: BuildProducts.repository + "/PluginSDK/README.md", encoding: .utf8)
        #expect(guide.contains("cargo build --offline --release"))
        let start = try #require(guide.range(of: "```rust\n"))
        let end = try #require(guide.range(of: "\n```", range: start.upperBound..<guide.endIndex))
        let project = BuildProducts.temporaryDirectory("rust-guide")
        try FileManager.default.createDirectory(atPath: project + "/src", withIntermediateDirectories: true)
        try (String(guide[start.upperBound..<end.lowerBound]) + "\n").write(toFile: project + "/src/lib.rs", atomically: true, encoding: .utf8)
        try """
            [package]
            name = "hello"
            version = "1.0.0"
            edition = "2021"

            [lib]
            crate-type = ["cdylib"]

            [dependencies]
            plugboard = { path = "\(Self.sdk)" }

            [workspace]

            """.write(toFile: project + "/Cargo.toml", atomically: true, encoding: .utf8)
        try await Self.cargoBuild(in: project, target: project + "/target")
        let directory = try Self.pluginDirectory(with: project + "/target/release/libhello.so", as: "libhello.so")
        let server = try await CppSDKTests.serve(directory, mounts: [("hi", "hello")])

        let one = await CppSDKTests.call(server, 1, "hi_hello", #"{"name":"Ada"}"#, version: "1.0")
        #expect(one?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == "Hello, Ada!", "\(String(describing: one))")
        let two = await CppSDKTests.call(server, 2, "hi_hello", #"{"name":"Ada"}"#)
        #expect(two?["result"]?["structuredContent"]?["greeting"]?.stringValue == "Hello, Ada!", "\(String(describing: two))")
        let nobody = await CppSDKTests.call(server, 3, "hi_hello", #"{"name":"nobody"}"#)
        #expect(nobody?["result"]?["isError"] == .bool(true), "\(String(describing: nobody))")
        #expect(nobody?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == "nobody is there to greet")
        #expect(await server.finish() == 0)
    }
}
