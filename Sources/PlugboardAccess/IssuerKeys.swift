import AsyncHTTPClient
import Foundation
import JWTKit
import Logging
import NIOCore
import PlugboardConfig

/// One issuer's signing keys, from a JWKS file or URL. A URL's keys are cached for as long as its
/// `Cache-Control: max-age` says (5 minutes when it says nothing), then fetched again; a token with a `kid` the
/// cache does not know causes a fetch too, at most once per `refresh_interval_seconds`. When a fetch fails (the
/// issuer unreachable, garbage served), the keys already cached keep working. An unknown `kid` fails closed.
actor IssuerKeys {
    /// The keys of one JWKS document: jwt-kit's collections to verify with, one per algorithm, and the keys by
    /// `kid` to check a token's algorithm against its key before jwt-kit sees it (jwt-kit falls back to a default
    /// key for an unknown `kid`; this never lets it). One collection per algorithm because a JWK without `alg`
    /// gets, in jwt-kit, the algorithm of the first token verified with it, for good: an RSA key would then
    /// verify RS256 or PS256 tokens, whichever came first, and refuse the other.
    struct Snapshot: Sendable {
        let collections: [String: JWTKeyCollection]
        let keys: [String: JWK]
    }

    private let issuer: String
    private let source: RuntimeConfig.KeySource
    private let refreshInterval: Duration
    private let logger: Logger
    private var snapshot: Snapshot?
    private var freshUntil: ContinuousClock.Instant?
    private var lastFetch: ContinuousClock.Instant?
    private var fetching: Task<Void, Never>?

    static let defaultMaxAge: Duration = .seconds(300)
    static let maxDocumentBytes = 1024 * 1024

    init(issuer: RuntimeConfig.Issuer, logger: Logger) {
        self.issuer = issuer.issuer
        self.source = issuer.keys
        self.refreshInterval = .seconds(issuer.refreshIntervalSeconds)
        self.logger = logger
    }

    /// The key named `kid`, with the snapshot that holds it; nil when the issuer has no such key.
    func key(_ kid: String) async -> (Snapshot, JWK)? {
        let now = ContinuousClock.now
        let fresh = freshUntil.map { now < $0 } ?? (snapshot != nil)  // a file's keys stay fresh until SIGHUP
        let triedRecently = lastFetch.map { now - $0 < refreshInterval } ?? false
        if let found = lookup(kid) {
            // Stale keys keep working while fresh ones are fetched: a request never waits on an issuer it knows.
            if !fresh, !triedRecently { Task { await self.refresh() } }
            return found
        }
        // A kid not seen: read the keys again (and wait for them), unless that was tried within the interval.
        if !triedRecently { await refresh() }
        return lookup(kid)
    }

    private func lookup(_ kid: String) -> (Snapshot, JWK)? {
        guard let snapshot, let key = snapshot.keys[kid] else { return nil }
        return (snapshot, key)
    }

    /// Reads the keys again now (start-up, SIGHUP); one fetch at a time, shared by every caller waiting on it.
    func refresh() async {
        if let fetching { return await fetching.value }
        let task = Task { await self.load() }
        fetching = task
        await task.value
        fetching = nil
    }

    private func load() async {
        lastFetch = .now
        do {
            let (document, maxAge) = try await read()
            let jwks: JWKS
            do { jwks = try JSONDecoder().decode(JWKS.self, from: document) } catch {
                throw KeyProblem("is not a JWKS document ({\"keys\": [...]}): \(error)")
            }
            var collections: [String: JWTKeyCollection] = [:]
            var keys: [String: JWK] = [:]
            for key in jwks.keys {
                guard let kid = key.keyIdentifier?.string else { continue }  // a key without a kid is never chosen
                do {
                    for algorithm in JWTIssuer.algorithms(for: key) {
                        var pinned = key
                        pinned.algorithm = JWK.Algorithm(rawValue: algorithm)
                        let collection = collections[algorithm] ?? JWTKeyCollection()
                        try await collection.add(jwk: pinned)
                        collections[algorithm] = collection
                    }
                    keys[kid] = key
                } catch {
                    logger.warning("identity: issuer \(issuer): key '\(kid)' of \(describe(source)) cannot be used (\(error)); tokens signed with it are refused")
                }
            }
            snapshot = Snapshot(collections: collections, keys: keys)
            freshUntil = maxAge.map { .now + $0 }
            logger.debug("identity: issuer \(issuer): \(keys.count) keys from \(describe(source))")
        } catch {
            // Keys cached before keep working; the next try waits for the refresh interval.
            logger.warning("identity: issuer \(issuer): \(describe(source)) \(error); \(snapshot == nil ? "its tokens are refused until it can be read" : "the keys cached before keep working")")
        }
    }

    /// The document and, for a URL, how long it may be cached (nil: a file, cached until SIGHUP).
    private func read() async throws -> (Data, Duration?) {
        switch source {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else { throw KeyProblem("cannot be read") }
            return (data, nil)
        case .url(let url):
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
            let response: HTTPClientResponse
            do { response = try await HTTPClient.shared.execute(request, timeout: .seconds(5)) } catch {
                throw KeyProblem("could not be fetched (\(error))")
            }
            guard response.status == .ok else { throw KeyProblem("answered HTTP \(response.status.code)") }
            let body: ByteBuffer
            do { body = try await response.body.collect(upTo: Self.maxDocumentBytes) } catch {
                throw KeyProblem("sent more than \(Self.maxDocumentBytes) bytes, or broke off (\(error))")
            }
            return (Data(buffer: body), Self.maxAge(response.headers["Cache-Control"].first))
        }
    }

    /// `max-age` from `Cache-Control`, kept between 30 seconds and a day; `no-store`/`no-cache`: 30 seconds.
    static func maxAge(_ header: String?) -> Duration {
        guard let header else { return defaultMaxAge }
        var seconds: Int?
        for directive in header.split(separator: ",") {
            let parts = directive.trimmingCharacters(in: .whitespaces).lowercased().split(separator: "=", maxSplits: 1)
            if parts.first == "no-store" || parts.first == "no-cache" { seconds = 0 }
            if parts.count == 2, parts[0] == "max-age", let value = Int(parts[1]) { seconds = value }
        }
        guard let seconds else { return defaultMaxAge }
        return .seconds(min(max(seconds, 30), 86_400))
    }

    private nonisolated func describe(_ source: RuntimeConfig.KeySource) -> String {
        switch source {
        case .file(let path): "the JWKS file \(path)"
        case .url(let url): "the JWKS at \(url)"
        }
    }
}

struct KeyProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
