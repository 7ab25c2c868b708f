import PlugboardCore
import PlugboardJSON

/// The operator's configuration (runtime.json), decoded and validated. Paths are resolved against the directory
/// of the file they came from; `${bundled}` stands for the directory of the plugboard executable, where
/// `swift build` puts the bundled providers.
public struct RuntimeConfig: Sendable, Equatable {
    public var pluginDirectories: [PluginDirectory]
    public var mounts: [Mount]
    public var surfaces: [Surface]
    public var transports: Transports
    public var logging: Logging
    /// Multi-team hosting (TeamConfig.swift): empty means one trusted operator and open HTTP, as before.
    public var teams: [Team]
    /// Where the audit trail goes; nil: no audit log.
    public var audit: AuditSpec?
    /// Prometheus metrics and OTLP traces (OperationsConfig.swift).
    public var metrics = Metrics()
    public var tracing = Tracing()
    /// JWT access tokens from trusted issuers (IdentityConfig.swift).
    public var identity = Identity()
    /// What replicas share through Redis: quotas and cancellations (FleetConfig.swift); nil: nothing is shared.
    public var fleet: Fleet?
    /// How new provider files are scanned in a sandboxed worker before the host opens them (ScanConfig.swift).
    public var scan = Scan()

    public init(
        pluginDirectories: [PluginDirectory] = [], mounts: [Mount] = [], surfaces: [Surface] = [Surface(name: "mcp", path: "/mcp")],
        transports: Transports = Transports(), logging: Logging = Logging(), teams: [Team] = [], audit: AuditSpec? = nil
    ) {
        self.pluginDirectories = pluginDirectories
        self.mounts = mounts
        self.surfaces = surfaces
        self.transports = transports
        self.logging = logging
        self.teams = teams
        self.audit = audit
    }

    /// A directory of provider files. Watched directories pick up added, replaced and removed files live.
    public struct PluginDirectory: Sendable, Equatable {
        public var path: String
        public var watch: Bool
        /// Mount every provider found here that no mount names, under its plugin id as namespace.
        public var autoMount: Bool
        /// The keys whose signatures files here may carry, and whether one is required.
        public var signatures: SignaturePolicy

        public init(path: String, watch: Bool = false, autoMount: Bool = false, signatures: SignaturePolicy = SignaturePolicy()) {
            self.path = path
            self.watch = watch
            self.autoMount = autoMount
            self.signatures = signatures
        }
    }

    /// Where a provider runs: in the host process (fastest, shares its fate) or in a sandboxed worker.
    public enum Isolation: String, Sendable, Equatable, CaseIterable {
        case inProcess = "in-process"
        case sandboxed
    }

    /// A namespace level. It names a provider (by plugin id, found in the plugin directories, or by file), or only
    /// groups nested mounts; either way it may carry a filter and disable rules that apply to everything below.
    public struct Mount: Sendable, Equatable {
        public enum Source: Sendable, Equatable {
            case pluginID(String)
            case file(String)
        }

        public var namespace: String?
        public var source: Source?
        public var filter: VersionFilter?
        public var disable: [DisableRule]
        /// Handed to the plugin's init as JSON text.
        public var pluginConfig: JSONValue?
        public var isolation: Isolation
        public var mounts: [Mount]
        /// A top-level mount every team's tokens see besides their own (without teams, everything is seen anyway).
        public var shared: Bool

        public init(
            namespace: String? = nil, source: Source? = nil, filter: VersionFilter? = nil, disable: [DisableRule] = [],
            pluginConfig: JSONValue? = nil, isolation: Isolation = .inProcess, mounts: [Mount] = [], shared: Bool = false
        ) {
            self.shared = shared
            self.namespace = namespace
            self.source = source
            self.filter = filter
            self.disable = disable
            self.pluginConfig = pluginConfig
            self.isolation = isolation
            self.mounts = mounts
        }
    }

    public struct Transports: Sendable, Equatable {
        public var stdio: Stdio
        public var http: HTTP
        public var limits: Limits
        /// The admin listener for /metrics and the probes; nil: they are served by the HTTP listener.
        public var admin: Admin?

        public init(stdio: Stdio = Stdio(), http: HTTP = HTTP(), limits: Limits = Limits()) {
            self.stdio = stdio
            self.http = http
            self.limits = limits
        }

        public struct Stdio: Sendable, Equatable {
            /// The surface a stdio client sees.
            public var surface: String
            /// The team whose view and quotas a stdio client gets; nil: the operator, who sees everything.
            public var team: String?
            public init(surface: String = "mcp", team: String? = nil) {
                self.surface = surface
                self.team = team
            }
        }

        public struct HTTP: Sendable, Equatable {
            public var host: String
            public var port: Int
            /// Origins allowed besides loopback ones (DNS-rebinding protection refuses every other Origin).
            public var allowedOrigins: [String]
            /// Host names (besides loopback ones) the MCP paths answer to: the public name behind a balancer.
            public var allowedHosts: [String] = []
            public var sessionIdleSeconds: Int
            /// After SIGTERM, how long to keep serving with /readyz answering 503 before the drain starts.
            public var drainDelayMilliseconds = 0
            /// How long a handshake-era session's id stays valid (SessionKeyConfig.swift).
            public var sessionLifetimeSeconds = 86_400
            /// The keys that seal session ids; empty: an ephemeral key (one host).
            public var sessionKeys: [SessionKey] = []

            public init(host: String = "127.0.0.1", port: Int = 8000, allowedOrigins: [String] = [], sessionIdleSeconds: Int = 1800) {
                self.host = host
                self.port = port
                self.allowedOrigins = allowedOrigins
                self.sessionIdleSeconds = sessionIdleSeconds
            }
        }

        public struct Limits: Sendable, Equatable {
            public var maxRequestBytes: Int
            public var maxResponseBytes: Int
            public var maxJSONDepth: Int
            public var listPageSize: Int
            /// How long a call to an in-process provider may run before its caller is answered with a timeout
            /// (sandboxed providers have their policy's `call_deadline_ms`).
            public var callDeadlineMilliseconds: Int
            /// Open `subscriptions/listen` streams, in all and of one client.
            public var maxSubscriptions = 1_024
            public var maxSubscriptionsPerClient = 16
            /// Tasks kept (running or holding an outcome), in all and of one team, and for how long.
            public var maxTasks = 1_000
            public var maxTasksPerTeam = 100
            public var taskTTLSeconds = 300
            /// A call from a client that declares the tasks extension becomes a task once it has run this long.
            public var runAsTaskAfterMilliseconds = 500
            /// HTTP sessions (handshake era), in all and of one client, and how many one client may open a second.
            public var maxSessions = 10_000
            public var maxSessionsPerClient = 64
            public var newSessionsPerSecondPerClient = 10
            /// HTTP connections, in all and from one remote address, and how long one may dawdle.
            public var maxConnections = 10_000
            public var maxConnectionsPerAddress = 256
            public var headerTimeoutMilliseconds = 60_000
            public var bodyTimeoutMilliseconds = 60_000
            public var keepAliveTimeoutMilliseconds = 75_000

            public init(maxRequestBytes: Int = 4 << 20, maxResponseBytes: Int = 16 << 20, maxJSONDepth: Int = 64, listPageSize: Int = 100,
                        callDeadlineMilliseconds: Int = 30_000) {
                self.maxRequestBytes = maxRequestBytes
                self.maxResponseBytes = maxResponseBytes
                self.maxJSONDepth = maxJSONDepth
                self.listPageSize = listPageSize
                self.callDeadlineMilliseconds = callDeadlineMilliseconds
            }
        }
    }

    public struct Logging: Sendable, Equatable {
        public enum Format: String, Sendable, CaseIterable {
            /// Lines for people: `2026-12-06T12:00:00+0000 info plugboard: …`.
            case text
            /// One JSON object per line, for log shippers.
            case json
        }

        public var level: LogLevel
        public var format: Format
        public init(level: LogLevel = .info, format: Format = .text) {
            self.level = level
            self.format = format
        }
    }
}
