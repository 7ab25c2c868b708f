import PlugboardJSON

/// The part of an observation every client must see identically ("the three clients agree on what they
/// see"): listings, results, errors (code and message), reads, prompts, progress and cancellation outcomes.
/// Left out: which client and era it was, and timings.
enum ClientAgreement {
    static let compared = ["tools", "prompts", "resources", "templates", "calls", "errors", "reads", "promptGets",
                           "progressOutcome", "cancelOutcome"]

    static func projection(_ o: JSONValue) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for key in ["tools", "prompts", "resources", "templates", "calls", "reads", "promptGets"] {
            out[key] = o[key].map(withoutErrorTypes) ?? .null
        }
        out["errors"] = o["errors"].map(withoutErrorTypes) ?? .null
        out["progressOutcome"] = .object([
            "result": o["progress", "result"] ?? .null,
            "reported": .bool((o["progress", "events"]?.arrayValue?.count ?? 0) > 0),
        ])
        out["cancelOutcome"] = .object([
            "outcome": o["cancel", "outcome"] ?? .null,
            "callAfterCancel": o["cancel", "callAfterCancel"] ?? .null,
        ])
        return out
    }

    /// The Python exception class is the client's own business; the JSON-RPC code and message are the server's.
    /// A text block holding a JSON object is compared as that object: providers need not order members the same
    /// way in every process (each run has a fresh server).
    static func withoutErrorTypes(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.members.compactMap { member in
                member.key == "type" && object["code"] != nil ? nil : (member.key, withoutErrorTypes(member.value))
            }))
        case .string(let text) where text.hasPrefix("{"):
            guard let parsed = try? JSONParser.parse(text) else { return value }
            return sortedMembers(parsed)
        case .array(let items):
            return .array(items.map(withoutErrorTypes))
        default:
            return value
        }
    }

    static func sortedMembers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.members.sorted { $0.key < $1.key }.map { ($0.key, sortedMembers($0.value)) }))
        case .array(let items):
            return .array(items.map(sortedMembers))
        default:
            return value
        }
    }

    /// Each key on which `other` differs from `reference`, with both values.
    static func differences(_ reference: JSONValue, _ other: JSONValue) -> [String] {
        let a = projection(reference), b = projection(other)
        return compared.compactMap { key in
            a[key] == b[key] ? nil : "\(key):\n  \(a[key]?.text ?? "nil")\n  \(b[key]?.text ?? "nil")"
        }
    }
}
