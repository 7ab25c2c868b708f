import CPosix
import Glibc
import PlugboardCore

/// A spawned `plugboard-worker`: its pid, our end of the socketpair, the read ends of its death-note pipe and of
/// its stdout/stderr. Spawned with posix_spawn (the host is multi-threaded: a bare fork could copy a held lock).
final class WorkerProcess: Sendable {
    let pid: pid_t
    let channel: FrameChannel
    let noteDescriptor: Int32
    let outputDescriptor: Int32

    private init(pid: pid_t, channel: FrameChannel, noteDescriptor: Int32, outputDescriptor: Int32) {
        self.pid = pid
        self.channel = channel
        self.noteDescriptor = noteDescriptor
        self.outputDescriptor = outputDescriptor
    }

    struct SpawnError: Error, CustomStringConvertible { var description: String }

    static func spawn(executable: String, readLimit: Int) throws(SpawnError) -> WorkerProcess {
        var pair: [Int32] = [-1, -1]
        var notes: [Int32] = [-1, -1]
        var output: [Int32] = [-1, -1]
        // All close-on-exec from the start: a worker spawned meanwhile by another thread must not inherit this
        // one's ends (it would hold the output pipe open, and this worker's end of the channel).
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0,
              pb_pipe_cloexec(&notes) == 0, pb_pipe_cloexec(&output) == 0 else {
            let reason = String(cString: strerror(errno))
            for fd in pair + notes + output where fd >= 0 { close(fd) }
            throw SpawnError(description: "cannot create the worker's socketpair and pipes: \(reason)")
        }
        // Our ends never block the host's reads of them forever, and their numbers stay clear of 0...4 so the
        // child's dup2 targets never collide with a source.
        let childEnds = [pair[1], notes[1], output[1]].map { lifted($0) }
        defer { for fd in childEnds { close(fd) } }
        _ = fcntl(notes[0], F_SETFL, O_NONBLOCK)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, childEnds[2], 1)
        posix_spawn_file_actions_adddup2(&actions, childEnds[2], 2)
        posix_spawn_file_actions_adddup2(&actions, childEnds[0], FrameProtocol.channelDescriptor)
        posix_spawn_file_actions_adddup2(&actions, childEnds[1], FrameProtocol.noteDescriptor)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let arguments = [executable, "--host-pid", String(getpid())]
        var environment = ["SWIFT_BACKTRACE=enable=no", "MALLOC_ARENA_MAX=2", "LANG=C"]
        if let path = getenv("LD_LIBRARY_PATH") { environment.append("LD_LIBRARY_PATH=" + String(cString: path)) }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }

        var pid: pid_t = 0
        let status = SpawnThread.run { posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
        guard status == 0 else {
            for fd in [pair[0], notes[0], output[0]] { close(fd) }
            throw SpawnError(description: "cannot start the worker \(executable): \(String(cString: strerror(status)))")
        }
        return WorkerProcess(pid: pid, channel: FrameChannel(descriptor: pair[0], readLimit: readLimit),
                             noteDescriptor: notes[0], outputDescriptor: output[0])
    }

    private static func lifted(_ fd: Int32) -> Int32 {
        let moved = fcntl(fd, F_DUPFD_CLOEXEC, 10)
        guard moved >= 0 else { return fd }
        close(fd)
        return moved
    }

    /// The exit status and resource usage once the worker's end of the connection closed. A dying worker becomes
    /// a zombie within moments; one still running a while later closed its end on purpose, and is killed.
    func reapAfterEnd() -> (status: Int32, cpuSeconds: Double, exitedByItself: Bool) {
        var status: Int32 = 0
        var usage = rusage()
        for _ in 0..<20 {
            if wait4(pid, &status, WNOHANG, &usage) == pid { return (status, usage.cpuSeconds, true) }
            usleep(10_000)
        }
        let (killedStatus, cpu) = killAndReap()
        return (killedStatus, cpu, false)
    }

    /// SIGKILL, then the exit status and resource usage. Safe on a process that already died: its status is
    /// whatever killed it first.
    func killAndReap() -> (status: Int32, cpuSeconds: Double) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        return (status, usage.cpuSeconds)
    }

    /// The death note the worker's crash handler left, if any.
    func deathNote() -> UInt8? {
        var byte: UInt8 = 0
        return read(noteDescriptor, &byte, 1) == 1 ? byte : nil
    }

    deinit {
        close(noteDescriptor)
        close(outputDescriptor)
    }
}

extension rusage {
    var cpuSeconds: Double {
        Double(ru_utime.tv_sec + ru_stime.tv_sec) + Double(ru_utime.tv_usec + ru_stime.tv_usec) / 1e6
    }
}
