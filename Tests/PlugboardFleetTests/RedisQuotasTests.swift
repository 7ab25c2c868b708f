import PlugboardFleet
import PlugboardMCP
import PlugboardTestSupport
import Testing

/// Fleet quotas in a real Redis, with several stores (one per replica, each its own connection) sharing it.
@Suite struct RedisQuotasTests {
    static func stores(_ count: Int, redis: RedisServer, lease: Duration = .seconds(60)) throws -> [RedisQuotas] {
        try (0..<count).map { _ in RedisQuotas(try RedisConfiguration.forTests(redis), leaseDuration: lease) }
    }

    @Test func aRateHoldsForAllReplicasTogether() async throws {
        let redis = try RedisServer()
        let stores = try Self.stores(3, redis: redis)
        let rate = 10.0, flood = Duration.seconds(2)
        let clock = ContinuousClock()
        let started = clock.now
        let team = "flood-\(UInt32.random(in: 0...UInt32.max))"
        let (admitted, offered, failures) = await withTaskGroup(of: (Int, Int, [String]).self) { group in
            for store in stores {
                for _ in 0..<8 {  // eight callers per replica, each as fast as the store answers
                    group.addTask {
                        var admitted = 0, offered = 0, failures: [String] = []
                        let mine = clock.now  // a busy machine may start this caller late: each floods for `flood`
                        while clock.now - mine < flood {
                            offered += 1
                            do {
                                let turn = try await store.admit(team: team, maxConcurrentCalls: nil, callsPerSecond: rate, mayWait: .zero)
                                if case .now = turn { admitted += 1 }
                            } catch {
                                failures.append("\(error)")
                            }
                        }
                        return (admitted, offered, failures)
                    }
                }
            }
            return await group.reduce((0, 0, [String]())) { ($0.0 + $1.0, $0.1 + $1.1, $0.2 + $1.2) }
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // Never more than the quota allows the fleet (the burst of one second's worth, then the rate), however the
        // calls were spread over the three stores; and the burst, at least, is granted.
        let allowed = rate + rate * seconds
        print("fleet rate: \(admitted) of \(offered) calls admitted in \(String(format: "%.2f", seconds)) s by 3 replicas "
            + "for a quota of \(Int(rate))/s (at most \(Int(allowed)) allowed)")
        #expect(failures.isEmpty, "\(failures.count) calls failed, the first: \(failures.first ?? "")")
        #expect(Double(admitted) <= allowed + 1, "admitted \(admitted), the quota allows \(allowed)")
        #expect(admitted >= min(offered, Int(rate)), "the burst of \(Int(rate)) is granted")
        #expect(Double(offered) > 1.5 * allowed, "the flood must offer well past what the quota allows (offered \(offered))")
    }

    @Test func aCallThatMayWaitGetsTheNextTokenReserved() async throws {
        let redis = try RedisServer()
        let store = try Self.stores(1, redis: redis)[0]
        // 0.5/s: a burst of one, then one every 2 s. The margins leave a busy machine a second between calls.
        #expect(try await store.admit(team: "paced", maxConcurrentCalls: nil, callsPerSecond: 0.5, mayWait: .zero) == .now(nil))
        guard case .after(let wait, nil) = try await store.admit(team: "paced", maxConcurrentCalls: nil, callsPerSecond: 0.5,
                                                                   mayWait: .seconds(10)) else {
            Issue.record("the second call should be paced")
            return
        }
        #expect(wait > .seconds(1) && wait <= .seconds(2))
        guard case .after(let second, nil) = try await store.admit(team: "paced", maxConcurrentCalls: nil, callsPerSecond: 0.5,
                                                                     mayWait: .seconds(10)) else {
            Issue.record("the third call should be paced after the second")
            return
        }
        #expect(second > wait + .milliseconds(1_500))  // spaced 1/rate apart
        let refused = try await store.admit(team: "paced", maxConcurrentCalls: nil, callsPerSecond: 0.5, mayWait: .zero)
        guard case .rateExceeded(let retryAfter) = refused else {
            Issue.record("a call that may not wait is refused, got \(refused)")
            return
        }
        #expect(retryAfter > .seconds(3))
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
        let store = try Self.stores(1, redis: redis, lease: .seconds(2))[0]
        guard case .now(_?) = try await store.admit(team: "lost", maxConcurrentCalls: 1, callsPerSecond: nil, mayWait: .zero) else {
            Issue.record("the first call should be admitted")
            return
        }
        // Never released: its replica was killed mid-call.
        #expect(try await store.admit(team: "lost", maxConcurrentCalls: 1, callsPerSecond: nil, mayWait: .zero) == .concurrencyFull)
        try await Task.sleep(for: .milliseconds(2_200))
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
