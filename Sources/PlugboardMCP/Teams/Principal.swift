import PlugboardCore
import PlugboardJSON

/// Who a session acts for when the host serves several teams: the team, the token that authenticated (by its
/// id, never its text), the team's own routing tables (its mounts and the shared ones) and its quota gate.
/// A session without a principal is the operator's, who sees everything (stdio by default, HTTP without teams).
public final class Principal: Sendable {
    public let team: String
    /// The token's configured id; nil for the operator's stdio principal.
    public let tokenID: String?
    /// A short prefix of the token's SHA-256, for the audit trail.
    public let tokenHash: String?
    public let store: RoutingTableStore
    public let quota: QuotaGate
    /// Who a JWT access token names; nil for a static team token.
    public let identity: TokenIdentity?
    /// The access rules these credentials meet (what they may see beyond the team's base) and those they do not
    /// (what is hidden from them), by name, for the audit trail.
    public let rulesMet: [String]
    public let rulesUnmet: [String]

    public init(team: String, tokenID: String?, tokenHash: String?, store: RoutingTableStore, quota: QuotaGate,
                identity: TokenIdentity? = nil, rulesMet: [String] = [], rulesUnmet: [String] = []) {
        self.rulesMet = rulesMet
        self.rulesUnmet = rulesUnmet
        self.team = team
        self.tokenID = tokenID
        self.tokenHash = tokenHash
        self.store = store
        self.quota = quota
        self.identity = identity
    }

    /// The same team and credentials (a session may only be used with the credentials that opened it). For a JWT
    /// that is the same subject of the same issuer: a client that refreshes its access token keeps its session.
    func matches(_ other: Principal?) -> Bool {
        guard let other, other.team == team else { return false }
        if let identity { return other.identity?.issuer == identity.issuer && other.identity?.subject == identity.subject }
        return other.identity == nil && other.tokenID == tokenID
    }
}

/// The identity a verified JWT access token carries, for the audit trail and session ownership. Never the token.
public struct TokenIdentity: Sendable, Equatable {
    public var issuer: String
    public var subject: String
    /// The token's `jti`, when it has one.
    public var tokenID: String?

    public init(issuer: String, subject: String, tokenID: String?) {
        self.issuer = issuer
        self.subject = subject
        self.tokenID = tokenID
    }
}

/// What a bearer credential comes to.
public enum Authentication: Sendable {
    /// No teams are configured: HTTP is open, as without multi-team hosting.
    case open
    case principal(Principal)
    /// 401. No token, or one not valid here (unknown, revoked, expired, badly signed…). `tokenGiven` decides the
    /// `error="invalid_token"` parameter; `reason` becomes its `error_description`.
    case refused(tokenGiven: Bool, reason: String? = nil)
    /// 403: a valid token that may not use this server (it names no team here); the reason says why.
    case forbidden(reason: String)
    /// 403 `insufficient_scope`: a valid token without the scopes this server requires; `scope` names them all.
    case insufficientScope(scope: String, reason: String)
}

/// Turns an `Authorization` header into a principal. Implementations compare secrets in constant time.
public protocol BearerAuthenticator: Sendable {
    /// `resource` is the canonical URL of the surface the request came to: the audience a JWT must name.
    func authenticate(authorization: String?, resource: String) async -> Authentication
    /// The principal of a credential known already (a static token, a JWT verified before and still valid), found
    /// without waiting; nil when deciding needs `authenticate` (a token not seen yet, or one to refuse). The HTTP
    /// hot path answers on an event loop, which never waits.
    func authenticateNow(authorization: String, resource: String) -> Principal?
    /// Each team's routing tables, so the transport can tell a team's sessions when their lists change.
    var teamStores: [String: RoutingTableStore] { get }
    /// The server's configured public base URL (`https://mcp.example.com`); nil: the request's `Host` says.
    var publicBaseURL: String? { get }
    /// RFC 9728 protected-resource metadata for `resource`, or nil when no authorization server issues tokens
    /// here (static team tokens only).
    func resourceMetadata(resource: String) -> JSONValue?
    /// Whether `resourceMetadata` gives a document (the 401 challenge then points to it).
    var offersResourceMetadata: Bool { get }
}

extension BearerAuthenticator {
    public func authenticateNow(authorization: String, resource: String) -> Principal? { nil }
}
