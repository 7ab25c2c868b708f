import Glibc
import PlugboardABI
import PlugboardCore
import Synchronization

/// What `pb_host.host_data` points at: who the plugin is, for log lines written outside a call.
final class PluginHostContext: Sendable {
    let pluginId: String
    let log: (@Sendable (LogRecord) -> Void)?
    init(pluginId: String, log: (@Sendable (LogRecord) -> Void)?) {
        self.pluginId = pluginId
        self.log = log
    }
}

/// The `pb_host` table handed to a plugin's init. One per loaded plugin, never freed (plugins are never
/// unloaded, and may keep the pointer on their own threads).
enum HostTable {
    static func make(context: PluginHostContext) -> UnsafeMutablePointer<pb_host> {
        let table = UnsafeMutablePointer<pb_host>.allocate(capacity: 1)
        var host = pb_host()
        host.struct_size = UInt32(MemoryLayout<pb_host>.size)
        host.abi_major = UInt16(PB_ABI_MAJOR)
        host.abi_minor = UInt16(PB_ABI_MINOR)
        host.host_data = Unmanaged.passRetained(context).toOpaque()
        host.log = { host, call, level, message in
            let text = message.map { String(cString: $0) } ?? ""
            let level = LogLevel(rawValue: Int(level)) ?? .info
            if let call = NativeCallHandle.from(call) {
                call.log(level, text)
            } else if let data = host?.pointee.host_data {
                let context = Unmanaged<PluginHostContext>.fromOpaque(data).takeUnretainedValue()
                context.log?(LogRecord(level: level, logger: context.pluginId, message: text))
            }
        }
        host.progress = { call, progress, total, message in
            NativeCallHandle.from(call)?.progress(ProgressUpdate(
                progress: progress, total: total > 0 ? total : nil, message: message.map { String(cString: $0) }))
        }
        host.is_cancelled = { call in
            (NativeCallHandle.from(call)?.isCancelled ?? true) ? 1 : 0
        }
        host.set_result = { call, json in
            guard let call = NativeCallHandle.from(call) else { return -1 }
            guard let json else {
                call.answer(.failure(InvocationError(.internalError, "set_result was called with NULL; pass a JSON text")))
                return -1
            }
            let bytes = Array(UnsafeRawBufferPointer(start: json, count: strlen(json)))
            return call.answer(ResultShape.shape(bytes, kind: call.component.descriptor.kind)) ? 0 : -1
        }
        host.set_error = { call, code, message in
            guard let call = NativeCallHandle.from(call) else { return -1 }
            let text = message.map { String(cString: $0) } ?? "(no message)"
            let kind: InvocationError.Kind = switch UInt32(bitPattern: code) {
            case PB_ERROR_FAILED.rawValue: .failed
            case PB_ERROR_INVALID_ARGUMENTS.rawValue: .invalidArguments
            case PB_ERROR_NOT_FOUND.rawValue: .notFound
            default: .internalError
            }
            call.answer(.failure(InvocationError(kind, text)))
            return 0
        }
        host.complete = { call in
            // Only the first `complete` of a live call counts; a repeated or stray one is ignored.
            guard let native = LiveCalls.remove(call) else { return }
            native.handlerFinished(how: "completed")
            native.handlerEnded?(native)  // sandbox worker addition
        }
        table.initialize(to: host)
        return table
    }
}

/// `pb_call *` is the address of a `NativeCall` registered here while the plugin may use it: from just before
/// its handler runs until the handler returns, or after PB_PENDING until `complete`. The table holds the
/// reference, and host functions called with a pointer that is not live (a repeated `complete`, a call kept
/// past its end) find nothing and do nothing instead of touching freed memory.
enum LiveCalls {
    private static let table = Mutex<[UInt: NativeCall]>([:])

    static func add(_ call: NativeCall) -> OpaquePointer {
        let address = Unmanaged.passUnretained(call).toOpaque()
        table.withLock { $0[UInt(bitPattern: address)] = call }
        return OpaquePointer(address)
    }

    static func remove(_ pointer: OpaquePointer?) -> NativeCall? {
        guard let pointer else { return nil }
        return table.withLock { $0.removeValue(forKey: UInt(bitPattern: UnsafeRawPointer(pointer))) }
    }

    static func find(_ pointer: OpaquePointer?) -> NativeCall? {
        guard let pointer else { return nil }
        return table.withLock { $0[UInt(bitPattern: UnsafeRawPointer(pointer))] }
    }
}

enum NativeCallHandle {
    static func from(_ call: OpaquePointer?) -> NativeCall? { LiveCalls.find(call) }
}
