import Foundation
import PlugboardJSON
import Synchronization

/// One task: a tool call running on the host's side while its client polls. Its status only moves forward
/// (working, then completed, failed or cancelled, which is final) and its outcome is kept until it expires.
final class HostedTask: Sendable {
    enum Status: String, Sendable {
        case working, completed, failed, cancelled
        var isTerminal: Bool { self != .working }
    }

    /// How the call ended: its `result` member (a tool error with `isError` among them), or its protocol error.
    enum Outcome: Sendable {
        case result([UInt8])
        case error(RPCError)
    }

    let id: String
    /// The owner: a team, or nil for the operator. Another owner is told the task does not exist.
    let team: String?
    let createdAt: Date
    let ttlMilliseconds: Int
    let expiresAt: ContinuousClock.Instant

    private struct State {
        var status: Status = .working
        var statusMessage: String?
        var lastUpdatedAt: Date
        var outcome: Outcome?
        var cancel: (@Sendable () -> Void)?
        var onEnd: [@Sendable () -> Void] = []
    }
    private let state: Mutex<State>

    init(id: String, team: String?, ttlMilliseconds: Int, now: Date = Date(), clock: ContinuousClock.Instant = .now) {
        self.id = id
        self.team = team
        self.createdAt = now
        self.ttlMilliseconds = ttlMilliseconds
        self.expiresAt = clock + .milliseconds(ttlMilliseconds)
        self.state = Mutex(State(lastUpdatedAt: now))
    }

    var status: Status { state.withLock { $0.status } }

    /// The outcome of an ended task; nil while it works (and for a cancelled one).
    var outcome: Outcome? { state.withLock { $0.status.isTerminal ? $0.outcome : nil } }

    /// How the running call is stopped (set once it has started).
    func onCancel(_ cancel: @escaping @Sendable () -> Void) {
        let cancelledAlready = state.withLock { state -> Bool in
            state.cancel = cancel
            return state.status == .cancelled
        }
        if cancelledAlready { cancel() }
    }

    /// The provider reported progress: it becomes the status message. False once the task has ended.
    func progressed(_ progress: JSONObject) -> Bool {
        state.withLock { state in
            guard state.status == .working else { return false }
            state.statusMessage = Self.describe(progress)
            state.lastUpdatedAt = Date()
            return true
        }
    }

    /// The call ended; false when the task had been cancelled already (a cancelled task stays cancelled).
    func finish(_ outcome: Outcome) -> Bool {
        let ended: [@Sendable () -> Void]? = state.withLock { state in
            guard state.status == .working else { return nil }
            switch outcome {
            case .result:
                state.status = .completed
                state.statusMessage = nil
            case .error(let error):
                state.status = .failed
                state.statusMessage = error.message
            }
            state.outcome = outcome
            state.lastUpdatedAt = Date()
            defer { state.onEnd = [] }
            return state.onEnd
        }
        guard let ended else { return false }
        for body in ended { body() }
        return true
    }

    /// `tasks/cancel`: stops the call and makes the status `cancelled`; false when the task had ended already
    /// (an ended task keeps its status and outcome).
    func cancel(reason: String = "cancelled by the client") -> Bool {
        let outcome: (cancel: (@Sendable () -> Void)?, ended: [@Sendable () -> Void])? = state.withLock { state in
            guard state.status == .working else { return nil }
            state.status = .cancelled
            state.statusMessage = reason
            state.lastUpdatedAt = Date()
            defer { state.onEnd = [] }
            return (state.cancel, state.onEnd)
        }
        guard let outcome else { return false }
        outcome.cancel?()
        for body in outcome.ended { body() }
        return true
    }

    /// Waits up to `limit` for the task to end; true when it has.
    func ended(within limit: Duration) async -> Bool {
        let once = ResumeOnce()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            once.set(continuation)
            let endedAlready = state.withLock { state -> Bool in
                if state.status.isTerminal { return true }
                state.onEnd.append { once.resume(true) }
                return false
            }
            if endedAlready { return once.resume(true) }
            Task {
                try? await Task.sleep(for: limit)
                once.resume(false)
            }
        }
    }

    /// The task's fields as SEP-2663's `Task` has them (flat; no `_meta`, which its schema does not allow).
    func fields(pollInterval: Int) -> JSONObject {
        let snapshot = state.withLock { ($0.status, $0.statusMessage, $0.lastUpdatedAt) }
        var object: JSONObject = ["taskId": .string(id), "status": .string(snapshot.0.rawValue)]
        object["createdAt"] = .string(Self.timestamp(createdAt))
        object["lastUpdatedAt"] = .string(Self.timestamp(snapshot.2))
        object["ttlMs"] = .int(ttlMilliseconds)
        if let message = snapshot.1 { object["statusMessage"] = .string(message) }
        if snapshot.0 == .working { object["pollIntervalMs"] = .int(pollInterval) }
        return object
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// "indexing (3 of 10)" from a progress report.
    private static func describe(_ progress: JSONObject) -> String {
        let done = progress["progress"].flatMap { $0.numberLiteral } ?? "?"
        let count = progress["total"].flatMap { $0.numberLiteral }.map { "\(done) of \($0)" } ?? done
        if let text = progress["message"]?.stringValue { return "\(text) (\(count))" }
        return "progress \(count)"
    }
}

/// A continuation resumed by whichever comes first: the task's end or the timer.
private final class ResumeOnce: Sendable {
    private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<Bool, Never>) { self.continuation.withLock { $0 = continuation } }

    func resume(_ value: Bool) {
        continuation.withLock { stored in
            defer { stored = nil }
            return stored
        }?.resume(returning: value)
    }
}
