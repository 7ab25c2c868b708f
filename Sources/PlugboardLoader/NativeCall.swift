import Dispatch
import PlugboardCore
import Synchronization

/// One in-flight call of a native handler: the `pb_call *` the plugin sees. It collects the answer and frees
/// the waiting caller exactly once, whichever comes first: the handler's answer, the deadline, or cancellation.
/// Whatever the plugin does after that is ignored.
final class NativeCall: Sendable {
    typealias Outcome = Result<[UInt8], InvocationError>

    let pluginId: String
    let component: NativeComponent
    let context: InvocationContext
    /// Sandbox worker addition: called once the handler has really stopped running (returned, or completed
    /// after PB_PENDING, or was never started), which can be after the caller was freed.
    let handlerEnded: (@Sendable (NativeCall) -> Void)?

    private struct State {
        var answer: Outcome?
        var continuation: CheckedContinuation<Outcome, Never>?
        /// An outcome decided before the caller started waiting (cancelled up front).
        var early: Outcome?
        var finished = false
        /// The armed deadline; disarmed when the call finishes, so finished calls leave nothing behind.
        var deadlineToken: UInt64?
        /// The outcome the caller got (sandbox worker addition).
        var settled: Outcome?
    }

    private let state = Mutex(State())
    private let cancelled = Atomic<Bool>(false)

    init(pluginId: String, component: NativeComponent, context: InvocationContext, handlerEnded: (@Sendable (NativeCall) -> Void)? = nil) {
        self.pluginId = pluginId
        self.component = component
        self.context = context
        self.handlerEnded = handlerEnded
    }

    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Waits for the outcome; `start` launches the work once the caller is registered as waiting.
    func outcome(deadline: Duration, start: @escaping @Sendable (NativeCall) -> Bool) async -> Outcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let early: Outcome? = state.withLock { state in
                    if let early = state.early { return early }
                    state.continuation = continuation
                    return nil
                }
                if let early { return continuation.resume(returning: early) }
                let token = CallDeadlines.shared.arm(self, after: deadline)
                let stillRunning = state.withLock { state in
                    guard !state.finished else { return false }
                    state.deadlineToken = token
                    return true
                }
                if !stillRunning { CallDeadlines.shared.disarm(token) }
                if !start(self) {
                    finish(.failure(InvocationError(.unavailable,
                        "could not start a thread for \(component.descriptor.label); the system is out of threads")))
                }
            }
        } onCancel: {
            finish(.failure(InvocationError(.cancelled, "\(component.descriptor.label) was cancelled")))
        }
    }

    /// Sandbox worker addition: the outcome the caller got, once it was freed.
    var settledOutcome: Outcome? { state.withLock { $0.settled } }

    /// Sandbox worker addition: starts the work with no caller waiting and no deadline (the worker's host
    /// enforces one); the outcome is `settledOutcome` by the time `handlerEnded` runs.
    func begin(start: @escaping @Sendable (NativeCall) -> Bool) {
        if !start(self) {
            finish(.failure(InvocationError(.unavailable, "could not start a thread for \(component.descriptor.label); the system is out of threads")))
            handlerEnded?(self)
        }
    }

    /// Frees the caller with `outcome` unless it was already freed. Deadline and cancellation also raise the
    /// flag the plugin polls, so a cooperative handler stops.
    func finish(_ outcome: Outcome) {
        if case .failure(let error) = outcome, error.kind == .cancelled || error.kind == .timedOut {
            cancelled.store(true, ordering: .relaxed)
        }
        let (continuation, token): (CheckedContinuation<Outcome, Never>?, UInt64?) = state.withLock { state in
            guard !state.finished else { return (nil, nil) }
            state.finished = true
            state.settled = outcome
            let token = state.deadlineToken
            state.deadlineToken = nil
            guard let continuation = state.continuation else {
                state.early = outcome
                return (nil, token)
            }
            state.continuation = nil
            return (continuation, token)
        }
        if let token { CallDeadlines.shared.disarm(token) }
        continuation?.resume(returning: outcome)
    }

    /// The deadline passed first (called by `CallDeadlines`).
    func expire(after deadline: Duration) {
        finish(.failure(InvocationError(.timedOut,
            "\(component.descriptor.label) of plugin '\(pluginId)' did not answer within \(deadline); the call was abandoned")))
    }

    /// `set_result` / `set_error`: the first answer counts. False if the JSON was not acceptable.
    @discardableResult
    func answer(_ outcome: Outcome) -> Bool {
        state.withLock { state in
            if state.answer == nil { state.answer = outcome }
        }
        if case .failure(let error) = outcome, error.kind == .internalError { return false }
        return true
    }

    /// The handler returned PB_OK, or called `complete` after PB_PENDING.
    func handlerFinished(how: String) {
        let answer = state.withLock { $0.answer }
        finish(answer ?? .failure(InvocationError(.internalError,
            "\(component.descriptor.label) of plugin '\(pluginId)' \(how) without setting a result or an error; "
            + "call host->set_result or host->set_error first (this is a bug in the plugin)")))
    }

    func log(_ level: LogLevel, _ message: String) {
        context.log?(LogRecord(level: level, logger: pluginId, message: message))
    }

    func progress(_ update: ProgressUpdate) {
        guard !isFinished else { return }
        context.progress?(update)
    }
}
