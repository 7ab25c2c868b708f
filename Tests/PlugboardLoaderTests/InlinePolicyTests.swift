import Foundation
import PlugboardCore
import PlugboardJSON
import PlugboardLoader
import Synchronization
import Testing

/// `NativeProvider.invokeNow`: typed functions run on the caller's thread; a caller that cannot afford a slow
/// call there (`.onlyIfKnownQuick`) gets only functions whose recent calls were all quick.
@Suite struct InlinePolicyTests {
    let provider: NativeProvider

    init() async throws {
        let file = try await TestSupport.fixture("slow_functions", into: TestSupport.temporaryDirectory("inline"))
        provider = try TestSupport.loader().load(file: file)
    }

    func call(_ key: String, _ arguments: String) -> Invocation {
        Invocation(kind: .tool, key: key, version: nil, arguments: TestSupport.json(arguments))
    }

    func sum(_ invocation: Invocation, _ policy: InlinePolicy) throws -> JSONValue? {
        try provider.invokeNow(invocation, policy: policy).map { try TestSupport.parse(try $0.get()) }?["structuredContent"]?["result"]
    }

    /// Calls through handler threads until a wary caller may run it in place; the number of calls that took.
    /// (A test run on a loaded machine may see a call paused past the limit, so this allows for a few.)
    func callsUntilKnownQuick(_ invocation: Invocation) async throws -> Int? {
        for calls in 0..<2_000 {
            if provider.invokeNow(invocation, policy: .onlyIfKnownQuick) != nil { return calls }
            _ = try await provider.invoke(invocation, context: .none)
        }
        return nil
    }

    @Test func aTypedFunctionRunsInPlaceForAWaryCallerOnlyOnceItHasBeenQuick() async throws {
        let add = call("sum", #"{"a":1,"b":2}"#)
        #expect(provider.invokeNow(add, policy: .onlyIfKnownQuick) == nil)
        #expect(try sum(add, .evenIfSlow) == .number("3"))
        let calls = try #require(try await callsUntilKnownQuick(add))
        #expect(calls >= 31, "one quick call was made in place above; 32 are needed")
        #expect(try sum(add, .onlyIfKnownQuick) == .number("3"))
    }

    @Test func aSlowCallSendsItBackToHandlerThreadsForLongerEachTime() async throws {
        let quick = call("nap", #"{"ms":0}"#)
        _ = try #require(try await callsUntilKnownQuick(quick))
        _ = try await provider.invoke(call("nap", #"{"ms":5}"#), context: .none)
        #expect(provider.invokeNow(quick, policy: .onlyIfKnownQuick) == nil)
        #expect(provider.invokeNow(quick, policy: .evenIfSlow) != nil, "a caller that can take over still runs it")
        let afterOne = try #require(try await callsUntilKnownQuick(quick))
        #expect(afterOne >= 64 + 32 - 1)
        _ = try await provider.invoke(call("nap", #"{"ms":5}"#), context: .none)
        let afterTwo = try #require(try await callsUntilKnownQuick(quick))
        #expect(afterTwo >= 128 + 32)
    }

    @Test func aBusyNonReentrantFunctionIsNotRunInPlace() async throws {
        let provider = provider
        let quick = call("nap_alone", #"{"ms":0}"#)
        let finished = Flag()
        let running = Task {
            defer { finished.set() }
            return try await provider.invoke(call("nap_alone", #"{"ms":1500}"#), context: .none)
        }
        // While the long call holds the function, a call in place is refused rather than made to wait. The look
        // runs on a thread of its own for as long as the long call has not returned: on a loaded machine the shared
        // task pool can stall for longer than the call lasts, and a look from it could miss the whole call.
        let refused = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
            Thread {
                let giveUp = ContinuousClock.now + .seconds(120)
                var refused = false
                while !refused, !finished.isSet, ContinuousClock.now < giveUp {
                    usleep(1_000)
                    refused = provider.invokeNow(quick, policy: .evenIfSlow) == nil
                }
                done.resume(returning: refused)
            }.start()
        }
        #expect(refused)
        _ = try await running.value
        #expect(provider.invokeNow(quick, policy: .evenIfSlow) != nil)
    }

    /// Set once, read from any thread.
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }
}
