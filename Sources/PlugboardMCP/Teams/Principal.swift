import PlugboardCore

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

    public init(team: String, tokenID: String?, tokenHash: String?, store: RoutingTableStore, quota: QuotaGate) {
        self.team = team
        self.tokenID = tokenID
        self.tokenHash = tokenHash
        self.store = store
        self.quota = quota
    }

    /// The same team and token (a session may only be used with the credentials that opened it).
    func matches(_ other: Principal?) -> Bool {
        guard let other else { return false }
        return other.team == team && other.tokenID == tokenID
    }
}

/// What a bearer credential comes to.
public enum Authentication: Sendable {
    /// No teams are configured: HTTP is open, as without multi-team hosting.
    case open
    case principal(Principal)
    /// No token, or an unknown or revoked one. `tokenGiven` decides the `error="invalid_token"` parameter.
    case refused(tokenGiven: Bool)
}

/// Turns an `Authorization` header into a principal. Implementations compare in constant time.
public protocol BearerAuthenticator: Sendable {
    func authenticate(authorization: String?) -> Authentication
    /// Each team's routing tables, so the transport can tell a team's sessions when their lists change.
    var teamStores: [String: RoutingTableStore] { get }
}
