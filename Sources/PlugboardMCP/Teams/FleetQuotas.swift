/// Team quotas kept for the whole fleet instead of per process: with N replicas behind a load balancer, a team's
/// `calls_per_second` and `max_concurrent_calls` hold for all of them together. The store (Redis, in
/// PlugboardFleet) decides each call in one round trip; request and response sizes stay local (they need no
/// shared state).
public protocol FleetQuotaStore: Sendable {
    /// Takes a place among the team's calls in flight (when `maxConcurrentCalls` is set) and a rate token (when
    /// `callsPerSecond` is set) for one call, reserving the next token when it comes within `mayWait`.
    func admit(team: String, maxConcurrentCalls: Int?, callsPerSecond: Double?, mayWait: Duration) async throws -> FleetTurn
    /// Gives back the place of a call that ended. Never waits: the store's lease expires anyway.
    func release(team: String, lease: FleetLease)
    /// Where the store is, for messages (no secrets).
    var address: String { get }
}

/// A call's place among a team's calls in flight, fleet-wide, until it is released (or its lease runs out, when
/// the replica that took it died).
public struct FleetLease: Sendable, Hashable {
    public var id: String
    public init(id: String) { self.id = id }
}

public enum FleetTurn: Sendable, Equatable {
    /// Admitted; `lease` is set when a concurrency quota holds a place for it.
    case now(FleetLease?)
    /// Admitted to run after `wait` (its rate token is reserved).
    case after(Duration, FleetLease?)
    /// Every place in flight is taken, fleet-wide.
    case concurrencyFull
    /// Past the rate: a token comes in `retryAfter`.
    case rateExceeded(retryAfter: Duration)
}

/// The fleet store and what to do when it cannot be reached.
public struct FleetQuotas: Sendable {
    public enum WhenUnavailable: String, Sendable, CaseIterable {
        /// The replica's own quotas decide, as without a store: the team may get up to N times its quota.
        case failOpen = "fail_open"
        /// Calls under a fleet quota are refused until the store is back.
        case failClosed = "fail_closed"
    }
    public var store: any FleetQuotaStore
    public var whenUnavailable: WhenUnavailable
    /// Told of each call the store could not decide (log and count it; the closure bounds its own logging).
    public var unavailable: @Sendable (_ team: String, _ error: any Error) -> Void

    public init(store: any FleetQuotaStore, whenUnavailable: WhenUnavailable,
                unavailable: @escaping @Sendable (_ team: String, _ error: any Error) -> Void) {
        self.store = store
        self.whenUnavailable = whenUnavailable
        self.unavailable = unavailable
    }
}
