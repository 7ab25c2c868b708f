import PlugboardConfig
import PlugboardCore
import PlugboardJSON

/// A provider file, identified without running any of its code beyond the entry function.
public struct PluginIdentity: Sendable, Hashable {
    public var file: String
    public var id: String
    public var version: String
    /// SHA-256 of the file's bytes: a replaced file is a new identity even under the same name.
    public var digest: String
    /// The trusted key whose signature the file carries (`FILE.so.sig`); nil: unsigned, or signed by no key
    /// trusted here. Set by the host, which checks the signature before it identifies the file.
    public var signedBy: RuntimeConfig.TrustedKey?

    public init(file: String, id: String, version: String, digest: String, signedBy: RuntimeConfig.TrustedKey? = nil) {
        self.file = file
        self.id = id
        self.version = version
        self.digest = digest
        self.signedBy = signedBy
    }
}

/// Why a provider file was skipped, in words an operator can act on (the loader's message names the file).
public struct ProviderLoadFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kept the file out: it could not be loaded, its signature did not satisfy a policy, or its scan in a
    /// sandboxed worker crashed or hung (quarantined until the file changes).
    public enum Kind: String, Sendable, Hashable {
        case skipped, refused, quarantined
    }

    public var file: String
    public var message: String
    public var kind: Kind

    public init(file: String, message: String, kind: Kind = .skipped) {
        self.file = file
        self.message = message
        self.kind = kind
    }

    public var description: String { message }
}

/// Turns provider files into providers. The host decides which files to mount and with which configuration;
/// the factory knows how to load them (in process through dlopen, or in a sandboxed worker).
public protocol ProviderFactory: Sendable {
    func identify(file: String) throws(ProviderLoadFailure) -> PluginIdentity
    func instantiate(
        _ plugin: PluginIdentity, config: RawJSON, isolation: RuntimeConfig.Isolation
    ) throws(ProviderLoadFailure) -> any Provider
    /// Teams: instantiates for a placement; the default ignores it (see below).
    func instantiate(
        _ plugin: PluginIdentity, config: RawJSON, isolation: RuntimeConfig.Isolation, placement: InstancePlacement
    ) throws(ProviderLoadFailure) -> any Provider
    func released(_ provider: any Provider, plugin: PluginIdentity, placement: InstancePlacement)
}

// MARK: - Teams

/// Where an instance is placed: for a team's mount, the team (whose sandbox applies) — never shared with another
/// team; nil for the operator's own mounts.
public struct InstancePlacement: Sendable, Hashable {
    public var team: String?
    public var sandbox: RuntimeConfig.SandboxSpec?
    /// The team's size quotas only (`maxRequestBytes`, `maxResponseBytes`), which bound a worker's frames. Rates
    /// and concurrency are the MCP layer's: kept here they would make a SIGHUP that changes them a new instance key,
    /// and restart the team's plugins for nothing.
    public let quotas: RuntimeConfig.Quotas?
    /// The mount's namespace, for logs and the audit trail.
    public var namespace: String?

    public init(team: String? = nil, sandbox: RuntimeConfig.SandboxSpec? = nil, quotas: RuntimeConfig.Quotas? = nil,
                namespace: String? = nil) {
        self.team = team
        self.sandbox = sandbox
        self.quotas = quotas.map { RuntimeConfig.Quotas(maxRequestBytes: $0.maxRequestBytes, maxResponseBytes: $0.maxResponseBytes) }
        self.namespace = namespace
    }

    public static let operatorOwned = InstancePlacement()
}

extension ProviderFactory {
    /// Factories that know nothing of teams instantiate as before (the isolation still says `.sandboxed`).
    public func instantiate(
        _ plugin: PluginIdentity, config: RawJSON, isolation: RuntimeConfig.Isolation, placement: InstancePlacement
    ) throws(ProviderLoadFailure) -> any Provider {
        try instantiate(plugin, config: config, isolation: isolation)
    }

    /// Called once the host has dropped an instance from every routing table (calls in flight may still finish).
    public func released(_ provider: any Provider, plugin: PluginIdentity, placement: InstancePlacement) {}
}

