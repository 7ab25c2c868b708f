import Foundation
import PlugboardAccess
import PlugboardCore
import PlugboardHost
import PlugboardJSON
import PlugboardMCP

/// Renders audit events as one JSON object per line and hands them to the `AuditLog` writer. Field names are
/// fixed (docs/TEAMS.md); the token appears only as its configured id and a 12-digit prefix of its SHA-256.
struct AuditTrail: Sendable {
    let log: AuditLog

    func call(_ record: CallRecord) {
        var fields: [(String, JSONValue)] = [
            ("time", .string(Self.timestamp())), ("event", .string("call")),
            ("team", record.team.map(JSONValue.string) ?? .null),
            ("token_id", record.tokenID.map(JSONValue.string) ?? .null),
            ("token_sha256", record.tokenHash.map(JSONValue.string) ?? .null),
        ]
        if let identity = record.identity {  // a JWT: who it names, never the token
            fields += [("issuer", .string(identity.issuer)), ("subject", .string(identity.subject)),
                       ("jti", identity.tokenID.map(JSONValue.string) ?? .null)]
        }
        // Which access rules let the caller see more, and which hid something from it.
        if !record.rulesMet.isEmpty { fields.append(("rules_met", .array(record.rulesMet.map(JSONValue.string)))) }
        if !record.rulesUnmet.isEmpty { fields.append(("rules_unmet", .array(record.rulesUnmet.map(JSONValue.string)))) }
        fields += [
            ("surface", .string(record.surface)), ("kind", .string(record.kind.rawValue)),
            ("component", .string(record.exposed)), ("version", record.version.map(JSONValue.string) ?? .null),
            ("provider", record.provider.map { .string($0.id) } ?? .null),
            ("provider_version", record.provider.map { .string($0.version) } ?? .null),
            ("provider_sha256", record.provider?.digest.map(JSONValue.string) ?? .null),
            ("duration_ms", .double(Self.milliseconds(record.duration))),
            ("rate_wait_ms", .double(Self.milliseconds(record.rateWait))),
            ("outcome", .string(record.outcome)),
        ]
        if let detail = record.detail {
            fields.append(("error", .string(detail)))
            // A worker's death is named in the error ("… its worker (pid N) died of SIGSEGV …").
            if let range = detail.range(of: "its worker") { fields.append(("worker_exit", .string(String(detail[range.lowerBound...])))) }
        }
        write(fields)
    }

    /// A bearer token refused: why, and what it claims to be (unverified), never the token.
    func refusal(_ refusal: AccessRefusal) {
        write([
            ("time", .string(Self.timestamp())), ("event", .string("token_refused")),
            ("status", .int(refusal.status)), ("reason", .string(refusal.reason)), ("resource", .string(refusal.resource)),
            ("token_sha256", .string(refusal.tokenHash)),
            ("claimed_issuer", refusal.claimedIssuer.map(JSONValue.string) ?? .null),
            ("claimed_subject", refusal.claimedSubject.map(JSONValue.string) ?? .null),
            ("claimed_jti", refusal.claimedTokenID.map(JSONValue.string) ?? .null),
        ])
    }

    func load(_ plugin: PluginIdentity, placement: InstancePlacement, isolation: String, event: String = "load") {
        write([
            ("time", .string(Self.timestamp())), ("event", .string(event)),
            ("team", placement.team.map(JSONValue.string) ?? .null),
            ("namespace", placement.namespace.map(JSONValue.string) ?? .null),
            ("provider", .string(plugin.id)), ("provider_version", .string(plugin.version)),
            ("provider_sha256", .string(plugin.digest)), ("file", .string(plugin.file)), ("isolation", .string(isolation)),
            ("signed_by", plugin.signedBy.map { .string($0.name) } ?? .null),
        ])
    }

    func loadFailed(_ plugin: PluginIdentity, placement: InstancePlacement, message: String) {
        write([
            ("time", .string(Self.timestamp())), ("event", .string("load_failed")),
            ("team", placement.team.map(JSONValue.string) ?? .null),
            ("namespace", placement.namespace.map(JSONValue.string) ?? .null),
            ("provider", .string(plugin.id)), ("provider_sha256", .string(plugin.digest)), ("error", .string(message)),
        ])
    }

    private func write(_ fields: [(String, JSONValue)]) {
        let object = JSONObject(fields.map { (key: $0.0, value: $0.1) })
        log.append(String(decoding: JSONValue.object(object).serialized, as: UTF8.self))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        (duration.inMilliseconds * 1000).rounded() / 1000
    }

    /// UTC, milliseconds: `2026-11-21T07:13:08.123Z`.
    static func timestamp(_ date: Date = Date()) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        let millis = Int((seconds - seconds.rounded(.down)) * 1000)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}
