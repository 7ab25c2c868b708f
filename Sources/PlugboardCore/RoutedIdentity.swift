import PlugboardJSON

/// One registration that survived the filters on its way to a surface.
struct Candidate: Sendable {
    let provider: any Provider
    let descriptor: ComponentDescriptor
    let exposedKey: String
    /// Namespaces on the way from the surface down to the provider, outer first (to undo them on URIs).
    let namespaces: [String]
    /// Pre-order position of the provider: the earlier one wins a tie.
    let mountOrder: Int
    /// Ready for `route`; the caller fills in the arguments.
    let route: Route
}

/// Everything a surface serves under one (kind, exposed identity): its candidates best first, and the
/// precomputed answers to "which one for this pinned version".
struct RoutedIdentity: Sendable {
    let kind: ComponentKind
    let exposedKey: String
    /// Highest version first, unversioned last; one candidate per raw version (the first mounted).
    let candidates: [Candidate]
    /// Registered raw version -> the candidate a request pinning that spelling gets (the first order-equal one).
    let byRawVersion: [String: Int]
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
        var byRaw: [String: Int] = [:]
        var unversioned: Int?
        var available: [String] = []
        for (index, candidate) in candidates.enumerated() {
            guard let version = candidate.descriptor.version else {
                if unversioned == nil { unversioned = index }
                continue
            }
            available.append(version.raw)
            if byRaw[version.raw] == nil {
                byRaw[version.raw] =
                    candidates.firstIndex { $0.descriptor.version?.orderEquals(version) ?? false } ?? index
            }
        }
        self.byRawVersion = byRaw
        self.unversioned = unversioned
        self.availableVersions = available
        self.template = kind == .resourceTemplate ? try? URITemplate(exposedKey) : nil
    }

    /// The candidate for a request: the best one without a version; with one, the first order-equal
    /// versioned candidate, else an unversioned one, else an error listing what is available.
    func choose(version requested: String?) -> Result<Candidate, RoutingError> {
        guard let requested else { return .success(candidates[0]) }
        if let index = byRawVersion[requested] { return .success(candidates[index]) }
        if let parsed = try? Version(requested),
            let match = candidates.first(where: { $0.descriptor.version?.orderEquals(parsed) ?? false })
        {
            return .success(match)
        }
        if let unversioned { return .success(candidates[unversioned]) }
        return .failure(
            .versionUnavailable(kind: kind, identity: exposedKey, requested: requested, available: availableVersions))
    }
}
