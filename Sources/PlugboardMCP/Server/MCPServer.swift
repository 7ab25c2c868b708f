import Logging
import PlugboardCore
import Tracing
import PlugboardJSON

/// The protocol engine shared by every transport: it scans messages, runs the MCP methods against the session's
/// routing table and renders the answers. Transports only move bytes and decide where notifications go.
public final class MCPServer: Sendable {
    public struct Configuration: Sendable {
        /// Per-message limits; bigger or deeper messages are answered with an error, never parsed further.
        public var limits: JSONParser.Limits
        public var serverName: String
        public var serverVersion: String
        public var instructions: String?
        /// Told of every tools/call, prompts/get and resources/read once it ends (the audit trail). Called on the
        /// request's task: keep it cheap (hand the record to a writer thread).
        public var observeCall: (@Sendable (CallRecord) -> Void)?
        /// Told of every request and call as it ends (metrics). Nil: nothing is measured.
        public var observer: (any ServerObserver)?
        /// Whether requests get spans from the installed tracer (`InstrumentationSystem`), continuing the caller's
        /// `traceparent`. Off: no span is made and the request path does not look for trace context.
        public var tracing: Bool
        /// Where a call the provider could not answer is reported (timed out, worker died, internal error), with
        /// the trace and span ids of its span when tracing. Nil: not logged.
        public var logger: Logger?
        /// Bounds on `subscriptions/listen` streams.
        public var subscriptionLimits: Subscriptions.Limits
        /// Bounds on tasks: how many, and how long they are kept.
        public var taskLimits: TaskRegistry.Limits
        /// Teams' rate and concurrency quotas kept for the whole fleet (FleetQuotas.swift); nil: per process.
        public var fleetQuotas: FleetQuotas?

        public init(limits: JSONParser.Limits = JSONParser.Limits(maxDepth: 64, maxBytes: 4 << 20),
                    serverName: String = "plugboard", serverVersion: String = "0.1.0", instructions: String? = nil,
                    observeCall: (@Sendable (CallRecord) -> Void)? = nil,
                    subscriptionLimits: Subscriptions.Limits = Subscriptions.Limits(),
                    taskLimits: TaskRegistry.Limits = TaskRegistry.Limits(),
                    observer: (any ServerObserver)? = nil, tracing: Bool = false, logger: Logger? = nil,
                    fleetQuotas: FleetQuotas? = nil) {
            self.fleetQuotas = fleetQuotas
            self.logger = logger
            self.observeCall = observeCall
            self.observer = observer
            self.tracing = tracing
            self.subscriptionLimits = subscriptionLimits
            self.taskLimits = taskLimits
            self.limits = limits
            self.serverName = serverName
            self.serverVersion = serverVersion
            self.instructions = instructions
        }
    }

    public let store: RoutingTableStore
    public let configuration: Configuration
    let rendered: RenderedReplies
    /// Open `subscriptions/listen` streams, whatever transport carries them.
    public let subscriptions: Subscriptions
    /// Tool calls running as tasks (the tasks extension).
    public let tasks: TaskRegistry
    /// The installed tracer, looked up once: `InstrumentationSystem.tracer` takes a lock and a cast on every read.
    let tracer: (any Tracer)?

    public init(store: RoutingTableStore, configuration: Configuration = Configuration()) {
        self.store = store
        self.configuration = configuration
        self.tracer = configuration.tracing ? InstrumentationSystem.tracer : nil
        self.rendered = RenderedReplies(configuration)
        self.subscriptions = Subscriptions(limits: configuration.subscriptionLimits, serverInfo: rendered.serverInfo)
        self.tasks = TaskRegistry(limits: configuration.taskLimits)
    }

    /// Where a request's notifications (progress, log messages) go.
    public typealias Notify = @Sendable ([UInt8]) -> Void

    /// Scans one message; on failure returns the error response to send instead.
    public func scan(_ bytes: [UInt8]) -> Result<IncomingMessage, IncomingMessage.ScanFailure> {
        do throws(IncomingMessage.ScanFailure) {
            return .success(try IncomingMessage.scan(bytes, limits: configuration.limits))
        } catch {
            return .failure(error)
        }
    }

    /// Handles a notification from the client (nothing is answered).
    public func receiveNotification(_ message: IncomingMessage, session: MCPSession) {
        switch message.method {
        case "notifications/cancelled":
            if let id = message.param("requestId") { session.cancel(id: Array(id)) }
        default:
            break  // notifications/initialized, progress from the client, unknown: nothing to do
        }
    }

    /// Answers one request: the response bytes, or nil when the request was cancelled (MCP sends no response then).
    /// Registers the request with the session so `notifications/cancelled` reaches it; cancelling the calling task
    /// cancels it too.
    /// `routed`: the call as `respondNow` routed it, so it is not routed again.
    public func respond(to message: IncomingMessage, session: MCPSession, notify: @escaping Notify,
                        routed: RoutedCall? = nil) async -> [UInt8]? {
        guard let id = message.id else { return nil }
        let relay = CancelRelay()
        guard session.begin(id: id, cancel: { relay.cancel() }) else { return Self.duplicateID(id) }
        let reply = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8]?, Never>) in
                run(message, id: id, session: session, notify: notify, relay: relay, routed: routed) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            relay.cancel()
        }
        session.end(id: id)
        return reply
    }

    /// `respond` for a caller that does not wait (stdio's reading thread): the work runs on a task of its own, or
    /// without one for a provider that can start it so (`Provider.begin`), and hands the response to `reply` (nil
    /// when the request was cancelled or is a notification); a duplicate id in flight is answered at once.
    public func start(_ message: IncomingMessage, session: MCPSession, notify: @escaping Notify, routed: RoutedCall? = nil,
                      reply: @escaping @Sendable ([UInt8]?) -> Void) {
        guard let id = message.id else { return reply(nil) }
        // Registered before the work exists, so a cancel can never miss it; the relay forwards it once it does.
        let relay = CancelRelay()
        guard session.begin(id: id, cancel: { relay.cancel() }) else { return reply(Self.duplicateID(id)) }
        run(message, id: id, session: session, notify: notify, relay: relay, routed: routed) { answer in
            session.end(id: id)
            reply(answer)
        }
    }

    /// `start` for a request its caller has registered with the session itself (or has not, yet): the caller
    /// cancels it through `relay` and ends its registration.
    func startRegistered(_ message: IncomingMessage, session: MCPSession, notify: @escaping Notify, relay: CancelRelay,
                         routed: RoutedCall?, reply: @escaping @Sendable ([UInt8]?) -> Void) {
        guard let id = message.id else { return reply(nil) }
        run(message, id: id, session: session, notify: notify, relay: relay, routed: routed, reply: reply)
    }

    /// A routed call goes without a task when its provider can start it so, else on one; anything else (a request
    /// `respondNow` did not see) on a task from the start.
    private func run(_ message: IncomingMessage, id: [UInt8], session: MCPSession, notify: @escaping Notify,
                     relay: CancelRelay, routed: RoutedCall?, reply finalReply: @escaping @Sendable ([UInt8]?) -> Void) {
        var watched = message
        let reply: @Sendable ([UInt8]?) -> Void
        // A call `respondNow` routed keeps the observation it began there; anything else begins one here.
        if let observation = routed?.audit?.observation ?? observe(&watched, session: session) {
            reply = { answer in
                observation.finish(answer)
                finalReply(answer)
            }
        } else {
            reply = finalReply
        }
        if let routed {
            if beginWithoutTask(routed, id: id, session: session, notify: notify, relay: relay, reply: reply) { return }
            relay.attach(Task {
                let answer: [UInt8]?
                do throws(RPCError) {
                    answer = try await self.execute(routed, session: session, notify: notify).map { WireMessages.result(id: id, result: $0) }
                } catch {
                    answer = WireMessages.error(id: id, error)
                }
                reply(answer)
            })
            return
        }
        relay.attach(Task { [watched] in
            let answer: [UInt8]?
            do throws(RPCError) {
                answer = try await self.result(for: watched, session: session, notify: notify)
                    .map { WireMessages.result(id: id, result: $0) }
            } catch {
                answer = WireMessages.error(id: id, error)
            }
            reply(answer)
        })
    }

    /// Whether anyone watches requests: metrics or traces.
    var observes: Bool { configuration.observer != nil || configuration.tracing }

    /// Begins watching `message` (it carries the observation on to the call it routes), or nil when no one watches.
    func observe(_ message: inout IncomingMessage, session: MCPSession) -> RequestObservation? {
        guard observes else { return nil }
        let observation = RequestObservation(message, session: session, observer: configuration.observer,
                                             tracer: tracer)
        message.observation = observation
        return observation
    }

    /// The answer to a request whose id is already in flight in its session.
    static func duplicateID(_ id: [UInt8]) -> [UInt8] {
        WireMessages.error(id: id, .invalidRequest("a request with id \(String(decoding: id, as: UTF8.self)) is already in flight"))
    }

    func table(for session: MCPSession) throws(RPCError) -> RoutingTable {
        // A team's session reads its team's tables: what it may not see is simply not there.
        guard let table = (session.principal?.store ?? store).table(forSurface: session.surface) else {
            throw .internalError("surface '\(session.surface)' is not configured")
        }
        return table
    }

    /// The `result` member of the response, or nil when cancelled.
    private func result(for message: IncomingMessage, session: MCPSession, notify: @escaping Notify) async throws(RPCError) -> [UInt8]? {
        switch try firstStep(for: message, session: session) {
        case .answered(let result): return result
        case .invoke(let context): return try await invoke(message, session: session, context: context, notify: notify)
        case .mayBecomeTask(let context): return try await callMayBecomeTask(message, session: session, context: context, notify: notify)
        }
    }

    /// What a request needs: every method but the calls is answered from the session and the routing table at
    /// once; calls go on to a provider.
    enum FirstStep {
        case answered([UInt8])
        case invoke(RequestContext)
        /// A tools/call that becomes a task if it runs long (the client declares the tasks extension).
        case mayBecomeTask(RequestContext)
    }

    func firstStep(for message: IncomingMessage, session: MCPSession) throws(RPCError) -> FirstStep {
        let meta = try message.meta()
        message.observation?.continueTrace(from: meta)
        let context = try message.requestContext()
        let stateless = context.isStateless
        switch message.method {
        case "initialize":
            if stateless { throw .invalidRequest("initialize belongs to the handshake era; 2026-07-28 clients call server/discover") }
            let requested = try message.stringParam("protocolVersion", required: false)
            let version = ProtocolVersions.negotiate(requested)
            session.negotiatedVersion = version
            return .answered(rendered.initializeResult(version: version))
        case "server/discover":
            guard stateless else {
                throw .invalidParams("params._meta must carry '\(ProtocolVersions.protocolVersionKey)' and "
                    + "'\(ProtocolVersions.clientCapabilitiesKey)' (server/discover is the 2026-07-28 handshake-free entry)")
            }
            return .answered(rendered.discoverResult)
        case "ping":
            return .answered(stateless ? rendered.emptyStatelessResult : rendered.emptyResult)
        case "logging/setLevel":
            if stateless { throw .methodNotFound("logging/setLevel (2026-07-28 sets the level per request in _meta)") }
            let name = try message.stringParam("level", required: true)!
            guard let level = LogLevel(name: name) else {
                throw .invalidParams("unknown log level '\(name)'; use one of " + LogLevel.allCases.map(\.name).joined(separator: ", "))
            }
            session.logLevel = level
            return .answered(rendered.emptyResult)
        case "tools/list": return .answered(try list(.tool, "tools", message, session, stateless))
        case "resources/list": return .answered(try list(.resource, "resources", message, session, stateless))
        case "resources/templates/list": return .answered(try list(.resourceTemplate, "resourceTemplates", message, session, stateless))
        case "prompts/list": return .answered(try list(.prompt, "prompts", message, session, stateless))
        case "tools/call" where stateless && TaskProtocol.isDeclared(in: meta):
            return .mayBecomeTask(context)
        case "tools/call", "prompts/get", "resources/read":
            return .invoke(context)
        case _ where TaskProtocol.methods.contains(message.method):
            return .answered(try answerTaskMethod(message, session: session, context: context))
        case "subscriptions/listen":
            // The transports open listen streams themselves; reaching here means the era is wrong.
            throw .methodNotFound("subscriptions/listen (a 2026-07-28 request; handshake-era sessions get list_changed "
                + "notifications on their session's stream)")
        default:
            throw .methodNotFound(message.method)
        }
    }

    private func list(_ kind: ComponentKind, _ key: String, _ message: IncomingMessage, _ session: MCPSession,
                      _ stateless: Bool) throws(RPCError) -> [UInt8] {
        let cursor = try message.stringParam("cursor", required: false)
        let page: ListPage
        switch try table(for: session).page(kind, cursor: cursor) {
        case .success(let found): page = found
        case .failure(let error): throw .invalidParams(error.message)
        }
        var out: [UInt8] = []
        out.reserveCapacity(page.items.bytes.count + 96)
        out.append(UInt8(ascii: "{"))
        if stateless { out += RenderedReplies.statelessCacheableFields; out.append(UInt8(ascii: ",")) }
        JSONWriter.appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        out += page.items.bytes
        if let next = page.nextCursor {
            out += Array(#","nextCursor":"#.utf8)
            JSONWriter.appendString(next, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
