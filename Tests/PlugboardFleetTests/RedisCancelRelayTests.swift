import PlugboardFleet
import PlugboardTestSupport
import Synchronization
import Testing

/// Cancels relayed between replicas through a real Redis's publish/subscribe.
@Suite struct RedisCancelRelayTests {
    final class Received: Sendable {
        let cancels = Mutex<[(String, String)]>([])
        func add(_ session: String, _ request: [UInt8]) { cancels.withLock { $0.append((session, String(decoding: request, as: UTF8.self))) } }
        var all: [(String, String)] { cancels.withLock { $0 } }
    }

    static func waitFor(_ condition: () -> Bool) async throws {
        for _ in 0..<100 where !condition() { try await Task.sleep(for: .milliseconds(20)) }
    }

    @Test func aCancelPublishedByOneReplicaReachesEveryReplica() async throws {
        let redis = try RedisServer()
        let configuration = try RedisConfiguration.forTests(redis)
        let here = RedisCancelRelay(publisher: RedisConnection(configuration)), there = RedisCancelRelay(publisher: RedisConnection(configuration))
        let hereGot = Received(), thereGot = Received()
        here.start(deliver: hereGot.add)
        there.start(deliver: thereGot.add)
        // The subscriptions are up once Redis counts two subscribers.
        let probe = RedisConnection(configuration)
        for _ in 0..<50 {
            let count = try await probe.send(["PUBSUB", "NUMSUB", RedisCancelRelay.channel])
            if case .array(let parts?) = count, parts.count == 2, parts[1].integer == 2 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        here.publish(sessionID: "pb1.session-one", requestID: Array(#""req-\"7\"""#.utf8))
        here.publish(sessionID: "pb1.session-two", requestID: Array("42".utf8))
        try await Self.waitFor { thereGot.all.count == 2 && hereGot.all.count == 2 }
        // Each with the JSON-RPC id exactly as the client sent it (cancels are independent: no order is kept).
        let expected: Set<String> = ["pb1.session-one " + #""req-\"7\"""#, "pb1.session-two 42"]
        #expect(Set(thereGot.all.map { "\($0.0) \($0.1)" }) == expected)
        #expect(hereGot.all.count == 2)  // its own too: the replica that published may run the request after all
    }

    @Test func theSubscriptionComesBackAfterRedisRestarts() async throws {
        let redis = try RedisServer()
        let configuration = try RedisConfiguration.forTests(redis)
        let problems = Mutex<[String]>([])
        let relay = RedisCancelRelay(publisher: RedisConnection(configuration)) { problem in problems.withLock { $0.append(problem) } }
        let got = Received()
        relay.start(deliver: got.add)
        let probe = RedisConnection(configuration)
        redis.stop()
        try await Self.waitFor { !problems.withLock { $0 }.isEmpty }
        #expect(problems.withLock { $0 }.contains { $0.contains(configuration.address) })
        // A new Redis on the same port: the relay subscribes again by itself.
        let again = try RedisServer(port: redis.port)
        defer { again.stop() }
        var delivered = false
        for attempt in 0..<100 where !delivered {
            _ = try? await probe.send(["PUBLISH", RedisCancelRelay.channel, #"{"s":"pb1.back","r":"\#(attempt)"}"#])
            try await Task.sleep(for: .milliseconds(50))
            delivered = got.all.contains { $0.0 == "pb1.back" }
        }
        #expect(delivered)
    }
}
