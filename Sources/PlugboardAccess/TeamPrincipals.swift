import PlugboardConfig
import PlugboardCore
import PlugboardMCP

/// One team's shared parts: its routing tables and its quota gate (one per team, whichever token is used), and
/// the view of its tables that credentials without scopes or claims get: everything an access rule matches hidden.
public struct TeamPrincipals: Sendable {
    let team: String
    let store: RoutingTableStore
    let quota: QuotaGate
    /// What static tokens (and the stdio principal) see: they meet no access rule.
    let unprivileged: RoutingTableStore
    let ruleNames: [String]

    public init(team: RuntimeConfig.Team, store: RoutingTableStore, rules: [RuntimeConfig.AccessRule] = []) {
        self.team = team.name
        self.store = store
        unprivileged = store.view(hiding: rules.map(\.pattern)) ?? store
        ruleNames = rules.map(\.name)
        quota = QuotaGate(team: team.name, limits: Self.limits(team.quotas))
    }

    /// The gate's limits for a team's configured quotas (an unset rate wait is the default one).
    public static func limits(_ quotas: RuntimeConfig.Quotas) -> QuotaGate.Limits {
        QuotaGate.Limits(
            maxConcurrentCalls: quotas.maxConcurrentCalls, callsPerSecond: quotas.callsPerSecond,
            maxRequestBytes: quotas.maxRequestBytes, maxResponseBytes: quotas.maxResponseBytes,
            maxRateWait: .milliseconds(quotas.maxRateWaitMilliseconds ?? RuntimeConfig.Quotas.defaultRateWaitMilliseconds))
    }

    public func principal(token: RuntimeConfig.Token?) -> Principal {
        Principal(team: team, tokenID: token?.id, tokenHash: token.map { String($0.sha256.prefix(12)) }, store: unprivileged,
                  quota: quota, rulesUnmet: ruleNames)
    }
}
