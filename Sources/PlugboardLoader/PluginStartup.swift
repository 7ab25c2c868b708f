import Dispatch
import Glibc
import PlugboardABI
import PlugboardCore
import Synchronization

/// Runs a plugin's `init` and then `describe` on a thread of our own with a deadline, so a plugin that hangs in
/// either cannot stall the host's loading: after the deadline the load fails and the thread is abandoned.
enum PluginStartup {
    enum Outcome {
        case initFailed(status: Int32, message: String)
        case described(status: Int32, registrar: Registrar, state: UnsafeMutableRawPointer?)
        case timedOut(stage: String)
        case noThread
    }

    /// What the startup thread hands back; the semaphore orders its writes before the loader's reads.
    private final class Handoff: @unchecked Sendable {
        let stage = Mutex("init")
        var outcome: Outcome?
        let done = DispatchSemaphore(value: 0)
    }

    /// The plugin's functions and the host table; used on the startup thread only.
    private struct Plugin: @unchecked Sendable {
        let initialize: @convention(c) (UnsafePointer<pb_host>?, UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<CChar>?, Int) -> Int32
        let describe: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<pb_registrar>?) -> Int32
        let host: UnsafeMutablePointer<pb_host>
    }

    static func run(entry: pb_entry, host: UnsafeMutablePointer<pb_host>, config: String, deadline: Duration) -> Outcome {
        guard let initialize = entry.`init`, let describe = entry.describe else { return .noThread }
        let plugin = Plugin(initialize: initialize, describe: describe, host: host)
        let handoff = Handoff()
        let started = HandlerThread.spawn {
            handoff.outcome = start(plugin, config: config, handoff: handoff)
            handoff.done.signal()
        }
        guard started else { return .noThread }
        if handoff.done.wait(timeout: .now() + deadline.inSeconds) == .timedOut {
            return .timedOut(stage: handoff.stage.withLock { $0 })
        }
        return handoff.outcome ?? .noThread
    }

    private static func start(_ plugin: Plugin, config: String, handoff: Handoff) -> Outcome {
        var state: UnsafeMutableRawPointer?
        let capacity = 1024
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
        errorBuffer.initialize(repeating: 0, count: capacity)
        defer { errorBuffer.deallocate() }
        let status = config.withCString { plugin.initialize(plugin.host, $0, &state, errorBuffer, capacity) }
        guard status == 0 else {
            errorBuffer[capacity - 1] = 0  // a plugin that filled the buffer without a terminator
            return .initFailed(status: status, message: String(cString: errorBuffer))
        }
        handoff.stage.withLock { $0 = "describe" }
        let registrar = Registrar()
        let describeStatus = registrar.collect { plugin.describe(state, $0) }
        return .described(status: describeStatus, registrar: registrar, state: state)
    }
}
