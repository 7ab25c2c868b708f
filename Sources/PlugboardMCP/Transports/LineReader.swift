import Foundation

/// Reads newline-delimited messages from a file descriptor on its own thread (blocking reads, no polling).
/// A line longer than `maxLine` is skipped to its end and reported, so one huge message costs bounded memory.
final class LineReader: @unchecked Sendable {
    enum Event {
        case line([UInt8])
        case oversized(Int)
    }

    private let fd: Int32
    private let maxLine: Int
    private let onEvent: (Event) -> Void
    private let onEnd: () -> Void

    init(fd: Int32, maxLine: Int, onEvent: @escaping (Event) -> Void, onEnd: @escaping () -> Void) {
        self.fd = fd
        self.maxLine = maxLine
        self.onEvent = onEvent
        self.onEnd = onEnd
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "plugboard-stdin"
        thread.start()
    }

    private func run() {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var line: [UInt8] = []
        var skipping = 0  // bytes dropped from an oversized line so far
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            var start = 0
            for i in 0..<n where chunk[i] == 0x0A {
                consume(chunk[start..<i], into: &line, skipping: &skipping, endOfLine: true)
                start = i + 1
            }
            if start < n { consume(chunk[start..<n], into: &line, skipping: &skipping, endOfLine: false) }
        }
        if skipping > 0 { onEvent(.oversized(skipping)) } else if !line.isEmpty { emit(line) }
        onEnd()
    }

    private func consume(_ part: ArraySlice<UInt8>, into line: inout [UInt8], skipping: inout Int, endOfLine: Bool) {
        if skipping > 0 || line.count + part.count > maxLine {
            skipping += line.count + part.count
            line.removeAll()
            if endOfLine { onEvent(.oversized(skipping)); skipping = 0 }
            return
        }
        line.append(contentsOf: part)
        if endOfLine {
            emit(line)
            line.removeAll(keepingCapacity: true)
        }
    }

    private func emit(_ line: [UInt8]) {
        var line = line
        if line.last == 0x0D { line.removeLast() }
        if line.contains(where: { $0 > 0x20 }) { onEvent(.line(line)) }
    }
}
