import Foundation

/// Reads newline-delimited messages from a file descriptor with blocking reads and hands each line to `handle`,
/// which may answer it right there; those replies are batched and written once everything read so far is
/// handled (one write per read, like the simplest possible server).
///
/// The loop can move to another thread mid-way: when `handle` reports that its thread lost the reading role
/// (the watchdog took over because an answer ran long), that thread leaves at once and `run()` goes on, on the
/// new thread, exactly where it stopped. Only one thread runs the loop at a time; the hand-over is ordered by
/// the watchdog's atomic (ReadingWatchdog.swift).
///
/// A line longer than `maxLine` is skipped to its end and reported, so one huge message costs bounded memory.
final class StdioReadLoop: @unchecked Sendable {
    enum Event {
        case line([UInt8])
        case oversized(Int)
    }

    enum Handled {
        /// Nothing to send from here (or it is sent by someone else later).
        case done
        /// The reply to send with the batch.
        case reply([UInt8])
        /// This thread is no longer the reading thread: stop without touching the loop again.
        case lostReadingRole
    }

    private let fd: Int32
    private let maxLine: Int
    private let handle: (Event) -> Handled
    private let flush: ([UInt8]) -> Void
    private let onEnd: () -> Void

    // Owned by the thread that runs the loop.
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    private var start = 0
    private var end = 0
    private var line: [UInt8] = []
    private var skipping = 0  // bytes dropped from an oversized line so far
    private var batch: [UInt8] = []

    init(fd: Int32, maxLine: Int, handle: @escaping (Event) -> Handled,
         flush: @escaping ([UInt8]) -> Void, onEnd: @escaping () -> Void) {
        self.fd = fd
        self.maxLine = maxLine
        self.handle = handle
        self.flush = flush
        self.onEnd = onEnd
    }

    /// Starts the loop on a new thread (first start, and each take-over).
    func startThread() {
        let thread = Thread { [self] in run() }
        thread.name = "plugboard-stdin"
        thread.start()
    }

    private func run() {
        while true {
            while start < end {
                let newline = chunk.withUnsafeBytes { bytes -> Int? in
                    guard let found = memchr(bytes.baseAddress! + start, 0x0A, end - start) else { return nil }
                    return UnsafeRawPointer(found) - bytes.baseAddress!
                }
                guard let newline else {
                    consume(start..<end, endOfLine: false)
                    start = end
                    break
                }
                let range = start..<newline
                start = newline + 1
                guard consume(range, endOfLine: true) else { return }
            }
            if !batch.isEmpty {
                flush(batch)
                batch.removeAll(keepingCapacity: true)
            }
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            start = 0
            end = n
        }
        if skipping > 0 {
            _ = deliver(.oversized(skipping))
        } else if !line.isEmpty {
            guard emit(line) else { return }
        }
        if !batch.isEmpty { flush(batch) }
        onEnd()
    }

    /// False when the thread lost the reading role.
    @discardableResult
    private func consume(_ range: Range<Int>, endOfLine: Bool) -> Bool {
        if skipping > 0 || line.count + range.count > maxLine {
            skipping += line.count + range.count
            line.removeAll()
            if endOfLine {
                let size = skipping
                skipping = 0
                return deliver(.oversized(size))
            }
            return true
        }
        if !endOfLine {
            line.append(contentsOf: chunk[range])
            return true
        }
        let whole: [UInt8]
        if line.isEmpty {
            whole = Array(chunk[range])
        } else {
            line.append(contentsOf: chunk[range])
            whole = line
            line.removeAll(keepingCapacity: true)
        }
        return emit(whole)
    }

    private func emit(_ line: [UInt8]) -> Bool {
        var line = line
        if line.last == 0x0D { line.removeLast() }
        guard line.contains(where: { $0 > 0x20 }) else { return true }
        return deliver(.line(line))
    }

    /// False when the thread lost the reading role.
    private func deliver(_ event: Event) -> Bool {
        switch handle(event) {
        case .done: return true
        case .reply(let reply):
            batch.append(contentsOf: reply)
            batch.append(0x0A)
            return true
        case .lostReadingRole: return false
        }
    }
}
