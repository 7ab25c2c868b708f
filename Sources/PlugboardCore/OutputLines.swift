#if canImport(Glibc)
import Glibc
#endif

/// What a descriptor delivers, as lines for a log, until its writing end closes: the output of code that was never
/// meant to reach a protocol stream (a worker's stdout and stderr, an in-process plugin's printf).
public enum OutputLines {
    /// A longer line is cut here and continues on the next.
    public static let maximumLine = 4096
    /// Past this much output, the rest is read and dropped, so that a flood cannot flood the log.
    public static let maximumBytes = 1 << 20

    /// Blocks, reading, until end of file; calls `line` for each line (cut at `maximumLine`) and `flooded` once when
    /// more than `maximumBytes` have come.
    public static func forward(descriptor: Int32, line emitLine: (String) -> Void, flooded: () -> Void) {
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var forwarded = 0
        func emit() {
            defer { line.removeAll(keepingCapacity: true) }
            guard !line.isEmpty, forwarded <= maximumBytes else { return }
            forwarded += line.count
            emitLine(String(decoding: line, as: UTF8.self))
            if forwarded > maximumBytes { flooded() }
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
