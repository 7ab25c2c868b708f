import Glibc
import PlugboardCore
import PlugboardJSON
import PlugboardLoader
import PlugboardSandbox
import Synchronization

/// Serves the loaded provider to the host: each `invoke` runs as a task; `cancel` cancels it. A call is answered
/// only once its handler has really stopped, so a handler that ignores cancellation keeps its call open and the
/// host kills the worker at the deadline.
final class WorkerServer: Sendable {
    let provider: NativeProvider
    let channel: FrameChannel
    let maxResponseBytes: Int
    private let tasks = Mutex<[UInt64: Task<Void, Never>]>([:])

    private init(provider: NativeProvider, channel: FrameChannel, maxResponseBytes: Int) {
        self.provider = provider
        self.channel = channel
        self.maxResponseBytes = maxResponseBytes
    }

    /// Loads the plugin (inside the sandbox already) and tells the host: ready, or loadFailed with the reason.
    static func load(start: WorkerMessage.Start, channel: FrameChannel, report: [SandboxLayerReport]) throws -> WorkerServer {
        let loader = PluginLoader(
            cacheDirectory: start.scratchDirectory, callDeadline: .milliseconds(Int64(clamping: start.handlerDeadlineMilliseconds)),
            log: { record in try? channel.send(WorkerMessage.log(0, record)) })
        let provider: NativeProvider
        do {
            provider = try loader.load(file: start.pluginFile, config: RawJSON(trusted: start.config))
        } catch {
            try channel.send(WorkerMessage.loadFailed(error.description))
            exit(0)
        }
        try channel.send(WorkerMessage.Ready(info: provider.info, components: provider.components, report: report).frame)
        return WorkerServer(provider: provider, channel: channel, maxResponseBytes: Int(clamping: start.maxResponseBytes))
    }

    /// Reads requests until the host closes the connection or says shutdown; then the worker exits.
    func serve() -> Never {
        while true {
            do {
                guard let payload = try channel.receive() else { exit(0) }
                var reader = try FrameReader(payload: payload)
                switch reader.type {
                case .invoke: start(try WorkerMessage.Invoke(&reader))
                case .cancel:
                    let id = try reader.u64()
                    tasks.withLock { $0[id] }?.cancel()
                case .shutdown: exit(0)
                default: throw FrameError("a host does not send \(reader.type) frames")
                }
            } catch {
                complain("plugboard-worker: \(error)")
                exit(65)
            }
        }
    }

    private func start(_ message: WorkerMessage.Invoke) {
        let id = message.call
        let channel = channel
        let invocation = message.invocation
        // The provider throws notFound before any handler exists, so no handler would ever end: answer here.
        guard provider.components.contains(where: { $0.kind == invocation.kind && $0.key == invocation.key && $0.version == invocation.version }) else {
            try? channel.send(WorkerMessage.error(id, InvocationError(.notFound, "plugin '\(provider.info.id)' has no \(invocation.kind) '\(invocation.key)'")))
            return
        }
        let answer = CallAnswer { frame in try? channel.send(frame) }
        let context = InvocationContext(
            progress: { update in try? channel.send(WorkerMessage.progress(id, update)) },
            log: { record in try? channel.send(WorkerMessage.log(id, record)) })
        tasks.withLock { tasks in
            tasks[id] = Task { [provider, maxResponseBytes] in
                let frame: [UInt8]
                do throws(InvocationError) {
                    let bytes = try await provider.invoke(message.invocation, context: context, handlerEnded: answer.handlerEnded)
                    frame = bytes.count <= maxResponseBytes ? WorkerMessage.result(id, bytes) : WorkerMessage.error(id, InvocationError(.internalError,
                        "the response of \(bytes.count) bytes exceeds the limit of \(maxResponseBytes) bytes set by the sandbox policy"))
                } catch {
                    frame = WorkerMessage.error(id, error)
                }
                answer.outcome(frame)
                self.tasks.withLock { _ = $0.removeValue(forKey: id) }
            }
        }
    }
}

/// Sends a call's answer once both are known: the outcome, and that the handler has stopped running.
final class CallAnswer: Sendable {
    private let state = Mutex<(frame: [UInt8]?, ended: Bool, sent: Bool)>((nil, false, false))
    private let send: @Sendable ([UInt8]) -> Void

    init(send: @escaping @Sendable ([UInt8]) -> Void) { self.send = send }

    func outcome(_ frame: [UInt8]) { deliver { $0.frame = frame } }
    @Sendable func handlerEnded() { deliver { $0.ended = true } }

    private func deliver(_ update: (inout (frame: [UInt8]?, ended: Bool, sent: Bool)) -> Void) {
        let frame: [UInt8]? = state.withLock { state in
            update(&state)
            guard let frame = state.frame, state.ended, !state.sent else { return nil }
            state.sent = true
            return frame
        }
        if let frame { send(frame) }
    }
}

/// A line on stderr, which the host forwards to its log.
func complain(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
