import Glibc
import PlugboardABI
import PlugboardCore
import PlugboardJSON

/// A provider loaded into this process from a shared library. Handlers run on threads of our own; calls to a
/// non-reentrant component are serialized; each call has a deadline after which the caller is freed.
public final class NativeProvider: Provider {
    public let info: ProviderInfo
    public let components: [ComponentDescriptor]
    /// How long a call may take before the caller gets `.timedOut`.
    public let callDeadline: Duration

    private let byKey: [ComponentKey: NativeComponent]
    private let state: PluginState

    /// The plugin's `*state` from init: its own pointer, handed back untouched.
    struct PluginState: @unchecked Sendable { let pointer: UnsafeMutableRawPointer? }

    init(info: ProviderInfo, components: [NativeComponent], state: PluginState, callDeadline: Duration) {
        self.info = info
        self.components = components.map(\.descriptor)
        var byKey: [ComponentKey: NativeComponent] = [:]
        for component in components {
            let descriptor = component.descriptor
            byKey[ComponentKey(kind: descriptor.kind, key: descriptor.key, version: descriptor.version?.raw)] = component
        }
        self.byKey = byKey
        self.state = state
        self.callDeadline = callDeadline
    }

    /// The typed function behind a tool, if it is one (for benchmarks and `inspect`).
    public func typedFunction(named name: String, version: String? = nil) -> TypedFunction? {
        guard case .function(let function) = byKey[ComponentKey(kind: .tool, key: name, version: version)]?.body else { return nil }
        return function
    }

    public func invoke(_ invocation: Invocation, context: InvocationContext) async throws(InvocationError) -> [UInt8] {
        let key = ComponentKey(kind: invocation.kind, key: invocation.key, version: invocation.version?.raw)
        guard let component = byKey[key] else {
            let version = invocation.version.map { " version \($0.raw)" } ?? ""
            throw InvocationError(.notFound, "plugin '\(info.id)' has no \(invocation.kind) '\(invocation.key)'\(version)")
        }
        let call = NativeCall(pluginId: info.id, component: component, context: context)
        let request = invocation
        let state = state
        let outcome = await call.outcome(deadline: callDeadline) { call in
            HandlerThread.spawn { Self.run(call, request: request, state: state) }
        }
        return try outcome.get()
    }

    /// On a handler thread: waits its turn (non-reentrant components), then runs the handler or typed function.
    private static func run(_ call: NativeCall, request: Invocation, state: PluginState) {
        let component = call.component
        component.exclusive {
            // A call abandoned while it waited for its turn is not started at all.
            guard !call.isFinished else { return }
            switch component.body {
            case .function(let function):
                call.answer(function.call(arguments: request.arguments))
                call.handlerFinished(how: "returned")
            case .handler(let handler, let userData):
                runHandler(handler, userData: userData, call: call, request: request, state: state)
            }
        }
    }

    private static func runHandler(
        _ handler: pb_handler, userData: UnsafeMutableRawPointer?, call: NativeCall, request: Invocation, state: PluginState
    ) {
        // Borrowed C strings for the duration of the handler; arguments NUL-terminated with their length.
        let key = strdup(request.key)
        let version = request.version.map { strdup($0.raw) } ?? nil
        let uri = request.uri.map { strdup($0) } ?? nil
        let arguments = UnsafeMutablePointer<CChar>.allocate(capacity: request.arguments.bytes.count + 1)
        defer {
            free(key); free(version); free(uri)
            arguments.deallocate()
        }
        request.arguments.bytes.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { arguments.update(from: base, count: chars.count) }
            }
        }
        arguments[request.arguments.bytes.count] = 0
        var cRequest = pb_request(
            struct_size: UInt32(MemoryLayout<pb_request>.size), kind: request.kind.abiKind, key: key, version: version,
            arguments: arguments, arguments_len: request.arguments.bytes.count, uri: uri,
            state: state.pointer, user_data: userData)
        // Live for the plugin until the handler returns, or after PB_PENDING until `complete`.
        let handle = LiveCalls.add(call)
        let status = handler(handle, &cRequest)
        if status == Int32(PB_PENDING.rawValue) { return }
        _ = LiveCalls.remove(handle)
        if status == Int32(PB_OK.rawValue) {
            call.handlerFinished(how: "returned")
        } else {
            call.finish(.failure(InvocationError(.internalError,
                "\(call.component.descriptor.label) of plugin '\(call.pluginId)' returned \(status); handlers return PB_OK or PB_PENDING")))
        }
    }
}

extension ComponentKind {
    var abiKind: UInt32 {
        switch self {
        case .tool: PB_KIND_TOOL.rawValue
        case .resource: PB_KIND_RESOURCE.rawValue
        case .resourceTemplate: PB_KIND_RESOURCE_TEMPLATE.rawValue
        case .prompt: PB_KIND_PROMPT.rawValue
        }
    }

    init?(abiKind: UInt32) {
        guard let kind = ComponentKind.allCases.first(where: { $0.abiKind == abiKind }) else { return nil }
        self = kind
    }
}
