import PlugboardCore
import PlugboardJSON

/// Collects issues while a configuration is read, so an operator sees every problem in one run.
final class IssueLog {
    private(set) var issues: [ConfigIssue] = []
    func report(_ path: String, _ message: String) { issues.append(ConfigIssue(path: path, message: message)) }
}

/// Reads the members of one JSON object of the configuration, tracking its JSON path and the keys it knows, so
/// `finish()` can report unknown keys with the closest known one.
final class ObjectReader {
    let path: String
    let object: JSONObject
    let log: IssueLog
    private var known: [String] = []

    init(path: String, object: JSONObject, log: IssueLog) {
        self.path = path
        self.object = object
        self.log = log
    }

    /// Reads `value` at `path` as an object, or reports what was found instead.
    static func make(_ value: JSONValue, at path: String, log: IssueLog) -> ObjectReader? {
        guard let object = value.objectValue else {
            log.report(path, "expected an object, found \(value.typeDescription)")
            return nil
        }
        return ObjectReader(path: path, object: object, log: log)
    }

    func childPath(_ key: String) -> String { "\(path).\(key)" }

    /// Declares `key` as known and returns its value, reporting a missing required key.
    func value(_ key: String, required: Bool = false, expected: String = "") -> JSONValue? {
        known.append(key)
        guard let value = object[key] else {
            if required { log.report(childPath(key), "required \(expected.isEmpty ? "key" : expected) is missing") }
            return nil
        }
        return value
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key, required: required, expected: "string") else { return nil }
        guard let string = value.stringValue else {
            log.report(childPath(key), "expected a string, found \(value.typeDescription)")
            return nil
        }
        return string
    }

    func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let bool = value.boolValue else {
            log.report(childPath(key), "expected true or false, found \(value.typeDescription) \(value.jsonText)")
            return nil
        }
        return bool
    }

    func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = value(key) else { return nil }
        guard let int = value.int64Value, let exact = Int(exactly: int) else {
            log.report(childPath(key), "expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(value.typeDescription) \(value.jsonText)")
            return nil
        }
        guard range.contains(exact) else {
            log.report(childPath(key), "\(exact) is out of range: expected \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return exact
    }

    func object(_ key: String) -> ObjectReader? {
        guard let value = value(key) else { return nil }
        return ObjectReader.make(value, at: childPath(key), log: log)
    }

    /// The elements of an array member with their paths.
    func array(_ key: String) -> [(path: String, value: JSONValue)]? {
        guard let value = value(key) else { return nil }
        guard let array = value.arrayValue else {
            log.report(childPath(key), "expected an array, found \(value.typeDescription)")
            return nil
        }
        return array.enumerated().map { (path: "\(childPath(key))[\($0.offset)]", value: $0.element) }
    }

    /// One of a fixed set of strings, with a suggestion for a near miss.
    func choice(_ key: String, among options: [String]) -> String? {
        guard let string = string(key) else { return nil }
        guard options.contains(string) else {
            var message = "'\(string)' is not one of \(options.map { "'\($0)'" }.joined(separator: ", "))"
            if let near = Suggestion.closest(to: string, among: options) { message += "; did you mean '\(near)'?" }
            log.report(childPath(key), message)
            return nil
        }
        return string
    }

    /// Reports every key this reader was never asked about.
    func finish() {
        for key in object.keys where !known.contains(key) {
            var message = "unknown key '\(key)'"
            if let near = Suggestion.closest(to: key, among: known) {
                message += "; did you mean '\(near)'?"
            } else {
                message += "; known keys here: \(known.joined(separator: ", "))"
            }
            log.report(childPath(key), message)
        }
    }
}
