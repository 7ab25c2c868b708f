import Logging
import PlugboardAccess
import PlugboardConfig
import PlugboardCore
import PlugboardHost
import PlugboardMCP
import PlugboardSandbox

/// What `serve` adds for multi-team hosting: the audit trail, the factory that sandboxes team providers, and,
/// once the host is up, the bearer authenticator (HTTP) and the operator's stdio principal.
struct TeamServing {
    let config: RuntimeConfig
    let audit: AuditTrail?
    let factory: TeamProviderFactory

    init(config: RuntimeConfig, logger: Logger,
         supervision: @escaping @Sendable (_ provider: String, SupervisionEvent) -> Void = { _, _ in }) throws {
        self.config = config
        if let spec = config.audit {
            do { audit = AuditTrail(log: try AuditLog(spec)) } catch { throw CommandFailure("\(error)") }
        } else {
            audit = nil
        }
        factory = TeamProviderFactory(native: HostOptions.factory(config), audit: audit, supervision: supervision) { record in
            logger.log(level: record.level >= .warning ? .warning : .info, "\(record.logger): \(record.message)")
        }
    }

    var callObserver: (@Sendable (CallRecord) -> Void)? {
        guard let audit else { return nil }
        return { audit.call($0) }
    }

    struct Access {
        /// nil without teams: HTTP stays open.
        var authenticator: TeamAccess?
        /// The team `transports.stdio.team` names; nil: the operator, who sees everything.
        var stdioPrincipal: Principal?
    }

    func access(host: PluginHost, logger: Logger) -> Access {
        guard !config.teams.isEmpty else { return Access() }
        var principals: [String: TeamPrincipals] = [:]
        for team in config.teams {
            guard let store = host.teamStores[team.name] else { continue }
            principals[team.name] = TeamPrincipals(team: team, store: store, rules: config.identity.rules)
        }
        let stdio = config.transports.stdio.team.flatMap { principals[$0]?.principal(token: nil) }
        var refusals: (@Sendable (AccessRefusal) -> Void)?
        if let audit { refusals = { audit.refusal($0) } }
        return Access(authenticator: TeamAccess(config: config, principals: principals, logger: logger, onRefusal: refusals),
                      stdioPrincipal: stdio)
    }

    /// Writes what the audit trail still holds.
    func close() { audit?.log.close() }
}
