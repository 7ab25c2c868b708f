import HTTPTypes
import PlugboardCore
import PlugboardJSON
import ServiceLifecycle
import Synchronization

/// The sessions this replica has seen. A session's id is its sealed state (SealedSession.swift), so this table
/// is a cache: a session first seen here, or dropped from here, is opened again from its id, on any replica that
/// holds the key. What lives only here: `logging/setLevel` after the handshake, the requests in flight (for
/// `notifications/cancelled`) and the GET stream. Also a Service: it drops idle sessions from memory, and on
/// graceful shutdown it ends the GET streams so open connections can drain.
///
/// Nobody can hoard the table: one client (a team token, else a remote address) may open sessions only at
/// `newSessionsPerSecondPerClient` and hold at most `maxSessionsPerClient` here; past that, and when the whole
/// table is full, the least recently used idle session makes room (of that client, or of anyone). An evicted
/// session loses only what lives here; its next request opens it again. Sessions with a request running or a
/// GET stream open are never evicted; only when every one is busy is a new session refused.
///
/// A session ends when its id expires (`lifetime` after the handshake) or with DELETE. DELETE can end it only on
/// the replica that gets it: that replica refuses the id until it expires; another replica, which shares nothing
/// with it but the key, still serves it.
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
        /// Ids ended here with DELETE, with the wall-clock second they expire anyway.
        var ended: [String: Int64] = [:]

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

        /// An ended id past its expiry is refused by its seal: no need to remember it.
        mutating func forgetExpiredEnds(now: Int64) {
            ended = ended.filter { $0.value > now }
        }

        /// Buckets that have refilled say nothing a new one would not: dropped, so made-up clients cost no memory.
        mutating func forgetRefilledBuckets(now: ContinuousClock.Instant) {
            starts = starts.filter { !$0.value.isFull(at: now) }
        }
    }

    private let table = Mutex(Table())
    let idleTimeout: Duration
    /// How long a session's id stays valid after its handshake.
    let lifetime: Duration
    let seal: any SessionSealing
    let limits: HTTPLimits
    private let onShutdown: @Sendable () -> Void

    init(idleTimeout: Duration, lifetime: Duration, seal: any SessionSealing, limits: HTTPLimits = HTTPLimits(),
         onShutdown: @escaping @Sendable () -> Void = {}) {
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
        self.seal = seal
        self.limits = limits
        self.onShutdown = onShutdown
    }

    /// A new session for an `initialize` that asks for `protocolVersion` with `clientCapabilities`.
    func create(surface: String, principal: Principal? = nil, client: String = "local", protocolVersion: String,
                clientCapabilities: JSONValue? = nil, now: ContinuousClock.Instant = .now) -> Result<HTTPSession, Refusal> {
        let state = SealedSession(
            protocolVersion: protocolVersion, surface: surface, owner: principal.map(SessionOwner.init),
            clientCapabilities: clientCapabilities, expires: SealedSession.now + lifetime.components.seconds)
        let id: String
        do { id = try seal.seal(state.encoded) } catch {
            return .failure(Refusal(status: .internalServerError, error: .internalError("cannot seal the session's id: \(error)")))
        }
        let session = HTTPSession(id: id, surface: surface, principal: principal, client: client, expires: state.expires)
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
            return Self.makeRoom(for: session, in: &table, limits: limits)
        }
        switch outcome {
        case .failure(let refusal): return .failure(refusal)
        case .success(let evicted):
            evicted?.close()
            return .success(session)
        }
    }

    /// Inserts `session`, first evicting the least recently used idle session of its client (past the per-client
    /// bound) or of anyone (the table is full); refused when every candidate is busy.
    private static func makeRoom(for session: HTTPSession, in table: inout Table, limits: HTTPLimits) -> Result<HTTPSession?, Refusal> {
        var evicted: HTTPSession?
        if let own = table.byClient[session.client], own.count >= limits.maxSessionsPerClient {
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

    /// The session `id` names on `surface`, for `principal`: the one held here, else one opened from its sealed
    /// state (a session another replica began, or one this replica dropped). Nil, which the spec answers with 404,
    /// for an id this host did not seal, one that has expired or was ended here, one of another surface, and one
    /// opened with other credentials (another team's session is answered as if it did not exist).
    func find(_ id: String, surface: String, principal: Principal?, client: String = "local") -> HTTPSession? {
        if let held = table.withLock({ $0.sessions[id] }) {
            guard held.expires > SealedSession.now, Self.belongs(held, to: principal, on: surface) else { return nil }
            held.mcp.touch()
            return held
        }
        guard let state = openState(id), state.surface == surface, state.owner.admits(principal) else { return nil }
        let session = HTTPSession(id: id, surface: surface, principal: principal, client: client, expires: state.expires)
        session.mcp.negotiatedVersion = state.protocolVersion
        session.mcp.logLevel = state.logLevel
        let limits = self.limits
        let outcome = table.withLock { table -> Result<HTTPSession?, Refusal> in
            if let raced = table.sessions[id] { return .success(raced) }  // another request opened it first
            return Self.makeRoom(for: session, in: &table, limits: limits)
        }
        switch outcome {
        case .success(let other) where other?.id == id:
            return other
        case .success(let evicted):
            evicted?.close()
            return session
        case .failure:
            return session  // no room to keep it: it serves this request, and is opened again for the next
        }
    }

    /// The session `id` if this replica holds it, with no check: for a cancel relayed by another replica, which
    /// checked the request that carried it.
    func held(_ id: String) -> HTTPSession? { table.withLock { $0.sessions[id] } }

    /// A held session is used only on its surface and with the credentials that opened it.
    private static func belongs(_ session: HTTPSession, to principal: Principal?, on surface: String) -> Bool {
        guard session.mcp.surface == surface else { return false }
        guard let owner = session.mcp.principal else { return principal == nil }
        return owner.matches(principal)
    }

    /// The state `id` seals, unless it has expired or was ended here.
    private func openState(_ id: String) -> SealedSession? {
        guard let bytes = seal.open(id), let state = SealedSession(decoding: bytes), state.expires > SealedSession.now,
              table.withLock({ $0.ended[id] == nil }) else { return nil }
        return state
    }

    /// Ends a session here; only with the credentials that opened it (another team's id is "not found"). Its id
    /// is refused here until it expires.
    func remove(_ id: String, surface: String, principal: Principal? = nil) -> Bool {
        let held = table.withLock { $0.sessions[id] }
        if let held, !Self.belongs(held, to: principal, on: surface) {
            return false
        }
        guard let state = openState(id), state.surface == surface, state.owner.admits(principal) else { return false }
        let limits = self.limits
        let removed = table.withLock { table -> HTTPSession? in
            table.ended[id] = state.expires
            if table.ended.count > 2 * limits.maxSessions { table.forgetExpiredEnds(now: SealedSession.now) }
            return table.remove(id)
        }
        removed?.close()
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
            table.forgetExpiredEnds(now: SealedSession.now)
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
