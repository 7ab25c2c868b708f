import Foundation
import JWTKit
import Logging
import PlugboardConfig
import PlugboardMCP

/// One trusted issuer: verifies the signature of its tokens with its keys (jwt-kit), then the registered claims
/// (`exp`, `nbf`, `iat` within the clock skew, `aud`), then maps the team claim to a team.
struct JWTIssuer: Sendable {
    let config: RuntimeConfig.Issuer
    let keys: IssuerKeys
    let clockSkew: Double
    /// The teams of this server: a claim value that equals one names it.
    let knownTeams: Set<String>

    init(_ config: RuntimeConfig.Issuer, clockSkewSeconds: Int, teams: Set<String>, logger: Logger) {
        self.config = config
        self.keys = IssuerKeys(issuer: config, logger: logger)
        self.clockSkew = Double(clockSkewSeconds)
        self.knownTeams = teams
    }

    /// What a verified token says: who, for which team, until when, for which audiences.
    struct Verified: Sendable {
        let identity: TokenIdentity
        let team: String
        let expires: Double
        let audiences: [String]
        let claims: AccessTokenClaims
    }

    func verify(_ token: UnverifiedToken, now: Double = Date().timeIntervalSince1970) async -> Result<Verified, TokenRefusal> {
        guard config.algorithms.contains(token.algorithm) else {
            return .failure(.invalid("tokens signed with '\(token.algorithm)' are not accepted from \(config.issuer) "
                + "(accepted: \(config.algorithms.joined(separator: ", ")))"))
        }
        guard let kid = token.keyID else {
            return .failure(.invalid("the token's header names no 'kid'; the key that signed it must be named"))
        }
        guard let (snapshot, key) = await keys.key(kid) else {
            return .failure(.notYet("no key '\(kid)' is known for issuer \(config.issuer) (its JWKS does not list it)"))
        }
        if let problem = Self.mismatch(algorithm: token.algorithm, key: key) { return .failure(.invalid(problem)) }
        let claims: AccessTokenClaims
        do {
            guard let collection = snapshot.collections[token.algorithm] else { throw KeyProblem("no key for \(token.algorithm)") }
            claims = try await collection.verify(token.text, as: AccessTokenClaims.self)
        } catch {
            return .failure(.invalid("the token's signature does not verify with key '\(kid)' of \(config.issuer)"))
        }
        return check(claims, now: now)
    }

    /// The algorithms a key verifies: the one it names, or those its type and curve are for.
    static func algorithms(for key: JWK) -> [String] {
        if let named = key.algorithm?.rawValue { return RuntimeConfig.Issuer.signingAlgorithms.contains(named) ? [named] : [] }
        return RuntimeConfig.Issuer.signingAlgorithms.filter { mismatch(algorithm: $0, key: key) == nil }
    }

    /// A key is used only with the algorithm its type is for (and the one it names, if it names one): an RSA key
    /// never verifies an ES256 or HMAC signature.
    static func mismatch(algorithm: String, key: JWK) -> String? {
        let kid = key.keyIdentifier?.string ?? "?"
        if let named = key.algorithm?.rawValue, named != algorithm {
            return "key '\(kid)' is for \(named), but the token says it is signed with \(algorithm)"
        }
        let type = key.keyType.rawValue
        let curve = key.curve?.rawValue
        let fits = switch algorithm {
        case "RS256", "PS256": type == "RSA"
        case "ES256": type == "EC" && curve == "P-256"
        case "EdDSA": type == "OKP" && curve == "Ed25519"
        default: false
        }
        return fits ? nil : "key '\(kid)' (\(type)\(curve.map { " \($0)" } ?? "")) cannot verify a \(algorithm) signature"
    }

    private func check(_ claims: AccessTokenClaims, now: Double) -> Result<Verified, TokenRefusal> {
        guard claims.issuer == config.issuer else { return .failure(.invalid("the token's 'iss' is not \(config.issuer)")) }
        guard let expires = claims.expires else { return .failure(.invalid("the token has no 'exp'; access tokens must expire")) }
        guard now < expires + clockSkew else {
            return .failure(.invalid("the token expired at \(Self.time(expires)); get a new one from \(config.issuer)"))
        }
        if let notBefore = claims.notBefore, now + clockSkew < notBefore {
            return .failure(.notYet("the token is not valid before \(Self.time(notBefore)) ('nbf')"))
        }
        if let issuedAt = claims.issuedAt, now + clockSkew < issuedAt {
            return .failure(.notYet("the token says it was issued at \(Self.time(issuedAt)), in the future ('iat')"))
        }
        guard let subject = claims.subject, !subject.isEmpty else { return .failure(.invalid("the token has no 'sub'")) }
        if claims.audiences.isEmpty { return .failure(.invalid("the token has no 'aud'; it must name this server")) }
        let identity = TokenIdentity(issuer: config.issuer, subject: subject, tokenID: claims.tokenID)
        return team(of: claims).map { Verified(identity: identity, team: $0, expires: expires, audiences: claims.audiences, claims: claims) }
    }

    /// The team the team claim names: one value that maps to one configured team.
    private func team(of claims: AccessTokenClaims) -> Result<String, TokenRefusal> {
        let claim = config.teamClaim
        guard let values = claims[claim]?.strings, !values.isEmpty else {
            return .failure(.forbidden("the token has no '\(claim)' claim (a string or a list of strings), which names the team it acts for"))
        }
        let teams = Set(values.compactMap { config.teams[$0] ?? (knownTeams.contains($0) ? $0 : nil) })
        switch teams.count {
        case 1: return .success(teams.first!)
        case 0: return .failure(.forbidden("the token's '\(claim)' (\(values.joined(separator: ", "))) names no team of this server"))
        default:
            return .failure(.forbidden("the token's '\(claim)' names several teams (\(teams.sorted().joined(separator: ", "))); "
                + "a token must act for one team"))
        }
    }

    /// Whether the token may be used on `resource` (the surface's canonical URL).
    func accepts(audiences: [String], resource: String) -> Bool {
        let accepted = config.audiences.isEmpty ? [resource] : config.audiences
        return audiences.contains(where: accepted.contains)
    }

    static func time(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }
}
