import Foundation
import Testing
import PlugboardJSON
import PlugboardTestSupport

/// A runtime.json in its own directory, mounting bundled providers.
private func writeConfig(_ text: String, to directory: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/runtime.json"))
}

private func toolNames(_ list: JSONValue?) -> [String: [String]] {
    var names: [String: [String]] = [:]
    for tool in list?["result"]?["tools"]?.arrayValue ?? [] {
        names[tool["name"]?.stringValue ?? "?"] = tool["_meta"]?["fastmcp"]?["versions"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
    return names
}

@Suite struct ServeCommandTests {
    @Test func startupSummaryNamesProvidersSurfacesAndWarnings() async throws {
        let directory = BuildProducts.temporaryDirectory("serve")
        try writeConfig(#"""
            {"plugin_directories":["${bundled}"],
             "mounts":[{"namespace":"math","provider":"calculator"},{"namespace":"x","provider":"nothere"}],
             "surfaces":[{"name":"mcp","path":"/mcp"},{"name":"v1","path":"/v1/mcp","filter":{"version_lt":"2.0"}}]}
            """#, to: directory)
        let server = try StdioServer(arguments: ["--config", directory + "/runtime.json"])
        #expect(await server.initialize()?["result"]?["serverInfo"]?["name"]?.stringValue == "plugboard")
        #expect(await server.finish() == 0)
        let summary = server.stderr
        #expect(summary.contains("plugboard: serving"))
        #expect(summary.contains("    calculator 1.0.0  3 registrations  from \(BuildProducts.directory)/libcalculator.so"))
        #expect(summary.contains("    mcp  (stdio)"))
        #expect(summary.contains("    v1  versions < 2.0"))
        #expect(summary.contains("warning: $.mounts[1] names provider 'nothere', but no file in the plugin directories has that plugin id"))
    }

    @Test("logging.format json: every stderr line is one JSON object with timestamp, level, logger and message; logging.level is honoured")
    func jsonLogLines() async throws {
        let directory = BuildProducts.temporaryDirectory("serve")
        try writeConfig(#"""
            {"plugin_directories":["${bundled}"],
             "mounts":[{"namespace":"math","provider":"calculator"},{"namespace":"x","provider":"nothere"}],
             "logging":{"format":"json","level":"notice"}}
            """#, to: directory)
        let server = try StdioServer(arguments: ["--config", directory + "/runtime.json"])
        #expect(await server.initialize()?["result"]?["serverInfo"]?["name"]?.stringValue == "plugboard")
        #expect(await server.finish() == 0)
        let lines = server.stderr.split(separator: "\n").map(String.init)
        let records = lines.compactMap { try? JSONParser.parse($0) }
        #expect(!lines.isEmpty && records.count == lines.count, "lines that are not JSON: \(lines.filter { (try? JSONParser.parse($0)) == nil })")
        for record in records {
            #expect(record["timestamp"]?.stringValue?.hasSuffix("Z") == true && record["logger"]?.stringValue != nil)
            #expect(["notice", "warning", "error", "critical"].contains(record["level"]?.stringValue ?? ""),
                    "below the configured level: \(record.jsonText)")
        }
        #expect(records.contains { $0["level"] == .string("warning") && $0["message"]?.stringValue?.contains("names provider 'nothere'") == true })
        #expect(records.contains { $0["message"]?.stringValue?.hasPrefix("plugboard: serving") == true }, "the summary is one record")
        #expect(!records.contains { $0["message"]?.stringValue?.hasPrefix("loaded calculator") == true }, "info records are below notice")
    }

    @Test func sighupReloadsTheConfigurationAndKeepsItWhenInvalid() async throws {
        let directory = BuildProducts.temporaryDirectory("serve")
        try writeConfig(#"{"plugin_directories":["${bundled}"],"mounts":[{"namespace":"math","provider":"calculator"}]}"#, to: directory)
        let server = try StdioServer(arguments: ["--config", directory + "/runtime.json"])
        _ = await server.initialize()
        let before = toolNames(await server.request(1, "tools/list"))
        #expect(before == ["math_calculate": ["2.0", "1.0"], "math_add": []])

        try writeConfig(#"""
            {"plugin_directories":["${bundled}"],
             "mounts":[{"namespace":"math","provider":"calculator","filter":{"version_lt":"2.0"}},{"namespace":"hello","provider":"greeter"}]}
            """#, to: directory)
        server.signal(SIGHUP)
        #expect(await server.next { $0["method"]?.stringValue == "notifications/tools/list_changed" } != nil)
        let after = toolNames(await server.request(2, "tools/list"))
        #expect(after == ["math_calculate": ["1.0"], "math_add": [], "hello_greet": ["2.0", "1.0"]])

        try writeConfig(#"{"mounts":[{"namespce":"oops"}]}"#, to: directory)
        server.signal(SIGHUP)
        var kept = false
        for _ in 0..<200 where !kept {
            kept = server.stderr.contains("kept the running configuration")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(kept)
        #expect(server.stderr.contains("$.mounts[0].namespce: unknown key 'namespce'; did you mean 'namespace'?"))
        #expect(toolNames(await server.request(3, "tools/list")) == after)
        #expect(await server.finish() == 0)
    }

    @Test func withoutARuntimeJSONTheBundledProvidersAreServed() async throws {
        // MCP clients start stdio servers from any working directory.
        let server = try StdioServer(arguments: [], in: BuildProducts.temporaryDirectory("elsewhere"))
        _ = await server.initialize()
        let tools = toolNames(await server.request(1, "tools/list"))
        #expect(tools["math_calculate"] == ["2.0", "1.0"])
        #expect(tools["hello_greet"] == ["2.0", "1.0"])
        #expect(await server.finish() == 0)
        #expect(server.stderr.contains("configuration: the built-in default configuration"))
    }

    @Test func sigtermFinishesTheCallsInFlightThenExits() async throws {
        let server = try StdioServer(arguments: [])
        _ = await server.initialize()
        server.send(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"notes_reindex","arguments":{}}}"#)
        try await Task.sleep(for: .milliseconds(300))
        server.signal(SIGTERM)
        let answer = await server.next { $0["id"]?.int64Value == 7 }
        #expect(answer?["result"]?["content"]?[0]?["text"]?.stringValue == "reindexed")
        #expect(await server.finish() == 0)
    }
}

extension JSONValue {
    fileprivate subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
