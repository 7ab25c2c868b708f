/// The metric names and their help, in one place so `docs/OPERATIONS.md` and the code agree. Names follow the
/// OpenTelemetry MCP semantic conventions where they exist (`mcp.server.operation.duration`); the rest are
/// Plugboard's own, prefixed `plugboard_`.
enum MetricNames {
    static let operationDuration = ("mcp_server_operation_duration_seconds",
        "Requests answered, by MCP method, surface, team and outcome, with the time to answer each.")
    static let callDuration = ("plugboard_component_call_duration_seconds",
        "Tool, resource and prompt calls by component, version, provider, surface, team and outcome, with their duration.")
    static let callsInFlight = ("plugboard_calls_in_flight", "Calls routed to a provider and not yet answered.")
    static let quotaRefusals = ("plugboard_quota_refusals_total", "Calls refused by a team quota, by team and quota.")
    static let workerStarts = ("plugboard_worker_starts_total", "Sandboxed workers started (first starts and restarts), by provider.")
    static let workerRestarts = ("plugboard_worker_restarts_total", "Sandboxed workers restarted after a death, by provider.")
    static let workerDeaths = ("plugboard_worker_deaths_total", "Sandboxed workers that died, by provider and cause.")
    static let circuitOpenings = ("plugboard_circuit_breaker_openings_total",
        "Times a provider's circuit breaker opened after too many worker deaths in a row.")
    static let circuitsOpen = ("plugboard_circuit_breakers_open", "Providers whose circuit breaker is open now.")
    static let configReloads = ("plugboard_config_reloads_total", "runtime.json reloads on SIGHUP, by result (applied, refused).")
    static let pluginLoads = ("plugboard_plugin_loads_total",
        "Plugin files identified for loading (at start and on drop-in changes), by result (applied, refused).")
    static let providerInfo = ("plugboard_provider_info",
        "One series per loaded provider instance (value 1), with its id, version, SHA-256 and team.")
    static let sessionsOpen = ("plugboard_http_sessions_open", "Handshake-era HTTP sessions open.")
    static let streamsOpen = ("plugboard_http_streams_open", "Server-to-client streams open, by kind (session GET, subscriptions/listen).")
    static let spansDropped = ("plugboard_trace_spans_dropped_total",
        "Spans that never reached the OTLP endpoint, by reason (export_failed, queue_full).")
}
