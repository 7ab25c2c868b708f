import PlugboardCore
import PlugboardLoader
import Testing

/// Deadlines of different lengths share one watcher: each call is freed at its own deadline, not behind a
/// longer one armed earlier.
@Suite struct CallDeadlineTests {
    let directory = TestSupport.temporaryDirectory("call-deadlines")

    @Test func aShortDeadlineArmedAfterALongOneFiresFirst() async throws {
        let file = try await TestSupport.fixture("never_answers", into: directory)
        let patient = try TestSupport.loader(deadline: .seconds(3)).load(file: file)
        let hasty = try TestSupport.loader(deadline: .milliseconds(200)).load(file: file)
        let order = try await withThrowingTaskGroup(of: (String, InvocationError?).self) { group in
            group.addTask { ("patient", try await patient.toolError("forget")) }
            try await Task.sleep(for: .milliseconds(50))  // the long deadline is armed first
            group.addTask { ("hasty", try await hasty.toolError("forget")) }
            var order: [(String, InvocationError?)] = []
            for try await finished in group { order.append(finished) }
            return order
        }
        #expect(order.map(\.0) == ["hasty", "patient"])
        #expect(order.first?.1 == InvocationError(.timedOut,
            "tool 'forget' of plugin 'never_answers' did not answer within 0.2 seconds; the call was abandoned"))
        #expect(order.last?.1 == InvocationError(.timedOut,
            "tool 'forget' of plugin 'never_answers' did not answer within 3.0 seconds; the call was abandoned"))
    }
}
