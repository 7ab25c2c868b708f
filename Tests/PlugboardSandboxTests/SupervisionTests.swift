import Foundation
import Glibc
import PlugboardCore
import PlugboardJSON
import PlugboardSandbox
import Testing

extension SandboxTests {
    @Suite("Supervision: restarts, the circuit breaker, reload")
    struct SupervisionTests {
        @Test("200 crashes in a row of one provider: every call of another provider succeeds meanwhile")
        func twoHundredCrashes() async throws {
            let calculator = try await Sandboxed.launch(Sandboxed.bundled("calculator"))
            defer { calculator.shutdown() }
            var policy = Sandboxed.policy()
            policy.restart.maximumBackoff = .milliseconds(5)
            let hostile = try await Sandboxed.launch(try Sandboxed.fixture("hostile"), policy: policy)
            defer { hostile.shutdown() }
            let bystander = Bystander(calculator)
            var pids = Set<Substring>()
            for round in 1...200 {
                let result = await hostile.call("segfault")
                // "its worker (pid N) died of SIGSEGV": a different worker every time.
                if let message = result.error?.message, let start = message.range(of: "(pid ") {
                    pids.insert(message[start.upperBound...].prefix { $0.isNumber })
                }
                #expect(result.error?.kind == .unavailable, "round \(round): \(result)")
                #expect(result.error?.message.contains("SIGSEGV") == true, "round \(round): \(result)")
            }
            let (succeeded, failed) = await bystander.finish()
            #expect(failed.isEmpty, "\(failed.prefix(3))")
            #expect(succeeded >= 50)
            #expect(hostile.restartCount >= 199)
            #expect(pids.count == 200)
            #expect(calculator.restartCount == 0)
            #expect(await hostile.call("fine").value?.firstText == "fine")
        }

        @Test("after the threshold of deaths in a row the circuit opens: calls fail at once, then it half-opens")
        func circuitBreaker() async throws {
            var policy = Sandboxed.policy()
            policy.restart = RestartPolicy(initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(20),
                                           circuitThreshold: 3, circuitCooldown: .milliseconds(400))
            let hostile = try await Sandboxed.launch(try Sandboxed.fixture("hostile"), policy: policy)
            defer { hostile.shutdown() }
            for _ in 1...3 { #expect(await hostile.call("segfault").error?.message.contains("SIGSEGV") == true) }
            #expect(hostile.isCircuitOpen)
            let started = ContinuousClock.now
            let refused = await hostile.call("fine")
            #expect(ContinuousClock.now - started < .milliseconds(100))
            #expect(refused.error?.kind == .unavailable)
            #expect(refused.error?.message.contains("died 3 times in a row") == true, "\(refused)")
            #expect(refused.error?.message.contains("SIGSEGV") == true)
            try await Task.sleep(for: .milliseconds(450))
            // Half-open: one new worker is tried, and it works.
            #expect(await hostile.call("fine").value?.firstText == "fine")
            #expect(!hostile.isCircuitOpen)
            // A success resets the count: two more deaths do not open the circuit again.
            for _ in 1...2 { _ = await hostile.call("abort") }
            #expect(await hostile.call("fine").value?.firstText == "fine")
        }

        @Test("restarts wait out the backoff: a call after the first death waits the initial delay, after the second twice that")
        func backoffInPractice() async throws {
            var policy = Sandboxed.policy()
            policy.restart = RestartPolicy(initialBackoff: .milliseconds(200), maximumBackoff: .seconds(2), circuitThreshold: 10)
            let hostile = try await Sandboxed.launch(try Sandboxed.fixture("hostile"), policy: policy)
            defer { hostile.shutdown() }
            let clock = ContinuousClock()
            #expect(await hostile.call("segfault").error?.kind == .unavailable)
            var start = clock.now
            #expect(await hostile.call("segfault").error?.kind == .unavailable)  // waits for restart 1, then dies
            #expect(clock.now - start >= .milliseconds(200))
            start = clock.now
            #expect(await hostile.call("fine").value?.firstText == "fine")      // waits for restart 2
            #expect(clock.now - start >= .milliseconds(400))
            #expect(hostile.restartCount == 2)
        }

        @Test("the backoff doubles from its start and stops at its cap")
        func backoff() {
            let restart = RestartPolicy(initialBackoff: .milliseconds(100), maximumBackoff: .seconds(1))
            #expect((1...6).map { restart.backoff(afterDeaths: $0) }
                    == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        }

        @Test("reload: the new worker serves, the old one finishes its call in flight, refuses new ones, and ends")
        func reload() async throws {
            let old = try await Sandboxed.launch(Sandboxed.bundled("notes"))
            let oldPID = try #require(old.workerPID)
            let inFlight = Task { await old.call("reindex") }
            try await Task.sleep(for: .milliseconds(150))
            let replacement = try await Sandboxed.launch(Sandboxed.bundled("notes"))
            defer { replacement.shutdown() }
            // (The routing table would be swapped here.) Retire the old one while its call runs.
            let retiring = Task { await old.retire() }
            try await Task.sleep(for: .milliseconds(20))
            let refused = await old.call("reindex")
            #expect(refused.error?.kind == .unavailable)
            #expect(refused.error?.message.contains("stopped or replaced") == true)
            #expect(await inFlight.value.value?.firstText == "reindexed")
            await retiring.value
            #expect(await replacement.call("reindex").value?.firstText == "reindexed")
            #expect(replacement.workerPID != oldPID)
            // The old worker is gone (reaped: its pid no longer answers).
            let deadline = ContinuousClock.now + .seconds(3)
            while kill(oldPID, 0) == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(kill(oldPID, 0) == -1 && errno == ESRCH)
        }

        @Test("a call in flight when the worker dies fails; a concurrent call on the same provider fails with the same cause")
        func inFlightCallsFail() async throws {
            let hostile = try await Sandboxed.launch(try Sandboxed.fixture("hostile"))
            defer { hostile.shutdown() }
            let polite = Task { await hostile.call("polite_spin") }
            try await Task.sleep(for: .milliseconds(100))
            let crash = await hostile.call("segfault")
            let bystanderCall = await polite.value
            #expect(crash.error?.message.contains("tool 'segfault'") == true)
            #expect(bystanderCall.error?.kind == .unavailable)
            #expect(bystanderCall.error?.message.contains("tool 'polite_spin' of provider 'hostile' failed") == true, "\(bystanderCall)")
            #expect(bystanderCall.error?.message.contains("SIGSEGV") == true)
        }
    }
}
