import PlugboardJSON

/// `transports.http.session_keys`: the keys that seal handshake-era session ids, so replicas that share them serve
/// each other's sessions. The first seals; every one opens (rotation: put the new key first, keep the old one until
/// the longest session lifetime has passed). None: the host makes an ephemeral key at start, which is right for
/// one host and wrong for replicas.
extension RuntimeConfig {
    public struct SessionKey: Sendable, Equatable {
        public enum Source: Sendable, Equatable {
            /// The key itself, in the configuration (base64).
            case value(String)
            /// The environment variable that holds it (base64): a Kubernetes Secret as an env var.
            case environment(String)
            /// The file that holds it (base64, surrounding whitespace ignored): a mounted Secret. Relative paths
            /// are the config file's.
            case file(String)
        }
        public var source: Source
        /// Where it was configured (`transports.http.session_keys[0]`), for messages about it.
        public var path: String

        public init(_ source: Source, path: String) {
            self.source = source
            self.path = path
        }
    }
}

extension RuntimeConfigDecoder {
    /// One element of `session_keys`: an object with exactly one of `value`, `env` and `file`.
    func sessionKey(_ element: (path: String, value: JSONValue), log: IssueLog) -> RuntimeConfig.SessionKey? {
        guard let reader = ObjectReader.make(element.value, at: element.path, log: log) else { return nil }
        defer { reader.finish() }
        let value = reader.string("value"), env = reader.string("env"), file = reader.string("file")
        switch (value, env, file) {
        case (let value?, nil, nil): return .init(.value(value), path: element.path)
        case (nil, let env?, nil): return .init(.environment(env), path: element.path)
        case (nil, nil, let file?): return .init(.file(resolve(file)), path: element.path)
        default:
            log.report(element.path, "give exactly one of 'value' (the key, base64), 'env' (a variable that holds it) or "
                + "'file' (a file that holds it); make a key with `openssl rand -base64 32`")
            return nil
        }
    }
}
