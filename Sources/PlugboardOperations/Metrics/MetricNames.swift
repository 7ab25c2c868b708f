import Prometheus

/// The metric names and their help, in one place so `docs/OPERATIONS.md` and the code agree. Names follow the
/// OpenTelemetry MCP semantic conventions where they exist (`mcp.server.operation.duration`); the rest are
/// Plugboard's own, prefixed `plugboard_`.
enum MetricNames {
    /// A descriptor whose full name is `name` followed by `_unit`, when there is a unit.
    private static func metric(_ name: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: unit, helpText: help)
    }

    static let operationDuration = metric("mcp_server_operation_duration", unit: "seconds",
        "Requests answered, by MCP method, surface, team and outcome, with the time to answer each.")
    static let callDuration = metric("plugboard_component_call_duration", unit: "seconds",
        "Tool, resource and prompt calls by component, version, provider, surface, team and outcome, with their duration.")
    static let callsInFlight = metric("plugboard_calls_in_flight", "Calls routed to a provider and not yet answered.")
    static let quotaRefusals = metric("plugboard_quota_refusals", unit: "total", "Calls refused by a team quota, by team and quota.")
    static let workerStarts = metric("plugboard_worker_starts", unit: "total", "Sandboxed workers started (first starts and restarts), by provider.")
    static let workerRestarts = metric("plugboard_worker_restarts", unit: "total", "Sandboxed workers restarted after a death, by provider.")
    static let workerDeaths = metric("plugboard_worker_deaths", unit: "total", "Sandboxed workers that died, by provider and cause.")
    static let circuitOpenings = metric("plugboard_circuit_breaker_openings", unit: "total",
        "Times a provider's circuit breaker opened after too many worker deaths in a row.")
    static let circuitsOpen = metric("plugboard_circuit_breakers_open", "Providers whose circuit breaker is open now.")
    static let configReloads = metric("plugboard_config_reloads", unit: "total", "runtime.json reloads on SIGHUP, by result (applied, refused).")
    static let pluginLoads = metric("plugboard_plugin_loads", unit: "total",
        "Plugin files identified for loading (at start and on drop-in changes), by result (applied, refused).")
    static let providerInfo = metric("plugboard_provider_info",
        "One series per loaded provider instance (value 1), with its id, version, SHA-256 and team.")
    static let quotaStoreUnavailable = metric("plugboard_quota_store_unavailable", unit: "total",
        "Calls under a fleet quota that the quota store (Redis) could not decide, by team and what was done (fail_open, fail_closed).")
    static let sessionsOpen = metric("plugboard_http_sessions_open", "Handshake-era HTTP sessions open.")
    static let streamsOpen = metric("plugboard_http_streams_open", "Server-to-client streams open, by kind (session GET, subscriptions/listen).")
    static let spansDropped = metric("plugboard_trace_spans_dropped", unit: "total",
        "Spans that never reached the OTLP endpoint, by reason (export_failed, queue_full).")
}

// Only `let` strings inside; swift-prometheus just does not declare it.
extension MetricNameDescriptor: @retroactive @unchecked Sendable {}
