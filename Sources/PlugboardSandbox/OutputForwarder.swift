import PlugboardCore

/// A plugin's writes to stdout and stderr, as log lines: they never reach the host's own stdout (which may be
/// the MCP stdio transport) and never corrupt the frame channel.
enum OutputForwarder {
    /// Reads until the worker's end closes; each line becomes a warning-level record.
    static func forward(descriptor: Int32, logger: String, log: @Sendable (LogRecord) -> Void) {
        OutputLines.forward(descriptor: descriptor) { line in
            log(LogRecord(level: .warning, logger: logger, message: line))
        } flooded: {
            log(LogRecord(level: .warning, logger: logger,
                          message: "more than \(OutputLines.maximumBytes) bytes of output from this worker; the rest is dropped"))
        }
    }
}
