import Foundation
import PlugboardConfig
import Synchronization

/// The audit trail's writer: callers append finished lines (no I/O, one short lock); a thread of its own writes
/// them in batches, so a slow disk never holds up a request. A file past `rotateBytes` becomes `<file>.1`
/// (older ones move up to `.keep`) and a new file is started.
public final class AuditLog: Sendable {
    private struct Queue {
        var lines: [String] = []
        var closed = false
    }
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let spec: RuntimeConfig.AuditSpec

    /// Opens (creating or appending to) the destination and starts the writer thread.
    public init(_ spec: RuntimeConfig.AuditSpec) throws(AuditLogError) {
        self.spec = spec
        let sink = try Sink(spec)
        let thread = Thread { [self] in self.drain(into: sink) }
        thread.name = "plugboard.audit"
        thread.start()
    }

    /// Queues one line (without its newline).
    public func append(_ line: String) {
        let accepted = queue.withLock { queue in
            guard !queue.closed else { return false }
            queue.lines.append(line)
            return true
        }
        if accepted { wake.signal() }
    }

    /// Writes everything queued, then stops the writer. Later lines are dropped.
    public func close() {
        let first = queue.withLock { queue in
            defer { queue.closed = true }
            return !queue.closed
        }
        guard first else { return }
        wake.signal()
        done.wait()
    }

    private func drain(into sink: Sink) {
        var sink = sink
        while true {
            wake.wait()
            let (lines, closed) = queue.withLock { queue in
                defer { queue.lines.removeAll(keepingCapacity: true) }
                return (queue.lines, queue.closed)
            }
            if !lines.isEmpty { sink.write(lines) }
            if closed { break }
        }
        sink.close()
        done.signal()
    }

    /// Where lines go: stderr, or a file that rotates by size.
    private struct Sink {
        let spec: RuntimeConfig.AuditSpec
        var handle: FileHandle
        var size: Int

        init(_ spec: RuntimeConfig.AuditSpec) throws(AuditLogError) {
            self.spec = spec
            switch spec.destination {
            case .stderr:
                handle = .standardError
                size = 0
            case .file(let path):
                (handle, size) = try Self.open(path)
            }
        }

        static func open(_ path: String) throws(AuditLogError) -> (FileHandle, Int) {
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw AuditLogError("cannot create the audit log '\(path)': check that its directory exists and is writable")
                }
            }
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw AuditLogError("cannot open the audit log '\(path)' for writing: check its permissions")
            }
            let size = Int((try? handle.seekToEnd()) ?? 0)
            return (handle, size)
        }

        mutating func write(_ lines: [String]) {
            var bytes = Data()
            for line in lines {
                bytes.append(contentsOf: line.utf8)
                bytes.append(0x0A)
            }
            try? handle.write(contentsOf: bytes)
            guard case .file(let path) = spec.destination else { return }
            size += bytes.count
            if size >= spec.rotateBytes { rotate(path) }
        }

        /// `<file>` -> `<file>.1` -> … -> `<file>.keep` (the oldest is dropped), then a fresh `<file>`.
        mutating func rotate(_ path: String) {
            try? handle.close()
            let files = FileManager.default
            try? files.removeItem(atPath: "\(path).\(spec.keep)")
            if spec.keep > 1 {
                for index in stride(from: spec.keep - 1, through: 1, by: -1) where files.fileExists(atPath: "\(path).\(index)") {
                    try? files.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
                }
            }
            try? files.moveItem(atPath: path, toPath: "\(path).1")
            if let opened = try? Self.open(path) {
                handle = opened.0
                size = opened.1
            }
        }

        func close() {
            if case .file = spec.destination { try? handle.close() }
        }
    }
}

public struct AuditLogError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
