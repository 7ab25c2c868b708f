import PlugboardCore
import PlugboardLoader
import Testing

/// Handlers that break their contract at call time: the caller is always freed with a clear error.
@Suite struct CallFailureTests {
    let directory = TestSupport.temporaryDirectory("call-failures")

    /// The handlers never answer: a caller that was held would never return, and the time limit would fail it.
    @Test(.timeLimit(.minutes(1))) func handlerThatNeverAnswersTimesOutAndFreesTheCaller() async throws {
        let file = try await TestSupport.fixture("never_answers", into: directory)
        let provider = try TestSupport.loader(deadline: .milliseconds(300)).load(file: file)
        let clock = ContinuousClock()
        let start = clock.now
        let blocked = try await provider.toolError("hang")
        #expect(blocked == InvocationError(.timedOut,
            "tool 'hang' of plugin 'never_answers' did not answer within 0.3 seconds; the call was abandoned"))
        let forgotten = try await provider.toolError("forget")
        #expect(forgotten == InvocationError(.timedOut,
            "tool 'forget' of plugin 'never_answers' did not answer within 0.3 seconds; the call was abandoned"))
        let elapsed = clock.now - start
        // Two deadlines of 0.3 s, each waited out. How much longer it took is the machine's load, not the loader's
        // (the whole suite on two cores has taken 18 s here).
        #expect(elapsed >= .milliseconds(600))
        // The hung component does not hold up the others.
        let fine = try await provider.callTool("fine")
        #expect(fine.firstText == "ok")
    }

    @Test func handlerThatAnswersNothingIsAnInternalError() async throws {
        let file = try await TestSupport.fixture("answers_nothing", into: directory)
        let provider = try TestSupport.loader().load(file: file)
        let error = try await provider.toolError("mute")
        #expect(error == InvocationError(.internalError,
            "tool 'mute' of plugin 'answers_nothing' returned without setting a result or an error; "
            + "call host->set_result or host->set_error first (this is a bug in the plugin)"))
    }

    @Test func unknownComponentIsNotFound() async throws {
        let provider = try TestSupport.loader().load(file: TestSupport.bundled("calculator"))
        let error = try await provider.toolError("calculate", version: "3.0", #"{"a":1,"b":2,"op":"add"}"#)
        #expect(error == InvocationError(.notFound, "plugin 'calculator' has no tool 'calculate' version 3.0"))
    }
}
