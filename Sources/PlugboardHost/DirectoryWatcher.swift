import CPosix
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What settled in a watched directory since the last batch.
public struct DirectoryChangeBatch: Sendable, Equatable {
    /// Provider files completely written (closed after writing) or moved in: load or replace them.
    public var settled: Set<String> = []
    /// Provider files deleted or moved away: unload them.
    public var removed: Set<String> = []
    /// The kernel dropped events (queue overflow) or the directory itself moved: rescan everything.
    public var needsRescan = false

    public var isEmpty: Bool { settled.isEmpty && removed.isEmpty && !needsRescan }
}

/// Watches one directory with inotify and reports debounced batches of settled provider files.
///
/// It acts only on close-after-write and moved-in, so a file still being copied is never reported; names that are
/// not provider files (dot-files, `*.tmp`) are ignored, so the usual "write a temp file, then rename" pattern
/// yields exactly one event for the final name. Events arriving within `debounce` of each other are merged, so a
/// build that rewrites a file several times reloads it once. A dedicated thread blocks in poll(2): no sleeps.
public final class DirectoryWatcher: Sendable {
    public let directory: String
    private let inotifyFD: Int32
    private let wakePipe: (read: Int32, write: Int32)
    private let state = Mutex<State>(State())

    private struct State {
        var stopped = false
        var thread: pthread_t?
    }

    public enum WatchError: Error, Sendable, CustomStringConvertible {
        case cannotWatch(directory: String, reason: String)
        /// The watch ended without `stop()`: changes there are no longer picked up.
        case stopped(directory: String, reason: String)
        public var description: String {
            switch self {
            case .cannotWatch(let directory, let reason): "cannot watch plugin directory \(directory): \(reason)"
            case .stopped(let directory, let reason):
                "stopped watching plugin directory \(directory): \(reason); files added there will not be picked up until a restart"
            }
        }
    }

    /// Starts watching. `onBatch` runs on the watcher's thread; keep it short (hand work to a task). `onFailure`
    /// is told if the watch ends on its own (its descriptors failed), never after `stop()`.
    ///
    /// The default quiet time is short because an operator's drop-in waits for all of it: the events of one copy
    /// or one build come within milliseconds of each other, and a burst split in two only reloads twice.
    public init(
        directory: String, debounce: Duration = .milliseconds(50),
        onBatch: @escaping @Sendable (DirectoryChangeBatch) -> Void,
        onFailure: @escaping @Sendable (WatchError) -> Void = { _ in }
    ) throws(WatchError) {
        self.directory = directory
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw .cannotWatch(directory: directory, reason: String(cString: strerror(errno))) }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
        guard inotify_add_watch(fd, directory, mask) >= 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .cannotWatch(directory: directory, reason: reason + " (does the directory exist and is it readable?)")
        }
        // Close-on-exec from the start: a process spawned meanwhile by another thread must not hold the write end.
        var fds: [Int32] = [0, 0]
        guard pb_pipe_cloexec(&fds) == 0 else {
            close(fd)
            throw .cannotWatch(directory: directory, reason: "pipe: " + String(cString: strerror(errno)))
        }
        inotifyFD = fd
        wakePipe = (fds[0], fds[1])

        let loop = WatchLoop(directory: directory, inotifyFD: fd, wakeFD: fds[0], debounce: debounce, onBatch: onBatch) { reason in
            onFailure(.stopped(directory: directory, reason: reason))
        }
        let box = Unmanaged.passRetained(loop as AnyObject).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            let loop = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! WatchLoop
            loop.run()
            return nil
        }, box)
        if created != 0 {
            Unmanaged<AnyObject>.fromOpaque(box).release()
            close(fd); close(fds[0]); close(fds[1])
            throw .cannotWatch(directory: directory, reason: "cannot start the watcher thread")
        }
        state.withLock { $0.thread = thread }
    }

    /// Stops the thread and waits for it; no batch is delivered after this returns.
    public func stop() {
        let thread: pthread_t? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            return state.thread
        }
        guard let thread else { return }
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)
        pthread_join(thread, nil)
        close(inotifyFD)
        close(wakePipe.read)
        close(wakePipe.write)
    }

    deinit { stop() }
}

/// The watcher thread's state: it reads events, merges them, and flushes a batch when the directory is quiet.
private final class WatchLoop {
    let directory: String
    let inotifyFD: Int32
    let wakeFD: Int32
    let debounceMilliseconds: Int32
    let onBatch: @Sendable (DirectoryChangeBatch) -> Void
    let onFailure: @Sendable (String) -> Void
    var pending = DirectoryChangeBatch()

    init(directory: String, inotifyFD: Int32, wakeFD: Int32, debounce: Duration,
         onBatch: @escaping @Sendable (DirectoryChangeBatch) -> Void, onFailure: @escaping @Sendable (String) -> Void) {
        self.directory = directory
        self.inotifyFD = inotifyFD
        self.wakeFD = wakeFD
        let (seconds, attoseconds) = debounce.components
        debounceMilliseconds = Int32(max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        self.onBatch = onBatch
        self.onFailure = onFailure
    }

    func run() {
        var fds = [pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            // Quiet: wait forever. Something pending: wait for the debounce window, then flush.
            let timeout: Int32 = pending.isEmpty ? -1 : debounceMilliseconds
            let ready = poll(&fds, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return onFailure("poll failed: " + String(cString: strerror(errno)))
            }
            // `stop()` writes one byte; anything else there (its write end closed) means the pipe was broken.
            if fds[1].revents & Int16(POLLIN) != 0 { return }
            if fds[1].revents != 0 { return onFailure("the watcher's wake-up pipe failed (revents \(fds[1].revents))") }
            if fds[0].revents & Int16(POLLERR | POLLNVAL) != 0 {
                return onFailure("the inotify descriptor failed (revents \(fds[0].revents))")
            }
            if ready == 0 {
                let batch = confirmed(pending)
                pending = DirectoryChangeBatch()
                if !batch.isEmpty { onBatch(batch) }
                continue
            }
            drain(&buffer)
        }
    }

    /// The batch as the directory stands now. A close-after-write can be reported after the file's deletion: when
    /// another process (any child spawned while the file was open, until its exec) held the last reference to the
    /// open file, the close event comes when that reference goes. A "settled" file that is no longer there is
    /// reported removed, never as one to load.
    private func confirmed(_ batch: DirectoryChangeBatch) -> DirectoryChangeBatch {
        var batch = batch
        for name in batch.settled {
            var status = stat()
            if lstat(directory + "/" + name, &status) != 0 && errno == ENOENT {
                batch.settled.remove(name)
                batch.removed.insert(name)
            }
        }
        return batch
    }

    private func drain(_ buffer: inout [UInt8]) {
        while true {
            let count = buffer.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress, $0.count) }
            if count <= 0 { return }
            var offset = 0
            buffer.withUnsafeBytes { raw in
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[nameStart..<nameStart + Int(event.len)].prefix { $0 != 0 }
                    record(mask: event.mask, name: String(decoding: nameBytes, as: UTF8.self))
                    offset = nameStart + Int(event.len)
                }
            }
        }
    }

    private func record(mask: UInt32, name: String) {
        if mask & UInt32(IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 {
            pending.needsRescan = true
            return
        }
        // A signature written, replaced or removed: its provider file is checked again.
        if let signed = PluginFileName.signedFile(name) {
            guard mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM) != 0 else { return }
            pending.settled.insert(signed)
            pending.removed.remove(signed)
            return
        }
        guard PluginFileName.isCandidate(name) else { return }
        if mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0 {
            pending.settled.insert(name)
            pending.removed.remove(name)
        } else if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 {
            pending.removed.insert(name)
            pending.settled.remove(name)
        }
    }
}
