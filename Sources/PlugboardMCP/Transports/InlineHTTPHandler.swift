import NIOCore
import NIOHTTP1

/// The HTTP hot path: a POST to a surface is collected, parsed, routed and answered here, on the connection's event
/// loop, when nothing in it has to wait (`HTTPEndpoint.inlinePlan`). Everything else (GET streams, DELETE, SSE
/// answers, handshakes, refusals, calls that run elsewhere before they are admitted) is passed on to Hummingbird
/// unchanged, as if this handler were not there.
///
/// Sits right after the HTTP/1 decoder, before the conversion to HTTPTypes that Hummingbird reads: a request
/// answered here is never converted, and its answer is written as HTTP/1 parts. Responses leave in request order: once a
/// request is passed on, the ones after it are passed on too until Hummingbird's response has gone out; while an
/// answer of ours is still coming (a call running elsewhere, a held refusal), later requests wait here and the
/// connection stops reading.
final class InlineHTTPHandler: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: InlineRoutes

    private enum Phase {
        case awaitingHead
        /// A request this handler may answer, collected until its end.
        case collecting(HTTPRequestHead, InlineRequestHead, HTTPEndpoint, body: ByteBuffer?)
        /// A request passed on to Hummingbird: its remaining parts follow it.
        case passing
    }
    private var phase = Phase.awaitingHead
    /// Requests passed on whose response has not ended yet.
    private var passedOn = 0
    /// An answer of ours is still coming: later parts wait in `waiting`, and reads are held.
    private var answering = false
    private var waiting: [HTTPServerRequestPart] = []
    private var readHeld = false
    private var quiesceHeld = false
    private var unflushed = false
    private var closing = false

    init(routes: InlineRoutes) { self.routes = routes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if answering || !waiting.isEmpty {
            waiting.append(part)
        } else {
            take(part, context: context)
        }
    }

    private func take(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        guard !closing else { return }
        switch (part, phase) {
        case (.head(let head), _):
            if passedOn == 0, head.method == .POST, case let read = InlineRequestHead(head),
               let endpoint = routes.endpoint(for: read) {
                phase = .collecting(head, read, endpoint, body: nil)
            } else {
                passOn(head, body: nil, context: context)
            }
        case (.body(let chunk), .collecting(let head, let read, let endpoint, var body)):
            if (body?.readableBytes ?? 0) + chunk.readableBytes > endpoint.server.configuration.limits.maxBytes {
                passOn(head, body: body, context: context)  // Hummingbird answers 413, as it always has
                context.fireChannelRead(wrapInboundOut(.body(chunk)))
                return
            }
            phase = .awaitingHead  // drop the reference while appending, so the buffer is not copied
            if body == nil { body = chunk } else { body!.writeImmutableBuffer(chunk) }
            phase = .collecting(head, read, endpoint, body: body)
        case (.end(let trailers), .collecting(let head, let read, let endpoint, let body)):
            phase = .awaitingHead
            let closing = !read.keepAlive
            switch endpoint.inlinePlan(read, body: body ?? ByteBuffer(), peer: context.channel.remoteAddress) {
            case .passOn:
                passOn(head, body: body, context: context)
                end(trailers, context: context)
            case .answered(let response):
                write(response, closing: closing, context: context)
            case .later(let start):
                answering = true
                let loop = context.eventLoop
                let bound = NIOLoopBound((self, context), eventLoop: loop)
                start { response in
                    loop.execute {
                        let (handler, context) = bound.value
                        handler.laterAnswered(response, closing: closing, context: context)
                    }
                }
            }
        case (.body, _):
            context.fireChannelRead(wrapInboundOut(part))
        case (.end(let trailers), _):
            end(trailers, context: context)
        }
    }

    private func passOn(_ head: HTTPRequestHead, body: ByteBuffer?, context: ChannelHandlerContext) {
        passedOn += 1
        phase = .passing
        context.fireChannelRead(wrapInboundOut(.head(head)))
        if let body { context.fireChannelRead(wrapInboundOut(.body(body))) }
    }

    /// The end of a request passed on. Hummingbird's connection handler takes up what it was given at a read's
    /// completion; a request the decoder hands over outside a read (one pipelined behind an answer of ours, or
    /// taken up from `waiting`) would otherwise sit there until the client sent more.
    private func end(_ trailers: HTTPHeaders?, context: ChannelHandlerContext) {
        phase = .awaitingHead
        context.fireChannelRead(wrapInboundOut(.end(trailers)))
        context.fireChannelReadComplete()
    }

    private func write(_ response: InlineResponse, closing: Bool, context: ChannelHandlerContext) {
        var headers = response.headers
        headers.add(name: "Date", value: HTTPDate.now)
        headers.add(name: "Server", value: "plugboard")
        headers.add(name: "Content-Length", value: String(response.body.readableBytes))
        if closing { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))),
                      promise: nil)
        if response.body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil) }
        if closing {
            self.closing = true
            // Output first, the whole connection a little later: closing with pipelined requests still unread
            // would reset the connection, and the client could lose the answer it is owed.
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
                channel.eventLoop.scheduleTask(in: ImmediateRefusal.linger) { channel.close(promise: nil) }
            }
        } else {
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
            unflushed = true
        }
    }

    private func laterAnswered(_ response: InlineResponse, closing: Bool, context: ChannelHandlerContext) {
        answering = false
        guard context.channel.isActive else { return }
        write(response, closing: closing, context: context)
        flushIfNeeded(context)
        // What arrived meanwhile is taken up in order; it may start another answer that waits.
        while !answering, !waiting.isEmpty {
            take(waiting.removeFirst(), context: context)
        }
        flushIfNeeded(context)
        if !answering {
            releaseQuiesce(context)
            if readHeld {
                readHeld = false
                context.read()
            }
        }
    }

    private func flushIfNeeded(_ context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context)
        context.fireChannelReadComplete()
    }

    /// Hummingbird's response to a request passed on: when it ends, requests may be answered here again.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }

    /// While an answer of ours is coming, the connection reads no more: a pipelining client cannot pile up
    /// requests in memory behind it.
    func read(context: ChannelHandlerContext) {
        if answering {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// A graceful shutdown closes idle connections at once. One with an answer of ours still coming, or a
    /// request half read, is told only once it is answered, so the drain finishes it first.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, isBusy {
            quiesceHeld = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private var isBusy: Bool {
        if answering { return true }
        if case .collecting = phase { return true }
        return false
    }

    private func releaseQuiesce(_ context: ChannelHandlerContext) {
        guard quiesceHeld, !isBusy else { return }
        quiesceHeld = false
        context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}

/// What the hot path answers with: the status, headers beyond the standard ones, and the body.
struct InlineResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer

    static func json(_ bytes: [UInt8], status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:]) -> InlineResponse {
        var headers = headers
        headers.add(name: "Content-Type", value: "application/json")
        return InlineResponse(status: status, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    static let accepted = InlineResponse(status: .accepted, headers: [:], body: ByteBuffer())
}

/// The surfaces' endpoints by path, for the hot path.
struct InlineRoutes: Sendable {
    let endpoints: [String: HTTPEndpoint]

    func endpoint(for head: InlineRequestHead) -> HTTPEndpoint? {
        guard let path = head.path else { return nil }
        if let query = path.utf8.firstIndex(of: UInt8(ascii: "?")) {
            return endpoints[String(path[..<query])]
        }
        return endpoints[path]
    }
}
