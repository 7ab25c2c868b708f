import Dispatch
import Glibc
import Synchronization

/// Runs every worker spawn on one thread that lives as long as the host. PR_SET_PDEATHSIG fires when the
/// *thread* that created the child ends, not the process: spawned from a pool thread that later retires, a
/// healthy worker would be killed for nothing.
enum SpawnThread {
    private final class Job: @unchecked Sendable {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }
    private static let jobs = Mutex<[Job]>([])
    private static let signal = DispatchSemaphore(value: 0)
    private static let started: Bool = {
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let status = pthread_create(&thread, &attributes, { _ in
            while true {
                SpawnThread.signal.wait()
                let job = SpawnThread.jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                job?.work()
            }
        }, nil)
        pthread_attr_destroy(&attributes)
        return status == 0
    }()

    /// Runs `body` on the spawn thread and returns its value (blocking the caller, which is never a pool thread
    /// for long: a spawn takes well under a millisecond).
    static func run<T>(_ body: @escaping () -> T) -> T {
        guard started else { return body() }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var value: T?
        let job = Job {
            value = body()
            done.signal()
        }
        jobs.withLock { $0.append(job) }
        signal.signal()
        done.wait()
        return value!
    }
}
