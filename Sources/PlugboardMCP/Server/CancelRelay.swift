import Synchronization

/// Cancels a request's work when the work may not have started yet: the request is registered with its session
/// (so a `notifications/cancelled` can reach it) before its task or provider call exists, and a cancel that
/// arrives in between is applied as soon as the work is attached.
final class CancelRelay: Sendable {
    private struct State {
        var cancelWork: (@Sendable () -> Void)?
        var cancelled = false
    }
    private let state = Mutex(State())

    func attach(_ task: Task<Void, Never>) {
        attach { task.cancel() }
    }

    func attach(_ cancelWork: @escaping @Sendable () -> Void) {
        let cancelled = state.withLock { state in
            state.cancelWork = cancelWork
            return state.cancelled
        }
        if cancelled { cancelWork() }
    }

    func cancel() {
        let cancelWork = state.withLock { state in
            state.cancelled = true
            return state.cancelWork
        }
        cancelWork?()
    }
}
