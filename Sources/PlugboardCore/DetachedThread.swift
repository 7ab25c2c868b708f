#if canImport(Glibc)
import Glibc
#endif

/// Threads of our own for work that blocks (plugin handlers, deadline watchers, a worker's socket readers): never
/// Swift's cooperative pool, where a few blocked threads would stall every task in the host.
public enum DetachedThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts a detached thread running `body`, with `stackSize` bytes of stack when given. False if the system
    /// refused to create a thread.
    public static func start(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box)
        if status != 0 { Unmanaged<Body>.fromOpaque(box).release() }
        return status == 0
    }
}
