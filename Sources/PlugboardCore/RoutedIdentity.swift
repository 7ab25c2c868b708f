import PlugboardJSON

/// One registration that survived the filters on its way to a surface. A class: lookups and sorting pass
/// references instead of copying a dozen fields; the route it answers with is built once, here.
final class Candidate: Sendable {
    let route: Route
    /// Namespaces on the way from the surface down to the provider, outer first (to undo them on URIs).
    let namespaces: [String]
    /// Pre-order position of the provider: the earlier one wins a tie.
    let mountOrder: Int

    var provider: any Provider { route.storage.provider }
    var descriptor: ComponentDescriptor { route.storage.descriptor }
    /// The registered version, kept here too so that sorting reads it without going through the route.
    let version: Version?
    var exposedKey: String { route.storage.exposedKey }

    init(provider: any Provider, descriptor: ComponentDescriptor, exposedKey: String, namespaces: [String], mountOrder: Int) {
        self.namespaces = namespaces
        self.mountOrder = mountOrder
        self.version = descriptor.version
        let invocation = Invocation(
            kind: descriptor.kind, key: descriptor.key, version: descriptor.version,
            uri: descriptor.kind == .resource ? descriptor.key : nil)
        self.route = Route(provider: provider, descriptor: descriptor, exposedKey: exposedKey, invocation: invocation)
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
    /// Same as `byRawVersion`, as a list parallel to `candidates`.
    let pinTarget: [Int]
    /// The first unversioned candidate, which answers any version no versioned candidate matches.
    let unversioned: Int?
    /// The versions a listing shows and an error offers, highest first.
    let availableVersions: [String]
    /// The exposed template, for resource templates.
    let template: URITemplate?

    init(kind: ComponentKind, exposedKey: String, candidates: [Candidate]) {
        self.kind = kind
        self.exposedKey = exposedKey
        self.candidates = candidates
        var unversioned: Int?
        var available: [String] = []
        var pinTarget: [Int] = []
        available.reserveCapacity(candidates.count)
        pinTarget.reserveCapacity(candidates.count)
        for (index, candidate) in candidates.enumerated() {
            guard let version = candidate.version else {
                if unversioned == nil { unversioned = index }
                pinTarget.append(index)
                continue
            }
            available.append(version.raw)
            // Candidates are best first, so the first order-equal one is the highest-sorting spelling.
            var target = index
            for earlier in 0..<index where candidates[earlier].version?.orderEquals(version) ?? false {
                target = earlier
                break
            }
            pinTarget.append(target)
        }
        self.pinTarget = pinTarget
        if candidates.count > Self.scanLimit {
            var byRaw: [String: Int] = [:]
            for (index, candidate) in candidates.enumerated() {
                if let raw = candidate.version?.raw, byRaw[raw] == nil { byRaw[raw] = pinTarget[index] }
            }
            self.byRawVersion = byRaw
        } else {
            self.byRawVersion = nil
        }
        self.unversioned = unversioned
        self.availableVersions = available
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
                return .success(candidates[pinTarget[index]])
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
