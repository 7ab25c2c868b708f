import Hummingbird
import Logging
import NIOCore
import PlugboardCore
import PlugboardJSON
import ServiceLifecycle

/// MCP Streamable HTTP on Hummingbird: one path per surface (`/mcp`, `/v1/mcp`, …) over the same server.
/// POST carries one message (answered as JSON, or as an SSE stream when the request will produce notifications);
/// GET opens a session's stream for server notifications; DELETE ends a session. Handshake-era clients get an
/// `Mcp-Session-Id`; 2026-07-28 requests are stateless and checked against their `MCP-Protocol-Version`,
/// `Mcp-Method` and `Mcp-Name` headers.
public struct HTTPTransport: Sendable {
    let server: MCPServer
    let host: String
    let port: Int
    let logger: Logger
    let sessions: HTTPSessions
    let keepAliveInterval: Duration
    /// Bearer authentication for multi-team hosting; nil: open, as without teams.
    let authenticator: (any BearerAuthenticator)?
    /// How long a quota refusal is held before it is sent (HTTPEndpoint+Teams.swift).
    let refusalHold: Duration
    let limits: HTTPLimits
    public let health: HealthProbes
    /// The Prometheus exposition served on `GET /metrics` of this listener; nil: not here (off, or on the admin
    /// listener).
    let metrics: (@Sendable () -> [UInt8])?
    /// How long to keep serving after SIGTERM, answering 503 on /readyz, before the drain starts.
    let drainDelay: Duration
    /// Which Host and Origin headers the MCP paths answer (OriginPolicy.swift).
    let originPolicy: OriginPolicy
    /// Carries cancels to the replica running the request (CancelRelay+Fleet.swift); nil: one host.
    let cancelRelay: (any FleetCancelRelay)?

    /// `sessionSeal` seals handshake-era sessions into their ids (replicas that share its key serve each other's
    /// sessions); an id is valid for `sessionLifetime`, and a replica keeps a session in memory until it has been idle
    /// for `sessionIdleTimeout`.
    public init(server: MCPServer, host: String, port: Int, logger: Logger, sessionSeal: any SessionSealing,
                sessionLifetime: Duration = .seconds(86_400),
                sessionIdleTimeout: Duration = .seconds(1800), keepAliveInterval: Duration = .seconds(15),
                authenticator: (any BearerAuthenticator)? = nil, refusalHold: Duration = .milliseconds(100),
                limits: HTTPLimits = HTTPLimits(), readiness: @escaping @Sendable () -> [String] = { [] },
                providers: @escaping @Sendable () -> [HealthProbes.ServedProvider] = { [] },
                drainDelay: Duration = .zero, metrics: (@Sendable () -> [UInt8])? = nil,
                cancelRelay: (any FleetCancelRelay)? = nil, originPolicy: OriginPolicy = OriginPolicy()) {
        self.cancelRelay = cancelRelay
        self.originPolicy = originPolicy
        self.metrics = metrics
        self.limits = limits
        self.health = HealthProbes(readiness: readiness, providers: providers)
        self.drainDelay = drainDelay
        self.authenticator = authenticator
        self.refusalHold = refusalHold
        self.server = server
        self.host = host
        self.port = port
        self.logger = logger
        // On shutdown the session service ends the GET streams and the listen streams (with their results).
        self.sessions = HTTPSessions(idleTimeout: sessionIdleTimeout, lifetime: sessionLifetime, seal: sessionSeal, limits: limits, onShutdown: { [subscriptions = server.subscriptions] in
            subscriptions.endAll()
        })
        self.keepAliveInterval = keepAliveInterval
    }

    /// What is open now, for metrics: sessions, their GET streams, and `subscriptions/listen` streams.
    public var occupancy: (sessions: Int, sessionStreams: Int, listenStreams: Int) {
        (sessions.count, sessions.openStreamCount, server.subscriptions.count)
    }

    /// Serves until SIGINT or SIGTERM, then stops accepting, ends the GET streams and finishes requests in flight.
    public func run() async throws {
        cancelRelay?.start { [sessions] sessionID, requestID in sessions.held(sessionID)?.mcp.cancel(id: requestID) }
        let router = Router(context: ClientRequestContext.self)
        var endpoints: [String: HTTPEndpoint] = [:]
        for surface in server.store.surfaces {
            let endpoint = HTTPEndpoint(transport: self, surface: surface.name, path: surface.path)
            endpoints[surface.path] = endpoint
            router.post(RouterPath(surface.path)) { request, context in await endpoint.post(request, client: context) }
            router.get(RouterPath(surface.path)) { request, context in await endpoint.get(request, client: context) }
            router.delete(RouterPath(surface.path)) { request, _ in await endpoint.delete(request) }
            // RFC 9728: the metadata of the resource `<base><path>` is at `<base>/.well-known/oauth-protected-resource<path>`.
            router.get(RouterPath(ProtectedResource.metadataPath + surface.path)) { request, _ in endpoint.resourceMetadata(request) }
        }
        if let first = server.store.surfaces.first {  // the root form, for clients that try it first: the first surface's
            let endpoint = HTTPEndpoint(transport: self, surface: first.name, path: first.path)
            router.get(RouterPath(ProtectedResource.metadataPath)) { request, _ in endpoint.resourceMetadata(request) }
        }
        router.get(RouterPath(HealthProbes.livenessPath)) { [health] _, _ in health.liveness() }
        router.get(RouterPath(HealthProbes.readinessPath)) { [health] _, _ in health.readinessResponse() }
        if let metrics { router.get(RouterPath(HealthProbes.metricsPath)) { _, _ in HealthProbes.metricsResponse(metrics()) } }
        var observations = [server.store.observe { [sessions] kinds in
            for method in ListChanged.methods(for: kinds) {
                sessions.broadcast(WireMessages.notification(method: method, params: Array("{}".utf8)), team: nil)
            }
        }]
        for (team, store) in authenticator?.teamStores ?? [:] {
            observations.append(store.observe { [sessions] kinds in
                for method in ListChanged.methods(for: kinds) {
                    sessions.broadcast(WireMessages.notification(method: method, params: Array("{}".utf8)), team: team)
                }
            })
        }
        defer { for observation in observations { observation.cancel() } }
        let app = Application(
            router: router,
            server: ConnectionGuard(limits: limits, logger: logger, inline: InlineRoutes(endpoints: endpoints)).server,
            configuration: .init(address: .hostname(host, port: port), serverName: "plugboard"),
            onServerRunning: { [logger, host, port] _ in
                logger.info("serving MCP over HTTP at http://\(host):\(port) (paths: \(server.store.surfaces.map(\.path).joined(separator: ", ")))")
            },
            logger: logger)
        // The session service is listed last so it is shut down first: its GET streams end before the server drains.
        // SIGTERM and SIGINT: not ready at once, then (after the drain delay) the graceful shutdown.
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: app), .init(service: sessions, successTerminationBehavior: .ignore)],
            logger: logger))
        let signals = ShutdownSignals(health: health, delay: drainDelay, logger: logger) {
            await group.triggerGracefulShutdown()
        }
        defer { signals.cancel() }
        try await group.run()
    }
}
