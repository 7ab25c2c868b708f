/// A version's place in the ordering: a PEP 440 key, or the raw string for versions PEP 440 does not accept.
/// Every PEP 440 key sorts below every string; strings compare by Unicode code points.
public enum VersionSortKey: Sendable, Hashable, Comparable {
    case pep440(PEP440Key)
    case string(String)

    /// Strips surrounding whitespace and leading `v`/`V`, then tries PEP 440; anything else is a string.
    public init(parsing raw: String) {
        if let key = PEP440Parser.parse(raw) {
            self = .pep440(key)
        } else {
            self = .string(raw)
        }
    }

    public static func == (lhs: VersionSortKey, rhs: VersionSortKey) -> Bool {
        switch (lhs, rhs) {
        case (.pep440(let a), .pep440(let b)): a == b
        // Code points, not Swift's canonical equivalence: `é` precomposed and decomposed are different versions.
        case (.string(let a), .string(let b)): a.unicodeScalars.elementsEqual(b.unicodeScalars)
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .pep440(let key):
            hasher.combine(0)
            hasher.combine(key)
        case .string(let text):
            hasher.combine(1)
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }

    public static func < (lhs: VersionSortKey, rhs: VersionSortKey) -> Bool {
        switch (lhs, rhs) {
        case (.pep440(let a), .pep440(let b)): a < b
        case (.string(let a), .string(let b)): codePointsPrecede(a, b)
        case (.pep440, .string): true
        case (.string, .pep440): false
        }
    }
}

/// PEP 440's comparison key (as `packaging.version.Version._key`): epoch, release without trailing zeros,
/// pre-release, post-release, dev-release, local segments.
public struct PEP440Key: Sendable, Hashable, Comparable {
    /// Pre-release position: a dev-only release sorts before every pre-release of the same release
    /// (`1.0.dev1 < 1.0a1`), a final release after all of them.
    enum Pre: Hashable, Comparable {
        case devOnly
        case tagged(rank: UInt8, number: Natural)  // rank: a 0, b 1, rc 2
        case final
    }

    /// A local segment: numbers sort above words, words compare lowercased.
    enum LocalSegment: Hashable, Comparable {
        case word(String)
        case number(Natural)

        static func < (lhs: LocalSegment, rhs: LocalSegment) -> Bool {
            switch (lhs, rhs) {
            case (.word(let a), .word(let b)): a.utf8.lexicographicallyPrecedes(b.utf8)
            case (.number(let a), .number(let b)): a < b
            case (.word, .number): true
            case (.number, .word): false
            }
        }
    }

    var epoch: Natural
    var release: [Natural]
    var pre: Pre
    /// nil: no post-release, sorts below `.post0`.
    var post: Natural?
    /// nil: not a dev release, sorts above every `.devN`.
    var dev: Natural?
    /// nil: no local part, sorts below every local part.
    var local: [LocalSegment]?

    public static func < (lhs: PEP440Key, rhs: PEP440Key) -> Bool {
        if lhs.epoch != rhs.epoch { return lhs.epoch < rhs.epoch }
        if lhs.release != rhs.release { return lhs.release.lexicographicallyPrecedes(rhs.release) }
        if lhs.pre != rhs.pre { return lhs.pre < rhs.pre }
        if lhs.post != rhs.post {
            guard let a = lhs.post else { return true }
            guard let b = rhs.post else { return false }
            return a < b
        }
        if lhs.dev != rhs.dev {
            guard let a = lhs.dev else { return false }
            guard let b = rhs.dev else { return true }
            return a < b
        }
        if lhs.local != rhs.local {
            guard let a = lhs.local else { return true }
            guard let b = rhs.local else { return false }
            return a.lexicographicallyPrecedes(b)
        }
        return false
    }
}

/// A non-negative integer of any size: machine words for the usual case, digits beyond 2^64.
enum Natural: Hashable, Comparable {
    case small(UInt64)
    /// Decimal digits without leading zeros, always larger than `UInt64.max`.
    case big([UInt8])

    static let zero = Natural.small(0)

    init(digits: ArraySlice<UInt8>) {
        var value: UInt64 = 0
        var fits = true
        for digit in digits {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            if o1 || o2 { fits = false; break }
            value = sum
        }
        if fits {
            self = .small(value)
        } else {
            self = .big(Array(digits.drop(while: { $0 == UInt8(ascii: "0") })))
        }
    }

    static func < (lhs: Natural, rhs: Natural) -> Bool {
        switch (lhs, rhs) {
        case (.small(let a), .small(let b)): a < b
        case (.small, .big): true
        case (.big, .small): false
        case (.big(let a), .big(let b)): a.count != b.count ? a.count < b.count : a.lexicographicallyPrecedes(b)
        }
    }
}
