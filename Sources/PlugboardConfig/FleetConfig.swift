import PlugboardJSON

/// `fleet`: what the replicas of one deployment share through Redis: teams' rate and concurrency quotas, so they
/// hold for the whole fleet, and cancellations, so a `notifications/cancelled` that the balancer sends to another
/// replica still stops the call. Absent, each host keeps its own quotas, and N replicas give a team N times its
/// quota.
extension RuntimeConfig {
    public struct Fleet: Sendable, Equatable {
        public enum WhenUnavailable: String, Sendable, Equatable, CaseIterable {
            case failOpen = "fail_open"
            case failClosed = "fail_closed"
        }
        /// `redis://HOST:PORT[/DB]`.
        public var redisURL: String
        /// The Redis AUTH password.
        public var password: SecretSource?
        /// How long a request waits for Redis before it counts as unavailable.
        public var timeoutMilliseconds = 250
        /// What calls under a fleet quota get while Redis cannot be reached.
        public var quotasWhenUnavailable: WhenUnavailable = .failOpen
        /// How long a place in flight is held when the replica that took it dies before giving it back.
        public var leaseSeconds = 60

        public init(redisURL: String) { self.redisURL = redisURL }
    }
}

extension RuntimeConfigDecoder {
    func decodeFleet(_ root: ObjectReader, into config: inout RuntimeConfig) {
        guard let fleet = root.object("fleet") else { return }
        defer { fleet.finish() }
        let log = fleet.log
        var policy: String?, lease: Int?
        if let quotas = fleet.object("quotas") {
            policy = quotas.choice("on_unavailable", among: RuntimeConfig.Fleet.WhenUnavailable.allCases.map(\.rawValue))
            lease = quotas.integer("lease_seconds", in: 1...86_400)
            quotas.finish()
        }
        guard let redis = fleet.object("redis") else {
            log.report(fleet.childPath("redis"), "missing; say where Redis is, e.g. {\"redis\": {\"url\": \"redis://127.0.0.1:6379\"}}")
            return
        }
        defer { redis.finish() }
        let url = redis.string("url", required: true)
        let timeout = redis.integer("timeout_ms", in: 10...10_000)
        let password = redis.value("password").flatMap { secretSource($0, at: redis.childPath("password"), log: log) }
        guard let url else { return }
        guard url.hasPrefix("redis://") else {
            log.report(redis.childPath("url"), "'\(url)' is not a redis:// URL; write redis://HOST:PORT, e.g. redis://127.0.0.1:6379")
            return
        }
        var shared = RuntimeConfig.Fleet(redisURL: url)
        shared.password = password
        if let timeout { shared.timeoutMilliseconds = timeout }
        if let policy { shared.quotasWhenUnavailable = .init(rawValue: policy)! }
        if let lease { shared.leaseSeconds = lease }
        config.fleet = shared
    }
}
