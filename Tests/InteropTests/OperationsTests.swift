import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PlugboardJSON
import PlugboardTestSupport
import Testing

extension InteropSuite {
    /// What an operator's tooling reads, checked with the tools operators use: a live Prometheus scrape after a
    /// real client's calls, checked by `promtool` and counted against the calls made; and traces exported over
    /// OTLP/HTTP to a real receiver (Tests/Interop/otlp_receiver.py decodes them with opentelemetry-proto).
    @Suite("Metrics and traces")
    struct Operations {
        static let callerTrace = "0af7651916cd43dd8448eb211c80319c"
        static let callerSpan = "b7ad6b7169203331"
        static var callerTraceparent: String { "00-\(callerTrace)-\(callerSpan)-01" }

        static func config(_ name: String, _ text: String) throws -> String {
            let directory = BuildProducts.temporaryDirectory(name)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = directory + "/runtime.json"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        static func get(_ url: String) async throws -> (status: Int, body: String) {
            let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }

        /// The value of the one sample line `name{labels…} value` whose labels include all of `labels`.
        static func sample(_ scrape: String, _ name: String, _ labels: [String: String]) -> Double? {
            let lines = scrape.split(separator: "\n").filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            let matching = lines.filter { line in labels.allSatisfy { line.contains("\($0.key)=\"\($0.value)\"") } }
            guard matching.count == 1, let value = matching[0].split(separator: " ").last else { return nil }
            return Double(value)
        }

        static func promtool(_ scrape: String) async throws -> CommandRun {
            let file = BuildProducts.temporaryDirectory("promtool") + ".prom"
            try Data(scrape.utf8).write(to: URL(fileURLWithPath: file))
            return try await CommandRun.run("/bin/sh", ["-c", "command -v promtool >/dev/null || "
                + "{ echo 'promtool is missing: run scripts/bootstrap (Debian package prometheus)' >&2; exit 127; }; "
                + "promtool check metrics < '\(file)'"])
        }

        @Test("promtool passes a live scrape, and the per-component counters equal the calls a real client made")
        func scrapeCountsTheCalls() async throws {
            let config = try Self.config("metrics", #"""
                {"plugin_directories":[{"path":"${bundled}","watch":false}],
                 "mounts":[{"namespace":"math","provider":"calculator"}]}
                """#)
            let server = try await PlugboardServer.startHTTP(["--config", config])
            defer { server.stop() }
            let observed = try await PythonScript.observe(["observed_calls.py", "--url", server.url("/mcp")],
                                                          server: server, what: "observed calls")
            let calls = observed["calls"]?.arrayValue ?? []
            func made(_ name: String, _ outcome: String) -> Double {
                Double(calls.filter { $0["name"]?.stringValue == name && $0["outcome"]?.stringValue == outcome }.count)
            }
            #expect(made("math_add", "ok") == 3 && made("math_calculate", "ok") == 2, "the client's calls: \(calls)")

            let (status, scrape) = try await Self.get(server.url("/metrics"))
            #expect(status == 200)
            let check = try await Self.promtool(scrape)
            #expect(check.status == 0, "promtool check metrics: \(check.stdout)\(check.stderr)")

            let callMetric = "plugboard_component_call_duration_seconds_count"
            #expect(Self.sample(scrape, callMetric, ["component": "math_add", "outcome": "ok"]) == made("math_add", "ok"))
            #expect(Self.sample(scrape, callMetric, ["component": "math_calculate", "version": "1.0", "outcome": "ok"])
                    == made("math_calculate", "ok"))
            // Two made-up names, one series: a client cannot create series.
            #expect(Self.sample(scrape, callMetric, ["component": "_unknown", "outcome": "not_found"]) == 2)
            #expect(!scrape.contains("no_such_tool_4f1c") && !scrape.contains("made_up_name_9a2e"))

            let requests = "mcp_server_operation_duration_seconds_count"
            #expect(Self.sample(scrape, requests, ["mcp_method_name": "tools/call", "outcome": "ok"]) == 5)
            #expect(Self.sample(scrape, requests, ["mcp_method_name": "tools/call", "outcome": "error", "error_type": "-32602"]) == 2)
            #expect(Self.sample(scrape, requests, ["mcp_method_name": "initialize", "outcome": "ok"]) == 1)
            #expect(Self.sample(scrape, "plugboard_calls_in_flight", [:]) == 0)
            #expect(Self.sample(scrape, "plugboard_provider_info", ["provider": "calculator", "version": "1.0.0"]) == 1)
        }

        @Test("a sandboxed provider's worker deaths are counted by cause, and its open circuit shows as a gauge")
        func workerDeathsAreCounted() async throws {
            let directory = BuildProducts.temporaryDirectory("metrics-deaths")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let hostile = try await FixtureBuilds.fixture("hostile", into: directory)
            let config = try Self.config("metrics-deaths", #"""
                {"mounts":[{"namespace":"h","file":"\#(hostile)","isolation":"sandboxed"}],
                 "transports":{"admin":{"port":0}}}
                """#)
            // The admin listener on a port of its own: /metrics is not on the MCP listener then.
            let adminPort = try LoopbackPort.free()
            let withAdmin = try Self.config("metrics-deaths-admin", try String(contentsOfFile: config, encoding: .utf8)
                .replacingOccurrences(of: #""port":0"#, with: #""port":\#(adminPort)"#))
            let server = try await PlugboardServer.startHTTP(["--config", withAdmin])
            defer { server.stop() }
            #expect(try await Self.get(server.url("/metrics")).status == 404, "metrics are on the admin listener")
            let admin = "http://127.0.0.1:\(adminPort)"
            #expect(try await Self.get(admin + "/readyz").status == 200)
            var crashes = 0
            while crashes < 10, try await Self.get(admin + "/readyz").status == 200 {  // the default threshold is 5 in a row
                _ = try await HTTPCall.post(server.url("/mcp"), HTTPCall.statelessCall(id: crashes, tool: "h_segfault"), tool: "h_segfault")
                crashes += 1
            }
            let scrape = try await Self.get(admin + "/metrics").body
            let deaths = Self.sample(scrape, "plugboard_worker_deaths_total", ["provider": "hostile", "cause": "signal"])
            #expect(deaths == Double(crashes), "one death per crashing call: \(scrape.split(separator: "\n").filter { $0.contains("worker") })")
            #expect(Self.sample(scrape, "plugboard_worker_starts_total", ["provider": "hostile"]) == Double(crashes),
                    "the first start and a restart after each death but the last")
            #expect(Self.sample(scrape, "plugboard_worker_restarts_total", ["provider": "hostile"]) == Double(crashes - 1))
            #expect(Self.sample(scrape, "plugboard_circuit_breaker_openings_total", ["provider": "hostile"]) == 1)
            #expect(Self.sample(scrape, "plugboard_circuit_breakers_open", [:]) == 1)
            let check = try await Self.promtool(scrape)
            #expect(check.status == 0, "promtool check metrics: \(check.stdout)\(check.stderr)")
            #expect(try await Self.get(admin + "/readyz").status == 503, "the admin listener answers the probes too")
        }

        /// A real OTLP receiver on a free loopback port, writing the spans it decodes to a JSON-lines file.
        final class Receiver: Sendable {
            let port: Int
            let spansFile: String
            private let child: ChildProcess

            init() async throws {
                port = try LoopbackPort.free()
                spansFile = BuildProducts.temporaryDirectory("otlp") + ".jsonl"
                child = try ChildProcess(try InteropEnvironment.python(), ["otlp_receiver.py", "--port", "\(port)", "--out", spansFile],
                                         directory: InteropEnvironment.scriptsDirectory)
                let deadline = ContinuousClock.now + .seconds(20)
                while !LoopbackPort.accepts(port) {
                    guard child.isRunning, ContinuousClock.now < deadline else {
                        throw ChildProcess.Failure(description: "the OTLP receiver did not start: \(child.stderrText)")
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }

            var spans: [JSONValue] {
                let text = (try? String(contentsOfFile: spansFile, encoding: .utf8)) ?? ""
                return text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
            }

            /// Waits until `count` spans of `trace` have arrived.
            func spans(ofTrace trace: String, count: Int) async throws -> [JSONValue] {
                let deadline = ContinuousClock.now + .seconds(20)
                var found: [JSONValue] = []
                repeat {
                    found = spans.filter { $0["trace_id"]?.stringValue == trace }
                    if found.count >= count { return found }
                    try await Task.sleep(for: .milliseconds(100))
                } while ContinuousClock.now < deadline
                return found
            }

            func stop() { child.stop() }
        }

        static func tracingConfig(_ name: String, endpoint: String, fixture: String, hostile: String? = nil) throws -> String {
            let hostileMount = hostile.map { #",{"namespace":"h","file":"\#($0)","isolation":"sandboxed"}"# } ?? ""
            return try config(name, #"""
                {"plugin_directories":[{"path":"${bundled}","watch":false}],
                 "mounts":[{"namespace":"math","provider":"calculator"},
                           {"namespace":"boxed","file":"\#(fixture)","isolation":"sandboxed"}\#(hostileMount)],
                 "logging":{"format":"json"},
                 "tracing":{"enabled":true,"endpoint":"\#(endpoint)","export_delay_ms":100,"service_name":"plugboard-test"}}
                """#)
        }

        @Test("a call's span continues the caller's traceparent; the provider call is its child, names the worker pid, and the provider gets that child's context in _meta")
        func spansContinueTheCallersTrace() async throws {
            let receiver = try await Receiver()
            defer { receiver.stop() }
            let directory = BuildProducts.temporaryDirectory("traces")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let fixture = try await FixtureBuilds.fixture("behaviours", into: directory)
            let hostile = try await FixtureBuilds.fixture("hostile", into: directory)
            let config = try Self.tracingConfig("traces", endpoint: "http://127.0.0.1:\(receiver.port)/v1/traces", fixture: fixture,
                                                hostile: hostile)
            let server = try await PlugboardServer.startHTTP(["--config", config])
            defer { server.stop() }
            let observed = try await PythonScript.observe(
                ["observed_calls.py", "--url", server.url("/mcp"), "--traceparent", Self.callerTraceparent, "--echo-tool", "boxed_echo_meta"],
                server: server, what: "traced calls")

            // The one call to the sandboxed provider: its request span and the provider call's span.
            let spans = try await receiver.spans(ofTrace: Self.callerTrace, count: 9)
            let request = try #require(spans.first { $0["name"]?.stringValue == "tools/call boxed_echo_meta" },
                                       "spans: \(spans.map { $0["name"]?.stringValue ?? "?" }) \(server.stderrText.suffix(1500))")
            #expect(request["parent_span_id"]?.stringValue == Self.callerSpan, "the caller's span is the parent")
            #expect(request["kind"]?.int64Value == 2, "a server span")
            #expect(request["service_name"]?.stringValue == "plugboard-test")
            #expect(request["attributes"]?["mcp.method.name"]?.stringValue == "tools/call")
            #expect(request["attributes"]?["gen_ai.tool.name"]?.stringValue == "boxed_echo_meta")
            #expect(request["attributes"]?["plugboard.surface"]?.stringValue == "mcp")
            #expect(request["attributes"]?["plugboard.outcome"]?.stringValue == "ok")
            #expect(request["attributes"]?["plugboard.is_error"]?.boolValue == false)
            let requestSpan = try #require(request["span_id"]?.stringValue)
            let provider = try #require(spans.first { $0["parent_span_id"]?.stringValue == requestSpan },
                                        "a child span of the request: \(spans)")
            #expect(provider["name"]?.stringValue == "provider behaviours")
            #expect((provider["attributes"]?["plugboard.worker.pid"]?.int64Value ?? 0) > 0, "the worker's pid: \(provider)")
            let echoed = observed["echoed"]?["meta"]?["traceparent"]?.stringValue
            #expect(echoed == "00-\(Self.callerTrace)-\(provider["span_id"]?.stringValue ?? "?")-01",
                    "the provider continues the provider call's span: \(observed["echoed"]?.text ?? "nil")")

            let pinned = spans.first { $0["name"]?.stringValue == "tools/call math_calculate" }
            #expect(pinned?["attributes"]?["plugboard.component.version"]?.stringValue == "1.0", "the version chosen")
            // The unknown tool: an error span, still in the caller's trace.
            let unknown = spans.first { $0["name"]?.stringValue == "tools/call" && $0["attributes"]?["error.type"] != nil }
            #expect(unknown?["status_code"]?.int64Value == 2, "an error status: \(String(describing: unknown))")

            // A call whose worker dies, traced from the HTTP header: its log line (JSON) names the trace and the span.
            let crashTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
            _ = try await HTTPCall.post(server.url("/mcp"), HTTPCall.statelessCall(id: 9, tool: "h_segfault"), tool: "h_segfault",
                                        headers: ["traceparent": "00-\(crashTrace)-00f067aa0ba902b7-01"])
            let crashSpans = try await receiver.spans(ofTrace: crashTrace, count: 2)
            let crashProvider = crashSpans.first { $0["name"]?.stringValue == "provider hostile" }
            #expect(crashProvider?["status_code"]?.int64Value == 2, "the provider span failed: \(crashSpans)")
            let logLines = server.stderrText.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
            let failure = logLines.first { $0["trace_id"]?.stringValue == crashTrace }
            #expect(failure?["level"]?.stringValue == "warning", "a JSON log line with the call's trace id: \(server.stderrText.suffix(2000))")
            #expect(failure?["span_id"] == crashProvider?["span_id"])
            #expect(failure?["outcome"]?.stringValue == "unavailable")
        }

        @Test("a malformed traceparent is ignored (a new trace starts), and an unreachable OTLP endpoint never fails or holds a call: its spans are counted as dropped")
        func badTraceInputNeverFailsACall() async throws {
            let directory = BuildProducts.temporaryDirectory("traces-bad")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let fixture = try await FixtureBuilds.fixture("behaviours", into: directory)
            let closed = try LoopbackPort.free()  // nobody listens here
            let config = try Self.tracingConfig("traces-bad", endpoint: "http://127.0.0.1:\(closed)/v1/traces", fixture: fixture)
            let server = try await PlugboardServer.startHTTP(["--config", config])
            defer { server.stop() }
            let started = ContinuousClock.now
            let observed = try await PythonScript.observe(
                ["observed_calls.py", "--url", server.url("/mcp"), "--traceparent", "00-not-a-trace-context", "--echo-tool", "boxed_echo_meta"],
                server: server, what: "calls with a malformed traceparent")
            let elapsed = ContinuousClock.now - started
            let calls = observed["calls"]?.arrayValue ?? []
            #expect(calls.filter { $0["outcome"]?.stringValue == "ok" }.count == 5, "\(calls)")
            let echoed = observed["echoed"]?["meta"]?["traceparent"]?.stringValue ?? ""
            #expect(echoed.hasPrefix("00-") && echoed.count == 55 && !echoed.contains("not-a-trace"),
                    "a new trace started and reached the provider: \(echoed)")
            print("eight calls with the OTLP endpoint unreachable: \(elapsed) including the client's start")

            var dropped = 0.0
            let deadline = ContinuousClock.now + .seconds(30)
            repeat {
                let scrape = try await Self.get(server.url("/metrics")).body
                dropped = Self.sample(scrape, "plugboard_trace_spans_dropped_total", ["reason": "export_failed"]) ?? 0
                if dropped > 0 { break }
                try await Task.sleep(for: .milliseconds(250))
            } while ContinuousClock.now < deadline
            #expect(dropped > 0, "spans that could not be sent are counted: \(server.stderrText.suffix(1500))")
        }
    }
}

/// A 2026-07-28 `tools/call` over HTTP with the routing headers, for tests that need no client library.
enum HTTPCall {
    static func statelessCall(id: Int, tool: String) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":{},"#
            + #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
    }

    static func post(_ url: String, _ body: String, tool: String, headers: [String: String] = [:]) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        for (name, value) in ["Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                              "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": tool].merging(headers, uniquingKeysWith: { $1 }) {
            request.setValue(value, forHTTPHeaderField: name)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
