/// One thing wrong with a configuration: where (a JSON path such as `$.mounts[1].filter.version_lt`), what was
/// found, and what to do instead.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// A configuration that cannot be used, with every issue found (not only the first), prefixed by the file.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var issues: [ConfigIssue]

    public init(source: String, issues: [ConfigIssue]) {
        self.source = source
        self.issues = issues
    }

    public var description: String {
        let header = issues.count == 1 ? "\(source) has a problem:" : "\(source) has \(issues.count) problems:"
        return ([header] + issues.map { "  \($0)" }).joined(separator: "\n")
    }
}
