import PlugboardJSON

/// Who a provider is and where it came from, for listings, logs and the audit trail.
public struct ProviderInfo: Sendable, Hashable {
    /// The plugin's own id (`calculator`), stable across builds.
    public var id: String
    /// The plugin build's version (`1.2.0`), distinct from its components' versions.
    public var version: String
    /// Where it was loaded from: a file path, or `builtin:NAME` for providers the host makes itself.
    public var origin: String
    /// SHA-256 of the loaded file, hex, when it came from a file.
    public var digest: String?

    public init(id: String, version: String, origin: String, digest: String? = nil) {
        self.id = id
        self.version = version
        self.origin = origin
        self.digest = digest
    }
}

/// A source of components: a plugin in this process, a plugin in a sandboxed worker, or the host itself.
/// Everything above this protocol (mounts, filters, routing, the MCP server) is the same for all of them.
///
/// The catalog is fixed for the lifetime of an instance; a changed plugin is a new instance. Calls are
/// byte-oriented: arguments arrive as the client's JSON bytes and results leave as JSON bytes, so nothing is
/// decoded and re-encoded on the way through.
public protocol Provider: AnyObject, Sendable {
    var info: ProviderInfo { get }
    /// Every registration, in the provider's registration order. Validated by `CatalogRules` before mounting.
    var components: [ComponentDescriptor] { get }

    /// Runs one component. Returns the MCP result object for the kind, as JSON bytes:
    /// a `CallToolResult` for tools (`{"content":[…],"structuredContent":…,"isError":…}`), a
    /// `ReadResourceResult` (`{"contents":[…]}`) for resources and templates, a `GetPromptResult`
    /// (`{"messages":[…]}`) for prompts. Cancellation arrives as Swift task cancellation.
    func invoke(_ invocation: Invocation, context: InvocationContext) async throws(InvocationError) -> [UInt8]

    /// Runs the component on the calling thread when it is a plain computation that needs no host services and
    /// no thread of its own (a typed C function), sparing the hand-off to a handler thread; nil when it is not,
    /// or when `policy` says not now (then use `invoke`). It cannot be cancelled or interrupted: a caller that
    /// can take over from a thread stuck in it (the stdio transport) asks `.evenIfSlow`; one that cannot (a task
    /// on Swift's cooperative pool) asks `.onlyIfKnownQuick`.
    func invokeNow(_ invocation: Invocation, policy: InlinePolicy) -> Result<[UInt8], InvocationError>?

    /// How long a call may run before its caller is answered with `.timedOut`; nil: the provider enforces its
    /// own deadline, or none.
    var callTimeout: Duration? { get }

    /// Starts the component without a task of the caller's: `ended` is called exactly once with the outcome, on
    /// any thread, and must be quick. Returns the function that cancels the call (after which `ended` gets
    /// `.cancelled` if it was not called yet), or nil when the provider cannot start it this way now (then use
    /// `invoke`). For providers whose calls cross to another process, this spares two thread hand-offs.
    func begin(_ invocation: Invocation, context: InvocationContext,
               ended: @escaping @Sendable (Result<[UInt8], InvocationError>) -> Void) -> (@Sendable () -> Void)?

    /// Why the provider cannot serve calls right now (a sandboxed worker's open circuit breaker), for a readiness
    /// probe; nil when it can.
    var unreadiness: String? { get }

    /// The process the provider's calls run in, when not the host's own (a sandboxed worker's pid), for traces.
    var processID: Int32? { get }
}

/// Whether `Provider.invokeNow` may run a component that could take long.
public enum InlinePolicy: Sendable, Hashable {
    /// The caller can survive a slow or stuck component (it watches the time and hands its work on).
    case evenIfSlow
    /// Only components whose calls have been quick so far; the others go through `invoke`.
    case onlyIfKnownQuick
}

extension Provider {
    public func invokeNow(_ invocation: Invocation, policy: InlinePolicy) -> Result<[UInt8], InvocationError>? { nil }
    public var callTimeout: Duration? { nil }
    public var unreadiness: String? { nil }
    public var processID: Int32? { nil }
    public func begin(_ invocation: Invocation, context: InvocationContext,
                      ended: @escaping @Sendable (Result<[UInt8], InvocationError>) -> Void) -> (@Sendable () -> Void)? { nil }
}

/// What to run: a component as its provider registered it, and the request's input.
public struct Invocation: Sendable, Hashable {
    public var kind: ComponentKind
    /// The identity as the provider registered it (no namespace).
    public var key: String
    /// The exact registered version chosen by routing; nil for an unversioned component.
    public var version: Version?
    /// Tools and prompts: the arguments object exactly as the client sent it (`{}` when absent).
    /// Templates: the variables matched from the URI, as a JSON object of strings.
    public var arguments: RawJSON
    /// Resources and templates: the URI being read, in the provider's own terms (namespace removed).
    public var uri: String?
    /// The request's `_meta` members that are not the host's own (trace context such as `traceparent`, a
    /// client's correlation keys), as a JSON object; `{}` when there are none. A gateway passes them through.
    public var meta: RawJSON

    public init(kind: ComponentKind, key: String, version: Version?, arguments: RawJSON = .emptyObject, uri: String? = nil,
                meta: RawJSON = .emptyObject) {
        self.kind = kind
        self.key = key
        self.version = version
        self.arguments = arguments
        self.uri = uri
        self.meta = meta
    }
}

/// Why an invocation did not produce a result. The MCP layer maps these onto the protocol: for tools,
/// `.failed` becomes an `isError` result; `.invalidArguments` becomes -32602; and so on.
public struct InvocationError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The arguments do not fit the component (missing, extra, wrong type). Client's fault.
        case invalidArguments = "invalid_arguments"
        /// The thing asked for does not exist (a resource the provider does not have).
        case notFound = "not_found"
        /// The component ran and reported failure (division by zero). For tools: an `isError` result.
        case failed
        /// The request was cancelled before the component finished.
        case cancelled
        /// The component did not finish within its deadline.
        case timedOut = "timed_out"
        /// The provider cannot take calls now (crashed, unloading, circuit open).
        case unavailable
        /// The provider broke its contract (answered neither result nor error, returned invalid JSON).
        case internalError = "internal_error"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// Progress reported by a running component.
public struct ProgressUpdate: Sendable, Hashable {
    public var progress: Double
    public var total: Double?
    public var message: String?

    public init(progress: Double, total: Double? = nil, message: String? = nil) {
        self.progress = progress
        self.total = total
        self.message = message
    }
}

/// MCP's (syslog's) log levels, lowest first.
public enum LogLevel: Int, Sendable, Hashable, Comparable, CaseIterable {
    case debug, info, notice, warning, error, critical, alert, emergency

    public var name: String { String(describing: self) }
    public init?(name: String) {
        guard let level = LogLevel.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A log line from a component, tagged with where it came from.
public struct LogRecord: Sendable, Hashable {
    public var level: LogLevel
    /// Who logged: the plugin id, or `pluginid/component`.
    public var logger: String
    public var message: String

    public init(level: LogLevel, logger: String, message: String) {
        self.level = level
        self.logger = logger
        self.message = message
    }
}

/// The side channels of one invocation. Callbacks may be called from any thread.
public struct InvocationContext: Sendable {
    public var progress: (@Sendable (ProgressUpdate) -> Void)?
    public var log: (@Sendable (LogRecord) -> Void)?

    public init(progress: (@Sendable (ProgressUpdate) -> Void)? = nil, log: (@Sendable (LogRecord) -> Void)? = nil) {
        self.progress = progress
        self.log = log
    }

    public static let none = InvocationContext()
}
