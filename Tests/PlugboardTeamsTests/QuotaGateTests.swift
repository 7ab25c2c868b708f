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
}
