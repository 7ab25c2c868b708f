import Foundation
import JWTKit

/// The claims of a JWT access token, all of them: the registered ones `JWTIssuer` checks, and whichever one the
/// configuration names as the team's (`team`, `groups`, a custom claim).
struct AccessTokenClaims: JWTPayload {
    var claims: [String: ClaimValue]

    subscript(name: String) -> ClaimValue? { claims[name] }

    var issuer: String? { claims["iss"]?.string }
    var subject: String? { claims["sub"]?.string }
    var tokenID: String? { claims["jti"]?.string }
    /// `aud` is a string or an array of strings (RFC 7519 §4.1.3).
    var audiences: [String] { claims["aud"]?.strings ?? [] }
    var expires: Double? { claims["exp"]?.number }
    var notBefore: Double? { claims["nbf"]?.number }
    var issuedAt: Double? { claims["iat"]?.number }
    /// OAuth scopes: `scope` (space-separated, RFC 9068) or `scp` (a list, as Entra and Okta send).
    var scopes: Set<String> {
        var scopes = Set(claims["scope"]?.string?.split(separator: " ").map(String.init) ?? [])
        if let listed = claims["scp"]?.strings { scopes.formUnion(listed.flatMap { $0.split(separator: " ").map(String.init) }) }
        return scopes
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ClaimName.self)
        var claims: [String: ClaimValue] = [:]
        for key in container.allKeys {
            claims[key.stringValue] = (try? container.decode(ClaimValue.self, forKey: key)) ?? .other
        }
        self.claims = claims
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ClaimName.self)
        for (name, value) in claims { try container.encode(value, forKey: ClaimName(stringValue: name)) }
    }

    /// Nothing: the registered claims are checked by the issuer that accepted the signature, which knows the
    /// audiences and the clock skew (`JWTIssuer.check`).
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    struct ClaimName: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A claim's value, as far as access decisions need one.
enum ClaimValue: Codable, Sendable, Equatable {
    case string(String)
    case strings([String])
    case number(Double)
    case bool(Bool)
    /// An object, a mixed array, null: never a team name or an audience.
    case other

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var number: Double? { if case .number(let value) = self { value } else { nil } }
    /// A string as a one-element list, or the list.
    var strings: [String]? {
        switch self {
        case .string(let value): [value]
        case .strings(let values): values
        default: nil
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode([String].self) { self = .strings(value) }
        else { self = .other }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .strings(let values): try container.encode(values)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .other: try container.encodeNil()
        }
    }
}
