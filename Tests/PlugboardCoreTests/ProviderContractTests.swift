import Testing
@testable import PlugboardCore

@Suite struct VersionValidationTests {
    @Test func refusesEmptyAndAt() {
        #expect(throws: VersionError.empty) { try Version("") }
        #expect(throws: VersionError.containsAt("1@2")) { try Version("1@2") }
        #expect((try? Version("1.0"))?.raw == "1.0")
    }
}
