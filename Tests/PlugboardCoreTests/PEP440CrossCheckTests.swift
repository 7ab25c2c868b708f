import Foundation
import Testing

@testable import PlugboardCore

/// Compares the parser and the ordering with Python's packaging.version over a generated corpus. Runs only
/// when PEP440_CROSSCHECK names a file from `scripts/pep440-crosscheck.py` (CI need not have Python's packaging).
@Suite struct PEP440CrossCheckTests {
    static let corpusPath = ProcessInfo.processInfo.environment["PEP440_CROSSCHECK"]

    @Test(.enabled(if: corpusPath != nil, "set PEP440_CROSSCHECK to a corpus from scripts/pep440-crosscheck.py"))
    func agreesWithPackaging() throws {
        let text = try String(contentsOfFile: try #require(Self.corpusPath), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        let versions = try rows.map { try Version(String($0[0])) }
        var wrongClass: [String] = []
        for (row, version) in zip(rows, versions) where version.isPEP440 != (row[1] == "1") {
            wrongClass.append(version.raw)
        }
        #expect(wrongClass.isEmpty, "PEP 440 or not, disagreeing: \(wrongClass.prefix(10))")
        let expected = zip(rows, versions).sorted { Int($0.0[2])! < Int($1.0[2])! }.map(\.1.raw)
        let ours = versions.sorted().map(\.raw)
        let firstDifference = expected.indices.first { expected[$0] != ours[$0] }
        #expect(firstDifference == nil, "order differs from index \(firstDifference ?? 0)")
        #expect(versions.count > 1000)
    }
}
