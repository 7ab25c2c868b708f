import Glibc
import PlugboardCore

/// A plugin's writes to stdout and stderr, as log lines: they never reach the host's own stdout (which may be
/// the MCP stdio transport) and never corrupt the frame channel.
enum OutputForwarder {
    static let maximumLine = 4096

    /// Reads until the worker's end closes; each line (cut at `maximumLine`) becomes a warning-level record.
    static func forward(descriptor: Int32, logger: String, log: @Sendable (LogRecord) -> Void) {
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        func emit() {
            if !line.isEmpty { log(LogRecord(level: .warning, logger: logger, message: String(decoding: line, as: UTF8.self))) }
            line.removeAll(keepingCapacity: true)
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
