import Glibc
import PlugboardCore
import PlugboardJSON
import PlugboardLoader
import PlugboardSandbox
import Synchronization

/// Serves the loaded provider to the host: each `invoke` starts the handler on a thread of its own, which sends
/// the answer itself once the handler has really stopped; `cancel` cancels the call (a cooperative handler stops,
/// and its answer is the cancellation). A handler that ignores cancellation never answers, and the host kills the
/// worker at the deadline.
final class WorkerServer: Sendable {
    let provider: NativeProvider
    let channel: FrameChannel
    let maxResponseBytes: Int
    private struct Calls {
        var cancellers: [UInt64: @Sendable () -> Void] = [:]
        /// Calls that ended before their canceller was registered (fast handlers, unknown components).
        var endedEarly: Set<UInt64> = []
    }
    private let calls = Mutex(Calls())

    private init(provider: NativeProvider, channel: FrameChannel, maxResponseBytes: Int) {
        self.provider = provider
        self.channel = channel
        self.maxResponseBytes = maxResponseBytes
    }

    /// Loads the plugin (inside the sandbox already) and tells the host: ready, or loadFailed with the reason.
    static func load(start: WorkerMessage.Start, channel: FrameChannel, report: [SandboxLayerReport]) throws -> WorkerServer {
        let loader = PluginLoader(
            cacheDirectory: start.scratchDirectory, callDeadline: .milliseconds(Int64(clamping: start.handlerDeadlineMilliseconds)),
            log: { record in
                var record = record
                record.message = clipped(record.message)
                try? channel.send(WorkerMessage.log(0, record))
            })
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
                    calls.withLock { $0.cancellers[id] }?()
                case .shutdown: exit(0)
                default: throw FrameError("a host does not send \(reader.type) frames")
                }
            } catch {
                complain("plugboard-worker: \(error)")
                exit(FrameProtocol.exitConnectionBroken)
            }
        }
    }

    private func start(_ message: WorkerMessage.Invoke) {
        let id = message.call
        let channel = channel
        let maxResponseBytes = maxResponseBytes
        // A typed function known to be quick is answered right here, on the reading thread: no hand-off. Only
        // known-quick ones, so a slow function never holds up the calls behind it (nor their cancellations).
        if let outcome = provider.invokeNow(message.invocation, policy: .onlyIfKnownQuick) {
            try? channel.send(Self.answer(id, outcome, maxResponseBytes: maxResponseBytes))
            return
        }
        let context = InvocationContext(
            progress: { update in
                var update = update
                update.message = update.message.map(clipped)
                try? channel.send(WorkerMessage.progress(id, update))
            },
            log: { record in
                var record = record
                record.message = clipped(record.message)
                try? channel.send(WorkerMessage.log(id, record))
            })
        // The host enforces the deadline (cancel, grace, kill), so the loader arms no timer of its own.
        let cancel = provider.start(message.invocation, context: context) { [weak self] outcome in
            try? channel.send(Self.answer(id, outcome, maxResponseBytes: maxResponseBytes))
            self?.calls.withLock { calls in
                if calls.cancellers.removeValue(forKey: id) == nil { calls.endedEarly.insert(id) }
            }
        }
        calls.withLock { calls in
            if calls.endedEarly.remove(id) == nil { calls.cancellers[id] = cancel }
        }
    }
}

extension WorkerServer {
    /// The frame that answers call `id`.
    static func answer(_ id: UInt64, _ outcome: Result<[UInt8], InvocationError>, maxResponseBytes: Int) -> [UInt8] {
        switch outcome {
        case .success(let bytes) where bytes.count <= maxResponseBytes: WorkerMessage.result(id, bytes)
        case .success(let bytes): WorkerMessage.error(id, InvocationError(.internalError,
            "the response of \(bytes.count) bytes exceeds the limit of \(maxResponseBytes) bytes set by the sandbox policy"))
        case .failure(let error): WorkerMessage.error(id, error)
        }
    }
}

/// A plugin's log or progress message, cut to 16 KiB: the host refuses frames past its limit.
@Sendable func clipped(_ message: String) -> String {
    let limit = 16 * 1024
    guard message.utf8.count > limit else { return message }
    return String(decoding: message.utf8.prefix(limit), as: UTF8.self) + "… (cut at \(limit) bytes)"
}

/// A line on stderr, which the host forwards to its log.
func complain(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
