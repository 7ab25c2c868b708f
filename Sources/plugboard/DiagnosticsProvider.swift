import PlugboardCore
import PlugboardJSON

/// A built-in provider for tests and troubleshooting (`plugboard serve --diagnostics`, mounted as `diag`):
/// `echo` answers with its argument bytes exactly as received (argument fidelity), `slow` reports progress and
/// honours cancellation, `fail` fails, `greet` exists in versions 1.0 and 2.0, plus a resource, a versioned
/// template and a prompt.
final class DiagnosticsProvider: Provider {
    let info = ProviderInfo(id: "diagnostics", version: "1.0.0", origin: "builtin:diagnostics")
    let components: [ComponentDescriptor]

    init() {
        let v1 = try! Version("1.0"), v2 = try! Version("2.0")
        components = [
            ComponentDescriptor(kind: .tool, key: "echo", description: "Returns its arguments' JSON text exactly as received."),
            ComponentDescriptor(kind: .tool, key: "slow", description: "Counts `steps` (default 5) steps of `ms` (default 50) ms, reporting progress; cancellable.",
                                inputSchema: try! RawJSON(validating: #"{"type":"object","properties":{"steps":{"type":"integer"},"ms":{"type":"integer"}}}"#)),
            ComponentDescriptor(kind: .tool, key: "fail", description: "Always fails (an isError result)."),
            ComponentDescriptor(kind: .tool, key: "greet", version: v1, description: "Greets, version 1.", tags: ["greeting"]),
            ComponentDescriptor(kind: .tool, key: "greet", version: v2, description: "Greets, version 2.", tags: ["greeting"]),
            ComponentDescriptor(kind: .resource, key: "diag://status", name: "status", mimeType: "text/plain"),
            ComponentDescriptor(kind: .resourceTemplate, key: "diag://items/{id}", name: "item", version: v1, mimeType: "text/plain"),
            ComponentDescriptor(kind: .resourceTemplate, key: "diag://items/{id}", name: "item", version: v2, mimeType: "text/plain"),
            ComponentDescriptor(kind: .prompt, key: "summarize", description: "Asks for a summary of a topic.",
                                arguments: [PromptArgument(name: "topic", required: true)]),
        ]
    }

    func invoke(_ invocation: Invocation, context: InvocationContext) async throws(InvocationError) -> [UInt8] {
        switch (invocation.kind, invocation.key) {
        case (.tool, "echo"):
            return Self.text(invocation.arguments.text)
        case (.tool, "fail"):
            throw InvocationError(.failed, "the diagnostics 'fail' tool always fails")
        case (.tool, "greet"):
            return Self.text("hello from greet \(invocation.version?.raw ?? "?")")
        case (.tool, "slow"):
            let arguments = try? invocation.arguments.parsed()
            let steps = Int(arguments?["steps"]?.int64Value ?? 5)
            let ms = Int(arguments?["ms"]?.int64Value ?? 50)
            for step in 1...max(1, steps) {
                do { try await Task.sleep(for: .milliseconds(ms)) } catch {
                    context.log?(LogRecord(level: .info, logger: "diagnostics/slow", message: "cancelled at step \(step)"))
                    throw InvocationError(.cancelled, "cancelled at step \(step) of \(steps)")
                }
                context.progress?(ProgressUpdate(progress: Double(step), total: Double(steps), message: "step \(step)"))
                context.log?(LogRecord(level: .info, logger: "diagnostics/slow", message: "step \(step) of \(steps)"))
            }
            return Self.text("counted \(steps) steps")
        case (.resource, _):
            return Self.contents(uri: invocation.uri ?? invocation.key, text: "ok")
        case (.resourceTemplate, _):
            let id = (try? invocation.arguments.parsed())?["id"]?.stringValue ?? "?"
            return Self.contents(uri: invocation.uri ?? "", text: "item \(id) (template \(invocation.version?.raw ?? "?"))")
        case (.prompt, "summarize"):
            guard let topic = (try? invocation.arguments.parsed())?["topic"]?.stringValue else {
                throw InvocationError(.invalidArguments, "argument 'topic' (a string) is required")
            }
            let message: JSONValue = .object(["role": .string("user"),
                                              "content": .object(["type": .string("text"), "text": .string("Summarize \(topic).")])])
            return JSONValue.object(["messages": .array([message])]).serialized
        default:
            throw InvocationError(.notFound, "no such component \(invocation.key)")
        }
    }

    private static func text(_ text: String) -> [UInt8] {
        JSONValue.object(["content": .array([.object(["type": .string("text"), "text": .string(text)])])]).serialized
    }

    private static func contents(uri: String, text: String) -> [UInt8] {
        JSONValue.object(["contents": .array([.object(["uri": .string(uri), "mimeType": .string("text/plain"),
                                                       "text": .string(text)])])]).serialized
    }
}
