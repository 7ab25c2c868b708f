import Foundation
import Logging
import PlugboardJSON

/// `logging.format: "json"`: one JSON object per line on stderr, for log shippers (Vector, Fluent Bit,
/// Promtail): `timestamp` (RFC 3339 in UTC, milliseconds), `level`, `logger`, `message`, and the record's
/// metadata as members of their own. Each line goes out in one write, so lines from several threads never
/// interleave.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let descriptor: Int32

    public init(label: String, level: Logger.Level, descriptor: Int32 = 2) {
        self.label = label
        self.logLevel = level
        self.descriptor = descriptor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var members: [(key: String, value: JSONValue)] = [
            ("timestamp", .string(Self.timestamp(Date()))),
            ("level", .string(event.level.rawValue)),
            ("logger", .string(label)),
            ("message", .string(event.message.description)),
        ]
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        if let error = event.error { all["error"] = .string("\(error)") }
        let reserved: Set<String> = ["timestamp", "level", "logger", "message"]
        for key in all.keys.sorted() {
            members.append((key: reserved.contains(key) ? "metadata.\(key)" : key, value: Self.json(all[key]!)))
        }
        var line = JSONValue.object(JSONObject(members)).serialized
        line.append(0x0A)
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(JSONObject(members.keys.sorted().map { (key: $0, value: json(members[$0]!)) }))
        }
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
