import PlugboardCore
import Synchronization

/// One client's state: the surface it talks to, the version its handshake fixed, its log level, and the
/// requests it has in flight (so `notifications/cancelled` can cancel them). Sessions share nothing else,
/// so one client's bad input cannot reach another's.
public final class MCPSession: Sendable {
    public let surface: String
    /// The team this session acts for (multi-team hosting); nil: the operator, who sees everything.
    public let principal: Principal?
    private struct State {
        var negotiatedVersion: String?
        var logLevel: LogLevel?
        var inFlight: [[UInt8]: @Sendable () -> Void] = [:]
        var lastActive: ContinuousClock.Instant = .now
    }
    private let state = Mutex(State())

    public init(surface: String, principal: Principal? = nil) {
        self.surface = surface
        self.principal = principal
    }

    public var negotiatedVersion: String? {
        get { state.withLock { $0.negotiatedVersion } }
        set { state.withLock { $0.negotiatedVersion = newValue } }
    }

    /// Set by `logging/setLevel`; nil means the client asked for no log messages yet.
    public var logLevel: LogLevel? {
        get { state.withLock { $0.logLevel } }
        set { state.withLock { $0.logLevel = newValue } }
    }

    public var lastActive: ContinuousClock.Instant { state.withLock { $0.lastActive } }
    public func touch() { state.withLock { $0.lastActive = .now } }

    public var inFlightCount: Int { state.withLock { $0.inFlight.count } }

    /// Registers a request's cancel action under its id bytes; false when that id is already in flight.
    func begin(id: [UInt8], cancel: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { state in
            guard state.inFlight[id] == nil else { return false }
            state.inFlight[id] = cancel
            return true
        }
    }

    /// True while a request with this id is in flight (the common answer, nothing in flight, costs no hashing).
    func isInFlight(id: [UInt8]) -> Bool {
        state.withLock { !$0.inFlight.isEmpty && $0.inFlight[id] != nil }
    }

    func end(id: [UInt8]) { _ = state.withLock { $0.inFlight.removeValue(forKey: id) } }

    /// `notifications/cancelled`: cancels the request's task; unknown ids are ignored (it may have finished).
    public func cancel(id: [UInt8]) {
        let action = state.withLock { $0.inFlight[id] }
        action?()
    }

    /// Ends everything in flight (the session closed).
    public func cancelAll() {
        let actions = state.withLock { Array($0.inFlight.values) }
        for action in actions { action() }
    }
}
