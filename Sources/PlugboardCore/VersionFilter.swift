/// A version filter on a mount node or a surface (`version_gte`, `version_lt`, `include_unversioned`).
/// Filters on the way from a provider to a surface all apply; `intersect` combines them.
public struct VersionFilter: Sendable, Hashable {
    public var range: VersionRange
    /// Whether unversioned components pass (true by default, as in FastMCP).
    public var includeUnversioned: Bool

    /// A filter needs at least one bound; `validated` checks that for input from configuration.
    public init(gte: Version? = nil, lt: Version? = nil, includeUnversioned: Bool = true) {
        self.range = VersionRange(gte: gte, lt: lt)
        self.includeUnversioned = includeUnversioned
    }

    /// Checks a filter built from user input: at least one bound, and bounds that admit something.
    public static func validated(gte: Version?, lt: Version?, includeUnversioned: Bool = true) throws(VersionFilterError)
        -> VersionFilter
    {
        guard gte != nil || lt != nil else { throw .noBounds }
        if let gte, let lt, !(gte.sortKey < lt.sortKey) { throw .emptyRange(gte: gte.raw, lt: lt.raw) }
        return VersionFilter(gte: gte, lt: lt, includeUnversioned: includeUnversioned)
    }

    public func admits(_ v: Version?) -> Bool {
        guard let v else { return includeUnversioned }
        return range.matches(v)
    }

    /// What passes both filters.
    public func intersect(_ other: VersionFilter) -> VersionFilter {
        var result = self
        result.range = range.intersect(other.range)
        result.includeUnversioned = includeUnversioned && other.includeUnversioned
        return result
    }
}

public enum VersionFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    case noBounds
    case emptyRange(gte: String, lt: String)

    public var description: String {
        switch self {
        case .noBounds:
            "a version filter needs 'version_gte', 'version_lt' or both; remove the filter to admit every version"
        case .emptyRange(let gte, let lt):
            "version filter 'version_gte' \(gte) is not below 'version_lt' \(lt), so it admits no version; "
                + "swap or widen the bounds"
        }
    }
}
