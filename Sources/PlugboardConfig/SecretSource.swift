import Foundation
import PlugboardJSON

extension RuntimeConfig {
    /// A secret the configuration names: given in place, or kept where secrets belong (a Kubernetes Secret as an
    /// environment variable or a mounted file), so runtime.json itself can be shared.
    public enum SecretSource: Sendable, Equatable {
        /// The secret itself.
        case value(String)
        /// The environment variable that holds it.
        case environment(String)
        /// The file that holds it (surrounding whitespace ignored). Relative paths are the config file's.
        case file(String)

        /// Where it comes from, for messages: "the environment variable X".
        public var origin: String {
            switch self {
            case .value: "the value"
            case .environment(let name): "the environment variable \(name)"
            case .file(let path): "the file \(path)"
            }
        }

        /// The secret's text, surrounding whitespace removed; the failure says what is wrong with where it is.
        public func read(environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<String, Unreadable> {
            switch self {
            case .value(let value):
                return .success(value.trimmingCharacters(in: .whitespacesAndNewlines))
            case .environment(let name):
                guard let value = environment[name], !value.isEmpty else { return .failure(Unreadable(description: "the environment variable \(name) is not set")) }
                return .success(value.trimmingCharacters(in: .whitespacesAndNewlines))
            case .file(let path):
                guard let data = FileManager.default.contents(atPath: path) else {
                    return .failure(Unreadable(description: "cannot read the file \(path) (check that it exists and that the host may read it)"))
                }
                return .success(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }

        public struct Unreadable: Error, CustomStringConvertible {
            public var description: String
        }
    }
}

extension RuntimeConfigDecoder {
    /// An object with exactly one of `value`, `env` and `file`; `hint` ends the message when it has not.
    func secretSource(_ value: JSONValue, at path: String, log: IssueLog, hint: String = "") -> RuntimeConfig.SecretSource? {
        guard let reader = ObjectReader.make(value, at: path, log: log) else { return nil }
        defer { reader.finish() }
        let value = reader.string("value"), env = reader.string("env"), file = reader.string("file")
        switch (value, env, file) {
        case (let value?, nil, nil): return .value(value)
        case (nil, let env?, nil): return .environment(env)
        case (nil, nil, let file?): return .file(resolve(file))
        default:
            log.report(path, "give exactly one of 'value', 'env' (a variable that holds it) or 'file' (a file that holds it)" + hint)
            return nil
        }
    }
}
