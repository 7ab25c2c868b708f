import Foundation

/// Writes newline-terminated messages to a file descriptor from one thread. Producers append to a buffer and
/// signal; the writer thread takes everything pending at once, so messages produced while a write is under way
/// go out together in the next write (batching without timers).
final class BatchedWriter: @unchecked Sendable {
    private let fd: Int32
    private let condition = NSCondition()
    private var pending: [UInt8] = []  // guarded by condition
    private var closing = false  // guarded by condition
    private let finished = DispatchSemaphore(value: 0)

    init(fd: Int32) {
        self.fd = fd
        let thread = Thread { [self] in run() }
        thread.name = "plugboard-stdout"
        thread.start()
    }

    func write(_ message: [UInt8]) {
        condition.lock()
        pending.append(contentsOf: message)
        pending.append(0x0A)
        condition.signal()
        condition.unlock()
    }

    /// Flushes what is pending and stops the thread; returns when everything is written.
    func close() {
        condition.lock()
        closing = true
        condition.signal()
        condition.unlock()
        finished.wait()
    }

    private func run() {
        var batch: [UInt8] = []
        while true {
            condition.lock()
            while pending.isEmpty && !closing { condition.wait() }
            swap(&batch, &pending)
            let done = closing && batch.isEmpty
            condition.unlock()
            if done { break }
            writeAll(batch)
            batch.removeAll(keepingCapacity: true)
        }
        finished.signal()
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // the reader went away; nothing useful left to do with the output
                }
                offset += n
            }
        }
    }
}
