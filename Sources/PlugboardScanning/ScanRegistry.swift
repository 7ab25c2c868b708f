import Crypto
import Foundation
import PlugboardJSON
import PlugboardSandbox
import Synchronization

/// What scans found, on disk, by file: path, size, modification time and SHA-256. A file that changes in any of
/// them is scanned again; an unchanged one is not (a warm start costs a stat and a hash per file). The file is
/// a cache: deleting it only means files are scanned again; one that is corrupt or written by another build is
/// ignored and rewritten.
public final class ScanRegistry: Sendable {
    public struct Entry: Sendable, Equatable {
        public var size: Int64
        public var modified: Int64  // nanoseconds since the epoch
        public var sha256: String
        public var outcome: PluginScan.Outcome
        public var scannedAt: String
    }

    static let format = "plugboard-scan-registry-1"
    public let path: String
    private let fingerprint: String
    private let entries: Mutex<[String: Entry]>

    public init(directory: String, fingerprint: String = PluginScan.hostFingerprint) {
        path = directory + "/scan-registry.json"
        self.fingerprint = fingerprint
        entries = Mutex(Self.read(path, fingerprint: fingerprint))
    }

    /// The file's identity on disk now: what an entry must match.
    public struct Stamp: Sendable, Equatable {
        var size: Int64
        var modified: Int64
        var sha256: String
    }

    public static func stamp(of file: String) -> Stamp? {
        var status = stat()
        guard stat(file, &status) == 0, let data = FileManager.default.contents(atPath: file) else { return nil }
        let modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return Stamp(size: Int64(status.st_size), modified: modified, sha256: digest)
    }

    /// The entry for `file` when it was made for the file as it is now. A verdict is about bytes: the same
    /// content scanned under another path (a copy into another plugin directory) counts too, and is recorded
    /// under this path as well.
    public func entry(for file: String, stamp: Stamp) -> Entry? {
        let (found, copy) = entries.withLock { entries -> (Entry?, Entry?) in
            if let entry = entries[file], entry.size == stamp.size, entry.modified == stamp.modified, entry.sha256 == stamp.sha256 {
                return (entry, nil)
            }
            return (nil, entries.values.first { $0.sha256 == stamp.sha256 && $0.size == stamp.size })
        }
        if let found { return found }
        guard let copy else { return nil }
        let entry = Entry(size: stamp.size, modified: stamp.modified, sha256: stamp.sha256, outcome: copy.outcome, scannedAt: copy.scannedAt)
        write(entries.withLock { entries in
            entries[file] = entry
            return entries
        })
        return entry
    }

    public func record(_ outcome: PluginScan.Outcome, for file: String, stamp: Stamp) -> Entry {
        let entry = Entry(size: stamp.size, modified: stamp.modified, sha256: stamp.sha256, outcome: outcome,
                          scannedAt: ISO8601DateFormatter().string(from: Date()))
        let snapshot = entries.withLock { entries in
            entries[file] = entry
            return entries
        }
        write(snapshot)
        return entry
    }

    // MARK: - The file

    /// Enough for any real deployment's files and their past builds; beyond it, the oldest scans are forgotten (and
    /// done again if those files come back).
    static let capacity = 4_096

    private func write(_ snapshot: [String: Entry]) {
        var kept = snapshot
        if kept.count > Self.capacity {
            let newest = kept.sorted { $0.value.scannedAt > $1.value.scannedAt }.prefix(Self.capacity)
            kept = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
            entries.withLock { $0 = kept }
        }
        var files: [(key: String, value: JSONValue)] = []
        for (file, entry) in kept.sorted(by: { $0.key < $1.key }) {
            var fields: [(key: String, value: JSONValue)] = [
                ("size", .int(Int(entry.size))), ("modified_ns", .int(Int(entry.modified))), ("sha256", .string(entry.sha256)),
                ("scanned_at", .string(entry.scannedAt)),
            ]
            switch entry.outcome {
            case .passed(let id, let version, let components):
                fields += [("outcome", .string("passed")), ("id", .string(id)), ("version", .string(version)), ("components", .int(components))]
            case .refused(let detail): fields += [("outcome", .string("refused")), ("detail", .string(detail))]
            case .misbehaved(let detail): fields += [("outcome", .string("quarantined")), ("detail", .string(detail))]
            }
            files.append((file, .object(JSONObject(fields))))
        }
        let document = JSONValue.object(JSONObject([
            ("format", .string(Self.format)), ("host", .string(fingerprint)), ("files", .object(JSONObject(files))),
        ]))
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(document.serialized)) else { return }
        if rename(temporary, path) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }

    private static func read(_ path: String, fingerprint: String) -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path), let document = try? JSONParser.parse(Array(data)),
              document["format"]?.stringValue == format, document["host"]?.stringValue == fingerprint,
              let files = document["files"]?.objectValue else { return [:] }
        var entries: [String: Entry] = [:]
        for (file, value) in files.members {
            guard let size = value["size"]?.int64Value, let modified = value["modified_ns"]?.int64Value,
                  let sha = value["sha256"]?.stringValue, let at = value["scanned_at"]?.stringValue else { continue }
            let outcome: PluginScan.Outcome
            switch value["outcome"]?.stringValue {
            case "passed":
                guard let id = value["id"]?.stringValue, let version = value["version"]?.stringValue else { continue }
                outcome = .passed(id: id, version: version, components: Int(value["components"]?.int64Value ?? 0))
            case "refused": outcome = .refused(value["detail"]?.stringValue ?? "")
            case "quarantined": outcome = .misbehaved(value["detail"]?.stringValue ?? "")
            default: continue
            }
            entries[file] = Entry(size: size, modified: modified, sha256: sha, outcome: outcome, scannedAt: at)
        }
        return entries
    }
}
