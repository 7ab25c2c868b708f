import Glibc
import PlugboardCore

/// Runs plugin handlers on threads of our own: a handler may block (sleep, I/O, a lock), which must never
/// happen on Swift's cooperative pool, where a few blocked handlers would stall every task in the host.
///
/// An elastic pool: a job goes to a waiting worker, or to a new thread when every worker is busy, so a job
/// never queues behind a handler that blocks. Workers idle for 10 s exit. Reusing threads matters: creating one
/// per call costs tens of microseconds.
final class HandlerThread: @unchecked Sendable {
    typealias Job = @Sendable () -> Void

    static let pool = HandlerThread()

    // Guarded by `mutex`; `@unchecked Sendable` because the pthread primitives are not Swift-visible as such.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [Job] = []
    private var head = 0
    private var waiting = 0
    private static let idleSeconds = 10

    private init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wakeUp, nil)
    }

    /// Runs `body` on a pool thread. False if a thread was needed and the system refused to create one.
    static func spawn(_ body: @escaping Job) -> Bool { pool.submit(body) }

    private func submit(_ job: @escaping Job) -> Bool {
        pthread_mutex_lock(mutex)
        jobs.append(job)
        let needThread = jobs.count - head > waiting
        if !needThread { pthread_cond_signal(wakeUp) }
        pthread_mutex_unlock(mutex)
        guard needThread else { return true }
        if startWorker() { return true }
        // No thread: take the job back unless a worker already took it.
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if jobs.count > head {
            jobs.removeLast()
            return false
        }
        return true
    }

    private func startWorker() -> Bool {
        DetachedThread.start { [self] in work() }
    }

    private func work() {
        pthread_mutex_lock(mutex)
        while true {
            if head < jobs.count {
                let job = jobs[head]
                head += 1
                if head > 64 && head * 2 > jobs.count {
                    jobs.removeFirst(head)
                    head = 0
                }
                pthread_mutex_unlock(mutex)
                job()
                pthread_mutex_lock(mutex)
                continue
            }
            var deadline = timespec()
            clock_gettime(CLOCK_REALTIME, &deadline)
            deadline.tv_sec += Self.idleSeconds
            waiting += 1
            let status = pthread_cond_timedwait(wakeUp, mutex, &deadline)
            waiting -= 1
            if status == ETIMEDOUT && head >= jobs.count { break }
        }
        pthread_mutex_unlock(mutex)
    }
}
