import NIOCore
import NIOHTTP1

/// How long an HTTP connection may dawdle, nginx's way: from its first byte (or its opening) to the end of a
/// request's headers, between two reads of a body, and idle between requests. A response in progress (an SSE
/// stream among them) is never timed out here. A connection past a deadline is closed without an answer, as
/// nginx does: a client that sends one header byte a second holds a descriptor for the header timeout, no longer.
///
/// Two handlers share one clock: `RawBytes` sits first in the pipeline and sees every byte arrive; `Requests`
/// sits after the HTTP decoder and sees where a request and its response begin and end. Both run on the
/// connection's event loop, so the clock needs no lock.
final class ConnectionDeadlines: @unchecked Sendable {
    struct Timeouts: Sendable {
        var header: TimeAmount
        var body: TimeAmount
        var keepAlive: TimeAmount

        /// How often a connection checks its deadline: often enough to close within a few percent of it.
        var tick: TimeAmount {
            let shortest = min(header, body, keepAlive).nanoseconds
            return .nanoseconds(min(max(shortest / 10, 10_000_000), 1_000_000_000))
        }
    }

    private enum Phase {
        case awaitingHead(since: NIODeadline)
        case readingBody
        case responding
        case idle(since: NIODeadline)
    }

    private let timeouts: Timeouts
    private var phase: Phase
    private var lastRead: NIODeadline
    private var openRequests = 0
    private var check: RepeatedTask?

    init(timeouts: Timeouts) {
        self.timeouts = timeouts
        let now = NIODeadline.now()
        phase = .awaitingHead(since: now)
        lastRead = now
    }

    var rawBytes: RawBytes { RawBytes(self) }
    var requests: Requests { Requests(self) }

    private func start(_ context: ChannelHandlerContext) {
        guard check == nil else { return }
        let channel = context.channel
        check = context.eventLoop.scheduleRepeatedTask(initialDelay: timeouts.tick, delay: timeouts.tick) { [self] task in
            guard channel.isActive else { return task.cancel() }
            if isPastDeadline(NIODeadline.now()) {
                task.cancel()
                channel.close(promise: nil)
            }
        }
    }

    private func stop() {
        check?.cancel()
        check = nil
    }

    private func isPastDeadline(_ now: NIODeadline) -> Bool {
        switch phase {
        case .awaitingHead(let since): now - since > timeouts.header
        case .readingBody: now - lastRead > timeouts.body
        case .responding: false
        case .idle(let since): now - since > timeouts.keepAlive
        }
    }

    private func bytesArrived() {
        lastRead = .now()
        if case .idle = phase { phase = .awaitingHead(since: lastRead) }
    }

    private func requestHead() {
        openRequests += 1
        phase = .readingBody
    }

    /// The response may already be out (an early refusal of a body too large): then the connection is idle.
    private func requestEnd() { phase = openRequests > 0 ? .responding : .idle(since: .now()) }

    private func responseEnd() {
        openRequests = max(0, openRequests - 1)
        if openRequests == 0, case .responding = phase { phase = .idle(since: .now()) }
    }

    /// First in the pipeline: every byte read counts as activity.
    final class RawBytes: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        private let clock: ConnectionDeadlines

        init(_ clock: ConnectionDeadlines) { self.clock = clock }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { clock.start(context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            clock.start(context)
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            clock.stop()
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) { clock.stop() }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            clock.bytesArrived()
            context.fireChannelRead(data)
        }
    }

    /// Right after the HTTP/1 decoder, before the hot path: where requests and responses begin and end.
    final class Requests: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias InboundOut = HTTPServerRequestPart
        typealias OutboundIn = HTTPServerResponsePart
        typealias OutboundOut = HTTPServerResponsePart
        private let clock: ConnectionDeadlines

        init(_ clock: ConnectionDeadlines) { self.clock = clock }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: clock.requestHead()
            case .body: break
            case .end: clock.requestEnd()
            }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { clock.responseEnd() }
            context.write(data, promise: promise)
        }
    }
}
