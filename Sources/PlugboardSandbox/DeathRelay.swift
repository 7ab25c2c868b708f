import Synchronization

/// Lets a worker's death reach the provider that supervises it, which does not exist yet while the first worker
/// starts.
final class DeathRelay: Sendable {
    private let target = Mutex<(@Sendable (WorkerConnection, WorkerDeath) -> Void)?>(nil)

    func connect(_ handler: @escaping @Sendable (WorkerConnection, WorkerDeath) -> Void) { target.withLock { $0 = handler } }

    @Sendable func fire(_ connection: WorkerConnection, _ death: WorkerDeath) {
        target.withLock { $0 }?(connection, death)
    }
}
