import Foundation
import Testing
import PlugboardJSON
import PlugboardTestSupport

/// Writes `text` as a runtime.json in a fresh directory and returns its path.
private func configFile(_ text: String) throws -> String {
    let file = BuildProducts.temporaryDirectory("config") + "/runtime.json"
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    return file
}

@Suite struct ValidateCommandTests {
    @Test func acceptsTheShippedConfiguration() async throws {
        let run = try await CommandRun.plugboard("validate")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "runtime.json is valid: 3 mounts, 3 provider files (calculator, greeter, notes), "
            + "surfaces mcp at /mcp, v1 at /v1/mcp, v2 at /v2/mcp\n")
        // calculate and greet 1.0 declare no output schema and their 2.0 one (SEMANTICS.md "Listing"): a warning each.
        for tool in ["math_calculate", "hello_greet"] {
            #expect(run.stderr.contains("warning: tool '\(tool)': versions 2.0, 1.0 declare different output schemas"),
                    "\(run.stderr)")
        }
    }

    /// The operator's first try: a rule on the mount of `greeter` under `g`, naming the tool as clients see it.
    @Test func reportsADisableRuleThatMatchesNothingWithTheNameItMeant() async throws {
        let file = try configFile(#"""
            {"plugin_directories":["${bundled}"],
             "mounts":[{"namespace":"g","provider":"greeter","disable":[{"name":"g_greet","version":"2.0"}]},
                       {"namespace":"math","provider":"calculator","filter":{"version_gte":"3.0"}}],
             "surfaces":[{"name":"mcp","path":"/mcp","disable":[{"name":"greet"}]}]}
            """#)
        let run = try await CommandRun.plugboard("validate", "--config", file)
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stderr.contains("$.mounts[0].disable[0]: disables 'g_greet' version 2.0, but nothing here matches it; did you mean 'greet'?"), "\(run.stderr)")
        #expect(run.stderr.contains("without its own namespace 'g'"), "the level's naming rule: \(run.stderr)")
        #expect(run.stderr.contains("$.mounts[1].filter: the filter version_gte 3.0 admits no version of anything beneath it (versions there: 2.0, 1.0)"), "\(run.stderr)")
        // On a surface, names are the ones clients see.
        #expect(run.stderr.contains("$.surfaces[0].disable[0]: disables 'greet', but nothing here matches it; did you mean 'g_greet'?"), "\(run.stderr)")
    }

    /// The provider's own name on its mount hides that version: the served default falls back to 1.0.
    @Test func aRuleOnAMountUsesTheProvidersOwnNames() async throws {
        let file = try configFile(#"""
            {"plugin_directories":["${bundled}"],
             "mounts":[{"namespace":"g","provider":"greeter","disable":[{"name":"greet","version":"2.0"}]}]}
            """#)
        let validate = try await CommandRun.plugboard("validate", "--config", file)
        #expect(validate.status == 0, "\(validate.stderr)")
        let list = try await CommandRun.plugboard("list", "--config", file, "--json")
        #expect(list.status == 0, "\(list.stderr)")
        let rows = try #require(try JSONParser.parse(list.stdout).arrayValue)
        let greet = try #require(rows.first { $0["identity"]?.stringValue == "g_greet" })
        #expect(greet["versions"]?.arrayValue?.compactMap(\.stringValue) == ["1.0"])
    }

    @Test func reportsEveryConfigurationProblemWithItsPath() async throws {
        let file = try configFile(#"{"mounts":[{"namespce":"math","provider":"calculator"}],"logging":{"level":"loud"}}"#)
        let run = try await CommandRun.plugboard("validate", "--config", file)
        #expect(run.status == 1)
        #expect(run.stderr == """
            Error: \(file) has 2 problems:
              $.mounts[0].namespce: unknown key 'namespce'; did you mean 'namespace'?
              $.logging.level: 'loud' is not one of 'debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'

            """)
    }

    @Test func reportsAMountWhosePluginIsNowhere() async throws {
        let file = try configFile(#"{"plugin_directories":["${bundled}"],"mounts":[{"namespace":"math","provider":"calculater"}]}"#)
        let run = try await CommandRun.plugboard("validate", "--config", file)
        #expect(run.status == 1)
        #expect(run.stderr.contains("$.mounts[0].provider: no file in the plugin directories has plugin id 'calculater' (found: calculator, greeter, notes)"))
    }
}

@Suite struct ListCommandTests {
    @Test func eachSurfaceShowsTheVersionsItsFilterLetsThrough() async throws {
        for (surface, calculate) in [("mcp", ["2.0", "1.0"]), ("v1", ["1.0"]), ("v2", ["2.0"])] {
            let run = try await CommandRun.plugboard("list", "--surface", surface, "--json")
            #expect(run.status == 0, "\(run.stderr)")
            let rows = try #require(try JSONParser.parse(run.stdout).arrayValue)
            let row = try #require(rows.first { $0["identity"]?.stringValue == "math_calculate" })
            #expect(row["versions"]?.arrayValue?.compactMap(\.stringValue) == calculate)
            #expect(row["default"]?.stringValue == calculate.first)
            #expect(row["provider"]?.stringValue == "calculator 1.0.0")
            // Unversioned components pass every filter.
            #expect(rows.contains { $0["identity"]?.stringValue == "math_add" && $0["versions"]?.arrayValue == [] })
        }
    }

    @Test func theTableMarksTheDefaultVersion() async throws {
        let run = try await CommandRun.plugboard("list")
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.first == "KIND IDENTITY VERSIONS PROVIDER")
        #expect(lines.contains("tool math_calculate 2.0*, 1.0 calculator 1.0.0"))
        #expect(lines.contains("resource_template notes://notes/note/{id} 2.0*, 1.0 notes 1.0.0"))
    }

    @Test func anUnknownSurfaceIsNamed() async throws {
        let run = try await CommandRun.plugboard("list", "--surface", "v3")
        #expect(run.status != 0)
        #expect(run.stderr == "Error: unknown surface 'v3'; runtime.json declares: mcp, v1, v2\n")
    }
}

@Suite struct RequestCommandTests {
    @Test func callRoutesToTheDefaultOrThePinnedVersion() async throws {
        let pinned = try await CommandRun.plugboard("call", "math_calculate", "--version", "1.0", "--args", #"{"a":6,"b":7,"op":"mul"}"#)
        #expect(pinned.status == 0, "\(pinned.stderr)")
        #expect(pinned.stdout == "42\n")
        let v2 = try await CommandRun.plugboard("call", "math_calculate", "--json", "--args", #"{"a":1,"b":3,"op":"div","precision":2}"#)
        let result = try JSONParser.parse(v2.stdout)
        #expect(result["structuredContent"]?["result"]?.doubleValue == 0.33)
        #expect(result["structuredContent"]?["precision"]?.int64Value == 2)
    }

    @Test func versionErrorsNameWhatIsAvailable() async throws {
        let missing = try await CommandRun.plugboard("call", "math_calculate", "--version", "3", "--args", "{}")
        #expect(missing.status == 1)
        #expect(missing.stderr == "Error: tool 'math_calculate' has no version '3'; available: 2.0, 1.0 (JSON-RPC error -32602)\n")
        // The v2 surface's filter hides 1.0: pinning it there is the same error, with what v2 has.
        let filtered = try await CommandRun.plugboard("call", "math_calculate", "--surface", "v2", "--version", "1.0", "--args", "{}")
        #expect(filtered.status == 1)
        #expect(filtered.stderr == "Error: tool 'math_calculate' has no version '1.0'; available: 2.0 (JSON-RPC error -32602)\n")
    }

    @Test func aToolFailureIsPrintedAndExitsNonZero() async throws {
        let run = try await CommandRun.plugboard("call", "math_calculate", "--args", #"{"a":1,"b":0,"op":"div"}"#)
        #expect(run.status == 1)
        #expect(run.stdout.contains("division by zero"))
    }

    @Test func readAndPromptFollowTheirVersions() async throws {
        let text = try await CommandRun.plugboard("read", "notes://notes/note/1", "--version", "1.0")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("Welcome\n"))
        let json = try await CommandRun.plugboard("read", "notes://notes/note/1", "--version", "2.0")
        #expect(try JSONParser.parse(json.stdout)["title"]?.stringValue == "Welcome")
        let prompt = try await CommandRun.plugboard("prompt", "notes_summarize", "--args", #"{"id":"1"}"#)
        #expect(prompt.status == 0, "\(prompt.stderr)")
        #expect(prompt.stdout.hasPrefix("user: "))
        #expect(prompt.stdout.contains("Welcome"))
    }
}

@Suite struct InspectCommandTests {
    @Test func showsIdentityAbiAndEveryComponent() async throws {
        let run = try await CommandRun.plugboard("inspect", BuildProducts.bundled("calculator"))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("  plugin      calculator 1.0.0\n  ABI         1.3 (this host: 1.0–1.3)"))
        #expect(run.stdout.contains("\ntool calculate 1.0"))
        #expect(run.stdout.contains("\ntool calculate 2.0"))
        #expect(run.stdout.contains("\ntool add (unversioned)"))
    }

    @Test func sandboxedInspectionRunsThePluginInAWorkerAndReportsEachLayer() async throws {
        let run = try await CommandRun.plugboard("inspect", "--sandboxed", "--json", BuildProducts.bundled("notes"))
        #expect(run.status == 0, "\(run.stderr)")
        let found = try JSONParser.parse(run.stdout)
        #expect(found["plugin_id"]?.stringValue == "notes")
        #expect(found["components"]?.arrayValue?.contains { $0["key"]?.stringValue == "notes://note/{id}" } == true)
        let layers = found["sandbox"]?.arrayValue?.compactMap { $0["layer"]?.stringValue } ?? []
        #expect(Set(layers).isSuperset(of: ["pdeathsig", "rlimit-as", "seccomp"]))
        // Whatever the kernel offers, no layer may have failed outright.
        #expect(found["sandbox"]?.arrayValue?.allSatisfy { $0["status"]?.stringValue != "failed" } == true)
    }

    @Test func aFileThatIsNoProviderGetsTheLoadersMessage() async throws {
        let file = BuildProducts.temporaryDirectory("inspect") + "/notes.txt.so"
        try Data("plain text".utf8).write(to: URL(fileURLWithPath: file))
        let run = try await CommandRun.plugboard("inspect", file)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("Error: \(file): cannot be loaded as a shared library:"))
    }
}

@Suite struct NewCommandTests {
    @Test(arguments: ["c", "cpp", "swift", "rust"])
    func theSkeletonBuildsWithOneCommandAndPassesInspect(language: String) async throws {
        let directory = BuildProducts.temporaryDirectory("new")
        let created = try await CommandRun.plugboard("new", "sample", "--lang", language, "--output", directory)
        #expect(created.status == 0, "\(created.stderr)")
        let project = directory + "/sample"
        let build = switch language {
        case "swift": try await CommandRun.run("/usr/bin/env", ["swift", "build", "-c", "release"], in: project, timeout: .seconds(600))
        case "rust": try await Self.cargoBuild(project)
        default: try await CommandRun.run("/usr/bin/env", ["make"], in: project)
        }
        #expect(build.status == 0, "\(build.stdout)\(build.stderr)")
        let library = switch language {
        case "swift": project + "/.build/release/libsample.so"
        case "rust": project + "/target/release/libsample.so"
        default: project + "/libsample.so"
        }
        let inspected = try await CommandRun.plugboard("inspect", library)
        #expect(inspected.status == 0, "\(inspected.stderr)")
        #expect(inspected.stdout.contains("  plugin      sample 0.1.0"))
        #expect(inspected.stdout.contains("\ntool echo 1.0"))
        if language == "swift" { try await Self.serveAndCallTheSwiftSkeleton(built: library) }
    }

    /// The Swift skeleton (on PlugboardProviderKit), served: both echo versions answer, and the error 2.0 throws
    /// reaches the client as a tool error while the host keeps serving. Called with the build the test above made.
    static func serveAndCallTheSwiftSkeleton(built library: String) async throws {
        let directory = BuildProducts.temporaryDirectory("new-swift-serve")
        try FileManager.default.copyItem(atPath: library, toPath: directory + "/libsample.so")
        let server = try await CppSDKTests.serve(directory, mounts: [("s", "sample")])
        await Self.expectTheEchoSkeletonAnswers(server, text: "hi there", arguments: #"{"text":"hi there"}"#)
    }

    /// The C++ skeleton, served: both echo versions answer, and the exception 2.0 throws reaches the client as a
    /// tool error while the host keeps serving.
    @Test func theCppSkeletonIsServedAndCalled() async throws {
        let directory = BuildProducts.temporaryDirectory("new")
        let created = try await CommandRun.plugboard("new", "sample", "--lang", "cpp", "--output", directory)
        #expect(created.status == 0, "\(created.stderr)")
        let project = directory + "/sample"
        let build = try await CommandRun.run("/usr/bin/env", ["make"], in: project)
        try #require(build.status == 0, "\(build.stdout)\(build.stderr)")
        let server = try await CppSDKTests.serve(project, mounts: [("s", "sample")])

        await Self.expectTheEchoSkeletonAnswers(server, text: "hi there", arguments: #"{"text":"hi there"}"#)
    }

    /// The Rust skeleton's one command. CARGO_TARGET_DIR is named so that one set in the environment cannot move
    /// the library elsewhere.
    static func cargoBuild(_ project: String) async throws -> CommandRun {
        try await CommandRun.run("/usr/bin/env", ["CARGO_TARGET_DIR=" + project + "/target", "cargo", "build", "--offline", "--release"],
                                 in: project, timeout: .seconds(600))
    }

    /// The Rust skeleton, served: both echo versions answer, the error 2.0 returns reaches the client as a tool
    /// error, and a name with '-' becomes a library with '_' (Cargo's naming) that New's message names.
    @Test func theRustSkeletonIsServedAndCalled() async throws {
        let directory = BuildProducts.temporaryDirectory("new")
        let created = try await CommandRun.plugboard("new", "my-sample", "--lang", "rust", "--output", directory)
        #expect(created.status == 0, "\(created.stderr)")
        let project = directory + "/my-sample"
        #expect(created.stdout.contains("check:    plugboard inspect \(project)/target/release/libmy_sample.so"), "\(created.stdout)")
        let build = try await Self.cargoBuild(project)
        try #require(build.status == 0, "\(build.stdout)\(build.stderr)")
        #expect(!build.stderr.contains("warning"), "\(build.stderr)")
        let plugins = try RustSDKTests.pluginDirectory(with: project + "/target/release/libmy_sample.so", as: "libmy_sample.so")
        let server = try await CppSDKTests.serve(plugins, mounts: [("s", "my-sample")])

        let text = "hi \"there\" ü"
        let arguments = #"{"text":"hi \"there\" \u00fc"}"#
        await Self.expectTheEchoSkeletonAnswers(server, text: text, arguments: arguments)
    }

    /// What every language's skeleton promises, mounted as `s`: echo 1.0 answers with the text, 2.0 with the text
    /// and its UTF-8 length as structured content, 2.0 with an empty text fails as a tool error, and the host keeps
    /// serving afterwards. Ends the server.
    static func expectTheEchoSkeletonAnswers(_ server: StdioServer, text: String, arguments: String) async {
        let one = await CppSDKTests.call(server, 1, "s_echo", arguments, version: "1.0")
        #expect(one?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == text, "\(String(describing: one))")
        let two = await CppSDKTests.call(server, 2, "s_echo", arguments, version: "2.0")
        #expect(two?["result"]?["structuredContent"]?["text"]?.stringValue == text, "\(String(describing: two))")
        #expect(two?["result"]?["structuredContent"]?["length"]?.doubleValue == Double(text.utf8.count))
        let refused = await CppSDKTests.call(server, 3, "s_echo", #"{"text":""}"#, version: "2.0")
        #expect(refused?["result"]?["isError"] == .bool(true), "\(String(describing: refused))")
        #expect(refused?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == "nothing to echo: 'text' is empty")
        let after = await CppSDKTests.call(server, 4, "s_echo", #"{"text":"again"}"#, version: "1.0")
        #expect(after?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue == "again")
        #expect(await server.finish() == 0)
    }

    @Test func aNameThatIsNoPluginIdIsRefused() async throws {
        let run = try await CommandRun.plugboard("new", "Bad Name", "--output", BuildProducts.temporaryDirectory("new"))
        #expect(run.status != 0)
        #expect(run.stderr.hasPrefix("Error: NAME must be a plugin id: lowercase letters, digits, '_' and '-' (got 'Bad Name')"))
    }
}
