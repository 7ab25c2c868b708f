import PlugboardJSON
import Synchronization

/// Every task of one server, bounded in number (in all and per owner) and in time: a task is forgotten once its
/// ttl has passed since creation, and a call still running then is cancelled. Handles are 128 random bits, and
/// a lookup by another owner fails exactly as one for a handle that never existed.
public final class TaskRegistry: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Tasks kept in all (running or holding an outcome).
        public var total: Int
        /// Tasks kept for one owner (a team, or the operator).
        public var perOwner: Int
        /// How long a task and its outcome are kept after it starts (milliseconds).
        public var ttlMilliseconds: Int
        /// A call from a client that declares the extension becomes a task once it has run this long; a quicker
        /// call is answered as usual.
        public var runAsTaskAfterMilliseconds: Int
        /// Suggested to clients between two `tasks/get`.
        public var pollIntervalMilliseconds: Int

        public init(total: Int = 1_000, perOwner: Int = 100, ttlMilliseconds: Int = 300_000,
                    runAsTaskAfterMilliseconds: Int = 500, pollIntervalMilliseconds: Int = 500) {
            self.total = total
            self.perOwner = perOwner
            self.ttlMilliseconds = ttlMilliseconds
            self.runAsTaskAfterMilliseconds = runAsTaskAfterMilliseconds
            self.pollIntervalMilliseconds = pollIntervalMilliseconds
        }
    }

    let limits: Limits
    private let tasks = Mutex<[String: HostedTask]>([:])

    init(limits: Limits) {
        self.limits = limits
    }

    /// A new task for `team`, or the limit that refuses it.
    func create(team: String?) throws(RPCError) -> HostedTask {
        let task = HostedTask(id: Self.newID(), team: team, ttlMilliseconds: limits.ttlMilliseconds)
        let expired = sweep()
        defer { for old in expired { _ = old.cancel(reason: "expired") } }
        let refusal: RPCError? = tasks.withLock { all in
            if all.count >= limits.total { return RPCError.limitReached("max_tasks", .int(limits.total), "tasks on this server", remedy: Self.remedy) }
            if all.values.lazy.filter({ $0.team == team }).count >= limits.perOwner {
                return RPCError.limitReached("max_tasks_per_team", .int(limits.perOwner), "tasks of one team", remedy: Self.remedy)
            }
            all[task.id] = task
            return nil
        }
        if let refusal { throw refusal }
        return task
    }

    /// The owner's task with this handle; any other case is `unknownTask`, the same error whatever the reason.
    func find(_ id: String, team: String?) throws(RPCError) -> HostedTask {
        let expired = sweep()
        for old in expired { _ = old.cancel(reason: "expired") }
        guard let task = tasks.withLock({ $0[id] }), task.team == team else { throw TaskProtocol.unknownTask(id) }
        return task
    }

    /// Forgets a task whose call ended before it had to become one.
    func remove(_ task: HostedTask) {
        _ = tasks.withLock { $0.removeValue(forKey: task.id) }
    }

    var count: Int { tasks.withLock { $0.count } }

    /// Removes the expired tasks and gives them back (to be cancelled outside the lock).
    private func sweep(now: ContinuousClock.Instant = .now) -> [HostedTask] {
        tasks.withLock { all in
            let expired = all.values.filter { $0.expiresAt <= now }
            for task in expired { all.removeValue(forKey: task.id) }
            return expired
        }
    }

    private static let remedy = "wait for running tasks to end or expire, or cancel some"

    private static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
