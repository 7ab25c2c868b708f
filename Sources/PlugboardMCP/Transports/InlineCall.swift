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

    private let settled = Atomic<Bool>(false)
    /// Sends a taken-over call's reply (nil: nothing to send) and ends its accounting.
    private let send: @Sendable (IncomingMessage, MCPServer.Admission, [UInt8]?) -> Void
    private let timedOutReply: @Sendable (IncomingMessage, Duration) -> [UInt8]

    init(send: @escaping @Sendable (IncomingMessage, MCPServer.Admission, [UInt8]?) -> Void,
         timedOutReply: @escaping @Sendable (IncomingMessage, Duration) -> [UInt8]) {
        self.send = send
        self.timedOutReply = timedOutReply
    }

    /// The reading thread takes up the next request.
    func reset(_ message: IncomingMessage, admission: MCPServer.Admission) {
        self.message = message
        self.admission = admission
        timeout = nil
    }

    var isSettled: Bool { settled.load(ordering: .acquiring) }

    /// After a take-over: the first answer counts; later ones are dropped.
    func settle(_ reply: [UInt8]?) {
        guard !settled.exchange(true, ordering: .acquiringAndReleasing), let message else { return }
        send(message, admission, reply)
    }

    /// The deadline passed first.
    func expire() {
        guard let message, let timeout else { return }
        settle(timedOutReply(message, timeout))
    }
}
