import PlugboardCore
import PlugboardJSON

/// tools/call, prompts/get and resources/read: route by identity and pinned version, run the provider with the
/// client's argument bytes, and map the outcome onto the protocol.
extension MCPServer {
    /// A call routed and ready to run: what to run, on which provider, and how to present its outcome.
    struct PreparedCall: Sendable {
        let kind: ComponentKind
        let route: Route
        var invocation: Invocation
        let context: RequestContext
    }

    /// A call routed once and carried to wherever it runs (in place, without a task, or on one), with its audit
    /// record, which is finished when the call ends, however it ends.
    public struct RoutedCall: Sendable {
        let call: PreparedCall
        let audit: CallAudit?
    }

    func invoke(_ message: IncomingMessage, session: MCPSession, context: RequestContext,
                notify: @escaping Notify) async throws(RPCError) -> [UInt8]? {
        try await execute(try routeCall(message, session: session, context: context), session: session, notify: notify)
    }

    /// Routes a call method (identity, pinned version, arguments); a routing error is audited before it is thrown.
    func routeCall(_ message: IncomingMessage, session: MCPSession, context: RequestContext) throws(RPCError) -> RoutedCall {
        let (kind, exposed) = try target(of: message)
        // The audit trail (CallAudit.swift): recorded when this call ends, however it ends.
        let audit = CallAudit.start(configuration.observeCall, observer: configuration.observer, observation: message.observation,
                                    logger: configuration.logger, session: session, kind: kind, exposed: exposed,
                                    rateWait: message.rateWait)
        do {
            return RoutedCall(call: try prepare(message, kind: kind, exposed: exposed, session: session, context: context, audit: audit),
                              audit: audit)
        } catch {
            audit?.finish()
            throw error
        }
    }

    /// Runs a routed call through its provider on this task; the `result`, or nil when cancelled.
    func execute(_ routed: RoutedCall, session: MCPSession, notify: @escaping Notify) async throws(RPCError) -> [UInt8]? {
        let (call, audit) = (routed.call, routed.audit)
        defer { audit?.finish() }
        let invocationContext = sideChannels(context: call.context, session: session, notify: notify)
        let outcome: Result<[UInt8], InvocationError>
        do {
            outcome = .success(try await call.route.provider.invoke(call.invocation, context: invocationContext))
        } catch {
            outcome = .failure(error)
        }
        if Task.isCancelled {
            switch outcome {
            case .success: audit?.outcome = "ok"
            case .failure(let error): audit?.failed(error)
            }
            return nil
        }
        return try present(outcome, of: call, audit: audit)
    }

    /// The kind of component a call method runs, and the name or URI it asks for.
    func target(of message: IncomingMessage) throws(RPCError) -> (ComponentKind, String) {
        switch message.method {
        case "resources/read": return (.resource, try message.stringParam("uri", required: true)!)
        case "tools/call": return (.tool, try message.stringParam("name", required: true)!)
        default: return (.prompt, try message.stringParam("name", required: true)!)
        }
    }

    /// Routes by identity and pinned version and takes the client's argument bytes as they are.
    func prepare(_ message: IncomingMessage, kind: ComponentKind, exposed: String, session: MCPSession,
                 context: RequestContext, audit: CallAudit?) throws(RPCError) -> PreparedCall {
        let routingTable = try table(for: session)
        let routed = kind == .resource
            ? routingTable.routeResource(uri: exposed, version: context.pinnedVersion)
            : routingTable.route(kind, exposed, version: context.pinnedVersion)
        let route: Route
        switch routed {
        case .success(let found): route = found
        case .failure(let error):
            audit?.outcome = "not_found"
            throw rpcError(for: error, stateless: context.isStateless)
        }
        var invocation = route.invocation
        invocation.meta = context.passThroughMeta
        if let trace = audit?.routed(route) {
            // The provider continues the provider call's span, not the caller's.
            invocation.meta = RequestContext.replacingTraceContext(in: invocation.meta, with: trace)
        }
        if kind != .resource, let arguments = message.param("arguments"), !arguments.bytesEqual("null") {
            // Already validated by the envelope scan: pass the client's bytes through untouched.
            guard arguments.first == UInt8(ascii: "{") else {
                throw .invalidParams("params.arguments must be an object")
            }
            invocation.arguments = RawJSON(trusted: Array(arguments))
        }
        return PreparedCall(kind: kind, route: route, invocation: invocation, context: context)
    }

    /// The `result` for a provider's outcome (nil: cancelled, nothing to send), or the protocol error to answer.
    func present(_ outcome: Result<[UInt8], InvocationError>, of call: PreparedCall, audit: CallAudit?) throws(RPCError) -> [UInt8]? {
        let stateless = call.context.isStateless
        var result: [UInt8]
        switch outcome {
        case .success(let bytes):
            result = bytes
            audit?.outcome = "ok"
        case .failure(let error):
            audit?.failed(error)
            if error.kind == .cancelled { return nil }
            if call.kind == .tool, error.kind == .failed { return toolFailure(error.message, stateless: stateless) }
            throw rpcError(for: error, kind: call.kind, exposed: call.route.exposedKey, stateless: stateless)
        }
        result = ResultURIs.namespace(result, kind: call.kind, route: call.route)
        guard stateless else { return result }
        let stamp = call.kind == .resource ? RenderedReplies.statelessCacheableFields : RenderedReplies.statelessResultType
        return WireMessages.prependMembers(stamp, to: result)
    }

    /// Progress only when the request asked for it; log lines at or above the level in force for this request.
    func sideChannels(context: RequestContext, session: MCPSession, notify: @escaping Notify) -> InvocationContext {
        var sideChannels = InvocationContext()
        if let token = context.progressToken {
            sideChannels.progress = { update in
                var params: JSONObject = ["progressToken": token, "progress": .double(update.progress)]
                if let total = update.total { params.members.append((key: "total", value: .double(total))) }
                if let text = update.message { params.members.append((key: "message", value: .string(text))) }
                notify(WireMessages.notification(method: "notifications/progress", params: JSONValue.object(params).serialized))
            }
        }
        let stateless = context.isStateless
        let requestLevel = context.logLevel
        sideChannels.log = { record in
            guard let level = stateless ? requestLevel : session.logLevel, record.level >= level else { return }
            let params: JSONObject = ["level": .string(record.level.name), "logger": .string(record.logger),
                                      "data": .string(record.message)]
            notify(WireMessages.notification(method: "notifications/message", params: JSONValue.object(params).serialized))
        }
        return sideChannels
    }

    private func toolFailure(_ message: String, stateless: Bool) -> [UInt8] {
        var object: JSONObject = [:]
        if stateless { object.members.append((key: "resultType", value: .string("complete"))) }
        object.members.append((key: "content", value: .array([.object(["type": .string("text"), "text": .string(message)])])))
        object.members.append((key: "isError", value: .bool(true)))
        return JSONValue.object(object).serialized
    }

    private func notFoundCode(stateless: Bool) -> Int {
        stateless ? RPCError.invalidParamsCode : RPCError.resourceNotFoundCode
    }

    func rpcError(for error: RoutingError, stateless: Bool) -> RPCError {
        switch error {
        case .unknownComponent(let kind, let identity):
            switch kind {
            case .resource, .resourceTemplate:
                return RPCError(notFoundCode(stateless: stateless), "Resource not found: '\(identity)'",
                                data: .object(["uri": .string(identity)]))
            case .tool: return .invalidParams("Unknown tool: '\(identity)'")
            case .prompt: return .invalidParams("Unknown prompt: '\(identity)'")
            }
        case .versionUnavailable(let kind, let identity, let requested, let available):
            return RPCError(RPCError.invalidParamsCode, error.message, data: .object([
                "kind": .string(kind.rawValue), "identity": .string(identity), "requested": .string(requested),
                "available": .array(available.map { .string($0) }),
            ]))
        case .invalidCursor:
            return .invalidParams(error.message)
        }
    }

    func rpcError(for error: InvocationError, kind: ComponentKind, exposed: String, stateless: Bool) -> RPCError {
        let what = "\(kind) '\(exposed)'"
        switch error.kind {
        case .invalidArguments: return .invalidParams("Invalid arguments for \(what): \(error.message)")
        case .notFound:
            if kind == .resource { return RPCError(notFoundCode(stateless: stateless), "Resource not found: \(error.message)") }
            return .invalidParams("\(what): \(error.message)")
        case .failed: return RPCError(RPCError.internalErrorCode, "\(what) failed: \(error.message)")
        case .timedOut: return RPCError(RPCError.internalErrorCode, "\(what) timed out: \(error.message)")
        case .unavailable: return RPCError(RPCError.internalErrorCode, "\(what) is unavailable: \(error.message)")
        case .internalError, .cancelled: return .internalError("\(what): \(error.message)")
        }
    }
}
