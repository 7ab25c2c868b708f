import Synchronization

/// A request the stdio reading thread answers itself. Reused from one request to the next while answers come
/// back promptly; once the watchdog takes one over (it ran long), it belongs to the thread still running it, and
/// whichever comes first answers it, once: that thread's result, the deadline, or the client's cancellation.
final class InlineCall: @unchecked Sendable {
    // Written by the reading thread before it answers; read by others only after a take-over.
    private(set) var message: IncomingMessage?
    private(set) var admission: MCPServer.Admission = .free
    /// The provider's call timeout, told just before the component starts.
    var timeout: Duration?
    /// Cancels the work started for the request after a take-over (a request that needed a task after all).
    let work = CancelRelay()

    private struct State {
        var settled = false
        /// Registered with the session (so the client can cancel it): from the take-over until it is settled.
        var registered = false
    }
    private let state = Mutex(State())
    private let session: MCPSession
    /// Sends a taken-over call's reply (nil: nothing to send) and ends its accounting.
    private let send: @Sendable (IncomingMessage, MCPServer.Admission, [UInt8]?) -> Void
    private let timedOutReply: @Sendable (IncomingMessage, Duration) -> [UInt8]

    init(session: MCPSession, send: @escaping @Sendable (IncomingMessage, MCPServer.Admission, [UInt8]?) -> Void,
         timedOutReply: @escaping @Sendable (IncomingMessage, Duration) -> [UInt8]) {
        self.session = session
        self.send = send
        self.timedOutReply = timedOutReply
    }

    /// The reading thread takes up the next request (only ever on a call that was not taken over).
    func reset(_ message: IncomingMessage, admission: MCPServer.Admission) {
        self.message = message
        self.admission = admission
        timeout = nil
    }

    var isSettled: Bool { state.withLock { $0.settled } }

    /// The watchdog took the call over: from now on the client may cancel it. Under this call's lock, so a
    /// registration never outlives the answer (whichever of the two comes first).
    func takenOver() {
        guard let id = message?.id else { return }
        state.withLock { state in
            guard !state.settled else { return }
            state.registered = session.begin(id: id, cancel: { [self] in cancel() })
        }
    }

    /// The client cancelled it: its work is cancelled and nothing is sent.
    func cancel() {
        work.cancel()
        settle(nil)
    }

    /// After a take-over: the first answer counts; later ones are dropped.
    func settle(_ reply: [UInt8]?) {
        let registered: Bool? = state.withLock { state in
            guard !state.settled else { return nil }
            state.settled = true
            return state.registered
        }
        guard let registered, let message else { return }
        if registered, let id = message.id { session.end(id: id) }
        send(message, admission, reply)
    }

    /// The deadline passed first.
    func expire() {
        guard let message, let timeout else { return }
        settle(timedOutReply(message, timeout))
    }
}
