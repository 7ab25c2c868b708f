import PlugboardJSON

/// `quota_store`: where teams' rate and concurrency quotas are kept when several replicas serve one fleet. Absent,
/// each host keeps its own, and N replicas give a team N times its quota.
extension RuntimeConfig {
    public struct QuotaStore: Sendable, Equatable {
        public enum Password: Sendable, Equatable {
            case value(String)
            /// The environment variable that holds it (a Kubernetes Secret as an env var).
            case environment(String)
            /// The file that holds it, surrounding whitespace ignored (a mounted Secret).
            case file(String)
        }
        public enum WhenUnavailable: String, Sendable, Equatable, CaseIterable {
            case failOpen = "fail_open"
            case failClosed = "fail_closed"
        }
        /// `redis://HOST:PORT[/DB]`.
        public var redisURL: String
        public var password: Password?
        public var whenUnavailable: WhenUnavailable = .failOpen
        /// How long a place in flight is held when the replica that took it dies before giving it back.
        public var leaseSeconds = 60
        /// How long a call waits for Redis before the store counts as unavailable.
        public var timeoutMilliseconds = 250

        public init(redisURL: String) { self.redisURL = redisURL }
    }
}

extension RuntimeConfigDecoder {
    func decodeQuotaStore(_ root: ObjectReader, into config: inout RuntimeConfig) {
        guard let store = root.object("quota_store") else { return }
        defer { store.finish() }
        let log = store.log
        let policy = store.choice("on_unavailable", among: RuntimeConfig.QuotaStore.WhenUnavailable.allCases.map(\.rawValue))
        let lease = store.integer("lease_seconds", in: 1...86_400)
        let timeout = store.integer("timeout_ms", in: 10...10_000)
        guard let redis = store.object("redis") else {
            log.report(store.childPath("redis"), "missing; say where Redis is, e.g. {\"redis\": {\"url\": \"redis://127.0.0.1:6379\"}}")
            return
        }
        defer { redis.finish() }
        let url = redis.string("url", required: true)
        var password: RuntimeConfig.QuotaStore.Password?
        if let given = redis.object("password") {
            let value = given.string("value"), env = given.string("env"), file = given.string("file")
            switch (value, env, file) {
            case (let value?, nil, nil): password = .value(value)
            case (nil, let env?, nil): password = .environment(env)
            case (nil, nil, let file?): password = .file(resolve(file))
            default:
                log.report(redis.childPath("password"), "give exactly one of 'value', 'env' (a variable that holds it) or 'file' (a file that holds it)")
            }
            given.finish()
        }
        guard let url else { return }
        guard url.hasPrefix("redis://") else {
            log.report(redis.childPath("url"), "'\(url)' is not a redis:// URL; write redis://HOST:PORT, e.g. redis://127.0.0.1:6379")
            return
        }
        var quotaStore = RuntimeConfig.QuotaStore(redisURL: url)
        quotaStore.password = password
        if let policy { quotaStore.whenUnavailable = .init(rawValue: policy)! }
        if let lease { quotaStore.leaseSeconds = lease }
        if let timeout { quotaStore.timeoutMilliseconds = timeout }
        config.quotaStore = quotaStore
    }
}
