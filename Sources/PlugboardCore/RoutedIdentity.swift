import PlugboardJSON

/// One registration that survived the filters on its way to a surface. It is the route's own storage, so a
/// lookup returns one reference built at compile time and sorting passes references, not dozens of fields.
typealias Candidate = Route.Storage

extension Route.Storage {
    convenience init(
        provider: any Provider, descriptor: ComponentDescriptor, exposedKey: String, namespaces: [String], mountOrder: Int
    ) {
        let invocation = Invocation(
            kind: descriptor.kind, key: descriptor.key, version: descriptor.version,
            uri: descriptor.kind == .resource ? descriptor.key : nil)
        self.init(
            provider: provider, descriptor: descriptor, exposedKey: exposedKey, invocation: invocation,
            namespaces: namespaces, mountOrder: mountOrder)
    }
}

/// Everything a surface serves under one (kind, exposed identity): its candidates best first, and the
/// precomputed answers to "which one for this pinned version".
final class RoutedIdentity: Sendable {
    let kind: ComponentKind
    let exposedKey: String
    /// Highest version first, unversioned last; one candidate per raw version (the first mounted).
    let candidates: [Candidate]
    /// Registered raw version -> the candidate a request pinning that spelling gets (the first order-equal one).
    /// Only for identities with many versions; a short list is scanned faster than a string is hashed.
    let byRawVersion: [String: Int]?
    /// Same as `byRawVersion`, as a list parallel to `candidates`; nil when every candidate is its own target
    /// (no two spellings of one version, the usual case).
    let pinTarget: [Int]?
    /// The first unversioned candidate, which answers any version no versioned candidate matches.
    let unversioned: Int?
    /// The versions a listing shows and an error offers, highest first (candidates hold one per raw version).
    var availableVersions: [String] { candidates.compactMap { $0.version?.raw } }
    /// The exposed template, for resource templates.
    let template: URITemplate?

    init(kind: ComponentKind, exposedKey: String, candidates: [Candidate]) {
        self.kind = kind
        self.exposedKey = exposedKey
        self.candidates = candidates
        var unversioned: Int?
        var pinTarget: [Int]?
        for (index, candidate) in candidates.enumerated() {
            guard let version = candidate.version else {
                if unversioned == nil { unversioned = index }
                continue
            }
            // Candidates are best first, so the first order-equal one is the highest-sorting spelling.
            for earlier in 0..<index where candidates[earlier].version?.orderEquals(version) ?? false {
                if pinTarget == nil { pinTarget = Array(candidates.indices) }
                pinTarget?[index] = earlier
                break
            }
        }
        self.pinTarget = pinTarget
        if candidates.count > Self.scanLimit {
            var byRaw: [String: Int] = [:]
            for (index, candidate) in candidates.enumerated() {
                if let raw = candidate.version?.raw { byRaw[raw] = pinTarget?[index] ?? index }
            }
            self.byRawVersion = byRaw
        } else {
            self.byRawVersion = nil
        }
        self.unversioned = unversioned
        self.template = kind == .resourceTemplate ? try? URITemplate(exposedKey) : nil
    }

    static let scanLimit = 8

    /// The candidate for a request: the best one without a version; with one, the first order-equal
    /// versioned candidate, else an unversioned one, else an error listing what is available.
    func choose(version requested: String?) -> Result<Candidate, RoutingError> {
        guard let requested else { return .success(candidates[0]) }
        if let byRawVersion {
            if let index = byRawVersion[requested] { return .success(candidates[index]) }
        } else {
            for (index, candidate) in candidates.enumerated() where candidate.version?.raw == requested {
                return .success(candidates[pinTarget?[index] ?? index])
            }
        }
        // Another spelling (`v1` for `1.0`): parse it and compare positions in the ordering.
        if let parsed = try? Version(requested),
            let match = candidates.first(where: { $0.version?.orderEquals(parsed) ?? false })
        {
            return .success(match)
        }
        if let unversioned { return .success(candidates[unversioned]) }
        return .failure(
            .versionUnavailable(kind: kind, identity: exposedKey, requested: requested, available: availableVersions))
    }
}
