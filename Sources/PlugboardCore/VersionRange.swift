/// A set of versions: `gte` inclusive, `lt` exclusive, `eq` by order-equality (`eq` 1.0 admits `1` and `v1.0`).
/// Bounds compare by sort key only, so `lt: 2.0` excludes `2` as well.
public struct VersionRange: Sendable, Hashable {
    public var gte: Version?
    public var lt: Version?
    public var eq: Version?

    public init(gte: Version? = nil, lt: Version? = nil, eq: Version? = nil) {
        self.gte = gte
        self.lt = lt
        self.eq = eq
    }

    /// The range admitting everything.
    public static let all = VersionRange()

    public var isUnbounded: Bool { gte == nil && lt == nil && eq == nil }

    public func matches(_ v: Version) -> Bool {
        if let eq, !eq.orderEquals(v) { return false }
        if let gte, v.key.value < gte.key.value { return false }
        if let lt, !(v.key.value < lt.key.value) { return false }
        return true
    }

    /// The versions both ranges admit: the tighter bound of each side, `eq` kept when the other admits it.
    /// An `eq` the other side rejects, or two different `eq`s, give a range that admits nothing.
    public func intersect(_ other: VersionRange) -> VersionRange {
        let bounds = VersionRange(
            gte: Self.tighter(gte, other.gte, pickHigher: true),
            lt: Self.tighter(lt, other.lt, pickHigher: false))
        guard let pin = eq ?? other.eq else { return bounds }
        if let a = eq, let b = other.eq, !a.orderEquals(b) { return Self.nothing(pin) }
        guard bounds.matches(pin) else { return Self.nothing(pin) }
        return VersionRange(gte: bounds.gte, lt: bounds.lt, eq: pin)
    }

    /// A range that admits no version (`gte == lt`), spelled around a version the caller named.
    private static func nothing(_ pin: Version) -> VersionRange { VersionRange(gte: pin, lt: pin, eq: pin) }

    /// True when no version can match (`gte >= lt`, or an `eq` outside the bounds).
    public var isEmpty: Bool {
        if let gte, let lt, !(gte.sortKey < lt.sortKey) { return true }
        if let eq, !VersionRange(gte: gte, lt: lt).matches(eq) { return true }
        return false
    }

    private static func tighter(_ a: Version?, _ b: Version?, pickHigher: Bool) -> Version? {
        guard let a else { return b }
        guard let b else { return a }
        if a.sortKey == b.sortKey { return a }
        return (a.sortKey < b.sortKey) == pickHigher ? b : a
    }
}

extension VersionRange: CustomStringConvertible {
    public var description: String {
        var parts: [String] = []
        if let eq { parts.append("== \(eq.raw)") }
        if let gte { parts.append(">= \(gte.raw)") }
        if let lt { parts.append("< \(lt.raw)") }
        return parts.isEmpty ? "any version" : parts.joined(separator: ", ")
    }
}
