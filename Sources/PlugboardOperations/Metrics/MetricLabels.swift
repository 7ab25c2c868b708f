import PlugboardCore
import PlugboardMCP

/// Label values a client cannot multiply: every label the request path sets comes from a closed set (the MCP
/// methods, the outcomes), from the operator's configuration (surfaces, teams) or from the catalog (routed
/// components). Anything else is counted under one value, so made-up names never make new series.
enum MetricLabels {
    /// What a method, component or version the host does not know is counted as.
    static let unknown = "_unknown"

    /// The methods of both protocol eras and the tasks extension.
    private static let methods: Set<String> = [
        "initialize", "ping", "server/discover", "logging/setLevel", "completion/complete",
        "tools/list", "tools/call", "resources/list", "resources/read", "resources/templates/list",
        "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get",
        "subscriptions/listen", "tasks/get", "tasks/result", "tasks/list", "tasks/cancel",
    ]

    static func method(_ name: String) -> String { methods.contains(name) ? name : "other" }

    /// The team label: empty for the operator's own sessions (no token, or stdio without a team).
    static func team(_ team: String?) -> String { team ?? "" }

    /// A call's outcome in a few values: `ok`, `failed`, `not_found`, `refused`, or another invocation error kind.
    static func outcome(_ outcome: String) -> String {
        outcome.hasPrefix("refused:") ? "refused" : outcome
    }

    /// The quota of a `refused:<quota>` outcome (the quota names are the host's own).
    static func quota(ofOutcome outcome: String) -> String? {
        outcome.hasPrefix("refused:") ? String(outcome.dropFirst("refused:".count)) : nil
    }
}
