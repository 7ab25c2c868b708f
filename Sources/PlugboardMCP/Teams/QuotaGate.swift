import PlugboardCore
import Synchronization

/// One team's quotas: calls in flight (an atomic counter), calls per second (a token bucket behind the team's
/// own small lock), request and response sizes. Every team has its own gate, so a team at its limit never
/// contends with another on the hot path.
///
/// Past its rate, a call may wait for its turn (`maxRateWait`) instead of being refused: the bucket then lends
/// it the next token, so a team flooding its quota is served at an even 1/rate spacing rather than in bursts
/// of parallel calls that collide with other teams' calls.
public final class QuotaGate: Sendable {
    public struct Limits: Sendable, Hashable {
        public var maxConcurrentCalls: Int?
        public var callsPerSecond: Double?
        public var maxRequestBytes: Int?
        public var maxResponseBytes: Int?
        /// How long a call past `callsPerSecond` may wait for its turn before it is refused (zero: refused at once).
        public var maxRateWait: Duration

        public init(maxConcurrentCalls: Int? = nil, callsPerSecond: Double? = nil, maxRequestBytes: Int? = nil,
                    maxResponseBytes: Int? = nil, maxRateWait: Duration = .zero) {
            self.maxConcurrentCalls = maxConcurrentCalls
            self.callsPerSecond = callsPerSecond
            self.maxRequestBytes = maxRequestBytes
            self.maxResponseBytes = maxResponseBytes
            self.maxRateWait = maxRateWait
        }
    }

    /// Why a call was refused: the quota's configuration name, its limit, and when to retry (rate limits).
    public struct Refusal: Sendable, Hashable {
        public var quota: String
        public var limit: String
        public var retryAfter: Duration?
    }

    public let team: String
    private let inFlight = Atomic<Int>(0)
    /// The limits and the rate bucket, behind the team's own lock (SIGHUP may replace the limits).
    private struct State {
        var limits: Limits
        var bucket: TokenBucket
    }
    private let state: Mutex<State>

    public init(team: String, limits: Limits) {
        self.team = team
        state = Mutex(State(limits: limits, bucket: TokenBucket(rate: limits.callsPerSecond ?? 1)))  // bucket: only with a rate
    }

    public var limits: Limits { state.withLock { $0.limits } }

    /// New limits (SIGHUP), applied to the next call; calls in flight keep their places. A changed rate starts
    /// with a full bucket of the new size.
    public func update(_ limits: Limits) {
        state.withLock { state in
            if limits.callsPerSecond != state.limits.callsPerSecond {
                state.bucket = TokenBucket(rate: limits.callsPerSecond ?? 1)
            }
            state.limits = limits
        }
    }

    public var callsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// When an admitted call may run.
    public enum Turn: Sendable, Hashable {
        case now
        /// After this wait (its token is reserved; the call holds its place in flight meanwhile).
        case after(Duration)
        case refused(Refusal)
    }

    /// Admits one call now, or says which quota refuses it. An admitted call must be `release`d.
    public func admit(now: ContinuousClock.Instant = .now) -> Refusal? {
        switch admit(now: now, mayWait: .zero) {
        case .now, .after: nil
        case .refused(let refusal): refusal
        }
    }

    /// Admits one call, at once or after a wait of at most `mayWait` for its rate token, or refuses it.
    /// A call that is not refused must be `release`d.
    public func admit(now: ContinuousClock.Instant = .now, mayWait: Duration) -> Turn {
        state.withLock { state in
            // The place first: a call refused for concurrency must not spend a rate token.
            let running = inFlight.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
            if let maximum = state.limits.maxConcurrentCalls, running >= maximum {
                inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing)
                return .refused(Refusal(quota: "max_concurrent_calls", limit: String(maximum), retryAfter: nil))
            }
            guard let rate = state.limits.callsPerSecond else { return .now }
            switch state.bucket.take(now: now, mayWait: mayWait) {
            case .now: return .now
            case .after(let wait): return .after(wait)
            case .refused(let retryAfter):
                inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing)
                return .refused(Refusal(quota: "calls_per_second", limit: Self.format(rate), retryAfter: retryAfter))
            }
        }
    }

    public func release() { inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing) }

    static func format(_ rate: Double) -> String {
        rate == rate.rounded() ? String(Int(rate)) : String(rate)
    }
}

/// Calls per second with a burst of one second's worth: `take` spends one token, lends the next one to a call
/// that may wait for it (the balance goes below zero: the calls waiting are spaced 1/rate apart), or tells how
/// long until one is there.
struct TokenBucket {
    enum Take: Equatable {
        case now
        case after(Duration)
        case refused(retryAfter: Duration)
    }

    let rate: Double
    let capacity: Double
    var tokens: Double
    var last: ContinuousClock.Instant?

    init(rate: Double) {
        self.rate = rate
        capacity = max(1, rate)
        tokens = capacity
    }

    /// Nothing taken that the time since has not given back: a new bucket would be the same.
    func isFull(at now: ContinuousClock.Instant) -> Bool {
        guard let last else { return true }
        return tokens + max(0, (now - last).inSeconds) * rate >= capacity
    }

    mutating func take(now: ContinuousClock.Instant, mayWait: Duration = .zero) -> Take {
        if let last, now > last {
            tokens = min(capacity, tokens + (now - last).inSeconds * rate)
            self.last = now
        } else if last == nil {
            last = now
        }
        if tokens >= 1 {
            tokens -= 1
            return .now
        }
        let wait = Duration.nanoseconds(Int64(((1 - tokens) / rate * 1e9).rounded(.up)))
        guard wait <= mayWait else { return .refused(retryAfter: wait) }
        tokens -= 1  // lent: the next token to come is this call's
        return .after(wait)
    }
}
