import PlugboardJSON

/// The tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663) on 2026-07-28 requests. A client that declares
/// it in a request's client capabilities lets the server answer a `tools/call` with a task instead of the result
/// (`resultType: "task"` and the flat task fields); the client then polls `tasks/get`, whose answer carries the
/// call's `result` (or `error`) once the task has ended, or `tasks/cancel`s it. The server decides which calls
/// become tasks: here, the ones still running after `TaskRegistry.Limits.runAsTaskAfter`.
enum TaskProtocol {
    static let extensionKey = "io.modelcontextprotocol/tasks"
    static let methods: Set<String> = ["tasks/get", "tasks/update", "tasks/cancel"]

    /// True when the request's client capabilities declare the extension (2026-07-28 declares them per request).
    static func isDeclared(in meta: RequestMeta?) -> Bool {
        meta?.hasObject(at: ProtocolVersions.clientCapabilitiesKey, "extensions", extensionKey) ?? false
    }

    /// A `tools/call` the server may run as a task: a 2026-07-28 request from a client that declares the extension.
    static func mayRunAsTask(_ message: IncomingMessage) -> Bool {
        guard message.method == "tools/call", let meta = try? message.meta(),
              meta[ProtocolVersions.protocolVersionKey] != nil else { return false }
        return isDeclared(in: meta)
    }

    /// The one answer for a handle that does not exist, has expired or is another team's: the same bytes.
    static func unknownTask(_ id: String) -> RPCError {
        .invalidParams("task '\(id)' does not exist or has expired")
    }
}
