import Testing

@testable import PlugboardCore

/// SEMANTICS.md "Ordering", checked against packaging.version (see the report for the 12,000-string cross-check).
@Suite struct VersionOrderingTests {
    @Test func semanticsSortExampleHoldsExactly() {
        let expected = ["1.0a1", "1", "1.0", "v1.5", "1.9", "1.10", "2.0", "10", "2024-01-15", "alpha", "beta"]
        for _ in 0..<5 {
            #expect(expected.shuffled().map(v).sorted().map(\.raw) == expected)
        }
    }

    @Test(
        "order-equal spellings",
        arguments: [
            ("1", "1.0"), ("1", "1.0.0"), ("v1.0", "1.0"), ("V1.0", "1"), ("1.0-rc1", "1.0rc1"),
            ("1.0.0-beta.1", "1.0.0b1"), ("1.0alpha1", "1.0a1"), ("1.0c1", "1.0rc1"), ("1.0pre1", "1.0rc1"),
            ("1.0preview1", "1.0rc1"), ("1.0-1", "1.0.post1"), ("1.0r1", "1.0.post1"), ("1.0rev1", "1.0post1"),
            ("1.0_post_1", "1.0.post1"), ("1.0-dev", "1.0.dev0"), ("1.0rc", "1.0rc0"), ("1.0RC1", "1.0rc1"),
            ("0!1.0", "1.0"), ("1.0+ABC", "1.0+abc"), ("1.0+abc-5", "1.0+abc.5"), ("01.002", "1.2"),
            (" 1.0 ", "1.0"), ("v 1.0", "1.0"), ("vv1", "1"), ("2024.01.15", "2024.1.15"),
            ("18446744073709551616", "018446744073709551616"),
        ])
    func orderEqual(a: String, b: String) {
        #expect(v(a).orderEquals(v(b)))
        #expect(v(a).sortKey == v(b).sortKey)
        #expect(v(a).sortKey.hashValue == v(b).sortKey.hashValue)
    }

    @Test(
        "strictly increasing pairs",
        arguments: [
            ("1.9", "1.10"), ("2", "10"), ("1.0.dev1", "1.0a1"), ("1.0a1", "1.0b1"), ("1.0b1", "1.0rc1"),
            ("1.0rc1", "1.0"), ("1.0", "1.0.post1"), ("1.0", "1.0+local"), ("1.0+abc", "1.0+5"),
            ("1.0+abc.5", "1.0+abc.10"), ("1.0+abc", "1.0+abc.0"), ("1.0.post1.dev1", "1.0.post1"),
            ("1.0a1.dev1", "1.0a1"), ("1.0a1", "1.0a1.post1"), ("1.0.dev1", "1.0.dev2"), ("2.0", "1!0.1"),
            ("1.2.3", "1.2.10"), ("1.2.10", "1.10.1"), ("0.0.0.0.1", "0.1"), ("18446744073709551615", "18446744073709551616"),
            ("18446744073709551616", "18446744073709551617"), ("999.0", "aaa"), ("1.0", "not-semver"),
            ("2024-01-01", "2025-01-01"), ("alpha", "beta"), ("Z", "a"), ("10", "2024-01-15"),
        ])
    func increasing(low: String, high: String) {
        #expect(v(low) < v(high))
        #expect(!(v(high) < v(low)))
        #expect(!v(low).orderEquals(v(high)))
    }

    @Test("PEP 440 or string fallback", arguments: [
        ("1", true), ("1.0-rc1", true), ("2024.01.15", true), ("v2", true), ("1!2.0+local.7", true),
        ("beta", false), ("2024-01-15", false), ("latest", false), ("1.0-", false), ("1.0+", false),
        ("1.0.", false), ("1.0a..dev", true), ("1.0+é", false), ("v", false), ("1.0 1", false),
    ])
    func classification(raw: String, isPEP440: Bool) {
        #expect(v(raw).isPEP440 == isPEP440)
    }

    @Test func stringFallbackComparesCodePointsAndExactly() {
        #expect(!v("latest").orderEquals(v("LATEST")))
        #expect(v("LATEST") < v("latest"))
        // Precomposed é (U+00E9) and e + combining acute (U+0301) are distinct versions, ordered by code points.
        let composed = v("caf\u{E9}")
        let decomposed = v("cafe\u{301}")
        #expect(!composed.orderEquals(decomposed))
        #expect(decomposed < composed)
    }

    @Test func rawStringBreaksTiesBetweenEqualSpellings() {
        // Order-equal versions sort by their raw strings, so the choice does not depend on load order.
        #expect(v("1") < v("1.0"))
        #expect(v("1.0") < v("v1"))
        #expect([v("1.0"), v("1"), v("1.0.0")].sorted().map(\.raw) == ["1", "1.0", "1.0.0"])
        #expect([v("1.0.0"), v("1.0"), v("1")].sorted().map(\.raw) == ["1", "1.0", "1.0.0"])
        #expect(v("1") != v("1.0"))  // `==` is the registration's identity
    }

    @Test func versionValidation() {
        #expect(throws: VersionError.empty) { try Version("") }
        #expect(throws: VersionError.containsAt("1.0@beta")) { try Version("1.0@beta") }
        #expect(VersionError.containsAt("1@2").description.contains("'1@2'"))
    }
}
