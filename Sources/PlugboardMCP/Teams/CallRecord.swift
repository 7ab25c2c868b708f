import PlugboardCore

/// One finished call, for the audit trail: who, what (as exposed and as the provider knows it), which build of
/// the provider, how long, and how it ended. Never the token itself, never the arguments.
public struct CallRecord: Sendable {
    public var team: String?
    public var tokenID: String?
    public var tokenHash: String?
    /// The issuer, subject and `jti` of a JWT access token; nil for a static team token.
    public var identity: TokenIdentity?
    /// The access rules the caller met and did not meet (`Principal.rulesMet`, `rulesUnmet`).
    public var rulesMet: [String] = []
    public var rulesUnmet: [String] = []
    public var surface: String
    public var kind: ComponentKind
    /// The name or URI as the client used it.
    public var exposed: String
    public var version: String?
    /// The component as the routing table knows it (its exposed name, or a template's URI template), once routed;
    /// nil when the call named nothing the surface serves.
    public var component: String?
    public var provider: ProviderInfo?
    /// The call's own time, from routing to its answer.
    public var duration: Duration
    /// How long it waited for its team's rate token before that (zero when it did not wait).
    public var rateWait: Duration
    /// `ok`, `failed` (a tool's error result), `not_found`, `refused:<quota>`, or another invocation error kind
    /// (`timed_out`, `unavailable`…).
    public var outcome: String
    /// The error's message where the call failed (a worker's exit cause is named here).
    public var detail: String?

    public init(team: String?, tokenID: String?, tokenHash: String?, surface: String, kind: ComponentKind, exposed: String,
                version: String?, provider: ProviderInfo?, duration: Duration, rateWait: Duration = .zero, outcome: String,
                detail: String?) {
        self.team = team
        self.tokenID = tokenID
        self.tokenHash = tokenHash
        self.surface = surface
        self.kind = kind
        self.exposed = exposed
        self.version = version
        self.provider = provider
        self.duration = duration
        self.rateWait = rateWait
        self.outcome = outcome
        self.detail = detail
    }
}
