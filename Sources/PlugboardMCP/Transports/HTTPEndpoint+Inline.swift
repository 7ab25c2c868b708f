import HTTPTypes
import NIOCore
import PlugboardJSON

/// The hot path's half of a POST (InlineHTTPHandler.swift): the same checks and answers as `post`, run on the
/// event loop without waiting. Until the request is admitted nothing has happened that `post` would not redo,
/// so whatever is not the common case (a refusal of Origin, Host or token, a malformed body, a handshake, a
/// stream, a listen) is passed on to Hummingbird and answered there exactly as before. Once admitted, the
/// request is answered here: now when its reply is ready at once, else from a task when it is.
extension HTTPEndpoint {
    enum InlinePlan {
        /// Not for the hot path: Hummingbird answers it (`post`).
        case passOn
        case answered(InlineResponse)
        /// Answered later: `start` begins the work and hands the response to its argument, from any thread.
        case later(_ start: @Sendable (_ answer: @escaping @Sendable (InlineResponse) -> Void) -> Void)
    }

    func inlinePlan(_ head: InlineRequestHead, body: ByteBuffer, peer: SocketAddress?) -> InlinePlan {
        guard head.isPlain, transport.originPolicy.admits(origin: head.origin, authority: head.host),
              let principal = principalNow(head) else { return .passOn }
        guard body.readableBytes <= requestLimit(for: principal).bytes else { return .passOn }
        let bytes = Array(buffer: body)
        guard case .success(var message) = server.scan(bytes) else { return .passOn }
        let meta: RequestMeta?
        do { meta = try message.meta() } catch { return .passOn }
        if server.configuration.tracing {
            message.transportTraceparent = head.traceparent
            message.transportTracestate = head.tracestate
        }
        guard case .request = message.kind, message.method != "initialize", message.method != "subscriptions/listen" else {
            return .passOn
        }
        let session: MCPSession
        let streaming: Bool
        if let version = meta?[ProtocolVersions.protocolVersionKey] {  // 2026-07-28: no session; headers must agree
            let agrees = RoutingHeaders.mismatch(message: message, protocolVersion: JSONParser.stringValue(ofValidated: version),
                                                 field: head.routingField) == nil
            guard agrees, let context = try? message.keepRequestContext() else { return .passOn }
            session = MCPSession(surface: surface, principal: principal)
            streaming = context.progressToken != nil || context.logLevel != nil
        } else {
            if let version = head.protocolVersion, !ProtocolVersions.all.contains(version) { return .passOn }
            guard let id = head.sessionID,
                  let found = transport.sessions.find(id, surface: surface, principal: principal,
                                                      client: ClientRequestContext.client(principal: principal, remoteAddress: peer))
            else { return .passOn }
            session = found.mcp
            streaming = (try? message.keepRequestContext())?.progressToken != nil || session.logLevel != nil
        }
        if Self.answersAsStream(message, streaming: streaming, accept: head.accept) {
            return .passOn  // Hummingbird's response body writer streams it
        }
        return answer(message, session: session, requestBytes: bytes.count)
    }

    /// Who the request acts for, when that is known without waiting: `.some(nil)` is the operator (no teams).
    private func principalNow(_ head: InlineRequestHead) -> Principal?? {
        guard let authenticator = transport.authenticator else { return .some(nil) }
        guard let target = head.path else { return nil }
        if let query = target.firstIndex(of: "?"),
           ProtectedResource.hasQueryToken(String(target[target.index(after: query)...])) { return nil }
        guard let authorization = head.authorization else { return nil }
        return authenticator.authenticateNow(authorization: authorization, resource: resource(authority: head.host))
            .map { .some($0) }
    }

    /// From the admission on, the request is this path's to answer.
    private func answer(_ message: IncomingMessage, session: MCPSession, requestBytes: Int) -> InlinePlan {
        let admission = server.admit(message, session: session, requestBytes: requestBytes, acrossFleet: true)
        switch admission {
        case .free, .admitted, .leased(_, _, wait: .zero):
            let immediate = replyNow(to: message, session: session)
            if case .answered(let answer) = immediate {
                return .answered(Self.inlineResponse(server.complete(answer, for: message, admission: admission)))
            }
            return .later { [self] respond in
                Task { respond(Self.inlineResponse(server.complete(await finish(immediate, of: message, session: session),
                                                                   for: message, admission: admission))) }
            }
        case .refused(let reply, let retryAfter):
            return .later { [transport] respond in
                Task {
                    await transport.holdRefusal()  // a flooding connection is slowed, not served
                    respond(Self.tooManyRequests(reply, retryAfter: retryAfter))
                }
            }
        case .paced, .leased, .askFleet:  // the team's turn, or the fleet's answer, has to be waited for
            return .later { [self] respond in
                Task {
                    var message = message
                    let admission = await settle(admission, of: &message, session: session)
                    if case .refused(let reply, let retryAfter) = admission {
                        await transport.holdRefusal()
                        return respond(Self.tooManyRequests(reply, retryAfter: retryAfter))
                    }
                    let answer = await finish(replyNow(to: message, session: session), of: message, session: session)
                    respond(Self.inlineResponse(server.complete(answer, for: message, admission: admission)))
                }
            }
        }
    }

    /// A JSON reply, or 202 when there is nothing to send.
    static func inlineResponse(_ reply: [UInt8]?) -> InlineResponse {
        reply.map { InlineResponse.json($0) } ?? .accepted
    }
}
