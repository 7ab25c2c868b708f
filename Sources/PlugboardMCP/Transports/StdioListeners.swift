import PlugboardCore
import PlugboardJSON
import Synchronization

/// `subscriptions/listen` over stdio (2026-07-28): every stream shares the one output, each frame tagged with
/// its listen request's id. `notifications/cancelled` for that id ends a stream without a result; end of input
/// or a signal ends every stream with its result before the output closes.
final class StdioListeners: Sendable {
    private let server: MCPServer
    private let session: MCPSession
    private let writer: ReplyWriter
    private let open = Mutex<[Subscription]>([])

    init(server: MCPServer, session: MCPSession, writer: ReplyWriter) {
        self.server = server
        self.session = session
        self.writer = writer
    }

    /// Opens a stream for a 2026-07-28 `subscriptions/listen`; the reply to write instead when it is refused,
    /// nil once it is open (the acknowledgement is written already).
    func listen(_ message: IncomingMessage, id: [UInt8], meta: RequestMeta?) -> [UInt8]? {
        if let duplicate = server.duplicateReply(to: message, session: session) { return duplicate }
        let subscriptions = server.subscriptions
        let subscription: Subscription
        do throws(RPCError) {
            let filter = try ListenFilter.read(message.param("notifications"), tasksDeclared: TaskProtocol.isDeclared(in: meta))
            let (writer, session) = (writer, session)
            subscription = try subscriptions.subscribe(
                id: id, filter: filter, store: session.principal?.store ?? server.store, surface: session.surface,
                team: session.principal?.team, client: "stdio", sink: { frame in
                    switch frame {
                    case .message(let bytes): writer.write(bytes)
                    case .end(let result):
                        session.end(id: id)
                        if let result { writer.write(result) }
                    }
                })
        } catch {
            return WireMessages.error(id: id, error)
        }
        open.withLock { $0.append(subscription) }
        _ = session.begin(id: id, cancel: { [weak self] in
            subscriptions.cancel(subscription)
            self?.open.withLock { $0.removeAll { $0 === subscription } }
        })
        return nil
    }

    /// End of input or a signal: each open stream gets its listen result.
    func endAll() {
        let all = open.withLock { all in
            defer { all.removeAll() }
            return all
        }
        for subscription in all { server.subscriptions.end(subscription) }
    }
}
