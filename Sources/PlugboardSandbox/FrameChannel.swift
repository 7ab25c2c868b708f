import Glibc
import Synchronization

/// One end of the socketpair: whole frames in, whole frames out. Reads block (each side reads on a thread of its
/// own); writes are serialized and give up after `writeTimeout` when the peer stops reading, so a stuck worker
/// can never stall the host.
public final class FrameChannel: Sendable {
    public let descriptor: Int32
    /// The largest frame the peer may send; a longer length prefix is a protocol violation.
    public let readLimit: Int
    private let writeTimeoutMilliseconds: Int32
    private let writeLock = Mutex(())
    private let buffer = Mutex(ReadBuffer())

    struct ReadBuffer {
        var bytes: [UInt8] = []
        var start = 0
        var chunk = [UInt8](repeating: 0, count: 65536)
    }

    public init(descriptor: Int32, readLimit: Int, writeTimeout: Duration = .seconds(5)) {
        self.descriptor = descriptor
        self.readLimit = readLimit
        let (seconds, attoseconds) = writeTimeout.components
        writeTimeoutMilliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// Sends a frame built by `FrameWriter.frame`. Throws when the peer is gone or does not read in time.
    public func send(_ frame: [UInt8]) throws(FrameError) {
        try writeLock.withLock { _ throws(FrameError) in
            var sent = 0
            while sent < frame.count {
                let count = frame.withUnsafeBytes { raw in
                    Glibc.send(descriptor, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                }
                if count > 0 {
                    sent += count
                } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    if poll(&poller, 1, writeTimeoutMilliseconds) == 0 {
                        throw FrameError("the peer has not read for \(writeTimeoutMilliseconds) ms")
                    }
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    throw FrameError("the connection is closed (\(String(cString: strerror(errno))))", peerClosed: true)
                }
            }
        }
    }

    /// The next frame's payload (type byte and fields), or nil at end of stream. Only one thread reads.
    public func receive() throws(FrameError) -> [UInt8]? {
        try buffer.withLock { buffer throws(FrameError) -> [UInt8]? in
            while true {
                let available = buffer.bytes.count - buffer.start
                if available >= 4 {
                    let length = (0..<4).reduce(0) { $0 | Int(buffer.bytes[buffer.start + $1]) << (8 * $1) }
                    guard length >= 1, length <= readLimit else {
                        throw FrameError("a frame of \(length) bytes exceeds the limit of \(readLimit) bytes")
                    }
                    if available >= 4 + length {
                        let payload = Array(buffer.bytes[(buffer.start + 4)..<(buffer.start + 4 + length)])
                        buffer.start += 4 + length
                        if buffer.start == buffer.bytes.count {
                            buffer.bytes.removeAll(keepingCapacity: true)
                            buffer.start = 0
                        }
                        return payload
                    }
                }
                if buffer.start > 0 {
                    buffer.bytes.removeSubrange(0..<buffer.start)
                    buffer.start = 0
                }
                let count = buffer.chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count == 0 { return nil }
                if count < 0 {
                    if errno == EINTR { continue }
                    if errno == ECONNRESET { return nil }
                    throw FrameError("reading failed: \(String(cString: strerror(errno)))")
                }
                buffer.bytes.append(contentsOf: buffer.chunk[0..<count])
            }
        }
    }

    /// Waits until a frame can be read or `timeout` passes (for the handshake, before the reader thread starts).
    public func waitReadable(timeout: Duration) -> Bool {
        if buffer.withLock({ $0.bytes.count > $0.start }) { return true }
        let (seconds, attoseconds) = timeout.components
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        // Rounded up to whole milliseconds, so a wait for a deadline never wakes just before it.
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return poll(&poller, 1, Int32(clamping: milliseconds)) > 0
    }

    /// Ends both directions; the reader sees end of stream. The descriptor itself is closed with the channel.
    public func close() { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }

    deinit { Glibc.close(descriptor) }
}
