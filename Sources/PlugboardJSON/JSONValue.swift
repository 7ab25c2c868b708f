/// A JSON value that keeps what the sender wrote where it matters: numbers stay as their literal text
/// (`1.0` stays `1.0`, a 20-digit integer keeps every digit) and object members keep their order.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's literal text, exactly as it appeared (already checked against the JSON grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }
    public static func double(_ value: Double) -> JSONValue { .number(JSONValue.literal(for: value)) }

    /// The shortest literal that reads back as `value`; integral values print without a fraction.
    public static func literal(for value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var numberLiteral: String? { if case .number(let n) = self { return n } else { return nil } }
    public var doubleValue: Double? { numberLiteral.flatMap(Double.init) }
    /// The value as an exact integer, if the literal is one (`3`, `3.0`, `3e0` all qualify).
    public var int64Value: Int64? {
        guard let literal = numberLiteral else { return nil }
        if let exact = Int64(literal) { return exact }
        guard let d = Double(literal), d == d.rounded(), abs(d) < 9.2e18 else { return nil }
        return Int64(d)
    }

    /// A short name for error messages ("a string", "an object").
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    public subscript(key: String) -> JSONValue? { objectValue?[key] }
}

/// An ordered JSON object. Lookups are linear, which beats hashing for the small objects MCP messages carry.
public struct JSONObject: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public var members: [(key: String, value: JSONValue)]

    public init() { members = [] }
    public init(_ members: [(key: String, value: JSONValue)]) { self.members = members }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = elements.map { (key: $0.0, value: $0.1) }
    }

    public subscript(key: String) -> JSONValue? {
        get { members.first(where: { $0.key == key })?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key: key, value: newValue))
            }
        }
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}
