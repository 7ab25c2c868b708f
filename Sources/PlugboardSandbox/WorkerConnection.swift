import Dispatch
import Glibc
import PlugboardCore
import PlugboardJSON
import Synchronization

/// One running worker as the host sees it: the calls it has in flight, their deadlines, and a reader thread that
/// delivers answers, progress and logs. When the worker dies, every call it had fails with the cause, and the
/// supervisor hears of it through `onDeath`.
final class WorkerConnection: Sendable {
    typealias Outcome = Result<[UInt8], InvocationError>

    let process: WorkerProcess
    let providerId: String
    let policy: SandboxPolicy
    let scratchDirectory: String
    private let log: @Sendable (LogRecord) -> Void
    private let onDeath: @Sendable (WorkerConnection, WorkerDeath) -> Void

    private struct Pending {
        var label: String
        /// Hands the outcome to the caller; nil once the caller left (cancelled).
        var deliver: (@Sendable (Outcome) -> Void)?
        var context: InvocationContext
        var deadlinePassed = false
    }
    private struct State {
        var nextCall: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
        var death: WorkerDeath?
        var killReason: WorkerDeath?
        var reaping = false
        /// When calls reach their deadline (then they are asked to cancel), and their grace period ends (then
        /// the worker is killed). Kept by the reader thread, which waits for frames only until the next one.
        var deadlines = DeadlineQueue()
        var graceEnds = DeadlineQueue()
    }
    private let state = Mutex(State())

    init(process: WorkerProcess, providerId: String, policy: SandboxPolicy, scratchDirectory: String,
         log: @escaping @Sendable (LogRecord) -> Void, onDeath: @escaping @Sendable (WorkerConnection, WorkerDeath) -> Void) {
        self.process = process
        self.providerId = providerId
        self.policy = policy
        self.scratchDirectory = scratchDirectory
        self.log = log
        self.onDeath = onDeath
    }

    /// Starts the threads that read the worker's frames and its stdout/stderr.
    func startReading() {
        guard BackgroundThread.spawn({ [self] in readFrames() }) else {
            // Unread, the worker could never answer: end it (the next call starts another).
            let reason = WorkerDeath.protocolViolation("the host could not start a thread to read it")
            kill(because: reason)
            state.withLock { $0.death = reason }
            return
        }
        _ = BackgroundThread.spawn { [self] in
            OutputForwarder.forward(descriptor: process.outputDescriptor, logger: "\(providerId)/output", log: log)
        }
    }

    var isAlive: Bool { state.withLock { $0.death == nil && $0.killReason == nil } }
    var inFlight: Int { state.withLock { $0.pending.count } }

    // MARK: - Calls

    func call(_ invocation: Invocation, context: InvocationContext, label: String) async -> Outcome {
        // The task may be cancelled before the call is sent: the cancel is applied once it is.
        let relay = Mutex<(cancel: (@Sendable () -> Void)?, cancelled: Bool)>((nil, false))
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let cancel = begin(invocation, context: context, label: label) { continuation.resume(returning: $0) }
                if relay.withLock({ $0.cancel = cancel; return $0.cancelled }) { cancel() }
            }
        } onCancel: {
            relay.withLock { $0.cancelled = true; return $0.cancel }?()
        }
    }

    /// Sends call `invocation` to the worker; `deliver` gets the outcome exactly once, on the reader thread (or at
    /// once when the call is refused). Returns the function that cancels the call.
    func begin(_ invocation: Invocation, context: InvocationContext, label: String,
               deliver: @escaping @Sendable (Outcome) -> Void) -> @Sendable () -> Void {
        guard invocation.arguments.bytes.count <= policy.maxRequestBytes else {
            deliver(.failure(InvocationError(.invalidArguments,
                "the arguments of \(label) are \(invocation.arguments.bytes.count) bytes, over the limit of \(policy.maxRequestBytes) for provider '\(providerId)'")))
            return {}
        }
        let id = state.withLock { state in
            defer { state.nextCall += 1 }
            return state.nextCall
        }
        let frame = WorkerMessage.Invoke(call: id, invocation: invocation).frame
        let refusal: InvocationError? = state.withLock { state in
            if let death = state.death ?? state.killReason {
                return InvocationError(.unavailable, "provider '\(providerId)' cannot take \(label): its worker \(death)")
            }
            state.pending[id] = Pending(label: label, deliver: deliver, context: context)
            state.deadlines.dropFinished { state.pending[$0] != nil }
            state.deadlines.append(id, due: .now + policy.callDeadline)
            return nil
        }
        if let refusal {
            deliver(.failure(refusal))
            return {}
        }
        do throws(FrameError) {
            try process.channel.send(frame)
        } catch {
            // A worker that just died: the reader thread reaps it and fails this call with the cause.
            // One that stopped reading is killed for it.
            if !error.peerClosed { kill(because: .protocolViolation("it stopped reading requests (\(error))")) }
        }
        return { [weak self] in self?.cancel(id) }
    }

    private func cancel(_ id: UInt64) {
        let abandoned: (@Sendable (Outcome) -> Void, String)? = state.withLock { state in
            guard var pending = state.pending[id], let deliver = pending.deliver else { return nil }
            pending.deliver = nil
            state.pending[id] = pending  // stays until the worker answers, or the deadline kills it
            return (deliver, pending.label)
        }
        guard let (deliver, label) = abandoned else { return }
        try? process.channel.send(WorkerMessage.cancel(id))
        deliver(.failure(InvocationError(.cancelled, "\(label) of provider '\(providerId)' was cancelled")))
    }

    /// Calls past their deadline are asked to cancel; calls past deadline and grace get their worker killed.
    private func enforceDeadlines() {
        let now = ContinuousClock.now
        let (cancels, overdue) = state.withLock { state -> ([UInt64], String?) in
            var cancels: [UInt64] = []
            var overdue: String?
            while let id = state.deadlines.popDue(now) {
                guard state.pending[id] != nil else { continue }
                state.pending[id]?.deadlinePassed = true
                cancels.append(id)
                state.graceEnds.append(id, due: now + policy.cancelGrace)
            }
            while let id = state.graceEnds.popDue(now) {
                if let label = state.pending[id]?.label, overdue == nil { overdue = label }
            }
            return (cancels, overdue)
        }
        for id in cancels { try? process.channel.send(WorkerMessage.cancel(id)) }
        if let overdue { kill(because: .killedAtDeadline(call: overdue, deadline: policy.callDeadline)) }
    }

    /// How long the reader may wait for a frame: until the next deadline, and never longer than one deadline
    /// length (a call registered meanwhile falls due no sooner than that).
    private func readTimeout() -> Duration {
        let next = state.withLock { state in [state.deadlines.next, state.graceEnds.next].compactMap { $0 }.min() }
        guard let next else { return policy.callDeadline }
        return max(.zero, min(next - .now, policy.callDeadline))
    }

    /// Ends the worker with SIGKILL, remembering why (the first reason counts).
    func kill(because reason: WorkerDeath) {
        state.withLock { state in
            if state.killReason == nil { state.killReason = reason }
            // Only before the reader thread reaps it: after wait4 the pid may belong to someone else.
            if !state.reaping { Glibc.kill(process.pid, SIGKILL) }
        }
    }

    /// Ends the worker once it has no calls in flight, or when `timeout` passes.
    func drainAndStop(timeout: Duration) async {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while inFlight > 0 && clock.now < end {
            try? await Task.sleep(for: .milliseconds(10))
        }
        try? process.channel.send(WorkerMessage.shutdown)
        state.withLock { if $0.killReason == nil { $0.killReason = .stopped } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { [weak self] in self?.kill(because: .stopped) }
    }

    // MARK: - The reader thread

    private func readFrames() {
        while true {
            do {
                if process.channel.waitReadable(timeout: readTimeout()) {
                    guard let payload = try process.channel.receive() else { break }
                    try handle(payload)
                }
                enforceDeadlines()
            } catch {
                kill(because: .protocolViolation(error.description))
                break
            }
        }
        reap()
    }

    private func handle(_ payload: [UInt8]) throws(FrameError) {
        var reader = try FrameReader(payload: payload)
        switch reader.type {
        case .result:
            let id = try reader.u64()
            let bytes = try reader.data()
            do {
                try JSONParser.validate(bytes)
                answer(id) { _, _ in .success(bytes) }
            } catch {
                answer(id) { label, _ in .failure(InvocationError(.internalError,
                    "\(label) of provider '\(providerId)' answered with invalid JSON: \(error)")) }
            }
        case .error:
            let id = try reader.u64()
            let error = try WorkerMessage.decodeError(&reader)
            answer(id) { [policy, providerId] label, deadlinePassed in
                // A call the deadline cancelled reports `cancelled`; its caller asked for nothing of the kind.
                .failure(error.kind == .cancelled && deadlinePassed
                    ? InvocationError(.timedOut, "\(label) of provider '\(providerId)' did not finish within \(policy.callDeadline); it was cancelled")
                    : error)
            }
        case .progress:
            let id = try reader.u64()
            let update = try WorkerMessage.decodeProgress(&reader)
            let context = state.withLock { $0.pending[id].flatMap { $0.deliver == nil ? nil : $0.context } }
            context?.progress?(update)
        case .log:
            let id = try reader.u64()
            let record = try WorkerMessage.decodeLog(&reader)
            let context = id == 0 ? nil : state.withLock { $0.pending[id].flatMap { $0.deliver == nil ? nil : $0.context } }
            if let forward = context?.log { forward(record) } else { log(record) }
        default:
            throw FrameError("a worker does not send \(reader.type) frames")
        }
    }

    /// Delivers the answer of call `id` (unless its caller left: cancelled). `outcome` gets the call's label and
    /// whether its deadline had passed.
    private func answer(_ id: UInt64, _ outcome: (String, Bool) -> Outcome) {
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: id) }), let deliver = pending.deliver else { return }
        deliver(outcome(pending.label, pending.deadlinePassed))
    }

    private func reap() {
        state.withLock { $0.reaping = true }
        let (status, cpuSeconds, exitedByItself) = process.reapAfterEnd()
        process.channel.close()
        let death = state.withLock { state in
            if !exitedByItself && state.killReason == nil {
                state.killReason = .protocolViolation("it closed its end of the connection and kept running")
            }
            return WorkerDeath.classify(status: status, note: process.deathNote(), cpuSeconds: cpuSeconds,
                                        cpuLimit: policy.cpuSeconds, killedBy: state.killReason)
        }
        let failed = state.withLock { state in
            state.death = death
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        // The supervisor first (it schedules the restart), then the callers, who may call again at once.
        onDeath(self, death)
        for pending in failed {
            pending.deliver?(.failure(error(for: death, call: pending)))
        }
        ScratchDirectory.remove(scratchDirectory)
    }

    private func error(for death: WorkerDeath, call: Pending) -> InvocationError {
        switch death {
        case .killedAtDeadline where call.deadlinePassed:
            InvocationError(.timedOut, "\(call.label) of provider '\(providerId)' did not finish within \(policy.callDeadline) "
                + "and ignored cancellation for \(policy.cancelGrace): its worker (pid \(process.pid)) was killed at the deadline and is being restarted")
        case .stopped:
            InvocationError(.unavailable, "provider '\(providerId)' was stopped while \(call.label) was running")
        default:
            InvocationError(.unavailable, "\(call.label) of provider '\(providerId)' failed: its worker (pid \(process.pid)) \(death); "
                + "the worker is being restarted")
        }
    }
}
