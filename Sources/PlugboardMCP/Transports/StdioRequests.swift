import Foundation
import Logging

/// What the stdio reading thread does with each line: scan it, apply the session's quotas, and answer it right
/// there when nothing has to wait (`MCPServer.respondNow`), under the watchdog's eye; a request that needs a task
/// goes to `MCPServer.start` and is answered through the writer when done.
final class StdioRequests: @unchecked Sendable {
    private let server: MCPServer
    private let session: MCPSession
    private let writer: ReplyWriter
    /// Every request from the moment it is read until its reply is written (drained at end of input).
    private let inFlight: DispatchGroup
    private let logger: Logger
    private let isDraining: () -> Bool
    /// Open `subscriptions/listen` streams of this client.
    let listeners: StdioListeners
    private var watchdog: ReadingWatchdog!
    /// The reading thread's call; replaced (by the watchdog, before the new reading thread starts) when taken over.
    private var call: InlineCall!

    /// `readOn` starts a new reading thread after a take-over.
    init(server: MCPServer, session: MCPSession, writer: ReplyWriter, inFlight: DispatchGroup, logger: Logger,
         isDraining: @escaping () -> Bool, readOn: @escaping () -> Void) {
        self.server = server
        self.session = session
        self.writer = writer
        self.inFlight = inFlight
        self.logger = logger
        self.isDraining = isDraining
        self.listeners = StdioListeners(server: server, session: session, writer: writer)
        call = newCall()
        watchdog = ReadingWatchdog { [weak self] takenOver in
            guard let self else { return }
            // Cancellable from now on: the new reading thread may read the client's notifications/cancelled.
            takenOver.takenOver()
            call = newCall()
            readOn()
        }
    }

    /// A call taken over by the watchdog is answered from the thread that runs it, or at its deadline, or not at
    /// all when the client cancels it.
    private func newCall() -> InlineCall {
        let server = server
        return InlineCall(session: session, send: settle, timedOutReply: { server.timedOutReply(to: $0, after: $1) })
    }

    /// Ends a request from any thread: its quotas have their say on the reply (nil: none), the reply is written,
    /// and the request leaves the in-flight count.
    private var settle: @Sendable (IncomingMessage, MCPServer.Admission, [UInt8]?) -> Void {
        let (server, writer, inFlight) = (server, writer, inFlight)
        return { message, admission, reply in
            if let reply = server.complete(reply, for: message, admission: admission) { writer.write(reply) }
            inFlight.leave()
        }
    }

    func handle(_ event: StdioReadLoop.Event) -> StdioReadLoop.Handled {
        switch event {
        case .oversized(let size):
            let limit = server.configuration.limits.maxBytes
            logger.warning("refused a message of \(size) bytes (limit \(limit))")
            return .reply(WireMessages.error(id: nil, .invalidRequest("message of \(size) bytes exceeds the limit of \(limit) bytes")))
        case .line(let bytes):
            guard !isDraining() else { return .done }
            let message: IncomingMessage
            switch server.scan(bytes) {
            case .failure(let failure): return .reply(WireMessages.error(id: failure.id, failure.error))
            case .success(let scanned): message = scanned
            }
            switch message.kind {
            case .response: return .done
            case .notification:
                server.receiveNotification(message, session: session)
                return .done
            case .request:
                return answer(message, size: bytes.count)
            }
        }
    }

    private func answer(_ message: IncomingMessage, size: Int) -> StdioReadLoop.Handled {
        if message.method == "subscriptions/listen", let id = message.id, let meta = try? message.meta(),
           (try? message.requestContext())?.isStateless == true {
            if let refusal = listeners.listen(message, id: id, meta: meta) { return .reply(refusal) }
            return .done
        }
        inFlight.enter()
        // A team principal's quotas apply on stdio too (refusals are plain replies here; a call may wait its turn).
        let admission = server.admit(message, session: session, requestBytes: size)
        if case .refused(let refusal, _) = admission {
            inFlight.leave()
            return .reply(refusal)
        }
        // Checked before the watched section: once the watchdog takes a call over, its id is in flight.
        if let duplicate = server.duplicateReply(to: message, session: session) {
            settle(message, admission, nil)
            return .reply(duplicate)
        }
        if case .paced(_, let wait) = admission { return pace(message, admission: admission, wait: wait) }
        let mine = call!
        mine.reset(message, admission: admission)
        let ticket = watchdog.enter(mine)
        let immediate = server.respondNow(to: message, session: session, policy: .evenIfSlow) { mine.timeout = $0 }
        guard watchdog.leave(ticket) else {
            // Taken over while answering: this thread answers this call, then ends.
            switch immediate {
            case .answered(let reply): mine.settle(reply)
            case .deferred(let routed):
                server.startRegistered(message, session: session, notify: notify, relay: mine.work, routed: routed) { mine.settle($0) }
            }
            return .lostReadingRole
        }
        switch immediate {
        case .answered(let reply):
            let sent = server.complete(reply, for: message, admission: admission)
            inFlight.leave()
            return sent.map { .reply($0) } ?? .done
        case .deferred(let routed):
            let settle = settle
            server.start(message, session: session, notify: notify, routed: routed) { settle(message, admission, $0) }
            return .done
        }
    }

    /// A call past its team's rate whose token comes within `max_rate_wait_ms`: registered at once (so a cancel or
    /// a reused id during the wait is seen), run when its token comes, never holding up the reading thread.
    private func pace(_ message: IncomingMessage, admission: MCPServer.Admission, wait: Duration) -> StdioReadLoop.Handled {
        guard let id = message.id else { return .done }
        let (server, session, settle, notify) = (server, session, settle, notify)
        let relay = CancelRelay()
        guard session.begin(id: id, cancel: { relay.cancel() }) else {
            settle(message, admission, nil)
            return .reply(MCPServer.duplicateID(id))
        }
        let finish: @Sendable ([UInt8]?) -> Void = { reply in
            session.end(id: id)
            settle(message, admission, reply)
        }
        let waiting = ContinuousClock.now
        relay.attach(Task {
            try? await Task.sleep(for: wait)
            guard !Task.isCancelled else { return finish(nil) }  // cancelled while waiting: no reply, as for any call
            var message = message
            message.rateWait = ContinuousClock.now - waiting
            server.startRegistered(message, session: session, notify: notify, relay: relay, routed: nil, reply: finish)
        })
        return .done
    }

    private var notify: MCPServer.Notify {
        let writer = writer
        return { writer.write($0) }
    }
}
