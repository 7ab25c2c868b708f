import Synchronization

/// One team's quotas: calls in flight (an atomic counter), calls per second (a token bucket behind the team's
/// own small lock), request and response sizes. Every team has its own gate, so a team at its limit never
/// contends with another on the hot path.
public final class QuotaGate: Sendable {
    public struct Limits: Sendable, Hashable {
        public var maxConcurrentCalls: Int?
        public var callsPerSecond: Double?
        public var maxRequestBytes: Int?
        public var maxResponseBytes: Int?

        public init(maxConcurrentCalls: Int? = nil, callsPerSecond: Double? = nil, maxRequestBytes: Int? = nil,
                    maxResponseBytes: Int? = nil) {
            self.maxConcurrentCalls = maxConcurrentCalls
            self.callsPerSecond = callsPerSecond
            self.maxRequestBytes = maxRequestBytes
            self.maxResponseBytes = maxResponseBytes
        }
    }

    /// Why a call was refused: the quota's configuration name, its limit, and when to retry (rate limits).
    public struct Refusal: Sendable, Hashable {
        public var quota: String
        public var limit: String
        public var retryAfter: Duration?
    }

    public let team: String
    public let limits: Limits
    private let inFlight = Atomic<Int>(0)
    private let bucket: Mutex<TokenBucket>

    public init(team: String, limits: Limits) {
        self.team = team
        self.limits = limits
        bucket = Mutex(TokenBucket(rate: limits.callsPerSecond ?? 1))  // consulted only with a rate limit
    }

    public var callsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Admits one call, or says which quota refuses it. An admitted call must be `release`d.
    public func admit(now: ContinuousClock.Instant = .now) -> Refusal? {
        // The place first: a call refused for concurrency must not spend a rate token.
        let running = inFlight.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
        if let maximum = limits.maxConcurrentCalls, running >= maximum {
            inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            return Refusal(quota: "max_concurrent_calls", limit: String(maximum), retryAfter: nil)
        }
        if let rate = limits.callsPerSecond, let wait = bucket.withLock({ $0.take(now: now) }) {
            inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            return Refusal(quota: "calls_per_second", limit: Self.format(rate), retryAfter: wait)
        }
        return nil
    }

    public func release() { inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing) }

    static func format(_ rate: Double) -> String {
        rate == rate.rounded() ? String(Int(rate)) : String(rate)
    }
}

/// Calls per second with a burst of one second's worth: `take` spends one token or tells how long until one
/// is there.
struct TokenBucket {
    let rate: Double
    let capacity: Double
    var tokens: Double
    var last: ContinuousClock.Instant?

    init(rate: Double) {
        self.rate = rate
        capacity = max(1, rate)
        tokens = capacity
    }

    mutating func take(now: ContinuousClock.Instant) -> Duration? {
        if let last {
            let elapsed = now - last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            tokens = min(capacity, tokens + seconds * rate)
        }
        last = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return .nanoseconds(Int64(((1 - tokens) / rate * 1e9).rounded(.up)))
    }
}
