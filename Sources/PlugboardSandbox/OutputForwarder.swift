import Glibc
import PlugboardCore

/// A plugin's writes to stdout and stderr, as log lines: they never reach the host's own stdout (which may be
/// the MCP stdio transport) and never corrupt the frame channel.
enum OutputForwarder {
    static let maximumLine = 4096
    /// Past this much output from one worker, the rest is read and dropped (a flood must not flood the host's log).
    static let maximumBytes = 1 << 20

    /// Reads until the worker's end closes; each line (cut at `maximumLine`) becomes a warning-level record.
    static func forward(descriptor: Int32, logger: String, log: @Sendable (LogRecord) -> Void) {
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var forwarded = 0
        func emit() {
            defer { line.removeAll(keepingCapacity: true) }
            guard !line.isEmpty, forwarded <= maximumBytes else { return }
            forwarded += line.count
            log(LogRecord(level: .warning, logger: logger, message: String(decoding: line, as: UTF8.self)))
            if forwarded > maximumBytes {
                log(LogRecord(level: .warning, logger: logger,
                              message: "more than \(maximumBytes) bytes of output from this worker; the rest is dropped"))
            }
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            for byte in chunk[0..<count] {
                if byte == UInt8(ascii: "\n") { emit() } else {
                    line.append(byte)
                    if line.count >= maximumLine { emit() }
                }
            }
        }
        emit()
    }
}
