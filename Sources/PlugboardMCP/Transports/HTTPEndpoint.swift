import HTTPTypes
import Hummingbird
import NIOCore
import PlugboardCore
import PlugboardJSON

/// The handlers of one surface's path.
struct HTTPEndpoint: Sendable {
    let transport: HTTPTransport
    let surface: String
    /// The surface's path: with the server's base URL, its canonical URL (the audience of its tokens).
    let path: String
    var server: MCPServer { transport.server }

    static let sessionHeader = HTTPField.Name("Mcp-Session-Id")!
    static let versionHeader = RoutingHeaders.version

    // MARK: POST

    func post(_ request: Request, client: ClientRequestContext) async -> Response {
        if let refusal = transport.originPolicy.refusal(request) { return refusal }
        let principal: Principal?
        switch await authenticate(request) {  // HTTPEndpoint+Teams.swift
        case .failure(let refused): return refused.response
        case .success(let found): principal = found
        }
        var request = request
        let body: ByteBuffer
        let limit = requestLimit(for: principal)
        do { body = try await request.collectBody(upTo: limit.bytes) } catch {
            if limit.isTeamQuota, let principal { return Self.requestTooLarge(principal: principal, limit: limit.bytes) }
            return Self.error(.contentTooLarge, nil, .invalidRequest(
                "the body exceeds the limit of \(server.configuration.limits.maxBytes) bytes"))
        }
        let bytes = Array(buffer: body)
        var message: IncomingMessage
        switch server.scan(bytes) {
        case .failure(let failure): return Self.error(.badRequest, failure.id, failure.error)
        case .success(let scanned): message = scanned
        }
        if server.configuration.tracing {  // the caller's trace context, when _meta carries none
            message.transportTraceparent = request.headers[Self.traceparent]
            message.transportTracestate = request.headers[Self.tracestate]
        }
        let meta: RequestMeta?
        do { meta = try message.meta() } catch { return Self.error(.badRequest, message.id, error) }

        if let meta, let version = meta[ProtocolVersions.protocolVersionKey] {
            return await stateless(message, meta: meta, version: version, request: request, principal: principal, size: bytes.count,
                                   client: client)
        }
        return await handshake(message, request: request, principal: principal, size: bytes.count,
                               client: client.client(principal: principal))
    }

    /// 2026-07-28: no session; the headers must repeat what the body says.
    private func stateless(_ message: IncomingMessage, meta: RequestMeta, version: ArraySlice<UInt8>, request: Request,
                           principal: Principal?, size: Int, client: ClientRequestContext) async -> Response {
        if let mismatch = RoutingHeaders.mismatch(request.headers, message: message, protocolVersion: JSONParser.stringValue(ofValidated: version)) {
            return Self.error(.badRequest, message.id, mismatch)
        }
        var message = message
        let context: RequestContext
        do { context = try message.keepRequestContext() } catch { return Self.error(.badRequest, message.id, error) }
        guard message.kind == .request(id: message.id ?? []) else { return Response(status: .accepted) }
        if message.method == "subscriptions/listen" {  // HTTPEndpoint+Listen.swift
            return listen(message, meta: meta, principal: principal, request: request, client: client.client(principal: principal))
        }
        let session = MCPSession(surface: surface, principal: principal)
        return await answer(message, session: session, streaming: context.progressToken != nil || context.logLevel != nil,
                            request: request, extraHeaders: [:], size: size)
    }

    private func handshake(_ message: IncomingMessage, request: Request, principal: Principal?, size: Int,
                           client: String) async -> Response {
        if let version = request.headers[Self.versionHeader], !ProtocolVersions.all.contains(version) {
            return Self.error(.badRequest, message.id, RequestContext.unsupported(version))
        }
        let session: HTTPSession
        var extraHeaders: HTTPFields = [:]
        if message.method == "initialize", message.id != nil, request.headers[Self.sessionHeader] == nil {
            // The id seals what the handshake fixes, so it is negotiated here as `initialize` will negotiate it.
            let version = ProtocolVersions.negotiate((try? message.stringParam("protocolVersion", required: false)) ?? nil)
            let capabilities = message.param("capabilities").flatMap { try? JSONParser.parse(Array($0)) }
            switch transport.sessions.create(surface: surface, principal: principal, client: client, protocolVersion: version,
                                             clientCapabilities: capabilities) {
            case .success(let created): session = created
            case .failure(let refusal):
                if refusal.status == .tooManyRequests {
                    await transport.holdRefusal()  // a client flooding initialize is slowed, not served
                    return Self.tooManyRequests(WireMessages.error(id: message.id, refusal.error), retryAfter: refusal.retryAfter)
                }
                return Self.error(refusal.status, message.id, refusal.error)
            }
            extraHeaders[Self.sessionHeader] = session.id
        } else {
            guard let id = request.headers[Self.sessionHeader] else {
                return Self.error(.badRequest, message.id, .invalidRequest(
                    "the Mcp-Session-Id header is required (start a session with initialize)"))
            }
            guard let found = transport.sessions.find(id, surface: surface, principal: principal, client: client) else {
                return Self.error(.notFound, message.id, .invalidRequest("session '\(id)' does not exist or has expired; initialize again"))
            }
            session = found
        }
        switch message.kind {
        case .response: return Response(status: .accepted)
        case .notification:
            if message.method == "notifications/cancelled", let relay = transport.cancelRelay,
               let requestID = message.param("requestId").map(Array.init), !session.mcp.isInFlight(id: requestID) {
                relay.publish(sessionID: session.id, requestID: requestID)  // it may run on another replica
            } else {
                server.receiveNotification(message, session: session.mcp)
            }
            return Response(status: .accepted)
        case .request:
            let context = try? message.requestContext()
            let streaming = context?.progressToken != nil || session.mcp.logLevel != nil
            return await answer(message, session: session.mcp, streaming: streaming, request: request, extraHeaders: extraHeaders,
                                size: size)
        }
    }

    /// A call that will produce notifications, from a client that accepts SSE, is answered as a stream carrying
    /// them; everything else as one JSON body.
    static func answersAsStream(_ message: IncomingMessage, streaming: Bool, accept: String?) -> Bool {
        streaming && MCPServer.callMethods.contains(message.method) && accept?.contains("text/event-stream") == true
    }

    static let traceparent = HTTPField.Name("traceparent")!
    static let tracestate = HTTPField.Name("tracestate")!

    /// JSON when the request cannot produce notifications; otherwise an SSE stream carrying them, then the response.
    private func answer(_ message: IncomingMessage, session: MCPSession, streaming: Bool, request: Request,
                        extraHeaders: HTTPFields, size: Int) async -> Response {
        // A team's quotas (MCPServer+Quota.swift): refused before any work, released when the reply is ready.
        var message = message
        let admission = await admit(&message, session: session, requestBytes: size)  // may wait for the team's turn
        if case .refused(let reply, let retryAfter) = admission {
            await transport.holdRefusal()  // HTTPEndpoint+Teams.swift: a flooding connection is slowed, not served
            return Self.tooManyRequests(reply, retryAfter: retryAfter)
        }
        if !Self.answersAsStream(message, streaming: streaming, accept: request.headers[.accept]) {
            let answer = await finish(replyNow(to: message, session: session), of: message, session: session)
            let reply = server.complete(answer, for: message, admission: admission)
            guard let reply else { return Response(status: .accepted, headers: extraHeaders) }
            var headers = extraHeaders
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply)))
        }
        let (notifications, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(HTTPSession.streamBuffer))
        let server = self.server
        let work = Task {
            let reply = server.complete(await server.respond(to: message, session: session, notify: { continuation.yield($0) }),
                                        for: message, admission: admission)
            continuation.finish()
            return reply
        }
        var headers = extraHeaders
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            do {
                for await event in notifications { try await writer.write(SSE.event(event)) }
                if let reply = await work.value { try await writer.write(SSE.event(reply)) }
                try await writer.finish(nil)
            } catch {
                work.cancel()  // the client went away: cancel the request
                throw error
            }
        })
    }

    /// Answered in place when nothing has to wait (a list, a typed function known to be quick): no task and no
    /// handler thread. Anything that might block is left `.deferred`, for `finish`, never run on this thread.
    func replyNow(to message: IncomingMessage, session: MCPSession) -> MCPServer.ImmediateReply {
        if let duplicate = server.duplicateReply(to: message, session: session) { return .answered(duplicate) }
        return server.respondNow(to: message, session: session, policy: .onlyIfKnownQuick)
    }

    /// The reply `replyNow` gave, or the one of the call it deferred, run where it runs.
    func finish(_ immediate: MCPServer.ImmediateReply, of message: IncomingMessage, session: MCPSession) async -> [UInt8]? {
        switch immediate {
        case .answered(let answer): answer
        case .deferred(let routed): await server.respond(to: message, session: session, notify: { _ in }, routed: routed)
        }
    }

    // MARK: GET and DELETE

    func get(_ request: Request, client: ClientRequestContext) async -> Response {
        if let refusal = transport.originPolicy.refusal(request) { return refusal }
        let principal: Principal?
        switch await authenticate(request) {
        case .failure(let refused): return refused.response
        case .success(let found): principal = found
        }
        guard let id = request.headers[Self.sessionHeader] else {
            return Response(status: .methodNotAllowed, headers: [.allow: "POST, DELETE"],
                            body: .init(byteBuffer: ByteBuffer(string: "GET needs an Mcp-Session-Id (handshake-era sessions only)\n")))
        }
        guard let session = transport.sessions.find(id, surface: surface, principal: principal, client: client.client(principal: principal)) else {
            return Self.error(.notFound, nil, .invalidRequest("session '\(id)' does not exist or has expired"))
        }
        guard let events = session.openStream() else {
            return Self.error(.conflict, nil, .invalidRequest("session '\(id)' already has a GET stream open"))
        }
        let keepAlive = transport.keepAliveInterval
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                        body: ResponseBody { writer in
            defer { session.streamEnded() }
            let ticker = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: keepAlive)
                    session.push([])  // an empty message is written as a keep-alive comment
                }
            }
            defer { ticker.cancel() }
            for await event in events {
                try await writer.write(event.isEmpty ? SSE.keepAlive : SSE.event(event))
            }
            try await writer.finish(nil)
        })
    }

    func delete(_ request: Request) async -> Response {
        if let refusal = transport.originPolicy.refusal(request) { return refusal }
        let principal: Principal?
        switch await authenticate(request) {
        case .failure(let refused): return refused.response
        case .success(let found): principal = found
        }
        guard let id = request.headers[Self.sessionHeader] else {
            return Self.error(.badRequest, nil, .invalidRequest("DELETE needs the Mcp-Session-Id header of the session to end"))
        }
        guard transport.sessions.remove(id, surface: surface, principal: principal) else {
            return Self.error(.notFound, nil, .invalidRequest("session '\(id)' does not exist or has expired"))
        }
        return Response(status: .noContent)
    }

    static func error(_ status: HTTPResponse.Status, _ id: [UInt8]?, _ error: RPCError) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: WireMessages.error(id: id, error))))
    }
}

enum SSE {
    static let keepAlive = ByteBuffer(string: ": keep-alive\n\n")
    static func event(_ message: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(message.count + 24)
        buffer.writeString("event: message\ndata: ")
        buffer.writeBytes(message)
        buffer.writeString("\n\n")
        return buffer
    }
}
