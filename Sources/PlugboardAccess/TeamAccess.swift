import Foundation
import Logging
import PlugboardConfig
import PlugboardCore
import PlugboardJSON
import PlugboardMCP

/// Who an HTTP request acts for when the host serves teams: a static team token, or a JWT access token from one
/// of the trusted issuers (`identity.issuers`), mapped to a team by its claim. Also the OAuth protected-resource
/// metadata (RFC 9728) that tells MCP clients where to get such a token.
public final class TeamAccess: BearerAuthenticator {
    public let teamStores: [String: RoutingTableStore]
    public let publicBaseURL: String?
    private let staticTokens: StaticTokens
    private let principals: [String: TeamPrincipals]
    private let issuers: [JWTIssuer]
    private let identity: RuntimeConfig.Identity
    private let verified = VerifiedTokens()
    private let refused = RefusedTokens()
    private let onRefusal: (@Sendable (AccessRefusal) -> Void)?
    private let rules: [RuntimeConfig.AccessRule]

    /// `onRefusal` hears of every token refused (a request without one is not reported: every client's first
    /// request is one).
    public init(config: RuntimeConfig, principals: [String: TeamPrincipals], logger: Logger,
                onRefusal: (@Sendable (AccessRefusal) -> Void)? = nil) {
        self.principals = principals
        self.onRefusal = onRefusal
        teamStores = principals.mapValues(\.store)
        staticTokens = StaticTokens(teams: config.teams, principals: principals)
        identity = config.identity
        rules = config.identity.rules
        publicBaseURL = config.identity.resource
        let teams = Set(principals.keys)
        issuers = config.identity.issuers.map {
            JWTIssuer($0, clockSkewSeconds: config.identity.clockSkewSeconds, teams: teams, logger: logger)
        }
    }

    /// Reads every issuer's keys, so the first request does not wait for them.
    public func start() async {
        await withTaskGroup { group in
            for issuer in issuers { group.addTask { await issuer.keys.refresh() } }
        }
    }

    /// SIGHUP: new and revoked static tokens and changed quotas apply at once; JWKS files are read again and
    /// verified tokens are checked anew. (New teams and issuers need a restart.)
    public func update(_ teams: [RuntimeConfig.Team]) {
        staticTokens.update(teams)
        verified.clear()
        refused.clear()
        Task { [issuers] in
            for issuer in issuers { await issuer.keys.refresh() }
        }
    }

    public func authenticate(authorization: String?, resource: String) async -> Authentication {
        guard let authorization else { return .refused(tokenGiven: false) }
        guard let token = Self.bearerToken(authorization) else {
            return .refused(tokenGiven: true, reason: "the Authorization header is not 'Bearer <token>'")
        }
        let digest = TokenDigest.of(token)  // once per request: the caches' key, the static tokens' hash, the audit's prefix
        if !issuers.isEmpty, UnverifiedToken.looksLikeJWT(token) {
            let outcome = await authenticateJWT(token, key: digest, resource: resource)
            if let onRefusal, let refusal = AccessRefusal(outcome, token: token, digest: digest, resource: resource) { onRefusal(refusal) }
            return outcome
        }
        if let principal = staticTokens.principal(digest: digest) { return .principal(principal) }
        onRefusal?(AccessRefusal(status: 401, reason: "unknown or revoked token", resource: resource, tokenHash: Self.hex(digest.prefix(6))))
        return .refused(tokenGiven: true)
    }

    /// Only a success is decided here: a token to refuse goes through `authenticate`, which reports it.
    public func authenticateNow(authorization: String, resource: String) -> Principal? {
        guard let token = Self.bearerToken(authorization) else { return nil }
        let digest = TokenDigest.of(token)
        guard !issuers.isEmpty, UnverifiedToken.looksLikeJWT(token) else { return staticTokens.principal(digest: digest) }
        let now = Date().timeIntervalSince1970
        guard let entry = verified.find(digest, now: now, skew: Double(identity.clockSkewSeconds)),
              audienceCheck(entry.audiences, issuer: issuers[entry.issuer], resource: resource) == nil else { return nil }
        return entry.principal
    }

    /// The token of `Bearer <token>`. RFC 6750: the scheme is case-insensitive; exactly one space before the
    /// token. Read in place: this runs on every request.
    static func bearerToken(_ authorization: String) -> Substring? {
        let scheme = "bearer ".utf8
        let utf8 = authorization.utf8
        guard utf8.count > scheme.count else { return nil }
        var index = utf8.startIndex
        for expected in scheme {
            let byte = utf8[index]
            // ASCII letters compare case-insensitively by their 0x20 bit; the space must match exactly.
            guard byte == expected || (expected != 0x20 && byte | 0x20 == expected) else { return nil }
            index = utf8.index(after: index)
        }
        return authorization[index...]
    }

    private func authenticateJWT(_ token: Substring, key: [UInt8], resource: String) async -> Authentication {
        let now = Date().timeIntervalSince1970
        if let entry = verified.find(key, now: now, skew: Double(identity.clockSkewSeconds)) {
            return audienceCheck(entry.audiences, issuer: issuers[entry.issuer], resource: resource) ?? .principal(entry.principal)
        }
        if let refusal = refused.find(key, now: now) { return refusal.authentication }
        switch await verify(token, key: key, now: now) {
        case .failure(let refusal):
            refused.insert(refusal, for: key, now: now)
            return refusal.authentication
        case .success(let (issuer, principal, found)):
            verified.insert(.init(principal: principal, issuer: issuer, expires: found.expires, audiences: found.audiences), for: key, now: now)
            return audienceCheck(found.audiences, issuer: issuers[issuer], resource: resource) ?? .principal(principal)
        }
    }

    /// Verifies a token not seen before: its shape, issuer and signature, the claims, the required scopes, the
    /// team, and the view of the team's tables its rules give.
    private func verify(_ token: Substring, key: [UInt8], now: Double) async -> Result<(Int, Principal, JWTIssuer.Verified), TokenRefusal> {
        let parsed: UnverifiedToken
        switch UnverifiedToken.parse(token) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let found): parsed = found
        }
        guard RuntimeConfig.Issuer.signingAlgorithms.contains(parsed.algorithm) else {
            return .failure(.invalid("tokens signed with '\(parsed.algorithm)' are never accepted "
                + "(accepted: \(RuntimeConfig.Issuer.signingAlgorithms.joined(separator: ", ")))"))
        }
        guard let index = issuers.firstIndex(where: { $0.config.issuer == parsed.issuer }) else {
            let named = parsed.issuer.map { "'\($0)'" } ?? "no issuer"
            return .failure(.invalid("the token's 'iss' names \(named), which this server does not trust "
                + "(trusted: \(issuers.map(\.config.issuer).joined(separator: ", ")))"))
        }
        let issuer = issuers[index]
        let found: JWTIssuer.Verified
        switch await issuer.verify(parsed, now: now) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let verified): found = verified
        }
        let missing = identity.requiredScopes.filter { !found.claims.scopes.contains($0) }
        if !missing.isEmpty {
            return .failure(.insufficientScope(scope: identity.requiredScopes.joined(separator: " "),
                reason: "the token lacks the scope\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) this server requires; "
                    + "ask \(issuer.config.issuer) for a token with scope=\"\(identity.requiredScopes.joined(separator: " "))\""))
        }
        guard let team = principals[found.team] else {
            return .failure(.forbidden("the token names team '\(found.team)', which is not served here"))
        }
        // The token's view of the team's tables: what the rules it does not meet match is hidden.
        let (met, unmet) = rules.reduce(into: ([RuntimeConfig.AccessRule](), [RuntimeConfig.AccessRule]())) { sides, rule in
            if Self.meets(rule, found.claims) { sides.0.append(rule) } else { sides.1.append(rule) }
        }
        let hidden = unmet.map(\.pattern)
        guard let store = team.store.view(hiding: hidden) else {
            return .failure(.notYet("team '\(team.team)' already has \(RoutingTableStore.maxViews) distinct access views; "
                + "the operator should merge access rules"))
        }
        let principal = Principal(team: team.team, tokenID: found.identity.tokenID, tokenHash: Self.hex(key.prefix(6)),
                                  store: store, quota: team.quota, identity: found.identity,
                                  rulesMet: met.map(\.name), rulesUnmet: unmet.map(\.name))
        return .success((index, principal, found))
    }

    /// Whether the token has every scope the rule requires and, for each claim it names, one of its values.
    static func meets(_ rule: RuntimeConfig.AccessRule, _ claims: AccessTokenClaims) -> Bool {
        if !rule.scopes.isEmpty, !Set(rule.scopes).isSubset(of: claims.scopes) { return false }
        for (claim, values) in rule.claims {
            guard let held = claims[claim]?.strings, held.contains(where: values.contains) else { return false }
        }
        return true
    }

    private func audienceCheck(_ audiences: [String], issuer: JWTIssuer, resource: String) -> Authentication? {
        guard !issuer.accepts(audiences: audiences, resource: resource) else { return nil }
        let expected = issuer.config.audiences.isEmpty ? [resource] : issuer.config.audiences
        return .refused(tokenGiven: true, reason: "the token's 'aud' (\(audiences.joined(separator: ", "))) does not name this server "
            + "(\(expected.joined(separator: ", "))); ask \(issuer.config.issuer) for a token with resource=\(expected[0])")
    }

    public var offersResourceMetadata: Bool { !issuers.isEmpty }

    public func resourceMetadata(resource: String) -> JSONValue? {
        guard !issuers.isEmpty else { return nil }
        var document: JSONObject = [
            "resource": .string(resource),
            "authorization_servers": .array(issuers.map { .string($0.config.issuer) }),
            "bearer_methods_supported": .array([.string("header")]),
            "resource_signing_alg_values_supported": .array(Self.algorithms(issuers).map(JSONValue.string)),
            "resource_name": .string("Plugboard"),
        ]
        let scopes = identity.scopesSupported + identity.requiredScopes.filter { !identity.scopesSupported.contains($0) }
        if !scopes.isEmpty { document["scopes_supported"] = .array(scopes.map(JSONValue.string)) }
        return .object(document)
    }

    private static func algorithms(_ issuers: [JWTIssuer]) -> [String] {
        RuntimeConfig.Issuer.signingAlgorithms.filter { algorithm in issuers.contains { $0.config.algorithms.contains(algorithm) } }
    }

    static func hex(_ bytes: some Collection<UInt8>) -> String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
