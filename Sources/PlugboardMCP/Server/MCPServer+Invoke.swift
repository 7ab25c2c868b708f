import PlugboardCore
import PlugboardJSON

/// tools/call, prompts/get and resources/read: route by identity and pinned version, run the provider with the
/// client's argument bytes, and map the outcome onto the protocol.
extension MCPServer {
    func invoke(_ message: IncomingMessage, session: MCPSession, context: RequestContext,
                notify: @escaping Notify) async throws(RPCError) -> [UInt8]? {
        let routingTable = try table(for: session)
        let kind: ComponentKind
        let routed: Result<Route, RoutingError>
        let exposed: String
        var requestedURI: String? = nil
        switch message.method {
        case "resources/read":
            kind = .resource
            exposed = try message.stringParam("uri", required: true)!
            requestedURI = exposed
            routed = routingTable.routeResource(uri: exposed, version: context.pinnedVersion)
        default:
            kind = message.method == "tools/call" ? .tool : .prompt
            exposed = try message.stringParam("name", required: true)!
            routed = routingTable.route(kind, exposed, version: context.pinnedVersion)
        }
        // The audit trail (CallAudit.swift): recorded when this call ends, however it ends.
        let audit = CallAudit(observe: configuration.observeCall, session: session, kind: kind, exposed: exposed)
        defer { audit.finish() }
        let route: Route
        switch routed {
        case .success(let found): route = found
        case .failure(let error):
            audit.outcome = "not_found"
            throw rpcError(for: error, stateless: context.isStateless)
        }
        audit.provider = route.provider.info
        audit.version = route.invocation.version?.raw

        var invocation = route.invocation
        if kind != .resource, let arguments = message.param("arguments"), !arguments.elementsEqual("null".utf8) {
            // Already validated by the envelope scan: pass the client's bytes through untouched.
            guard arguments.first == UInt8(ascii: "{") else {
                throw .invalidParams("params.arguments must be an object")
            }
            invocation.arguments = RawJSON(trusted: Array(arguments))
        }

        let invocationContext = sideChannels(context: context, session: session, notify: notify)
        var result: [UInt8]
        do {
            result = try await route.provider.invoke(invocation, context: invocationContext)
            audit.outcome = "ok"
        } catch {
            audit.failed(error)
            if error.kind == .cancelled || Task.isCancelled { return nil }
            if kind == .tool, error.kind == .failed { return toolFailure(error.message, stateless: context.isStateless) }
            throw rpcError(for: error, kind: kind, exposed: route.exposedKey, stateless: context.isStateless)
        }
        if Task.isCancelled { return nil }
        if let requestedURI, let local = invocation.uri {
            result = ResourceContentsURI.rewrite(result, local: local, exposed: requestedURI)
        }
        guard context.isStateless else { return result }
        let stamp = kind == .resource ? RenderedReplies.statelessCacheableFields : RenderedReplies.statelessResultType
        return WireMessages.prependMembers(stamp, to: result)
    }

    /// Progress only when the request asked for it; log lines at or above the level in force for this request.
    private func sideChannels(context: RequestContext, session: MCPSession, notify: @escaping Notify) -> InvocationContext {
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

    private func rpcError(for error: InvocationError, kind: ComponentKind, exposed: String, stateless: Bool) -> RPCError {
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
