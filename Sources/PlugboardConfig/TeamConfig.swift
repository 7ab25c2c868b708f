/// Multi-team hosting: who may reach what, under which sandbox and quotas, and where the audit trail goes.
extension RuntimeConfig {
    /// A team owns its mounts (declared inside it, or top-level mounts it names by namespace), the tokens that
    /// act for it, the sandbox its providers run in, and its quotas. Its providers always run sandboxed, one
    /// instance per (team, provider), never shared with another team.
    public struct Team: Sendable, Equatable {
        public var name: String
        public var mounts: [Mount]
        public var tokens: [Token]
        public var sandbox: SandboxSpec
        public var quotas: Quotas
        /// The keys that may sign the team's providers, and whether its mounts load only files they signed.
        public var signatures: SignaturePolicy

        public init(name: String, mounts: [Mount] = [], tokens: [Token] = [], sandbox: SandboxSpec = SandboxSpec(),
                    quotas: Quotas = Quotas(), signatures: SignaturePolicy = SignaturePolicy()) {
            self.signatures = signatures
            self.name = name
            self.mounts = mounts
            self.tokens = tokens
            self.sandbox = sandbox
            self.quotas = quotas
        }
    }

    /// A bearer token, stored only as the SHA-256 of its text (lowercase hex); `id` names it in the audit log.
    public struct Token: Sendable, Equatable {
        public var id: String
        public var sha256: String
        /// A revoked token is refused like an unknown one (kept in the file so the operator sees it was revoked).
        public var revoked: Bool

        public init(id: String, sha256: String, revoked: Bool = false) {
            self.id = id
            self.sha256 = sha256
            self.revoked = revoked
        }
    }

    /// The sandbox a team's workers run in (the sandbox issue's layers and limits). Nil limits keep the
    /// sandbox's defaults.
    public struct SandboxSpec: Sendable, Hashable {
        public var memoryBytes: UInt64?
        public var cpuSeconds: UInt64?
        public var openFiles: UInt64?
        public var callDeadlineMilliseconds: Int?
        public var network: Bool
        public var processes: Bool
        public var readablePaths: [String]

        public init(memoryBytes: UInt64? = nil, cpuSeconds: UInt64? = nil, openFiles: UInt64? = nil,
                    callDeadlineMilliseconds: Int? = nil, network: Bool = false, processes: Bool = false,
                    readablePaths: [String] = []) {
            self.memoryBytes = memoryBytes
            self.cpuSeconds = cpuSeconds
            self.openFiles = openFiles
            self.callDeadlineMilliseconds = callDeadlineMilliseconds
            self.network = network
            self.processes = processes
            self.readablePaths = readablePaths
        }
    }

    /// Per-team limits. Nil means unlimited (sizes then fall back to `transports.limits`).
    public struct Quotas: Sendable, Hashable {
        public var maxConcurrentCalls: Int?
        public var callsPerSecond: Double?
        public var maxRequestBytes: Int?
        public var maxResponseBytes: Int?
        /// How long a call past `callsPerSecond` may wait for its turn before it is refused; nil: the
        /// default (`defaultRateWaitMilliseconds`), 0: refused at once.
        public var maxRateWaitMilliseconds: Int?

        /// The default wait: as long as a refusal is held (HTTPTransport), so no caller waits longer for a turn
        /// than it would have for a 429.
        public static let defaultRateWaitMilliseconds = 100

        public init(maxConcurrentCalls: Int? = nil, callsPerSecond: Double? = nil, maxRequestBytes: Int? = nil,
                    maxResponseBytes: Int? = nil, maxRateWaitMilliseconds: Int? = nil) {
            self.maxConcurrentCalls = maxConcurrentCalls
            self.callsPerSecond = callsPerSecond
            self.maxRequestBytes = maxRequestBytes
            self.maxResponseBytes = maxResponseBytes
            self.maxRateWaitMilliseconds = maxRateWaitMilliseconds
        }
    }

    /// The audit log: one JSON line per provider load/unload and per call.
    public struct AuditSpec: Sendable, Equatable {
        public enum Destination: Sendable, Equatable {
            case stderr
            case file(String)
        }
        public var destination: Destination
        /// A file past this size is renamed to `<file>.1` (older ones shift up) and a new one started.
        public var rotateBytes: Int
        /// How many rotated files are kept.
        public var keep: Int

        public init(destination: Destination, rotateBytes: Int = 64 << 20, keep: Int = 5) {
            self.destination = destination
            self.rotateBytes = rotateBytes
            self.keep = keep
        }
    }

}
