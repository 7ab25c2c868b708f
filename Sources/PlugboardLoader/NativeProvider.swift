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
        guard let component = byKey[key] else { throw notFound(invocation) }
        let call = NativeCall(pluginId: info.id, component: component, context: context)
        let request = invocation
        let state = state
        let outcome = await call.outcome(deadline: callDeadline) { call in
            HandlerThread.spawn { Self.run(call, request: request, state: state) }
        }
        return try outcome.get()
    }

    /// Typed functions run on the caller's thread: they are plain C computations that call nothing of the host's.
    /// A non-reentrant one runs only if no other call of it is running (otherwise it waits its turn in `invoke`).
    /// `.onlyIfKnownQuick` runs only functions whose recent calls were all quick (CallTiming.swift).
    public func invokeNow(_ invocation: Invocation, policy: InlinePolicy) -> Result<[UInt8], InvocationError>? {
        let key = ComponentKey(kind: invocation.kind, key: invocation.key, version: invocation.version?.raw)
        guard let component = byKey[key], case .function(let function) = component.body else { return nil }
        if policy == .onlyIfKnownQuick, !component.timing.isKnownQuick { return nil }
        if component.reentrant { return component.timing.measure { function.call(arguments: invocation.arguments) } }
        return component.serial.withLockIfAvailable { _ in component.timing.measure { function.call(arguments: invocation.arguments) } }
    }

    public var callTimeout: Duration? { callDeadline }

    private func notFound(_ invocation: Invocation) -> InvocationError {
        let version = invocation.version.map { " version \($0.raw)" } ?? ""
        return InvocationError(.notFound, "plugin '\(info.id)' has no \(invocation.kind) '\(invocation.key)'\(version)")
    }

    /// Sandbox worker addition: starts a call without awaiting it and without a deadline (the worker's host
    /// enforces one: cancel, grace, kill), so no task hop and no timer per call. `ended` runs exactly once, on
    /// the handler's thread, when the handler has really stopped (returned, completed after PB_PENDING, or never
    /// started), with the outcome: the answer, or the cancellation that came first. A handler that ignores
    /// cancellation never ends, so its call is never answered. Returns the function that cancels the call.
    public func start(
        _ invocation: Invocation, context: InvocationContext,
        ended: @escaping @Sendable (Result<[UInt8], InvocationError>) -> Void
    ) -> @Sendable () -> Void {
        let key = ComponentKey(kind: invocation.kind, key: invocation.key, version: invocation.version?.raw)
        guard let component = byKey[key] else {
            ended(.failure(notFound(invocation)))
            return {}
        }
        let call = NativeCall(pluginId: info.id, component: component, context: context) { call in
            ended(call.settledOutcome ?? .failure(InvocationError(.internalError, "\(call.component.descriptor.label) ended without an outcome")))
        }
        let request = invocation
        let state = state
        call.begin { call in
            HandlerThread.spawn { Self.run(call, request: request, state: state) }
        }
        return { [weak call] in
            call?.finish(.failure(InvocationError(.cancelled, "\(component.descriptor.label) was cancelled")))
        }
    }

    /// On a handler thread: waits its turn (non-reentrant components), then runs the handler or typed function.
    private static func run(_ call: NativeCall, request: Invocation, state: PluginState) {
        let component = call.component
        let pending = component.exclusive { () -> Bool in
            // A call abandoned while it waited for its turn is not started at all.
            guard !call.isFinished else { return false }
            switch component.body {
            case .function(let function):
                call.answer(component.timing.measure { function.call(arguments: request.arguments) })
                call.handlerFinished(how: "returned")
                return false
            case .handler(let handler, let userData):
                return runHandler(handler, userData: userData, call: call, request: request, state: state)
            }
        }
        if !pending { call.handlerEnded?(call) }  // sandbox worker addition
    }

    /// True when the handler returned PB_PENDING (it ends later, in `complete`).
    private static func runHandler(
        _ handler: pb_handler, userData: UnsafeMutableRawPointer?, call: NativeCall, request: Invocation, state: PluginState
    ) -> Bool {
        // Borrowed C strings for the duration of the handler; arguments NUL-terminated with their length.
        let key = strdup(request.key)
        let version = request.version.map { strdup($0.raw) } ?? nil
        let uri = request.uri.map { strdup($0) } ?? nil
        let arguments = terminatedCopy(request.arguments.bytes)
        let meta = terminatedCopy(request.meta.bytes)
        defer {
            free(key); free(version); free(uri)
            arguments.deallocate(); meta.deallocate()
        }
        var cRequest = pb_request(
            struct_size: UInt32(MemoryLayout<pb_request>.size), kind: request.kind.abiKind, key: key, version: version,
            arguments: arguments, arguments_len: request.arguments.bytes.count, uri: uri,
            state: state.pointer, user_data: userData, meta: meta, meta_len: request.meta.bytes.count)
        // Live for the plugin until the handler returns, or after PB_PENDING until `complete`.
        let handle = LiveCalls.add(call)
        let status = handler(handle, &cRequest)
        if status == Int32(PB_PENDING.rawValue) { return true }
        _ = LiveCalls.remove(handle)
        if status == Int32(PB_OK.rawValue) {
            call.handlerFinished(how: "returned")
        } else {
            call.finish(.failure(InvocationError(.internalError,
                "\(call.component.descriptor.label) of plugin '\(call.pluginId)' returned \(status); handlers return PB_OK or PB_PENDING")))
        }
        return false
    }
}

/// A NUL-terminated copy of JSON bytes for the duration of a handler call (the caller deallocates it).
private func terminatedCopy(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
    let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
    bytes.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { chars in
            if let base = chars.baseAddress { copy.update(from: base, count: chars.count) }
        }
    }
    copy[bytes.count] = 0
    return copy
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
