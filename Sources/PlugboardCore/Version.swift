/// A component version: a non-empty string without `@`, ordered as SEMANTICS.md says (PEP 440 after stripping
/// leading `v`/`V`, non-PEP-440 strings above every PEP 440 version by code points, raw string as the tie-break).
///
/// `==` compares the raw strings (the registration's identity); `orderEquals` compares positions in the
/// ordering, so `v1`, `1` and `1.0` order-equal each other. The sort key is computed once, at init, because
/// versions are compared far more often than they are made.
public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The parsed key behind one reference, so copying a version (routing tables do, a lot) costs two
    /// retains instead of one per array inside the key.
    final class Key: Sendable {
        let value: VersionSortKey
        init(_ value: VersionSortKey) { self.value = value }
    }

    public let raw: String
    let key: Key

    public init(_ raw: String) throws(VersionError) {
        guard !raw.isEmpty else { throw VersionError.empty }
        guard !raw.contains("@") else { throw VersionError.containsAt(raw) }
        self.raw = raw
        self.key = Key(VersionSortKey(parsing: raw))
    }

    /// Where this version sits in the ordering, ignoring the raw-string tie-break.
    public var sortKey: VersionSortKey { key.value }

    public var description: String { raw }

    /// True when the version parsed as PEP 440 (after stripping leading `v`); false for the string fallback.
    public var isPEP440: Bool {
        if case .pep440 = sortKey { return true } else { return false }
    }

    /// Same position in the ordering (`1`, `1.0` and `v1.0` are order-equal; `beta` only equals `beta`).
    public func orderEquals(_ other: Version) -> Bool { key === other.key || key.value == other.key.value }

    public static func == (lhs: Version, rhs: Version) -> Bool { lhs.raw == rhs.raw }
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }

    /// The total order: sort key first, then the raw string by code points so equal spellings sort the same
    /// way whatever the load order.
    public static func < (lhs: Version, rhs: Version) -> Bool {
        if lhs.key !== rhs.key, lhs.key.value != rhs.key.value { return lhs.key.value < rhs.key.value }
        return codePointsPrecede(lhs.raw, rhs.raw)
    }
}

/// Unicode code-point order (what Python's `str <` does), not Swift's canonical-equivalence order.
@inline(__always)
func codePointsPrecede(_ lhs: String, _ rhs: String) -> Bool {
    lhs.unicodeScalars.lexicographicallyPrecedes(rhs.unicodeScalars)
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
