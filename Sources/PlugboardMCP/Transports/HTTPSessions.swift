import PlugboardCore
import ServiceLifecycle
import Synchronization

/// One handshake-era HTTP session: the protocol state, and the standalone GET stream if one is open.
/// The stream buffers at most `streamBuffer` messages (oldest dropped): no replay store, bounded memory.
final class HTTPSession: Sendable {
    let id: String
    let mcp: MCPSession
    private let stream = Mutex<AsyncStream<[UInt8]>.Continuation?>(nil)
    static let streamBuffer = 256

    init(id: String, surface: String, principal: Principal? = nil) {
        self.id = id
        self.mcp = MCPSession(surface: surface, principal: principal)
    }

    /// Opens the GET stream; nil when one is already open (one per session).
    func openStream() -> AsyncStream<[UInt8]>? {
        stream.withLock { current in
            guard current == nil else { return nil }
            let (events, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(Self.streamBuffer))
            current = continuation
            return events
        }
    }

    func streamEnded() { stream.withLock { $0 = nil } }

    func push(_ message: [UInt8]) { _ = stream.withLock { $0?.yield(message) } }

    /// Ends the GET stream (if open); requests in flight go on.
    func endStream() {
        let continuation = stream.withLock { current in
            defer { current = nil }
            return current
        }
        continuation?.finish()
    }

    /// The session is over: end its stream and cancel what it still runs.
    func close() {
        endStream()
        mcp.cancelAll()
    }
}

/// All live sessions. Also a Service: it expires idle sessions, and on graceful shutdown it ends the GET streams
/// so open connections can drain.
final class HTTPSessions: Service, Sendable {
    private let sessions = Mutex<[String: HTTPSession]>([:])
    let idleTimeout: Duration
    let maxSessions: Int
    private let onShutdown: @Sendable () -> Void

    init(idleTimeout: Duration, maxSessions: Int = 10_000, onShutdown: @escaping @Sendable () -> Void = {}) {
        self.idleTimeout = idleTimeout
        self.maxSessions = maxSessions
        self.onShutdown = onShutdown
    }

    func create(surface: String, principal: Principal? = nil) -> HTTPSession? {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
        let session = HTTPSession(id: id, surface: surface, principal: principal)
        return sessions.withLock { all in
            guard all.count < maxSessions else { return nil }
            all[id] = session
            return session
        }
    }

    func find(_ id: String) -> HTTPSession? {
        let session = sessions.withLock { $0[id] }
        session?.mcp.touch()
        return session
    }

    /// Ends a session; only with the credentials that opened it (another team's id is "not found").
    func remove(_ id: String, principal: Principal? = nil) -> Bool {
        let removed = sessions.withLock { all -> HTTPSession? in
            guard let session = all[id] else { return nil }
            let owner = session.mcp.principal
            guard owner == nil ? principal == nil : owner!.matches(principal) else { return nil }
            return all.removeValue(forKey: id)
        }
        guard let session = removed else { return false }
        session.close()
        return true
    }

    var count: Int { sessions.withLock { $0.count } }

    /// To every session of `team` (nil: the operator's sessions) — a team's lists change with its own view.
    func broadcast(_ message: [UInt8], team: String?, surface: String? = nil) {
        for session in sessions.withLock({ Array($0.values) })
        where (surface == nil || session.mcp.surface == surface) && session.mcp.principal?.team == team {
            session.push(message)
        }
    }

    func expireIdle(now: ContinuousClock.Instant = .now) {
        let expired = sessions.withLock { all in
            let old = all.values.filter { now - $0.mcp.lastActive > idleTimeout && $0.mcp.inFlightCount == 0 }
            for session in old { all.removeValue(forKey: session.id) }
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
        for session in sessions.withLock({ Array($0.values) }) { session.endStream() }
        onShutdown()
    }
}
