import Synchronization

/// Cancels a request's task when the task may not exist yet: the request is registered with its session (so a
/// `notifications/cancelled` can reach it) before its task is created, and a cancel that arrives in between is
/// applied as soon as the task is attached.
final class CancelRelay: Sendable {
    private struct State {
        var task: Task<Void, Never>?
        var cancelled = false
    }
    private let state = Mutex(State())

    func attach(_ task: Task<Void, Never>) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        if cancelled { task.cancel() }
    }

    func cancel() {
        let task = state.withLock { state in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}
