/// What a sandboxed provider may use, and how its worker is supervised. Every layer can be switched off (for
/// kernels that lack it, or for debugging); limits left nil are not set.
public struct SandboxPolicy: Sendable, Hashable {
    /// RLIMIT_AS: the worker's address space, runtime included: a worker needs about 150–210 MiB of it, plus
    /// 8 MiB of stack reservation per call running at once.
    public var memoryBytes: UInt64? = 1 << 30
    /// RLIMIT_CPU: CPU seconds over the worker's life (a restart starts a new count).
    public var cpuSeconds: UInt64? = 3600
    /// RLIMIT_NOFILE.
    public var openFiles: UInt64? = 256
    /// RLIMIT_NPROC, applied only when the worker does not run as root (root's count is machine-wide and
    /// includes threads; there, seccomp's ban on new processes is what stops a fork bomb).
    public var maxProcesses: UInt64? = 64
    /// May the plugin start processes (fork, vfork, clone without CLONE_THREAD)? exec stays refused.
    public var allowProcesses = false
    /// May the plugin open sockets and reach a network? Without it: no new sockets (seccomp), its own empty
    /// network namespace, and no TCP (Landlock 4+).
    public var allowNetwork = false
    /// Besides the plugin file and the scratch directory, what the plugin may read (files or directories).
    public var readablePaths: [String] = []

    /// How long one call may run. At the deadline the worker is asked to cancel the call; after `cancelGrace`
    /// more, the worker is killed and the call fails as timed out.
    public var callDeadline: Duration = .seconds(30)
    public var cancelGrace: Duration = .seconds(1)
    /// How long a new worker may take to say hello, set up its sandbox and load the plugin.
    public var startTimeout: Duration = .seconds(15)

    /// Largest request (arguments) and response frames, in bytes.
    public var maxRequestBytes = 4 << 20
    public var maxResponseBytes = 16 << 20

    /// The layers: user/mount/network/IPC namespaces, Landlock, seccomp.
    public var namespaces = true
    public var landlock = true
    public var seccomp = true

    public var restart = RestartPolicy()

    /// The `plugboard-worker` executable; nil: beside the running executable, or `$PLUGBOARD_WORKER`.
    public var workerExecutable: String?

    public init() {}
}

/// Restarts after a worker died: exponential backoff, and a circuit breaker that stops trying for a while after
/// too many deaths in a row (a death after a successful call starts the count again).
public struct RestartPolicy: Sendable, Hashable {
    public var initialBackoff: Duration = .milliseconds(100)
    public var maximumBackoff: Duration = .seconds(30)
    /// Consecutive deaths that open the circuit (calls then fail at once).
    public var circuitThreshold = 5
    /// How long the circuit stays open before one more worker is tried.
    public var circuitCooldown: Duration = .seconds(60)

    public init(initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(30),
                circuitThreshold: Int = 5, circuitCooldown: Duration = .seconds(60)) {
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.circuitThreshold = circuitThreshold
        self.circuitCooldown = circuitCooldown
    }

    /// The wait before restart number `deaths` (1 after the first death): initial, doubled each time, capped.
    public func backoff(afterDeaths deaths: Int) -> Duration {
        guard deaths > 1 else { return initialBackoff }
        let factor = 1 << min(deaths - 1, 30)
        let scaled = initialBackoff * factor
        return scaled > maximumBackoff ? maximumBackoff : scaled
    }
}
