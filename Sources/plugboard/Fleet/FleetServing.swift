import Logging
import PlugboardConfig
import PlugboardFleet
import PlugboardMCP
import PlugboardOperations

/// Wires `fleet` into `serve`: teams' quotas in Redis for the whole fleet, and cancels relayed to the replica that
/// runs the request. What Redis cannot do is counted and logged (one line every ten seconds, with how many went
/// unsaid), never fatal after start.
struct FleetServing {
    let quotas: FleetQuotas
    let cancelRelay: RedisCancelRelay

    init?(_ configured: RuntimeConfig.Fleet?, metrics: HostMetrics?, logger: Logger) throws {
        guard let configured else { return nil }
        let redis: RedisConfiguration
        do { redis = try RedisConfiguration(configured) } catch { throw CommandFailure("\(error)") }
        let connection = RedisConnection(redis)  // one command connection per replica, for quotas and cancels
        let store = RedisQuotas(connection, leaseDuration: .seconds(configured.leaseSeconds))
        let failOpen = configured.quotasWhenUnavailable == .failOpen
        let action = configured.quotasWhenUnavailable.rawValue
        let policy = failOpen ? "each host's own quotas decide until it is back" : "calls under a fleet quota are refused until it is back"
        logger.info("fleet: teams' rates and calls in flight, and cancels, are shared through \(redis.address) (quotas \(action) when it is unreachable)")
        let quotaTrouble = LogThrottle(per: .seconds(10))
        quotas = FleetQuotas(store: store, whenUnavailable: failOpen ? .failOpen : .failClosed) { team, error in
            metrics?.quotaStoreUnavailable(team: team, action: action)
            guard let suppressed = quotaTrouble.admit() else { return }
            let more = suppressed > 0 ? " (and \(suppressed) more in the last seconds)" : ""
            logger.warning("quota store \(store.address) cannot decide team '\(team)': \(error); \(policy)\(more)")
        }
        let cancelTrouble = LogThrottle(per: .seconds(10))
        cancelRelay = RedisCancelRelay(publisher: connection) { problem in
            guard let suppressed = cancelTrouble.admit() else { return }
            logger.warning("fleet cancels: \(problem)\(suppressed > 0 ? " (and \(suppressed) more in the last seconds)" : "")")
        }
    }
}
