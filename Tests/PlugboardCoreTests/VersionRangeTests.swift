import Testing

@testable import PlugboardCore

@Suite struct VersionRangeTests {
    @Test func boundsAreInclusiveBelowExclusiveAbove() {
        let range = VersionRange(gte: v("2.0"), lt: v("3.0"))
        #expect(range.matches(v("2.0")))
        #expect(range.matches(v("2")))
        #expect(range.matches(v("2.5")))
        #expect(!range.matches(v("1.9")))
        #expect(!range.matches(v("3.0")))
        #expect(!range.matches(v("3")))
        #expect(range.matches(v("3.0rc1")))  // a pre-release of 3.0 sorts below 3.0
    }

    // FastMCP TestVersionSpecEq: exact, v-prefix both ways, PEP 440 spellings, malformed exact.
    @Test(arguments: [
        ("1.0", "1.0", true), ("1.0", "2.0", false), ("v1.0", "1.0", true), ("1.0", "v1.0", true),
        ("v2.3", "v2.3", true), ("1.0", "1", true), ("1", "1.0", true), ("1.0", "1.0.0", true),
        ("1.0", "1.0.1", false), ("latest", "latest", true), ("latest", "LATEST", false),
        ("2024-01-01", "2024-01-01", true), ("2024-01-01", "2024-01-02", false),
    ])
    func eqMatchesByOrderEquality(eq: String, candidate: String, matches: Bool) {
        #expect(VersionRange(eq: v(eq)).matches(v(candidate)) == matches)
    }

    @Test func stringVersionsCompareAgainstStringBounds() {
        // FastMCP test_date_versions: dates are strings, compared by code points.
        let q1 = VersionRange(lt: v("2025-04-01"))
        #expect(q1.matches(v("2025-01-01")))
        #expect(!q1.matches(v("2025-06-01")))
        #expect(q1.matches(v("99.0")))  // every PEP 440 version sorts below every string
    }

    @Test func intersectTakesTighterBounds() {
        let a = VersionRange(gte: v("1.0"), lt: v("3.0"))
        let b = VersionRange(gte: v("2.0"), lt: v("4.0"))
        #expect(a.intersect(b) == VersionRange(gte: v("2.0"), lt: v("3.0")))
        #expect(a.intersect(.all) == a)
        #expect(VersionRange.all.intersect(b) == b)
    }

    @Test func intersectKeepsAnEqInsideAndEmptiesOutside() {
        let range = VersionRange(lt: v("3.0"))
        let inside = range.intersect(VersionRange(eq: v("1.0")))
        #expect(inside.matches(v("1")))
        #expect(!inside.matches(v("2.0")))
        #expect(!inside.isEmpty)
        let outside = range.intersect(VersionRange(eq: v("3.0")))
        #expect(outside.isEmpty)
        #expect(!outside.matches(v("3.0")))
        let conflicting = VersionRange(eq: v("1.0")).intersect(VersionRange(eq: v("2.0")))
        #expect(conflicting.isEmpty)
        #expect(!conflicting.matches(v("1.0")) && !conflicting.matches(v("2.0")))
        #expect(!VersionRange(eq: v("1")).intersect(VersionRange(eq: v("1.0"))).isEmpty)
    }

    @Test func filterAdmitsUnversionedUnlessTold() {
        let filter = VersionFilter(lt: v("3.0"))
        #expect(filter.admits(nil))
        #expect(filter.admits(v("2.0")))
        #expect(!filter.admits(v("5.0")))
        let strict = VersionFilter(lt: v("3.0"), includeUnversioned: false)
        #expect(!strict.admits(nil))
        #expect(!filter.intersect(strict).admits(nil))
        let both = VersionFilter(gte: v("1.0")).intersect(VersionFilter(lt: v("2.0")))
        #expect(both.admits(v("1.5")) && !both.admits(v("2.0")) && !both.admits(v("0.9")))
    }

    @Test func validatedFilterNeedsABoundAndANonEmptyRange() throws {
        #expect(throws: VersionFilterError.noBounds) { try VersionFilter.validated(gte: nil, lt: nil) }
        #expect(throws: VersionFilterError.emptyRange(gte: "3.0", lt: "2.0")) {
            try VersionFilter.validated(gte: v("3.0"), lt: v("2.0"))
        }
        #expect(VersionFilterError.noBounds.description.contains("version_gte"))
        let filter = try VersionFilter.validated(gte: v("1.0"), lt: nil, includeUnversioned: false)
        #expect(filter.range.gte == v("1.0") && !filter.includeUnversioned)
    }
}
