import PlugboardCore
import PlugboardJSON
import Synchronization

/// Every open `subscriptions/listen` stream of one server, bounded in total and per client, so no client can
/// hold the host's memory or its notification fan-out hostage. Streams end gracefully on drain.
public final class Subscriptions: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Open streams in all, across transports and teams.
        public var total: Int
        /// Open streams of one client (a team token over HTTP, else one remote address; stdio is one client).
        public var perClient: Int

        public init(total: Int = 1_024, perClient: Int = 16) {
            self.total = total
            self.perClient = perClient
        }
    }

    let limits: Limits
    private let serverInfo: JSONValue
    private let open = Mutex<[ObjectIdentifier: Subscription]>([:])

    init(limits: Limits, serverInfo: JSONValue) {
        self.limits = limits
        self.serverInfo = serverInfo
    }

    /// Open listen streams.
    public var count: Int { open.withLock { $0.count } }

    /// Opens a stream: checks the bounds, sends the acknowledgement first, then watches `store` for `surface`.
    func subscribe(id: [UInt8], filter: ListenFilter, store: RoutingTableStore, surface: String, team: String?,
                   client: String, sink: @escaping @Sendable (Subscription.Frame) -> Void) throws(RPCError) -> Subscription {
        let subscription = Subscription(id: id, filter: filter, team: team, client: client, sink: sink)
        let refusal: RPCError? = open.withLock { all in
            if all.count >= limits.total {
                return RPCError.limitReached("max_subscriptions", .int(limits.total), "open subscriptions on this server", remedy: Self.remedy)
            }
            if all.values.lazy.filter({ $0.client == client }).count >= limits.perClient {
                return RPCError.limitReached("max_subscriptions_per_client", .int(limits.perClient), "open subscriptions of one client", remedy: Self.remedy)
            }
            all[ObjectIdentifier(subscription)] = subscription
            return nil
        }
        if let refusal { throw refusal }
        subscription.acknowledge()
        subscription.watch(store, surface: surface)
        return subscription
    }

    /// The client cancelled it or went away: no result is sent.
    func cancel(_ subscription: Subscription) {
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(subscription)) }
        subscription.end(graceful: false, serverInfo: serverInfo)
    }

    /// Ends one stream gracefully: it gets its listen result.
    func end(_ subscription: Subscription) {
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(subscription)) }
        subscription.end(graceful: true, serverInfo: serverInfo)
    }

    /// The server drains: every stream gets its listen result and ends.
    public func endAll() {
        let all = open.withLock { all in
            defer { all.removeAll() }
            return Array(all.values)
        }
        for subscription in all { subscription.end(graceful: true, serverInfo: serverInfo) }
    }

    /// `notifications/tasks/status` to the listeners of the task's owner that asked for it.
    func pushTaskStatus(team: String?, params: JSONObject) {
        for subscription in open.withLock({ Array($0.values) }) where subscription.filter.taskStatus && subscription.team == team {
            subscription.send("notifications/tasks/status", params: params)
        }
    }

    static let remedy = "end a subscription first"
}
