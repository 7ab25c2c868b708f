import Glibc
import Logging
import PlugboardCore

/// The stdio transport's own copies of the client's stdin and stdout, taken before any plugin is loaded.
///
/// An in-process provider shares the host's descriptors 0 and 1, and anything it or a library it links prints
/// (`printf`, `write(1, …)`, a logger) would land between the JSON-RPC lines and break the client. So the protocol
/// moves to private close-on-exec descriptors, descriptor 0 becomes /dev/null (nothing can read the client's
/// bytes), and descriptor 1 becomes a pipe whose lines go to the host's log as warnings.
public struct StdioDescriptors: Sendable {
    public let input: Int32
    public let output: Int32

    /// Takes over descriptors 0 and 1; call once, before providers are loaded. Throws when the system is out of
    /// descriptors, in which case nothing was changed that matters: the caller should stop.
    public static func claim(logger: Logger) throws(StdioDescriptorError) -> StdioDescriptors {
        let input = fcntl(0, F_DUPFD_CLOEXEC, 3)
        guard input >= 0 else { throw StdioDescriptorError(step: "copying stdin", errno: errno) }
        let output = fcntl(1, F_DUPFD_CLOEXEC, 3)
        guard output >= 0 else { throw StdioDescriptorError(step: "copying stdout", errno: errno) }

        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard null >= 0 else { throw StdioDescriptorError(step: "opening /dev/null", errno: errno) }
        guard dup2(null, 0) == 0 else { throw StdioDescriptorError(step: "pointing stdin at /dev/null", errno: errno) }
        close(null)

        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0, fcntl(ends[0], F_SETFD, FD_CLOEXEC) == 0 else { throw StdioDescriptorError(step: "making the stray-output pipe", errno: errno) }
        guard dup2(ends[1], 1) == 1 else { throw StdioDescriptorError(step: "pointing stdout at the log", errno: errno) }
        close(ends[1])
        let reader = ends[0]
        let started = DetachedThread.start {
            OutputLines.forward(descriptor: reader) { line in
                logger.warning("stdout of an in-process provider (not sent to the client): \(line)")
            } flooded: {
                logger.warning("more than \(OutputLines.maximumBytes) bytes on stdout from in-process providers; the rest is dropped")
            }
        }
        if !started {
            // No reader: send stray output straight to stderr rather than let a full pipe block a plugin.
            dup2(2, 1)
            close(reader)
        }
        return StdioDescriptors(input: input, output: output)
    }
}

public struct StdioDescriptorError: Error, CustomStringConvertible {
    public var step: String
    public var errno: Int32
    public var description: String {
        "cannot set up stdio (\(step)): \(String(cString: strerror(errno))); raise the descriptor limit (ulimit -n) and start again"
    }
}
