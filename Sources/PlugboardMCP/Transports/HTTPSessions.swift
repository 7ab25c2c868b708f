import HTTPTypes
import PlugboardCore
import PlugboardJSON
import ServiceLifecycle
import Synchronization

/// All live sessions. Also a Service: it expires idle sessions, and on graceful shutdown it ends the GET streams
/// so open connections can drain.
///
/// Nobody can hoard the table: one client (a team token, else a remote address) may open sessions only at
/// `newSessionsPerSecondPerClient` and hold at most `maxSessionsPerClient`; past that, and when the whole table is full, the least
/// recently used idle session makes room (of that client, or of anyone). An evicted session's next request gets
/// the spec's 404 and its client initializes again. Sessions with a request running or a GET stream open are
/// never evicted; only when every one is busy is a new session refused.
final class HTTPSessions: Service, Sendable {
    /// Why a session was not created: the answer's status, its JSON-RPC error, and when to retry for a rate.
    struct Refusal: Error {
        var status: HTTPResponse.Status
        var error: RPCError
        var retryAfter: Duration?
    }

    private struct Table {
        var sessions: [String: HTTPSession] = [:]
        var byClient: [String: Set<String>] = [:]
        var starts: [String: TokenBucket] = [:]

        mutating func insert(_ session: HTTPSession) {
            sessions[session.id] = session
            byClient[session.client, default: []].insert(session.id)
        }

        @discardableResult
        mutating func remove(_ id: String) -> HTTPSession? {
            guard let session = sessions.removeValue(forKey: id) else { return nil }
            byClient[session.client]?.remove(id)
            if byClient[session.client]?.isEmpty == true { byClient[session.client] = nil }
            return session
        }

        /// The least recently used of `ids` that nobody is using at the moment.
        func leastRecentlyUsedIdle(among ids: some Sequence<String>) -> HTTPSession? {
            var oldest: (session: HTTPSession, lastActive: ContinuousClock.Instant)?
            for id in ids {
                guard let session = sessions[id], !session.isBusy else { continue }
                let lastActive = session.mcp.lastActive
                if oldest == nil || lastActive < oldest!.lastActive { oldest = (session, lastActive) }
            }
            return oldest?.session
        }

        /// Buckets that have refilled say nothing a new one would not: dropped, so made-up clients cost no memory.
        mutating func forgetRefilledBuckets(now: ContinuousClock.Instant) {
            starts = starts.filter { !$0.value.isFull(at: now) }
        }
    }

    private let table = Mutex(Table())
    let idleTimeout: Duration
    let limits: HTTPLimits
    private let onShutdown: @Sendable () -> Void

    init(idleTimeout: Duration, limits: HTTPLimits = HTTPLimits(), onShutdown: @escaping @Sendable () -> Void = {}) {
        self.idleTimeout = idleTimeout
        self.limits = limits
        self.onShutdown = onShutdown
    }

    func create(surface: String, principal: Principal? = nil, client: String = "local",
                now: ContinuousClock.Instant = .now) -> Result<HTTPSession, Refusal> {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
        let session = HTTPSession(id: id, surface: surface, principal: principal, client: client)
        let limits = self.limits
        let outcome = table.withLock { table -> Result<HTTPSession?, Refusal> in
            var bucket = table.starts[client] ?? TokenBucket(rate: limits.newSessionsPerSecondPerClient)
            let take = bucket.take(now: now)
            table.starts[client] = bucket
            if table.starts.count > 2 * limits.maxSessions { table.forgetRefilledBuckets(now: now) }
            if case .refused(let retryAfter) = take {
                return .failure(Refusal(status: .tooManyRequests, error: RPCError.limitReached(
                    "new_sessions_per_second_per_client", .double(limits.newSessionsPerSecondPerClient),
                    "new sessions from one client", remedy: "reuse the session you have, or retry after Retry-After"),
                    retryAfter: retryAfter))
            }
            var evicted: HTTPSession?
            if let own = table.byClient[client], own.count >= limits.maxSessionsPerClient {
                guard let victim = table.leastRecentlyUsedIdle(among: own) else {
                    return .failure(Refusal(status: .tooManyRequests, error: RPCError.limitReached(
                        "max_sessions_per_client", .int(limits.maxSessionsPerClient), "sessions of one client, all of them in use",
                        remedy: "end one with DELETE first")))
                }
                evicted = table.remove(victim.id)
            } else if table.sessions.count >= limits.maxSessions {
                guard let victim = table.leastRecentlyUsedIdle(among: table.sessions.keys) else {
                    return .failure(Refusal(status: .serviceUnavailable, error: RPCError.limitReached(
                        "max_sessions", .int(limits.maxSessions), "open sessions on this server, all of them in use",
                        remedy: "try again later")))
                }
                evicted = table.remove(victim.id)
            }
            table.insert(session)
            return .success(evicted)
        }
        switch outcome {
        case .failure(let refusal): return .failure(refusal)
        case .success(let evicted):
            evicted?.close()
            return .success(session)
        }
    }

    func find(_ id: String) -> HTTPSession? {
        let session = table.withLock { $0.sessions[id] }
        session?.mcp.touch()
        return session
    }

    /// Ends a session; only with the credentials that opened it (another team's id is "not found").
    func remove(_ id: String, principal: Principal? = nil) -> Bool {
        let removed = table.withLock { table -> HTTPSession? in
            guard let session = table.sessions[id] else { return nil }
            let owner = session.mcp.principal
            guard owner == nil ? principal == nil : owner!.matches(principal) else { return nil }
            return table.remove(id)
        }
        guard let session = removed else { return false }
        session.close()
        return true
    }

    var count: Int { table.withLock { $0.sessions.count } }

    /// Sessions with their GET stream open (a scrape's look, not for the request path).
    var openStreamCount: Int { table.withLock { $0.sessions.values.filter(\.hasStream).count } }

    /// To every session of `team` (nil: the operator's sessions) — a team's lists change with its own view.
    func broadcast(_ message: [UInt8], team: String?, surface: String? = nil) {
        for session in table.withLock({ Array($0.sessions.values) })
        where (surface == nil || session.mcp.surface == surface) && session.mcp.principal?.team == team {
            session.push(message)
        }
    }

    func expireIdle(now: ContinuousClock.Instant = .now) {
        let expired = table.withLock { table in
            let old = table.sessions.values.filter { now - $0.mcp.lastActive > idleTimeout && $0.mcp.inFlightCount == 0 }
            for session in old { table.remove(session.id) }
            table.forgetRefilledBuckets(now: now)
            return old
        }
        for session in expired { session.close() }
    }

    func run() async throws {
        let period = min(idleTimeout / 2, .seconds(30))
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: period) } catch { break }
                self.expireIdle()
            }
        }
        // Shutting down: end every GET stream so the server can drain; requests in flight finish.
        for session in table.withLock({ Array($0.sessions.values) }) { session.endStream() }
        onShutdown()
    }
}
