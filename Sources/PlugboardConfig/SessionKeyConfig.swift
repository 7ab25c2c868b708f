import PlugboardJSON

/// `transports.http.session_keys`: the keys that seal handshake-era session ids, so replicas that share them serve
/// each other's sessions. The first seals; every one opens (rotation: put the new key first, keep the old one until
/// the longest session lifetime has passed). None: the host makes an ephemeral key at start, which is right for
/// one host and wrong for replicas.
extension RuntimeConfig {
    public struct SessionKey: Sendable, Equatable {
        public typealias Source = RuntimeConfig.SecretSource
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
        secretSource(element.value, at: element.path, log: log, hint: "; make a key with `openssl rand -base64 32`")
            .map { .init($0, path: element.path) }
    }
}
