/// What the supervisor of a sandboxed provider did, for an operator's metrics: a worker started (the first, or a
/// restart after a death), a worker died, the circuit opened after too many deaths in a row.
public enum SupervisionEvent: Sendable, Hashable {
    case started
    case restarted
    case died(WorkerDeath)
    case circuitOpened
}

extension WorkerDeath {
    /// The kind of death in one word, a bounded label (`exited`, `signal`, `memory_limit`, `cpu_limit`,
    /// `deadline`, `protocol_violation`, `stopped`).
    public var cause: String {
        switch self {
        case .exited: "exited"
        case .signal: "signal"
        case .memoryLimit: "memory_limit"
        case .cpuLimit: "cpu_limit"
        case .killedAtDeadline: "deadline"
        case .protocolViolation: "protocol_violation"
        case .stopped: "stopped"
        }
    }
}
