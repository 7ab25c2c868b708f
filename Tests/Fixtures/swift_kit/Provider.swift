// A provider built with PlugboardProviderKit, for SwiftKitTests: every kind of component, two versions of a tool,
// each way out of a handler (a reply, a thrown Swift error, a thrown ProviderError), and the call context.
// The test puts it into a `plugboard new --lang swift` package in place of the skeleton's own Provider.swift.
import PlugboardProviderKit

public enum KitFixture: PlugboardProvider {
    public static let provider = Provider(id: "kitfixture", version: "3.1.4", components: [
        .tool("divide", version: "1.0", description: "a / b as text",
              inputSchema: #"{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}"#,
              reentrant: true) { call in
            .text(JSON.number(try quotient(call)))
        },
        .tool("divide", version: "2.0", description: "a / b as structured content",
              inputSchema: #"{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}"#,
              outputSchema: #"{"type":"object","properties":{"quotient":{"type":"number"}},"required":["quotient"]}"#) { call in
            .object(JSONObject().number("quotient", try quotient(call)))
        },
        // Reports progress and a log line, and stops when cancelled.
        .tool("count", description: "Counts to n") { call in
            let n = try call.arguments.number("n", default: 3)
            var done = 0.0
            while done < n {
                try call.checkCancellation()
                done += 1
                call.progress(done, total: n, message: "counted \(JSON.number(done))")
            }
            call.log(.info, "counted to \(JSON.number(n))")
            return .object(JSONObject().number("counted", done))
        },
        // What the client put in _meta besides the host's own keys, and which version the host chose.
        .tool("context", version: "1.0") { call in
            .object(JSONObject().raw("meta", call.meta).string("key", call.key).string("version", call.version ?? "none"))
        },
        .resource("kit://about", name: "about", mimeType: "text/plain") { call in
            .resourceText(uri: call.uri ?? "", mimeType: "text/plain", text: "kitfixture answers.")
        },
        .resourceTemplate("kit://item/{id}", name: "item", mimeType: "text/plain") { call in
            let id = try call.arguments.string("id")
            guard id != "missing" else { throw ProviderError.notFound("no item '\(id)'") }
            return .resourceText(uri: call.uri ?? "", mimeType: "text/plain", text: "item \(id)")
        },
        .prompt("summarize", description: "Asks for a summary",
                arguments: #"[{"name":"text","description":"What to summarize","required":true}]"#) { call in
            .userMessage("Summarize: " + (try call.arguments.string("text")))
        },
    ])

    struct DivisionByZero: Error, CustomStringConvertible {
        let dividend: Double
        var description: String { "cannot divide \(JSON.number(dividend)) by zero" }
    }

    static func quotient(_ call: Call) throws -> Double {
        let a = try call.arguments.number("a"), b = try call.arguments.number("b")
        guard b != 0 else { throw DivisionByZero(dividend: a) }
        return a / b
    }
}
