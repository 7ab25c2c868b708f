import Foundation
import Testing
import PlugboardCore
@testable import PlugboardConfig


private func decode(_ text: String) throws(ConfigError) -> RuntimeConfig {
    try decoder.decode(Array(text.utf8), source: "runtime.json")
}

@Suite struct RuntimeConfigDecoderTests {
    @Test func shippedRuntimeJSONIsValidAndDeclaresTheThreeSurfaces() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("runtime.json").path
        let config = try RuntimeConfigDecoder.load(file: file, bundledDirectory: "/bundled")
        #expect(config.surfaces.map(\.path) == ["/mcp", "/v1/mcp", "/v2/mcp"])
        #expect(config.surfaces[1].filter == .init(lt: try Version("2.0")))
        #expect(config.surfaces[2].filter == .init(gte: try Version("2.0")))
        #expect(config.mounts.map(\.namespace) == ["math", "notes", "hello"])
        #expect(config.mounts.map(\.source) == [.pluginID("calculator"), .pluginID("notes"), .pluginID("greeter")])
        #expect(config.pluginDirectories.first == .init(path: "/bundled", watch: false))
        #expect(config.pluginDirectories.last == .init(path: root.path + "/plugins.d", watch: true, autoMount: true))
    }

    @Test func emptyObjectGivesDefaults() throws {
        let config = try decode("{}")
        #expect(config == RuntimeConfig())
        #expect(config.transports.http.host == "127.0.0.1")
    }

    @Test func unknownKeysAreReportedWithTheClosestKnownKey() {
        #expect(issues(#"{"mounts":[{"namespce":"math","provider":"calculator"}]}"#)
            == ["$.mounts[0].namespce: unknown key 'namespce'; did you mean 'namespace'?"])
        #expect(issues(#"{"surfaces":[{"name":"mcp","path":"/mcp","filter":{"verison_lt":"2.0","version_gte":"1.0"}}]}"#)
            == ["$.surfaces[0].filter.verison_lt: unknown key 'verison_lt'; did you mean 'version_lt'?"])
        let far = issues(#"{"zebra": 1}"#)
        #expect(far.count == 1)
        #expect(far.first?.hasPrefix("$.zebra: unknown key 'zebra'; known keys here: $schema, plugin_directories") == true)
    }

    @Test func callDeadlineForInProcessProviders() throws {
        #expect(RuntimeConfig().transports.limits.callDeadlineMilliseconds == 30_000)
        #expect(try decode(#"{"transports":{"limits":{"call_deadline_ms":250}}}"#).transports.limits.callDeadlineMilliseconds == 250)
        #expect(issues(#"{"transports":{"limits":{"call_deadline_ms":0}}}"#)
            == ["$.transports.limits.call_deadline_ms: 0 is out of range: expected 1 to 86400000"])
        #expect(issues(#"{"transports":{"limits":{"call_deadline":250}}}"#)
            == ["$.transports.limits.call_deadline: unknown key 'call_deadline'; did you mean 'call_deadline_ms'?"])
    }

    @Test func connectionAndSessionBoundsDecodeAndRefuseNonsense() throws {
        let limits = try decode(#"""
            {"transports":{"limits":{"max_sessions":50,"max_sessions_per_client":5,"new_sessions_per_second_per_client":2,
             "max_connections":300,"max_connections_per_address":30,"header_timeout_ms":2000,"body_timeout_ms":3000,
             "keep_alive_timeout_ms":4000}}}
            """#).transports.limits
        let decoded: [Int] = [limits.maxSessions, limits.maxSessionsPerClient, limits.newSessionsPerSecondPerClient, limits.maxConnections,
                  limits.maxConnectionsPerAddress, limits.headerTimeoutMilliseconds, limits.bodyTimeoutMilliseconds,
                  limits.keepAliveTimeoutMilliseconds]
        #expect(decoded == [50, 5, 2, 300, 30, 2000, 3000, 4000])
        #expect(issues(#"{"transports":{"limits":{"header_timeout_ms":5}}}"#)
            == ["$.transports.limits.header_timeout_ms: 5 is out of range: expected 100 to 3600000"])
        #expect(issues(#"{"transports":{"limits":{"max_sessions_per_client":0}}}"#)
            == ["$.transports.limits.max_sessions_per_client: 0 is out of range: expected 1 to 10000000"])
        #expect(issues(#"{"transports":{"limits":{"max_connection_per_address":3}}}"#)
            == ["$.transports.limits.max_connection_per_address: unknown key 'max_connection_per_address'; did you mean 'max_connections_per_address'?"])
    }

    @Test func logFormatIsTextOrJSON() throws {
        #expect(try decode("{}").logging.format == .text)
        #expect(try decode(#"{"logging":{"format":"json","level":"warning"}}"#).logging == .init(level: .warning, format: .json))
        #expect(issues(#"{"logging":{"format":"jsonl"}}"#).first?.hasPrefix("$.logging.format: 'jsonl' is not one of 'text', 'json'") == true)
    }

    @Test func metricsAreOnAndTracingOffByDefault() throws {
        let defaults = try decode("{}")
        #expect(defaults.metrics.enabled)
        #expect(!defaults.tracing.enabled)
        #expect(defaults.transports.admin == nil)
        let set = try decode(#"""
            {"metrics":{"enabled":false},
             "tracing":{"enabled":true,"endpoint":"http://collector.internal:4318/v1/traces","sampling_ratio":0.25,
                        "service_name":"edge","export_delay_ms":250},
             "transports":{"admin":{"port":9100}}}
            """#)
        #expect(!set.metrics.enabled)
        #expect(set.tracing.enabled && set.tracing.endpoint == "http://collector.internal:4318/v1/traces")
        #expect(set.tracing.samplingRatio == 0.25 && set.tracing.serviceName == "edge" && set.tracing.exportDelayMilliseconds == 250)
        #expect(set.transports.admin == .init(host: "127.0.0.1", port: 9100))
    }

    @Test func badOperationsSettingsNameThePathAndTheFix() {
        #expect(issues(#"{"tracing":{"sampling_ratio":1.5}}"#) == ["$.tracing.sampling_ratio: expected a number from 0 to 1, found 1.5"])
        #expect(issues(#"{"tracing":{"endpoint":"collector:4318"}}"#).first?.hasPrefix(
            "$.tracing.endpoint: 'collector:4318' is not an http:// or https:// URL") == true)
        #expect(issues(#"{"tracing":{"sample_ratio":0.5}}"#) == ["$.tracing.sample_ratio: unknown key 'sample_ratio'; did you mean 'sampling_ratio'?"])
        #expect(issues(#"{"transports":{"admin":{"host":"0.0.0.0"}}}"#).first?.hasPrefix(
            "$.transports.admin.host: '0.0.0.0' is not a loopback address") == true)
        #expect(issues(#"{"metrics":{"enabled":"yes"}}"#) == ["$.metrics.enabled: expected true or false, found a string \"yes\""])
    }

    @Test func wrongTypesNameThePathAndWhatWasFound() {
        #expect(issues(#"{"transports":{"http":{"port":"8000"}}}"#)
            == ["$.transports.http.port: expected a whole number from 0 to 65535, found a string \"8000\""])
        #expect(issues(#"{"transports":{"http":{"port":70000}}}"#)
            == ["$.transports.http.port: 70000 is out of range: expected 0 to 65535"])
        #expect(issues(#"{"mounts":{}}"#) == ["$.mounts: expected an array, found an object"])
        #expect(issues(#"{"logging":{"level":"warn"}}"#)
            == ["$.logging.level: 'warn' is not one of 'debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'; did you mean 'warning'?"])
    }

    @Test func everyProblemIsReportedInOneRun() {
        #expect(issues(#"{"mounts":[{"namespace":"a b"},{"provider":"x","file":"y.so"}],"surfaces":[{"name":"v1"}]}"#) == [
            "$.mounts[0].namespace: namespace 'a b' may use only ASCII letters, digits, '-', '_' and '.'",
            "$.mounts[0]: mounts nothing: name a provider ('provider': its plugin id, or 'file': a path) or nest 'mounts'",
            "$.mounts[1]: names both 'provider' and 'file'; a mount takes one provider: keep one of them",
            "$.surfaces[0].path: required string is missing",
            "$.transports.stdio.surface: names surface 'mcp', but $.surfaces declares no valid surface",
        ])
    }

    @Test func filtersNeedABoundAndANonEmptyRange() {
        #expect(issues(#"{"surfaces":[{"name":"a","path":"/a","filter":{}}]}"#)
            == ["$.surfaces[0].filter: a filter needs 'version_gte' and/or 'version_lt'", "$.transports.stdio.surface: names surface 'mcp', which is not declared in $.surfaces (a)"])
        #expect(issues(#"{"mounts":[{"provider":"p","filter":{"version_gte":"2.0","version_lt":"v2"}}]}"#)
            == ["$.mounts[0].filter: admits no version: version_gte '2.0' is not below version_lt 'v2'"])
        #expect(issues(#"{"mounts":[{"provider":"p","filter":{"version_lt":"1@2"}}]}"#)
            == ["$.mounts[0].filter.version_lt: version '1@2' contains '@', which is reserved for 'name@version' references"])
    }

    @Test func duplicateSurfacesAreRefused() {
        #expect(issues(#"{"surfaces":[{"name":"mcp","path":"/mcp"},{"name":"mcp","path":"/mcp"}]}"#)
            == ["$.surfaces[1]: surface name 'mcp' is declared twice; each must be unique",
                "$.surfaces[1]: surface path '/mcp' is declared twice; each must be unique"])
    }

    @Test func nestedMountsDisableRulesAndPluginConfigDecode() throws {
        let config = try decode(#"""
        {"mounts":[{"namespace":"outer","filter":{"version_lt":"3"},
                    "mounts":[{"namespace":"inner","file":"lib/calc.so","config":{"precision":2},
                               "disable":[{"name":"inner_calculate","kind":"tool","version":"1.0"}],"isolation":"sandboxed"}]}]}
        """#)
        let outer = try #require(config.mounts.first)
        #expect(outer.source == nil)
        #expect(outer.filter?.range.lt == (try Version("3")))
        let inner = try #require(outer.mounts.first)
        #expect(inner.source == .file("/srv/plugboard/lib/calc.so"))
        #expect(inner.pluginConfig?["precision"]?.numberLiteral == "2")
        #expect(inner.disable == [.init(kind: .tool, identity: "inner_calculate", version: try Version("1.0"))])
        #expect(inner.isolation == .sandboxed)
    }

    @Test func malformedJSONIsReportedWithLineAndColumn() {
        #expect(issues("{\n  \"mounts\": [\n    {\"namespace\": \"math\",}\n  ]\n}")
            == ["line 3, column 26: not valid JSON: unexpected character '}' at byte 41"])
    }

    @Test func missingFileSaysWhatToDo() {
        #expect(throws: ConfigError.self) { try RuntimeConfigDecoder.load(file: "/nonexistent/runtime.json", bundledDirectory: "/b") }
        do { _ = try RuntimeConfigDecoder.load(file: "/nonexistent/runtime.json", bundledDirectory: "/b") } catch {
            #expect(error.description.contains("does not exist; pass --config PATH"))
        }
    }

    @Test func didYouMeanToleratesTyposButNotStrangers() {
        #expect(Suggestion.closest(to: "namespce", among: ["namespace", "provider"]) == "namespace")
        #expect(Suggestion.closest(to: "porvider", among: ["namespace", "provider"]) == "provider")
        #expect(Suggestion.closest(to: "zebra", among: ["namespace", "provider"]) == nil)
    }
}
