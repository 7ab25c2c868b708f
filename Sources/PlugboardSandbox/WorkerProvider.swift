import PlugboardCore
import PlugboardJSON
import Synchronization

/// A provider that runs in a sandboxed `plugboard-worker` process. The same `Provider` as an in-process one, so
/// mounts, filters, routing and the MCP server cannot tell the difference; a crash, hang or memory bomb in the
/// plugin ends only the worker. The worker is supervised: a death fails the calls it had in flight (each error
/// names the provider and the cause), and a new worker is started after an exponential backoff; after too many
/// deaths in a row the circuit opens and calls fail at once until the cooldown has passed.
public final class WorkerProvider: Provider {
    public let info: ProviderInfo
    public let components: [ComponentDescriptor]
    /// What each sandbox layer came to in the first worker.
    public let sandboxReport: [SandboxLayerReport]
    public let file: String
    public let policy: SandboxPolicy

    private let config: RawJSON
    private let log: @Sendable (LogRecord) -> Void
    private let supervision: @Sendable (SupervisionEvent) -> Void
    private let labels: [ComponentKey: String]

    private struct State {
        var worker: WorkerConnection?
        var restart: Task<WorkerConnection, any Error>?
        var consecutiveDeaths = 0
        var lastDeath: WorkerDeath?
        var circuitOpenUntil: ContinuousClock.Instant?
        var restarts = 0
        var retired = false
    }
    private let state = Mutex(State())
    private let relay: DeathRelay

    /// Starts a worker for `file` with `config` under `policy`, and waits until it has loaded the plugin.
    /// `log` receives the sandbox report, plugin log lines outside calls, its stdout/stderr, and supervision events.
    /// `supervision` is told of worker starts, deaths and circuit openings.
    public static func launch(
        file: String, config: RawJSON = .emptyObject, policy: SandboxPolicy = SandboxPolicy(),
        log: @escaping @Sendable (LogRecord) -> Void = { _ in },
        supervision: @escaping @Sendable (SupervisionEvent) -> Void = { _ in }
    ) async throws(WorkerStartError) -> WorkerProvider {
        try await offPool { () throws(WorkerStartError) in
            try launchBlocking(file: file, config: config, policy: policy, log: log, supervision: supervision)
        }.get()
    }

    /// `launch` for synchronous callers (a `ProviderFactory`): blocks the calling thread until the worker is
    /// ready, at most `policy.startTimeout`. Call it off Swift's cooperative pool where you can.
    public static func launchBlocking(
        file: String, config: RawJSON = .emptyObject, policy: SandboxPolicy = SandboxPolicy(),
        log: @escaping @Sendable (LogRecord) -> Void = { _ in },
        supervision: @escaping @Sendable (SupervisionEvent) -> Void = { _ in }
    ) throws(WorkerStartError) -> WorkerProvider {
        let relay = DeathRelay()
        let (connection, ready) = try WorkerLauncher.start(file: file, config: config, policy: policy, log: log, onDeath: relay.fire)
        for layer in ready.report {
            log(LogRecord(level: layer.status == .applied || layer.status == .disabled ? .info : .warning,
                          logger: "\(ready.info.id)/sandbox", message: layer.description))
        }
        supervision(.started)
        return WorkerProvider(file: file, config: config, policy: policy, log: log, supervision: supervision, relay: relay,
                              first: connection, ready: ready)
    }

    private init(file: String, config: RawJSON, policy: SandboxPolicy, log: @escaping @Sendable (LogRecord) -> Void,
                 supervision: @escaping @Sendable (SupervisionEvent) -> Void, relay: DeathRelay, first: WorkerConnection, ready: WorkerMessage.Ready) {
        self.file = file
        self.config = config
        self.policy = policy
        self.log = log
        self.supervision = supervision
        info = ready.info
        components = ready.components
        sandboxReport = ready.report
        var labels: [ComponentKey: String] = [:]
        for component in ready.components { labels[ComponentKey(component)] = component.label }
        self.labels = labels
        self.relay = relay
        state.withLock { $0.worker = first }
        relay.connect { [weak self] connection, death in self?.workerDied(connection, death) }
        first.startReading()
    }

    deinit {
        state.withLock { state in
            state.restart?.cancel()
            state.worker?.kill(because: .stopped)
        }
    }

    // MARK: - Provider

    public func invoke(_ invocation: Invocation, context: InvocationContext) async throws(InvocationError) -> [UInt8] {
        guard let label = labels[ComponentKey(invocation)] else {
            let version = invocation.version.map { " version \($0.raw)" } ?? ""
            throw InvocationError(.notFound, "plugin '\(info.id)' has no \(invocation.kind) '\(invocation.key)'\(version)")
        }
        let worker = try await liveWorker(for: label)
        let outcome = await worker.call(invocation, context: context, label: label)
        if case .failure(let error) = outcome, error.kind == .unavailable || error.kind == .timedOut, !worker.isAlive {
            throw error
        }
        // An answer from a worker that lives: the plugin works, so the death count starts again.
        state.withLock { $0.consecutiveDeaths = 0 }
        return try outcome.get()
    }

    /// Without a task when a worker is up: the call goes out from the caller's thread and its answer is handed
    /// over on the connection's reader thread. Otherwise (no worker yet, restarting, circuit open) nil: `invoke`
    /// waits for a worker or says why there is none.
    public func begin(_ invocation: Invocation, context: InvocationContext,
                      ended: @escaping @Sendable (Result<[UInt8], InvocationError>) -> Void) -> (@Sendable () -> Void)? {
        guard let label = labels[ComponentKey(invocation)],
              let worker = state.withLock({ state in state.retired ? nil : state.worker }), worker.isAlive else { return nil }
        return worker.begin(invocation, context: context, label: label) { [weak self] outcome in
            if case .failure(let error) = outcome, error.kind == .unavailable || error.kind == .timedOut, !worker.isAlive {
                return ended(outcome)
            }
            self?.state.withLock { $0.consecutiveDeaths = 0 }
            ended(outcome)
        }
    }

    // MARK: - Supervision

    /// How many workers were started after the first.
    public var restartCount: Int { state.withLock { $0.restarts } }
    /// The pid of the current worker, if one runs.
    public var workerPID: Int32? { state.withLock { $0.worker?.process.pid } }
    public var processID: Int32? { workerPID }
    public var isCircuitOpen: Bool {
        state.withLock { state in state.circuitOpenUntil.map { ContinuousClock.now < $0 } ?? false }
    }

    public var unreadiness: String? {
        state.withLock { state in
            guard let until = state.circuitOpenUntil, ContinuousClock.now < until else { return nil }
            return "its worker died \(state.consecutiveDeaths) times in a row: the circuit is open and calls fail for "
                + "\(Int((until - ContinuousClock.now).inSeconds.rounded(.up))) s more"
        }
    }

    private func liveWorker(for label: String) async throws(InvocationError) -> WorkerConnection {
        enum Next { case ready(WorkerConnection), wait(Task<WorkerConnection, any Error>), refuse(InvocationError) }
        let next: Next = state.withLock { state in
            if state.retired {
                return .refuse(InvocationError(.unavailable, "provider '\(info.id)' has been stopped or replaced; retry the call"))
            }
            if let worker = state.worker, worker.isAlive { return .ready(worker) }
            if let until = state.circuitOpenUntil, ContinuousClock.now < until {
                let cause = state.lastDeath.map { "; the last one \($0)" } ?? ""
                return .refuse(InvocationError(.unavailable, "provider '\(info.id)' is unavailable: its worker died \(state.consecutiveDeaths) times in a row\(cause). "
                    + "The next attempt is in \(until - ContinuousClock.now); fix or replace the plugin"))
            }
            if let restart = state.restart { return .wait(restart) }
            // Circuit half-open after its cooldown: try one worker now.
            return .wait(scheduleRestart(&state, after: .zero))
        }
        switch next {
        case .ready(let worker): return worker
        case .refuse(let error): throw error
        case .wait(let restart):
            do { return try await restart.value } catch {
                throw InvocationError(.unavailable, "provider '\(info.id)' cannot run \(label): \(error)")
            }
        }
    }

    private func workerDied(_ connection: WorkerConnection, _ death: WorkerDeath) {
        guard death != .stopped else { return }
        log(LogRecord(level: .error, logger: "\(info.id)/supervisor", message: "worker (pid \(connection.process.pid)) of provider '\(info.id)' \(death)"))
        supervision(.died(death))
        let circuitOpened = state.withLock { state -> Bool in
            guard state.worker === connection else { return false }
            state.worker = nil
            state.lastDeath = death
            state.consecutiveDeaths += 1
            guard !state.retired else { return false }
            if state.consecutiveDeaths >= policy.restart.circuitThreshold {
                state.circuitOpenUntil = ContinuousClock.now + policy.restart.circuitCooldown
                log(LogRecord(level: .critical, logger: "\(info.id)/supervisor",
                              message: "circuit open for \(policy.restart.circuitCooldown): \(state.consecutiveDeaths) deaths in a row"))
                return true
            }
            if state.restart == nil {
                _ = scheduleRestart(&state, after: policy.restart.backoff(afterDeaths: state.consecutiveDeaths))
            }
            return false
        }
        if circuitOpened { supervision(.circuitOpened) }
    }

    /// Starts a new worker after `delay`; calls that arrive meanwhile wait for it. Called with the lock held.
    private func scheduleRestart(_ state: inout State, after delay: Duration) -> Task<WorkerConnection, any Error> {
        let restart = Task<WorkerConnection, any Error> { [file, config, policy, log, relay, info] in
            if delay > .zero { try await Task.sleep(for: delay) }
            let started = await offPool { () throws(WorkerStartError) in
                try WorkerLauncher.start(file: file, config: config, policy: policy, log: log, onDeath: relay.fire)
            }
            let outcome: Result<WorkerConnection, WorkerStartError> = started.flatMap { connection, ready in
                guard ready.info.digest == info.digest else {
                    connection.kill(because: .stopped)
                    return .failure(WorkerStartError(provider: file, detail: "the file changed since it was loaded "
                        + "(digest \(ready.info.digest ?? "none"), was \(info.digest ?? "none")); reload the provider instead of restarting it"))
                }
                return .success(connection)
            }
            return try self.installRestarted(outcome)
        }
        state.restart = restart
        return restart
    }

    private func installRestarted(_ outcome: Result<WorkerConnection, WorkerStartError>) throws -> WorkerConnection {
        switch outcome {
        case .success(let connection):
            let retired = state.withLock { state in
                state.restart = nil
                if !state.retired {
                    state.worker = connection
                    state.restarts += 1
                }
                return state.retired
            }
            connection.startReading()
            if retired { connection.kill(because: .stopped) } else { supervision(.restarted) }
            return connection
        case .failure(let error):
            log(LogRecord(level: .error, logger: "\(info.id)/supervisor", message: error.description))
            let circuitOpened = state.withLock { state -> Bool in
                state.restart = nil
                state.consecutiveDeaths += 1
                guard state.consecutiveDeaths >= policy.restart.circuitThreshold else { return false }
                state.circuitOpenUntil = ContinuousClock.now + policy.restart.circuitCooldown
                return true
            }
            if circuitOpened { supervision(.circuitOpened) }
            throw error
        }
    }

    // MARK: - Reload and shutdown

    /// For reload: no new calls (they fail as unavailable), the calls in flight finish (up to `drainTimeout`),
    /// then the worker ends. Start the replacement first and swap the routing table, then retire this one.
    public func retire(drainTimeout: Duration? = nil) async {
        let (worker, restart) = state.withLock { state in
            state.retired = true
            return (state.worker, state.restart)
        }
        restart?.cancel()
        await worker?.drainAndStop(timeout: drainTimeout ?? policy.callDeadline + policy.cancelGrace)
    }

    /// Ends the worker now; calls in flight fail as unavailable.
    public func shutdown() {
        let worker = state.withLock { state in
            state.retired = true
            state.restart?.cancel()
            return state.worker
        }
        worker?.kill(because: .stopped)
    }
}
