import Glibc

/// A detached thread for work that blocks (reading a worker's socket or output): never on Swift's cooperative
/// pool, where a few blocked readers would stall every task in the host.
enum BackgroundThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// False if the system refused to create a thread.
    static func spawn(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 256 * 1024)
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box)
        if status != 0 { Unmanaged<Body>.fromOpaque(box).release() }
        return status == 0
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
