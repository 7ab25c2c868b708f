import Glibc

/// Why a worker ended, in words for the error each of its in-flight calls gets.
public enum WorkerDeath: Sendable, Hashable, CustomStringConvertible {
    case exited(status: Int32)
    case signal(Int32)
    case memoryLimit(signal: Int32)
    case cpuLimit
    /// The host killed it because a call outlived its deadline and grace period.
    case killedAtDeadline(call: String, deadline: Duration)
    /// The host killed it: it broke the frame protocol, or stopped reading.
    case protocolViolation(String)
    /// The host ended it on purpose (shutdown, reload).
    case stopped

    public var description: String {
        switch self {
        case .exited(FrameProtocol.exitConnectionBroken):
            "exited with status \(FrameProtocol.exitConnectionBroken): its connection to the host broke (the plugin may have closed or written to descriptor 3)"
        case .exited(let status): "exited with status \(status)"
        case .signal(let number): "died of \(WorkerDeath.signalName(number))"
        case .memoryLimit(let number): "exceeded its memory limit (address space exhausted, then \(WorkerDeath.signalName(number)))"
        case .cpuLimit: "exceeded its CPU time limit"
        case .killedAtDeadline(let call, let deadline): "was killed at the deadline: \(call) ran past \(deadline)"
        case .protocolViolation(let detail): "was killed for breaking the worker protocol: \(detail)"
        case .stopped: "was stopped by the host"
        }
    }

    /// Classifies a reaped worker. `killedBy` is the host's own reason when it sent the SIGKILL.
    static func classify(status: Int32, note: UInt8?, cpuSeconds: Double, cpuLimit: UInt64?, killedBy: WorkerDeath?) -> WorkerDeath {
        if let killedBy { return killedBy }
        let signalled = status & 0x7f
        if signalled == 0 { return .exited(status: (status >> 8) & 0xff) }
        if note == UInt8(ascii: "C") || signalled == SIGXCPU { return .cpuLimit }
        if note == UInt8(ascii: "M") { return .memoryLimit(signal: signalled) }
        // The hard CPU limit is a SIGKILL from the kernel: tell it by the time used.
        if signalled == SIGKILL, let cpuLimit, cpuSeconds >= Double(cpuLimit) - 0.05 { return .cpuLimit }
        return .signal(signalled)
    }

    static func signalName(_ number: Int32) -> String {
        let names: [Int32: String] = [
            SIGSEGV: "SIGSEGV (segmentation fault)", SIGABRT: "SIGABRT (abort)", SIGBUS: "SIGBUS (bus error)",
            SIGILL: "SIGILL (illegal instruction)", SIGFPE: "SIGFPE (arithmetic error)", SIGKILL: "SIGKILL",
            SIGTERM: "SIGTERM", SIGSYS: "SIGSYS (forbidden system call)", SIGXCPU: "SIGXCPU (CPU time limit)",
            SIGPIPE: "SIGPIPE", SIGTRAP: "SIGTRAP (trap: a Swift runtime failure or breakpoint)", SIGINT: "SIGINT",
            SIGHUP: "SIGHUP", SIGQUIT: "SIGQUIT", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2", SIGALRM: "SIGALRM",
        ]
        return names[number] ?? "signal \(number)"
    }
}
