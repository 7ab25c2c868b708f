/// A component version: a non-empty string without `@`, ordered as SEMANTICS.md says (PEP 440 after stripping
/// leading `v`, non-PEP-440 strings above every PEP 440 version by code points, raw string as the tie-break).
///
/// `==` compares the raw strings (the registration's identity); `orderEquals` compares positions in the
/// ordering, so `v1`, `1` and `1.0` order-equal each other.
public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let raw: String

    public init(_ raw: String) throws(VersionError) {
        guard !raw.isEmpty else { throw VersionError.empty }
        guard !raw.contains("@") else { throw VersionError.containsAt(raw) }
        self.raw = raw
    }

    public var description: String { raw }

    // ORDERING: issue 2 replaces this placeholder with the PEP 440 sort key.
    public func orderEquals(_ other: Version) -> Bool { raw == other.raw }
    public static func < (lhs: Version, rhs: Version) -> Bool { lhs.raw < rhs.raw }
}

public enum VersionError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case containsAt(String)

    public var description: String {
        switch self {
        case .empty: "a version must not be empty (leave it out for an unversioned component)"
        case .containsAt(let raw): "version '\(raw)' contains '@', which is reserved for 'name@version' references"
        }
    }
}
