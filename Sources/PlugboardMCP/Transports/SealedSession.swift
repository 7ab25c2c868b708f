import Glibc
import PlugboardCore
import PlugboardJSON

/// Seals a handshake-era session's state into its `Mcp-Session-Id` and opens it again: with the key shared by
/// every replica, any replica answers any request of any session, behind a load balancer without affinity.
public protocol SessionSealing: Sendable {
    /// The id that carries `state`: encrypted and authenticated, so a client can neither read nor change it.
    func seal(_ state: [UInt8]) throws -> String
    /// The state `id` carries; nil when this host did not seal it (forged, tampered with, truncated, or sealed
    /// with a key it no longer holds).
    func open(_ id: String) -> [UInt8]?
}

/// What a handshake-era session is, as its id carries it: what the handshake fixed (protocol version, the
/// client's capabilities), where it talks (surface), whose it is (owner), its log level when sealed, and when
/// it ends. What changes later (`logging/setLevel`, requests in flight, the GET stream) lives on the replica that
/// sees it.
struct SealedSession: Equatable {
    var protocolVersion: String
    var surface: String
    var owner: SessionOwner?
    var logLevel: LogLevel?
    var clientCapabilities: JSONValue?
    /// Seconds since the Unix epoch (wall clock: replicas share no monotonic clock).
    var expires: Int64

    /// Capabilities larger than this keep only their names: the id travels in every request's headers.
    static let maxCapabilityBytes = 1024

    var encoded: [UInt8] {
        var object: JSONObject = ["v": .string(protocolVersion), "s": .string(surface), "e": .number(String(expires))]
        if let owner { object["o"] = owner.json }
        if let logLevel { object["l"] = .string(logLevel.name) }
        if let clientCapabilities { object["c"] = Self.bounded(clientCapabilities) }
        return JSONValue.object(object).serialized
    }

    init(protocolVersion: String, surface: String, owner: SessionOwner?, logLevel: LogLevel? = nil,
         clientCapabilities: JSONValue? = nil, expires: Int64) {
        self.protocolVersion = protocolVersion
        self.surface = surface
        self.owner = owner
        self.logLevel = logLevel
        self.clientCapabilities = clientCapabilities
        self.expires = expires
    }

    /// The state in `bytes`; nil when they are not what `encoded` writes (only a key holder can seal, so this
    /// means a key shared with something else, or a host of another version).
    init?(decoding bytes: [UInt8]) {
        guard case .object(let object)? = try? JSONParser.parse(bytes),
              let version = object["v"]?.stringValue, let surface = object["s"]?.stringValue,
              let expires = object["e"]?.int64Value else { return nil }
        var owner: SessionOwner?
        if let raw = object["o"] {
            guard let decoded = SessionOwner(json: raw) else { return nil }
            owner = decoded
        }
        var level: LogLevel?
        if let raw = object["l"] {
            guard let name = raw.stringValue, let decoded = LogLevel(name: name) else { return nil }
            level = decoded
        }
        self.init(protocolVersion: version, surface: surface, owner: owner, logLevel: level,
                  clientCapabilities: object["c"], expires: expires)
    }

    static func bounded(_ capabilities: JSONValue) -> JSONValue {
        guard capabilities.serialized.count > maxCapabilityBytes, let object = capabilities.objectValue else { return capabilities }
        return .object(JSONObject(object.keys.map { (key: $0, value: JSONValue.object([:])) }))
    }

    /// Now, in the seconds `expires` counts.
    static var now: Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec)
    }
}

/// Whose a session is, by what `Principal.matches` compares: the team and the credentials (the configured id of
/// a static token; the issuer and subject of a JWT, so a refreshed access token keeps the session).
struct SessionOwner: Equatable {
    var team: String
    var tokenID: String?
    var issuer: String?
    var subject: String?

    init(_ principal: Principal) {
        team = principal.team
        if let identity = principal.identity {
            issuer = identity.issuer
            subject = identity.subject
        } else {
            tokenID = principal.tokenID
        }
    }

    /// Whether `principal` may use a session this owner opened.
    func admits(_ principal: Principal?) -> Bool {
        guard let principal, principal.team == team else { return false }
        if let issuer {
            return principal.identity?.issuer == issuer && principal.identity?.subject == subject
        }
        return principal.identity == nil && principal.tokenID == tokenID
    }

    var json: JSONValue {
        var object: JSONObject = ["t": .string(team)]
        if let tokenID { object["k"] = .string(tokenID) }
        if let issuer { object["i"] = .string(issuer) }
        if let subject { object["u"] = .string(subject) }
        return .object(object)
    }

    init?(json: JSONValue) {
        guard let team = json["t"]?.stringValue else { return nil }
        self.team = team
        tokenID = json["k"]?.stringValue
        issuer = json["i"]?.stringValue
        subject = json["u"]?.stringValue
        guard (issuer == nil) == (subject == nil) else { return nil }
    }
}

/// The owner check for sessions with and without an owner: the operator's sessions (no owner) only without
/// credentials, a team's only with its own.
extension Optional where Wrapped == SessionOwner {
    func admits(_ principal: Principal?) -> Bool {
        switch self {
        case .none: principal == nil
        case .some(let owner): owner.admits(principal)
        }
    }
}
