import PlugboardABI
import PlugboardCore
import Synchronization

/// A registered component: its descriptor and how to run it (a handler, or a typed function).
final class NativeComponent: Sendable {
    enum Body: @unchecked Sendable {
        /// The plugin's handler and its user_data; the pointer is the plugin's, handed back untouched.
        case handler(pb_handler, UnsafeMutableRawPointer?)
        case function(TypedFunction)
    }

    let descriptor: ComponentDescriptor
    let body: Body
    let reentrant: Bool
    /// Held while a non-reentrant component's handler runs, so its calls never overlap.
    let serial = Mutex(())
    /// How long its typed-function calls took: whether it may run where a slow call would hold others up.
    let timing = CallTiming()

    init(descriptor: ComponentDescriptor, body: Body, reentrant: Bool) {
        self.descriptor = descriptor
        self.body = body
        self.reentrant = reentrant
    }

    /// Runs `work` alone if the component is not reentrant.
    func exclusive<T>(_ work: () -> T) -> T {
        if reentrant { return work() }
        return serial.withLock { _ in work() }
    }
}

/// Identifies a registration: kind, key and exact version.
struct ComponentKey: Hashable, Sendable {
    var kind: ComponentKind
    var key: String
    var version: String?
}
