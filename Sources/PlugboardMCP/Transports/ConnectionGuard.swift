import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import PlugboardJSON
import Synchronization

/// Bounds the HTTP connections: how many in all and from one remote address, and how long each may dawdle
/// (ConnectionDeadlines). A connection past a cap is answered at once, before its request is read, with 503 (all)
/// or 429 (one address) and a JSON-RPC error naming the limit, and closed: its client learns why, and the host
/// spends one write on it.
struct ConnectionGuard: Sendable {
    let limits: HTTPLimits
    let counts = ConnectionCounts()
    let logger: Logger
    /// The surfaces whose POSTs the hot path answers on the event loop (InlineHTTPHandler.swift).
    let inline: InlineRoutes

    /// Hummingbird's HTTP/1.1 server with this guard in front of every connection.
    var server: HTTPServerBuilder {
        HTTPServerBuilder { responder in GuardedHTTP1Channel(guard: self, responder: responder) }
    }

    var timeouts: ConnectionDeadlines.Timeouts {
        .init(header: TimeAmount(limits.headerTimeout), body: TimeAmount(limits.bodyTimeout),
              keepAlive: TimeAmount(limits.keepAliveTimeout))
    }
}

/// Open connections, in all and per remote address.
final class ConnectionCounts: Sendable {
    enum Admission: Equatable {
        case admitted
        case overTotal
        case overAddress
    }

    private let state = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    func admit(_ address: String, limits: HTTPLimits) -> Admission {
        state.withLock { state in
            guard state.total < limits.maxConnections else { return .overTotal }
            guard state.byAddress[address, default: 0] < limits.maxConnectionsPerAddress else { return .overAddress }
            state.total += 1
            state.byAddress[address, default: 0] += 1
            return .admitted
        }
    }

    func release(_ address: String) {
        state.withLock { state in
            state.total -= 1
            let left = state.byAddress[address, default: 1] - 1
            state.byAddress[address] = left > 0 ? left : nil
        }
    }

    var open: Int { state.withLock { $0.total } }

    private let warnings = LogThrottle(per: .seconds(10))

    /// A flood of refusals is one warning every ten seconds, with how many went unsaid, not a flood of lines.
    func warn(_ message: @autoclosure () -> String, logger: Logger) {
        guard let suppressed = warnings.admit() else { return }
        logger.warning("\(message())\(suppressed > 0 ? " (and \(suppressed) more refusals in the last seconds)" : "")")
    }
}

/// HTTP1Channel, with the connection counted (or refused) and its deadlines watched.
struct GuardedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let `guard`: ConnectionGuard
    let responder: HTTPChannelHandler.Responder

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = channel.remoteAddress?.ipAddress ?? "unknown peer"
        let admission = self.guard.counts.admit(address, limits: self.guard.limits)
        let deadlines = ConnectionDeadlines(timeouts: self.guard.timeouts)
        let inline = self.guard.inline
        let inner = HTTP1Channel(responder: responder)
        do {
            if admission == .admitted {
                let counts = self.guard.counts
                channel.closeFuture.whenComplete { _ in counts.release(address) }
                try channel.pipeline.syncOperations.addHandler(deadlines.rawBytes)
            } else {
                self.guard.counts.warn("refused a connection from \(address): \(refusal(admission).message)", logger: self.guard.logger)
                try channel.pipeline.syncOperations.addHandler(ImmediateRefusal(response: refusalBytes(admission)))
            }
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        // The deadlines' request clock and the hot path go right after the HTTP/1 decoder, ahead of the conversion
        // to HTTPTypes: what the hot path answers is never converted (InlineHTTPHandler.swift).
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandlers([deadlines.requests, InlineHTTPHandler(routes: inline)], position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }

    private func refusal(_ admission: ConnectionCounts.Admission) -> RPCError {
        let limits = self.guard.limits
        return admission == .overTotal
            ? RPCError.limitReached("max_connections", .int(limits.maxConnections), "open connections on this server",
                                        remedy: "try again later")
            : RPCError.limitReached("max_connections_per_address", .int(limits.maxConnectionsPerAddress),
                                        "open connections from one address", remedy: "reuse the connections you have")
    }

    private func refusalBytes(_ admission: ConnectionCounts.Admission) -> ByteBuffer {
        let body = WireMessages.error(id: nil, refusal(admission))
        let status = admission == .overTotal ? "503 Service Unavailable" : "429 Too Many Requests"
        var buffer = ByteBuffer(string: "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
                                + "Connection: close\r\nRetry-After: 1\r\n\r\n")
        buffer.writeBytes(body)
        return buffer
    }
}

/// Answers a refused connection without reading its request, then closes it. What the client sent is read and
/// dropped meanwhile, so that closing does not reset the connection before the answer is read.
final class ImmediateRefusal: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    static let linger: TimeAmount = .milliseconds(500)
    private let response: ByteBuffer
    private var sent = false

    init(response: ByteBuffer) { self.response = response }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) { refuse(context) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}  // dropped: nothing reaches the server

    private func refuse(_ context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        let channel = context.channel
        context.writeAndFlush(NIOAny(response)).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: Self.linger) { channel.close(promise: nil) }
        }
    }
}
