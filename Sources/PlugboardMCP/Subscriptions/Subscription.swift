import PlugboardCore
import PlugboardJSON
import Synchronization

/// One open `subscriptions/listen` stream (2026-07-28). The request's JSON-RPC id names the stream: every frame
/// carries it in `_meta["io.modelcontextprotocol/subscriptionId"]`, the acknowledgement first. The transport gives
/// a sink for frames and learns of the end through it; a graceful end (drain) sends the listen request's result.
final class Subscription: Sendable {
    enum Frame: Sendable {
        case message([UInt8])
        /// The stream is over; `finalResult` is the listen request's response (graceful end), nil when the
        /// client cancelled or went away.
        case end(finalResult: [UInt8]?)
    }

    static let idKey = "io.modelcontextprotocol/subscriptionId"

    let id: [UInt8]
    let filter: ListenFilter
    /// Whose catalog and tasks it sees: a team, or nil for the operator.
    let team: String?
    /// The client it counts against (per-client bound).
    let client: String
    private let sink: @Sendable (Frame) -> Void
    private let state = Mutex<(open: Bool, observation: ObservationToken?)>((true, nil))

    init(id: [UInt8], filter: ListenFilter, team: String?, client: String, sink: @escaping @Sendable (Frame) -> Void) {
        self.id = id
        self.filter = filter
        self.team = team
        self.client = client
        self.sink = sink
    }

    var isOpen: Bool { state.withLock { $0.open } }

    /// Watches the catalog this listener sees (its team's tables, its surface only).
    func watch(_ store: RoutingTableStore, surface: String) {
        guard filter.wantsListChanges else { return }
        let token = store.observe(surface: surface) { [weak self] kinds in
            guard let self else { return }
            for method in filter.listChangedMethods(for: ListChanged.methods(for: kinds)) { send(method) }
        }
        state.withLock { $0.observation = token }
    }

    /// The first frame: which kinds the server agreed to honour.
    func acknowledge() {
        send("notifications/subscriptions/acknowledged", params: ["notifications": .object(filter.honoured)])
    }

    /// A notification on this stream, stamped with the stream's id.
    func send(_ method: String, params: JSONObject = [:]) {
        guard isOpen else { return }
        sink(.message(WireMessages.notification(method: method, params: stamped(params))))
    }

    /// Ends the stream once: graceful (the server drains) sends the listen result, otherwise nothing is sent.
    func end(graceful: Bool, serverInfo: JSONValue) {
        let wasOpen = state.withLock { state -> Bool in
            defer { state.open = false; state.observation = nil }
            return state.open
        }
        guard wasOpen else { return }
        guard graceful else { return sink(.end(finalResult: nil)) }
        var result = Array(#"{"resultType":"complete","_meta":{"#.utf8)
        JSONWriter.appendString(Self.idKey, to: &result)
        result.append(UInt8(ascii: ":")); result += id; result.append(UInt8(ascii: ","))
        JSONWriter.appendString(ProtocolVersions.serverInfoKey, to: &result)
        result.append(UInt8(ascii: ":"))
        JSONWriter.append(serverInfo, to: &result)
        result += Array("}}".utf8)
        sink(.end(finalResult: WireMessages.result(id: id, result: result)))
    }

    /// `params` with `_meta` carrying the stream id (the id's bytes as the client sent them).
    private func stamped(_ params: JSONObject) -> [UInt8] {
        var body = JSONValue.object(params).serialized
        body.removeLast()  // the closing brace; `_meta` goes last
        if params.count > 0 { body.append(UInt8(ascii: ",")) }
        body += Array(#""_meta":{"#.utf8)
        JSONWriter.appendString(Self.idKey, to: &body)
        body.append(UInt8(ascii: ":"))
        body += id
        body += Array("}}".utf8)
        return body
    }
}
