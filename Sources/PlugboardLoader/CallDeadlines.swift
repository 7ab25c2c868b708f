import Glibc
import PlugboardCore

/// The deadlines of in-process calls, watched by one thread of our own instead of a Dispatch timer per call.
/// A timer per call creates, schedules and cancels a Dispatch source and wakes Dispatch's timer machinery each
/// time; here arming is a locked append and disarming a locked removal, and the watcher only wakes when a
/// deadline falls due or an earlier one is armed.
///
/// Calls with the same deadline length fall due in the order they were armed, so one FIFO per length is a
/// priority queue. Entries of finished calls are dropped from the heads as new calls are armed, which keeps
/// the queues short while calls finish well before their deadlines.
final class CallDeadlines: @unchecked Sendable {
    static let shared = CallDeadlines()

    // Guarded by `mutex`; `@unchecked Sendable` because the pthread primitives are not Swift-visible as such.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var nextToken: UInt64 = 1
    /// Armed calls not yet finished or expired, with their deadline for the message.
    private var armed: [UInt64: (call: NativeCall, deadline: Duration)] = [:]
    /// Per deadline length in nanoseconds: (token, due) in arming order, from `heads[length]` on.
    private var queues: [Int64: [(token: UInt64, due: UInt64)]] = [:]
    private var heads: [Int64: Int] = [:]
    /// When the watcher will wake on its own: 0 while it is awake, `.max` while it waits for work.
    private var sleepingUntil: UInt64 = 0
    private var watcherStarted = false

    private init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(wakeUp, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    /// Arms `call` to be finished with `.timedOut` after `deadline`; returns the token for `disarm`.
    func arm(_ call: NativeCall, after deadline: Duration) -> UInt64 {
        let length = deadline.nanoseconds
        let (sum, overflow) = Self.monotonicNow().addingReportingOverflow(UInt64(max(0, length)))
        let due = overflow ? UInt64.max : sum
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if !watcherStarted { watcherStarted = startWatcher() }
        let token = nextToken
        nextToken += 1
        armed[token] = (call, deadline)
        dropFinishedHeads(length)
        queues[length, default: []].append((token, due))
        if due < sleepingUntil { pthread_cond_signal(wakeUp) }
        return token
    }

    /// The call finished before its deadline.
    func disarm(_ token: UInt64) {
        pthread_mutex_lock(mutex)
        armed[token] = nil
        pthread_mutex_unlock(mutex)
    }

    /// Advances the queue of one length past entries whose calls are no longer armed. Caller holds the lock.
    private func dropFinishedHeads(_ length: Int64) {
        guard var queue = queues[length] else { return }
        queues[length] = nil  // keep the array uniquely referenced while it is edited
        var head = heads[length] ?? 0
        while head < queue.count, armed[queue[head].token] == nil { head += 1 }
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
        queues[length] = queue
        heads[length] = head
    }

    /// Caller holds the lock. Without a watcher thread, calls still finish; they just cannot time out, so try
    /// again at the next arm.
    private func startWatcher() -> Bool {
        DetachedThread.start { [self] in watch() }
    }

    private func watch() {
        pthread_mutex_lock(mutex)
        while true {
            let now = Self.monotonicNow()
            var expired: [(call: NativeCall, deadline: Duration)] = []
            var next = UInt64.max
            for length in Array(queues.keys) {
                dropFinishedHeads(length)
                guard let queue = queues[length] else { continue }
                var head = heads[length] ?? 0
                while head < queue.count {
                    let entry = queue[head]
                    guard let live = armed[entry.token] else { head += 1; continue }
                    if entry.due > now { next = min(next, entry.due); break }
                    armed[entry.token] = nil
                    expired.append(live)
                    head += 1
                }
                heads[length] = head
            }
            if !expired.isEmpty {
                // Finishing resumes callers; never do that while holding the lock arm and disarm need.
                pthread_mutex_unlock(mutex)
                for entry in expired { entry.call.expire(after: entry.deadline) }
                pthread_mutex_lock(mutex)
                continue
            }
            sleepingUntil = next
            if next == .max {
                pthread_cond_wait(wakeUp, mutex)
            } else {
                var until = timespec(tv_sec: Int(next / 1_000_000_000), tv_nsec: Int(next % 1_000_000_000))
                pthread_cond_timedwait(wakeUp, mutex, &until)
            }
            sleepingUntil = 0
        }
    }

    private static func monotonicNow() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}

extension Duration {
    /// Whole nanoseconds, saturating (deadlines are seconds, far inside the range).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product &+ attoseconds / 1_000_000_000
    }
}
