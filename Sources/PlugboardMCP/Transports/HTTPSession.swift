import PlugboardCore
import Synchronization

/// One handshake-era HTTP session as this replica holds it: the protocol state, and the standalone GET stream if
/// one is open.
/// The stream buffers at most `streamBuffer` messages (oldest dropped): no replay store, bounded memory.
final class HTTPSession: Sendable {
    let id: String
    let mcp: MCPSession
    /// Who opened it, for the per-client bounds: the team token, else the peer's address.
    let client: String
    /// When its id stops being valid, in wall-clock seconds since the epoch (SealedSession.expires).
    let expires: Int64
    private let stream = Mutex<AsyncStream<[UInt8]>.Continuation?>(nil)
    static let streamBuffer = 256

    init(id: String, surface: String, principal: Principal? = nil, client: String = "local", expires: Int64) {
        self.id = id
        self.client = client
        self.expires = expires
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

    var hasStream: Bool { stream.withLock { $0 != nil } }

    /// A request is running or the GET stream is open: the client is using it, so it is never evicted.
    var isBusy: Bool { mcp.inFlightCount > 0 || stream.withLock { $0 != nil } }

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
