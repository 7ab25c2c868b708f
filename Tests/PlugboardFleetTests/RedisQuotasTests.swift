import PlugboardFleet
import PlugboardMCP
import PlugboardTestSupport
import Testing

/// Fleet quotas in a real Redis, with several stores (one per replica, each its own connection) sharing it.
@Suite struct RedisQuotasTests {
    static func stores(_ count: Int, redis: RedisServer, lease: Duration = .seconds(60)) throws -> [RedisQuotas] {
        try (0..<count).map { _ in RedisQuotas(RedisConnection(try RedisConfiguration.forTests(redis)), leaseDuration: lease) }
    }

    @Test func aRateHoldsForAllReplicasTogether() async throws {
        let redis = try RedisServer()
        let stores = try Self.stores(3, redis: redis)
        // 0.2 calls/s: a burst of one, then one every 5 s. Thirty calls at once, ten through each replica's store:
        // one is admitted for the whole fleet (another only if five seconds pass before they are all answered).
        let team = "flood-\(UInt32.random(in: 0...UInt32.max))"
        let clock = ContinuousClock()
        let started = clock.now
        let turns = try await withThrowingTaskGroup(of: FleetTurn.self) { group in
            for store in stores {
                for _ in 0..<10 {
                    group.addTask { try await store.admit(team: team, maxConcurrentCalls: nil, callsPerSecond: 0.2, mayWait: .zero) }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = clock.now - started
        let admitted = turns.filter { if case .now = $0 { true } else { false } }.count
        let refused = turns.compactMap { if case .rateExceeded(let retryAfter) = $0 { retryAfter } else { nil } }
        print("fleet rate: \(admitted) of 30 calls through 3 replicas admitted for a quota of 0.2/s, in \(elapsed)")
        #expect(admitted >= 1)
        #expect(admitted <= 1 + Int(elapsed / .seconds(5)), "the fleet got \(admitted) calls for a burst of one")
        #expect(refused.count == 30 - admitted)
        #expect(refused.allSatisfy { $0 > .zero && $0 <= .seconds(5) }, "a token comes within 5 s: \(refused.prefix(3))")
    }

    @Test func aCallThatMayWaitGetsTheNextTokenReserved() async throws {
        let redis = try RedisServer()
        let store = try Self.stores(1, redis: redis)[0]
        // 0.1/s: a burst of one, then one every 10 s. Nothing waits for them; the margins leave a busy machine 5 s
        // between calls.
        #expect(try await store.admit(team: "paced", maxConcurrentCalls: nil, callsPerSecond: 0.1, mayWait: .zero) == .now(nil))
        guard case .after(let wait, nil) = try await store.admit(team: "paced", maxConcurrentCalls: nil, callsPerSecond: 0.1,
                                                                   mayWait: .seconds(30)) else {
            Issue.record("the second call should be paced")
            return
        }
        #expect(wait > .seconds(5) && wait <= .seconds(10))
        guard case .after(let second, nil) = try await store.admit(team: "paced", maxConcurrentCalls: nil, callsPerSecond: 0.1,
                                                                     mayWait: .seconds(30)) else {
            Issue.record("the third call should be paced after the second")
            return
        }
        #expect(second > wait + .seconds(5))  // spaced 1/rate apart
        let refused = try await store.admit(team: "paced", maxConcurrentCalls: nil, callsPerSecond: 0.1, mayWait: .zero)
        guard case .rateExceeded(let retryAfter) = refused else {
            Issue.record("a call that may not wait is refused, got \(refused)")
            return
        }
        #expect(retryAfter > .seconds(15))
        // Another team's rate is its own.
        #expect(try await store.admit(team: "other", maxConcurrentCalls: nil, callsPerSecond: 2, mayWait: .zero) == .now(nil))
    }

    @Test func callsInFlightAreCountedForTheFleetAndGivenBack() async throws {
        let redis = try RedisServer()
        let stores = try Self.stores(3, redis: redis)
        var leases: [(RedisQuotas, FleetLease)] = []
        var full = 0
        for store in stores {
            for _ in 0..<2 {
                switch try await store.admit(team: "busy", maxConcurrentCalls: 4, callsPerSecond: nil, mayWait: .zero) {
                case .now(let lease?): leases.append((store, lease))
                case .concurrencyFull: full += 1
                case let other: Issue.record("unexpected \(other)")
                }
            }
        }
        #expect(leases.count == 4)
        #expect(full == 2)
        let (store, lease) = leases[0]
        store.release(team: "busy", lease: lease)
        var admittedAgain = false
        for _ in 0..<50 where !admittedAgain {  // the release is sent without waiting for it
            if case .now = try await stores[2].admit(team: "busy", maxConcurrentCalls: 4, callsPerSecond: nil, mayWait: .zero) {
                admittedAgain = true
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(admittedAgain)
    }

    @Test func thePlacesOfADeadReplicaComeBackWhenTheirLeasesEnd() async throws {
        let redis = try RedisServer()
        let store = try Self.stores(1, redis: redis, lease: .seconds(6))[0]
        guard case .now(_?) = try await store.admit(team: "lost", maxConcurrentCalls: 1, callsPerSecond: nil, mayWait: .zero) else {
            Issue.record("the first call should be admitted")
            return
        }
        // Never released: its replica was killed mid-call.
        #expect(try await store.admit(team: "lost", maxConcurrentCalls: 1, callsPerSecond: nil, mayWait: .zero) == .concurrencyFull)
        try await Task.sleep(for: .milliseconds(6_300))
        guard case .now(_?) = try await store.admit(team: "lost", maxConcurrentCalls: 1, callsPerSecond: nil, mayWait: .zero) else {
            Issue.record("the lease should have run out")
            return
        }
    }

    @Test func aRedisThatDiedIsAnErrorNotAnAnswer() async throws {
        let redis = try RedisServer()
        let store = try Self.stores(1, redis: redis)[0]
        _ = try await store.admit(team: "t", maxConcurrentCalls: 2, callsPerSecond: 5, mayWait: .zero)
        redis.stop()
        await #expect { try await store.admit(team: "t", maxConcurrentCalls: 2, callsPerSecond: 5, mayWait: .zero) } throws: { error in
            "\(error)".contains(redis.url.replacingOccurrences(of: "redis://", with: ""))
        }
    }

    @Test func theScriptIsLoadedIntoARedisThatHasNotSeenIt() async throws {
        let redis = try RedisServer()
        let store = try Self.stores(1, redis: redis)[0]
        #expect(try await store.admit(team: "t", maxConcurrentCalls: nil, callsPerSecond: 100, mayWait: .zero) == .now(nil))
        _ = try await store.connection.send(["SCRIPT", "FLUSH"])  // as after a Redis restart or failover
        #expect(try await store.admit(team: "t", maxConcurrentCalls: nil, callsPerSecond: 100, mayWait: .zero) == .now(nil))
    }
}
