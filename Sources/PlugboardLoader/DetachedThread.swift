#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached thread of our own running `body`: handler threads and the deadline watcher must never run on
/// Swift's cooperative pool, where a blocking plugin would starve every task. Returns false if none could start.
func startDetachedThread(_ body: @escaping () -> Void) -> Bool {
    final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    var thread = pthread_t()
    let status = pthread_create(&thread, &attributes, { raw in
        Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, box)
    if status != 0 { Unmanaged<Box>.fromOpaque(box).release() }
    return status == 0
}
