import Glibc
import PlugboardCore

/// A worker's readers block on its socket and output: threads of their own, with small stacks.
enum BackgroundThread {
    /// False if the system refused to create a thread.
    static func spawn(_ body: @escaping @Sendable () -> Void) -> Bool {
        DetachedThread.start(stackSize: 256 * 1024, body)
    }
}

/// Runs blocking work on a thread of its own and awaits it, leaving the cooperative pool free.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws(WorkerStartError) -> T) async -> Result<T, WorkerStartError> {
    await withCheckedContinuation { continuation in
        let started = BackgroundThread.spawn {
            continuation.resume(returning: Result { () throws(WorkerStartError) in try body() })
        }
        if !started { continuation.resume(returning: .failure(WorkerStartError(provider: "worker", detail: "no thread could be created"))) }
    }
}
