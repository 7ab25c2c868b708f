import PlugboardMCP
import Testing

/// The gate's arithmetic with a clock the test controls (the real server's behaviour is in QuotaTests).
@Suite struct QuotaGateTests {
    @Test func rateLimitBurstsOneSecondThenRefillsAtTheRate() throws {
        let gate = QuotaGate(team: "t", limits: .init(callsPerSecond: 2))
        let start = ContinuousClock.now
        #expect(gate.admit(now: start) == nil)
        gate.release()
        #expect(gate.admit(now: start) == nil)
        gate.release()
        let refusal = try #require(gate.admit(now: start))
        #expect(refusal.quota == "calls_per_second" && refusal.limit == "2")
        #expect(refusal.retryAfter == .milliseconds(500))  // one token at 2 per second
        #expect(gate.admit(now: start + .milliseconds(250)) != nil)
        #expect(gate.admit(now: start + .milliseconds(500)) == nil)
        gate.release()
        #expect(gate.callsInFlight == 0)
    }

    @Test func concurrencyCountsCallsUntilReleasedAndSpendsNoRateToken() throws {
        let gate = QuotaGate(team: "t", limits: .init(maxConcurrentCalls: 2, callsPerSecond: 3))
        let now = ContinuousClock.now
        #expect(gate.admit(now: now) == nil)
        #expect(gate.admit(now: now) == nil)
        let refusal = try #require(gate.admit(now: now))
        #expect(refusal.quota == "max_concurrent_calls" && refusal.limit == "2" && refusal.retryAfter == nil)
        #expect(gate.callsInFlight == 2)
        gate.release()
        // The refused call did not spend the third token of the burst.
        #expect(gate.admit(now: now) == nil)
        gate.release()
        gate.release()
        #expect(gate.admit(now: now)?.quota == "calls_per_second")
    }

    @Test func fractionalRatesAreNamedAsConfigured() {
        let gate = QuotaGate(team: "t", limits: .init(callsPerSecond: 0.5))
        let now = ContinuousClock.now
        #expect(gate.admit(now: now) == nil)  // a burst of at least one call
        #expect(gate.admit(now: now)?.limit == "0.5")
        #expect(gate.admit(now: now)?.retryAfter == .seconds(2))
    }

    @Test func pastTheRateACallWaitsForItsOwnTokenSpacedOneOverTheRateUpToTheLongestWait() throws {
        let gate = QuotaGate(team: "t", limits: .init(callsPerSecond: 10, maxRateWait: .milliseconds(250)))
        let now = ContinuousClock.now
        for _ in 0..<10 { #expect(gate.admit(now: now, mayWait: .milliseconds(250)) == .now) }  // the burst
        // Each waiting call is lent the next token: 100 ms apart at 10 per second.
        #expect(gate.admit(now: now, mayWait: .milliseconds(250)) == .after(.milliseconds(100)))
        #expect(gate.admit(now: now, mayWait: .milliseconds(250)) == .after(.milliseconds(200)))
        // The next would wait 300 ms: refused, and told when its token would come.
        guard case .refused(let refusal) = gate.admit(now: now, mayWait: .milliseconds(250)) else {
            Issue.record("a call that would wait 300 ms was admitted (longest wait 250 ms)")
            return
        }
        #expect(refusal.quota == "calls_per_second" && refusal.limit == "10" && refusal.retryAfter == .milliseconds(300))
        // Waiting calls hold their place in flight; the refused one does not.
        #expect(gate.callsInFlight == 12)
        // Without a wait (stdio), the same state refuses at once.
        #expect(gate.admit(now: now)?.retryAfter == .milliseconds(300))
        // 150 ms later, one token has come back to the bucket: the next waiter is served 100 ms after the last.
        #expect(gate.admit(now: now + .milliseconds(150), mayWait: .milliseconds(250)) == .after(.milliseconds(150)))
        for _ in 0..<13 { gate.release() }
        #expect(gate.callsInFlight == 0)
    }

    @Test func aWaitingCallCountsAgainstTheConcurrencyLimit() throws {
        let gate = QuotaGate(team: "t", limits: .init(maxConcurrentCalls: 2, callsPerSecond: 1))
        let now = ContinuousClock.now
        #expect(gate.admit(now: now, mayWait: .seconds(5)) == .now)
        #expect(gate.admit(now: now, mayWait: .seconds(5)) == .after(.seconds(1)))
        guard case .refused(let refusal) = gate.admit(now: now, mayWait: .seconds(5)) else {
            Issue.record("a third call was admitted past max_concurrent_calls = 2 while one waits for its token")
            return
        }
        #expect(refusal.quota == "max_concurrent_calls" && refusal.retryAfter == nil)
    }

    @Test func updatedLimitsApplyToTheNextCallAndAChangedRateStartsAFullBucket() throws {
        let gate = QuotaGate(team: "t", limits: .init(maxConcurrentCalls: 1, callsPerSecond: 1))
        let now = ContinuousClock.now
        #expect(gate.admit(now: now) == nil)
        #expect(gate.admit(now: now)?.quota == "max_concurrent_calls")
        gate.update(.init(maxConcurrentCalls: 3, callsPerSecond: 2))
        #expect(gate.limits.maxConcurrentCalls == 3 && gate.limits.callsPerSecond == 2)
        #expect(gate.admit(now: now) == nil)  // a new bucket of 2; the call in flight kept its place
        #expect(gate.admit(now: now) == nil)
        #expect(gate.callsInFlight == 3)
        #expect(gate.admit(now: now)?.quota == "max_concurrent_calls")
        for _ in 0..<3 { gate.release() }
        #expect(gate.admit(now: now)?.limit == "2")  // the new bucket is spent
        // Limits other than the rate leave the bucket as it is.
        gate.update(.init(maxConcurrentCalls: 5, callsPerSecond: 2, maxResponseBytes: 4096))
        #expect(gate.admit(now: now)?.quota == "calls_per_second")
        #expect(gate.limits.maxResponseBytes == 4096)
    }
}
