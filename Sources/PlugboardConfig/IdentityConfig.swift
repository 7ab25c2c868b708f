import PlugboardCore
import PlugboardJSON

/// `identity`: JWT access tokens from the platform's identity provider (an OAuth 2.1 authorization server), beside
/// the static team tokens. Each trusted issuer has its keys (a JWKS file or URL), the audiences it must name, the
/// algorithms it may sign with, and the claim that says which team a token acts for.
extension RuntimeConfig {
    public struct Identity: Sendable, Equatable {
        /// The server's public base URL (`https://mcp.example.com`): a surface's canonical URL is it plus the
        /// surface's path, which is the audience tokens must name and the `resource` of its metadata. Nil: taken
        /// from each request's `Host` header (fine on loopback; set it behind a proxy).
        public var resource: String?
        /// Leeway for `exp`, `nbf` and `iat` against clocks that drift.
        public var clockSkewSeconds = 60
        public var issuers: [Issuer] = []
        /// Scopes a client may ask its authorization server for (published in the protected-resource metadata).
        public var scopesSupported: [String] = []
        /// Scopes every access token must hold to use this server at all (RFC 6750 §3.1: a token without them is
        /// answered 403 `insufficient_scope` naming them, so the client can ask for them).
        public var requiredScopes: [String] = []
        /// Who may see and call what, beyond the team: components a rule matches are hidden from callers whose
        /// token lacks what the rule requires.
        public var rules: [AccessRule] = []
        public init() {}
    }

    /// Components (by namespace, kind, identity glob, version range) that only tokens with the given scopes or
    /// claim values may see and call. A static team token carries neither, so it never meets a rule.
    public struct AccessRule: Sendable, Equatable {
        /// For the audit trail and messages: the rule's `name`, or `rules[N]`.
        public var name: String
        public var pattern: ComponentPattern
        /// Every one of these must be in the token's `scope` (space-separated) or `scp` (a list).
        public var scopes: [String] = []
        /// Each claim must hold (or contain) at least one of its values.
        public var claims: [String: [String]] = [:]

        public init(name: String, pattern: ComponentPattern, scopes: [String] = [], claims: [String: [String]] = [:]) {
            self.name = name
            self.pattern = pattern
            self.scopes = scopes
            self.claims = claims
        }
    }

    public struct Issuer: Sendable, Equatable {
        /// The `iss` claim, exactly (also published as the resource's authorization server).
        public var issuer: String
        public var keys: KeySource
        /// Accepted `aud` values; empty: the canonical URL of the surface the request came to.
        public var audiences: [String] = []
        public var algorithms: [String] = Issuer.signingAlgorithms
        /// The claim whose value (a string or an array of strings, like `groups`) names the token's team.
        public var teamClaim = "team"
        /// Claim value → team name; a value not listed here names the team of the same name.
        public var teams: [String: String] = [:]
        /// The least time between two JWKS fetches caused by tokens with an unknown `kid`.
        public var refreshIntervalSeconds = 30

        /// Asymmetric algorithms only: `none` and HMAC (where a public key could be used as the secret) never.
        public static let signingAlgorithms = ["RS256", "PS256", "ES256", "EdDSA"]

        public init(issuer: String, keys: KeySource) {
            self.issuer = issuer
            self.keys = keys
        }
    }

    public enum KeySource: Sendable, Equatable {
        /// A JWKS document on disk (relative paths are the config file's), read at start and on SIGHUP.
        case file(String)
        /// A JWKS URL (`jwks_uri` of the issuer's metadata), fetched and cached per `Cache-Control`.
        case url(String)
    }
}

extension RuntimeConfigDecoder {
    func decodeIdentity(_ root: ObjectReader, into config: inout RuntimeConfig) {
        guard let reader = root.object("identity") else { return }
        defer { reader.finish() }
        let log = reader.log
        var identity = RuntimeConfig.Identity()
        if let resource = reader.string("resource") {
            if let problem = Self.urlProblem(resource, allowPath: false) {
                log.report(reader.childPath("resource"), "\(problem); give the server's public base URL, e.g. https://mcp.example.com")
            } else {
                identity.resource = resource.hasSuffix("/") ? String(resource.dropLast()) : resource
            }
        }
        if let skew = reader.integer("clock_skew_seconds", in: 0...3600) { identity.clockSkewSeconds = skew }
        identity.scopesSupported = strings(reader, "scopes_supported") ?? []
        identity.requiredScopes = strings(reader, "required_scopes") ?? []
        for scope in identity.requiredScopes where scope.isEmpty || scope.contains(" ") || scope.contains("\"") {
            log.report(reader.childPath("required_scopes"), "'\(scope)' is not a scope token (no spaces or quotes)")
        }
        for element in reader.array("rules") ?? [] {
            if let rule = rule(element.value, at: element.path, index: identity.rules.count, log: log) { identity.rules.append(rule) }
        }
        if identity.rules.count > 64 {
            log.report(reader.childPath("rules"), "\(identity.rules.count) rules are more than the 64 supported; merge rules that require the same")
        }
        let teams = config.teams.map(\.name)
        var seen: Set<String> = []
        for element in reader.array("issuers") ?? [] {
            guard let issuer = issuer(element.value, at: element.path, teams: teams, log: log) else { continue }
            guard seen.insert(issuer.issuer).inserted else {
                log.report(element.path, "issuer '\(issuer.issuer)' is declared twice; keep one entry per issuer")
                continue
            }
            identity.issuers.append(issuer)
        }
        if !identity.issuers.isEmpty, teams.isEmpty {
            log.report(reader.childPath("issuers"),
                       "tokens from an issuer act for a team, but $.teams declares none; declare the teams its tokens name")
        }
        config.identity = identity
    }

    private func issuer(_ value: JSONValue, at path: String, teams: [String], log: IssueLog) -> RuntimeConfig.Issuer? {
        guard let reader = ObjectReader.make(value, at: path, log: log) else { return nil }
        defer { reader.finish() }
        guard let name = reader.string("issuer", required: true) else { return nil }
        let file = reader.string("jwks_file")
        let url = reader.string("jwks_url")
        // Every key is read (and checked) before a problem with the keys ends this issuer.
        var keys: RuntimeConfig.KeySource?
        switch (file, url) {
        case (let file?, nil): keys = .file(resolve(file))
        case (nil, let url?):
            if let problem = Self.urlProblem(url, allowPath: true) {
                log.report(reader.childPath("jwks_url"), "\(problem); give the issuer's jwks_uri, e.g. https://idp.example.com/realms/platform/protocol/openid-connect/certs")
            } else {
                keys = .url(url)
            }
        case (nil, nil):
            log.report(path, "needs its keys: 'jwks_url' (the issuer's jwks_uri) or 'jwks_file' (a JWKS document on disk)")
        case (.some, .some):
            log.report(path, "has both 'jwks_file' and 'jwks_url'; keep one")
        }
        var issuer = RuntimeConfig.Issuer(issuer: name, keys: keys ?? .file(""))
        if let audiences = strings(reader, "audiences") { issuer.audiences = audiences }
        if let algorithms = strings(reader, "algorithms") {
            var kept: [String] = []
            for (index, algorithm) in algorithms.enumerated() {
                if RuntimeConfig.Issuer.signingAlgorithms.contains(algorithm) { kept.append(algorithm); continue }
                let why = algorithm.lowercased() == "none" || algorithm.uppercased().hasPrefix("HS")
                    ? "'\(algorithm)' is never accepted: unsigned tokens and HMAC (whose secret could be a public key) are refused"
                    : "'\(algorithm)' is not supported"
                log.report("\(reader.childPath("algorithms"))[\(index)]",
                           "\(why); choose from \(RuntimeConfig.Issuer.signingAlgorithms.joined(separator: ", "))")
            }
            if algorithms.isEmpty { log.report(reader.childPath("algorithms"), "must name at least one algorithm") }
            issuer.algorithms = kept
        }
        if let claim = reader.string("team_claim") {
            if claim.isEmpty { log.report(reader.childPath("team_claim"), "must not be empty") } else { issuer.teamClaim = claim }
        }
        if let teams = reader.value("teams") {
            if let members = teams.objectValue?.members {
                for (value, team) in members {
                    guard let name = team.stringValue else {
                        log.report("\(reader.childPath("teams")).\(value)", "expected a team name, found \(team.typeDescription)")
                        continue
                    }
                    issuer.teams[value] = name
                }
            } else {
                log.report(reader.childPath("teams"), "expected an object of claim value → team name, found \(teams.typeDescription)")
            }
        }
        if let interval = reader.integer("refresh_interval_seconds", in: 1...86_400) { issuer.refreshIntervalSeconds = interval }
        for (value, team) in issuer.teams.sorted(by: { $0.key < $1.key }) where !teams.isEmpty && !teams.contains(team) {
            var message = "claim value '\(value)' maps to team '\(team)', which is not declared in $.teams (\(teams.joined(separator: ", ")))"
            if let near = Suggestion.closest(to: team, among: teams) { message += "; did you mean '\(near)'?" }
            log.report("\(reader.childPath("teams")).\(value)", message)
        }
        return keys == nil ? nil : issuer
    }

    private func rule(_ value: JSONValue, at path: String, index: Int, log: IssueLog) -> RuntimeConfig.AccessRule? {
        guard let reader = ObjectReader.make(value, at: path, log: log) else { return nil }
        defer { reader.finish() }
        var pattern = ComponentPattern()
        pattern.namespace = reader.string("namespace")
        pattern.kind = reader.choice("kind", among: ComponentKind.allCases.map(\.rawValue)).flatMap(ComponentKind.init(rawValue:))
        pattern.identity = reader.string("component")
        let gte = version(reader, "version_gte"), lt = version(reader, "version_lt")
        if gte != nil || lt != nil { pattern.versions = VersionRange(gte: gte, lt: lt) }
        if let gte, let lt, !(gte < lt) {
            log.report(path, "matches no version: version_gte '\(gte.raw)' is not below version_lt '\(lt.raw)'")
        }
        var rule = RuntimeConfig.AccessRule(name: reader.string("name") ?? "rules[\(index)]", pattern: pattern)
        rule.scopes = strings(reader, "require_scopes") ?? []
        if let claims = reader.value("require_claims") {
            for (claim, values) in claims.objectValue?.members ?? [] {
                let list = values.stringValue.map { [$0] } ?? values.arrayValue?.compactMap(\.stringValue)
                guard let list, !list.isEmpty else {
                    log.report("\(reader.childPath("require_claims")).\(claim)", "expected a value or a list of values the claim must hold, found \(values.typeDescription)")
                    continue
                }
                rule.claims[claim] = list
            }
            if claims.objectValue == nil {
                log.report(reader.childPath("require_claims"), "expected an object of claim name → values, found \(claims.typeDescription)")
            }
        }
        if pattern == ComponentPattern() {
            log.report(path, "matches every component; give 'namespace', 'kind', 'component' (a glob) or 'version_gte'/'version_lt'")
            return nil
        }
        if rule.scopes.isEmpty && rule.claims.isEmpty {
            log.report(path, "requires nothing; give 'require_scopes' or 'require_claims' (a rule hides what it matches from tokens without them)")
            return nil
        }
        return rule
    }

    private func strings(_ reader: ObjectReader, _ key: String) -> [String]? {
        guard let elements = reader.array(key) else { return nil }
        var strings: [String] = []
        for element in elements {
            guard let string = element.value.stringValue else {
                reader.log.report(element.path, "expected a string, found \(element.value.typeDescription)")
                continue
            }
            strings.append(string)
        }
        return strings
    }

    /// Why `text` is not an absolute http(s) URL (with no query or fragment), or nil.
    static func urlProblem(_ text: String, allowPath: Bool) -> String? {
        guard text.hasPrefix("https://") || text.hasPrefix("http://") else { return "'\(text)' is not an http:// or https:// URL" }
        if text.contains("?") || text.contains("#") { return "'\(text)' has a query or fragment" }
        let rest = text.drop(while: { $0 != ":" }).dropFirst(3)
        if rest.isEmpty || rest.hasPrefix("/") { return "'\(text)' has no host" }
        if !allowPath, let slash = rest.firstIndex(of: "/"), rest[slash...] != "/" { return "'\(text)' has a path" }
        return nil
    }
}
