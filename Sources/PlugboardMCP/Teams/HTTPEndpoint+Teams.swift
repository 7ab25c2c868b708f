import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import PlugboardCore
import PlugboardJSON

extension RPCError {
    /// The HTTP request carried no valid bearer token (the status is 401; this is the body's code).
    public static let unauthorizedCode = -32041
}

extension HTTPTransport {
    /// A quota refusal is answered after a short hold. A client that waits for each answer (any HTTP/1.1
    /// connection) can then send at most a few refused requests a second per connection, so a team flooding past
    /// its quota costs the server little CPU and cannot slow other teams with refusals. The hold is a suspended
    /// task, not a thread.
    func holdRefusal() async {
        guard refusalHold > .zero else { return }
        try? await Task.sleep(for: refusalHold)
    }
}

/// Multi-team hosting on the HTTP transport: bearer authentication, 401 and 429 answers.
extension HTTPEndpoint {
    /// The team's quotas for one request. A call past the team's rate that may wait for its turn
    /// (`max_rate_wait_ms`) waits here, as a suspended task, and is then admitted; its wait is noted on `message`.
    /// With fleet quotas, the fleet's store is asked first (one round trip) and its wait is kept the same way.
    func admit(_ message: inout IncomingMessage, session: MCPSession, requestBytes: Int) async -> MCPServer.Admission {
        await settle(server.admit(message, session: session, requestBytes: requestBytes, acrossFleet: true), of: &message, session: session)
    }

    /// The admission `server.admit` gave, once its waiting is done: the fleet asked, the team's turn come.
    func settle(_ admission: MCPServer.Admission, of message: inout IncomingMessage, session: MCPSession) async -> MCPServer.Admission {
        var admission = admission
        if case .askFleet(let gate) = admission {
            admission = await server.admitAcrossFleet(message, session: session, gate: gate)
        }
        let wait: Duration
        switch admission {
        case .paced(let gate, let paced):
            wait = paced
            admission = .admitted(gate)
        case .leased(let gate, let lease, let leased) where leased > .zero:
            wait = leased
            admission = .leased(gate, lease, wait: .zero)
        default: return admission
        }
        let started = ContinuousClock.now
        try? await Task.sleep(for: wait)  // cancelled: run now; the token was reserved for this call anyway
        message.rateWait = ContinuousClock.now - started
        return admission
    }

    static let wwwAuthenticate = HTTPField.Name("WWW-Authenticate")!
    static let retryAfter = HTTPField.Name("Retry-After")!

    /// The principal a request acts for (nil: the operator, when no teams are configured), or the 401, 403 or 400
    /// to send.
    func authenticate(_ request: Request) async -> Result<Principal?, Refused> {
        guard let authenticator = transport.authenticator else { return .success(nil) }
        let base = ProtectedResource.baseURL(configured: authenticator.publicBaseURL, authority: request.head.authority)
        let resource = base + path
        let offersMetadata = authenticator.offersResourceMetadata
        // Built only for a refusal: the common request is an accepted token.
        func challenge() -> ProtectedResource.Challenge {
            ProtectedResource.Challenge(metadataURL: offersMetadata ? ProtectedResource.metadataURL(base: base, path: path) : nil)
        }
        // The MCP authorization spec: access tokens never travel in the query string (they end up in logs).
        if ProtectedResource.hasQueryToken(request.uri.query) {
            return .failure(Refused(response: challenge().response(.badRequest, error: "invalid_request",
                description: "access tokens are not accepted in the query string; send 'Authorization: Bearer <token>'")))
        }
        let authorization: String?
        switch request.headers.onlyValue(of: .authorization) {
        case .none: authorization = nil
        case .one(let value): authorization = value
        case .several:
            return .failure(Refused(response: challenge().response(.badRequest, error: "invalid_request",
                description: "the request carries more than one Authorization header; send exactly one 'Authorization: Bearer <token>'")))
        }
        switch await authenticator.authenticate(authorization: authorization, resource: resource) {
        case .open: return .success(nil)
        case .principal(let principal): return .success(principal)
        case .refused(let tokenGiven, let reason):
            guard tokenGiven else {
                return .failure(Refused(response: challenge().response(.unauthorized, error: nil, description:
                    offersMetadata
                        ? "this server needs an access token: get one from the authorization server its resource metadata names, and send 'Authorization: Bearer <token>'"
                        : "this server needs a bearer token: send 'Authorization: Bearer <token>' (the operator mints one per team)")))
            }
            return .failure(Refused(response: challenge().response(.unauthorized, error: "invalid_token", description:
                reason ?? "the bearer token is not valid here (unknown or revoked); ask the operator for a token of your team")))
        case .forbidden(let reason):
            return .failure(Refused(response: challenge().response(.forbidden, error: "insufficient_scope", description: reason)))
        case .insufficientScope(let scope, let reason):
            return .failure(Refused(response: challenge().response(.forbidden, error: "insufficient_scope", description: reason, scope: scope)))
        }
    }

    /// The canonical URL of this surface as a request to `authority` names it: the audience its tokens must name.
    func resource(authority: String?) -> String {
        ProtectedResource.baseURL(configured: transport.authenticator?.publicBaseURL, authority: authority) + path
    }

    struct Refused: Error {
        var response: Response
    }

    /// `GET /.well-known/oauth-protected-resource<path>`: 404 when no authorization server issues tokens here.
    func resourceMetadata(_ request: Request) -> Response {
        let base = ProtectedResource.baseURL(configured: transport.authenticator?.publicBaseURL, request: request)
        guard let document = transport.authenticator?.resourceMetadata(resource: base + path) else {
            return Self.error(.notFound, nil, .invalidRequest(
                "this server takes no OAuth access tokens (no identity.issuers are configured), so it publishes no protected-resource metadata"))
        }
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=300"],
                        body: .init(byteBuffer: ByteBuffer(bytes: ProtectedResource.bytes(document))))
    }

    /// 429 for a quota refusal; `Retry-After` (whole seconds, at least 1) when a rate limit says when.
    static func tooManyRequests(_ reply: [UInt8], retryAfter: Duration?) -> Response {
        var headers = retryAfterHeader(retryAfter)
        headers[.contentType] = "application/json"
        return Response(status: .tooManyRequests, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply)))
    }

    static func tooManyRequests(_ reply: [UInt8], retryAfter: Duration?) -> InlineResponse {
        .json(reply, status: .tooManyRequests, headers: HTTPHeaders(retryAfterHeader(retryAfter).map { ($0.name.rawName, $0.value) }))
    }

    /// `Retry-After` in whole seconds, at least 1, when a rate limit says when.
    private static func retryAfterHeader(_ retryAfter: Duration?) -> HTTPFields {
        guard let retryAfter else { return [:] }
        return [Self.retryAfter: String(max(1, Int(retryAfter.inSeconds.rounded(.up))))]
    }

    /// The request-size limit for this principal: the server's, or the team's quota when it is smaller.
    func requestLimit(for principal: Principal?) -> (bytes: Int, isTeamQuota: Bool) {
        let serverLimit = server.configuration.limits.maxBytes
        guard let team = principal?.quota, let quota = team.limits.maxRequestBytes, quota < serverLimit else {
            return (serverLimit, false)
        }
        return (quota, true)
    }

    static func requestTooLarge(principal: Principal, limit: Int) -> Response {
        let error = RPCError(RPCError.quotaExceededCode, "the body exceeds team '\(principal.team)' quota max_request_bytes = \(limit)",
                             data: .object(["quota": .string("max_request_bytes"), "limit": .int(limit), "team": .string(principal.team)]))
        return Self.error(.contentTooLarge, nil, error)
    }
}
