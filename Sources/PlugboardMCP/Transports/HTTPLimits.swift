/// What one client, and all of them together, may hold of the HTTP transport: sessions, connections, and how
/// long a connection may dawdle. The defaults follow nginx where it has one (60 s to send headers, 60 s between
/// reads of a body, 75 s of keep-alive).
public struct HTTPLimits: Sendable, Equatable {
    /// Handshake-era sessions in all; when full, the least recently used idle one makes room.
    public var maxSessions = 10_000
    /// Sessions of one client (a team token, else a remote address); past it, its own least recently used idle one
    /// makes room.
    public var maxSessionsPerClient = 64
    /// New sessions one client may open per second (a burst of one second's worth); past it, 429 with Retry-After.
    public var newSessionsPerSecondPerClient = 10.0
    /// Open connections in all, and from one remote address; past either, the connection is answered and closed.
    public var maxConnections = 10_000
    public var maxConnectionsPerAddress = 256
    /// From a connection's first byte (or its opening) to the end of a request's headers.
    public var headerTimeout: Duration = .seconds(60)
    /// Between two reads of a request's body.
    public var bodyTimeout: Duration = .seconds(60)
    /// A connection with no request for this long is closed.
    public var keepAliveTimeout: Duration = .seconds(75)

    public init() {}
}
