import Foundation
import PlugboardJSON

extension JSONValue {
    /// `value["calls", "calculateLatest", "text"]`: nil as soon as a step is missing or not an object.
    subscript(_ first: String, _ rest: String...) -> JSONValue? {
        rest.reduce(self[first]) { partial, key in partial?[key] }
    }

    var text: String { JSONWriter.text(of: self) }

    /// Strings listed in a JSON array; nil when it is not an array of strings.
    var strings: [String]? {
        guard let items = arrayValue else { return nil }
        let strings = items.compactMap(\.stringValue)
        return strings.count == items.count ? strings : nil
    }

    /// The number a tool call returned: its structured content (a bare number, its `result`, or its only member), or
    /// else its first text block read as a number. Providers may choose either; the value is what matters.
    var resultNumber: Double? {
        if let structured = self["structuredContent"] {
            if let number = structured.doubleValue { return number }
            if let number = structured["result"]?.doubleValue { return number }
            if let members = structured.objectValue?.members, members.count == 1, let number = members[0].value.doubleValue {
                return number
            }
        }
        return self["text"]?.stringValue.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}

extension JSONWriter {
    static func text(of value: JSONValue) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
