import Foundation

/// Writes newline-terminated messages to a file descriptor, from any thread, without a hop to a writer thread
/// in the common case. Whoever finds no write under way writes at once, together with everything that piled up
/// meanwhile (messages produced while a write is under way go out in the next one: batching without timers).
///
/// The writer must never block: a client that stops reading would otherwise stall the thread that reads its
/// requests. So when the output is a pipe, writes go through a non-blocking description of the same pipe of our
/// own (the shared one is left as it is); when the pipe is full, the rest is handed to a flusher thread that waits
/// for room. Other outputs (a file, a terminal) always go through the flusher.
final class ReplyWriter: @unchecked Sendable {
    private let fd: Int32
    /// Our own non-blocking description of `fd`'s pipe; nil when `fd` is not a pipe.
    private let nonBlocking: Int32?
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [UInt8] = []
    /// A thread holds the right to write (only one writes at a time, so a message is never split by another).
    private var writing = false
    /// The flusher holds it.
    private var flusherWrites = false
    private var closing = false
    private let finished = DispatchSemaphore(value: 0)

    init(fd: Int32) {
        self.fd = fd
        nonBlocking = Self.openNonBlocking(fd)
        let thread = Thread { [self] in flusher() }
        thread.name = "plugboard-stdout"
        thread.start()
    }

    deinit {
        if let nonBlocking { Glibc.close(nonBlocking) }
    }

    /// Writes one message and its newline.
    func write(_ message: [UInt8]) {
        submit { $0.append(contentsOf: message); $0.append(0x0A) }
    }

    /// Writes messages that already end in newlines (a batch).
    func writeLines(_ lines: [UInt8]) {
        guard !lines.isEmpty else { return }
        submit { $0.append(contentsOf: lines) }
    }

    /// Flushes what is pending and stops the flusher; returns when everything is written.
    func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }

    private func submit(_ append: (inout [UInt8]) -> Void) {
        condition.lock()
        append(&pending)
        guard !writing else { return condition.unlock() }
        writing = true
        guard nonBlocking != nil else {
            flusherWrites = true
            condition.signal()
            return condition.unlock()
        }
        var batch: [UInt8] = []
        swap(&batch, &pending)
        condition.unlock()
        writeNow(batch)
    }

    /// Holding the right to write: writes what it can without blocking, then what piled up meanwhile; hands the
    /// rest to the flusher when the pipe is full.
    private func writeNow(_ first: [UInt8]) {
        var batch = first
        while true {
            let written = writeWithoutBlocking(batch)
            condition.lock()
            if written < batch.count {
                pending.insert(contentsOf: batch[written...], at: 0)
                flusherWrites = true
                condition.signal()
                return condition.unlock()
            }
            if pending.isEmpty {
                writing = false
                if closing { condition.broadcast() }
                return condition.unlock()
            }
            batch.removeAll(keepingCapacity: true)
            swap(&batch, &pending)
            condition.unlock()
        }
    }

    private func flusher() {
        var batch: [UInt8] = []
        condition.lock()
        while true {
            while !flusherWrites && !(closing && !writing) { condition.wait() }
            if !flusherWrites {
                // Closing, nobody writing: whatever is left was appended while no one held the right to write.
                if pending.isEmpty { break }
                writing = true
                flusherWrites = true
            }
            swap(&batch, &pending)
            condition.unlock()
            writeBlocking(batch)
            batch.removeAll(keepingCapacity: true)
            condition.lock()
            if pending.isEmpty {
                flusherWrites = false
                writing = false
                if closing { break }
            }
        }
        condition.unlock()
        finished.signal()
    }

    /// Bytes written before the pipe filled up (all of them, or fewer); a closed pipe counts as written.
    private func writeWithoutBlocking(_ bytes: [UInt8]) -> Int {
        guard let nonBlocking else { return 0 }
        return bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(nonBlocking, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN { return offset }
                    return buffer.count  // the reader went away; nothing useful left to do with the output
                }
                offset += n
            }
            return offset
        }
    }

    private func writeBlocking(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // the reader went away
                }
                offset += n
            }
        }
    }

    /// Opening a pipe through /proc makes a new description of it, so O_NONBLOCK there leaves the inherited
    /// one (which other processes may share) untouched.
    private static func openNonBlocking(_ fd: Int32) -> Int32? {
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFIFO else { return nil }
        let reopened = open("/proc/self/fd/\(fd)", O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        return reopened >= 0 ? reopened : nil
    }
}
