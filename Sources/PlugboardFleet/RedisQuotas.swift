import Crypto
import Foundation
import PlugboardCore
import PlugboardMCP

/// Teams' quotas for the whole fleet, in Redis. One script decides each call atomically, in one round trip:
/// - calls in flight are a sorted set of leases, scored by when each runs out, so the places of a replica that
///   died come back when their leases end (`leaseDuration`);
/// - the rate is GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp: the theoretical
///   arrival time of the next call), with the same burst of one second's worth as the per-process bucket, and a
///   call that may wait gets the next token reserved.
/// Time is Redis's own (`TIME`), so replicas with skewed clocks share one clock.
public final class RedisQuotas: FleetQuotaStore {
    public let connection: RedisConnection
    /// How long a place in flight is held when its release never comes (the replica was killed mid-call).
    public let leaseDuration: Duration
    public var address: String { connection.configuration.address }

    static let script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local limit = tonumber(ARGV[1])
        if limit > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
          if redis.call('ZCARD', KEYS[1]) >= limit then return {1, 0} end
        end
        local wait = 0
        local interval = tonumber(ARGV[4])
        if interval > 0 then
          local tat = tonumber(redis.call('GET', KEYS[2]) or '0')
          if tat < now then tat = now end
          wait = tat - tonumber(ARGV[5]) - now
          if wait < 0 then wait = 0 end
          if wait > tonumber(ARGV[6]) then return {2, wait} end
          local next = tat + interval
          redis.call('SET', KEYS[2], string.format('%d', next), 'PX', math.floor((next - now) / 1000) + 1000)
        end
        if limit > 0 then
          local lease = tonumber(ARGV[3])
          redis.call('ZADD', KEYS[1], string.format('%d', now + lease * 1000), ARGV[2])
          redis.call('PEXPIRE', KEYS[1], lease)
        end
        return {0, wait}
        """
    static let scriptSHA = Insecure.SHA1.hash(data: Data(script.utf8)).map { String(format: "%02x", $0) }.joined()

    /// `connection`: the replica's command connection to Redis, shared with the cancel relay's publishing.
    public init(_ connection: RedisConnection, leaseDuration: Duration = .seconds(60)) {
        self.connection = connection
        self.leaseDuration = leaseDuration
    }

    /// The keys of one team: `{team}` is a hash tag, so both land on one node of a Redis Cluster.
    static func keys(team: String) -> (inFlight: String, rate: String) {
        ("plugboard:{\(team)}:in_flight", "plugboard:{\(team)}:rate")
    }

    public func admit(team: String, maxConcurrentCalls: Int?, callsPerSecond: Double?, mayWait: Duration) async throws -> FleetTurn {
        let keys = Self.keys(team: team)
        let lease = maxConcurrentCalls.map { _ in FleetLease(id: UUID().uuidString) }
        var interval = 0.0, tolerance = 0.0
        if let rate = callsPerSecond, rate > 0 {
            interval = 1e6 / rate
            tolerance = (max(1, rate) - 1) * interval  // a burst of one second's worth, like the local bucket
        }
        let arguments = [
            "2", keys.inFlight, keys.rate,
            String(maxConcurrentCalls ?? 0), lease?.id ?? "", String(Int(leaseDuration.inMilliseconds)),
            String(Int(interval.rounded())), String(Int(tolerance.rounded())), String(Int(mayWait.inMilliseconds * 1e3)),
        ]
        let reply = try await evaluate(arguments)
        guard case .array(let fields?) = reply, fields.count == 2, let status = fields[0].integer, let micros = fields[1].integer else {
            throw RedisError.server("the quota script answered \(reply), not [status, wait]")
        }
        let wait = Duration.microseconds(micros)
        switch status {
        case 0: return wait > .zero ? .after(wait, lease) : .now(lease)
        case 1: return .concurrencyFull
        default: return .rateExceeded(retryAfter: wait)
        }
    }

    /// The script by its digest, or in full when this Redis has not seen it yet (which loads it for next time).
    private func evaluate(_ arguments: [String]) async throws(RedisError) -> RESPValue {
        let first: Result<RESPValue, RedisError>
        do { first = .success(try await connection.send(["EVALSHA", Self.scriptSHA] + arguments)) } catch { first = .failure(error) }
        if case .failure(let error) = first, case .server(let text) = error, text.hasPrefix("NOSCRIPT") {
            return try await connection.send(["EVAL", Self.script] + arguments)
        }
        return try first.get()
    }

    public func release(team: String, lease: FleetLease) {
        let key = Self.keys(team: team).inFlight
        Task { [connection] in _ = try? await connection.send(["ZREM", key, lease.id]) }
    }
}
