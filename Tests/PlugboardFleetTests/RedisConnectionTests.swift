import PlugboardFleet
import PlugboardTestSupport
import Testing

/// The RESP client against a real redis-server.
extension RedisConfiguration {
    /// The test's Redis, with room for a machine busy running the whole suite at once (the default timeouts are
    /// for production, where a slow Redis is an unavailable one).
    static func forTests(_ redis: RedisServer, password: String? = nil) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: redis.url, password: password)
        configuration.commandTimeout = .seconds(10)
        configuration.connectTimeout = .seconds(10)
        return configuration
    }
}

@Suite struct RedisConnectionTests {
    @Test func commandsInFlightTogetherGetTheirOwnReplies() async throws {
        let redis = try RedisServer()
        let connection = RedisConnection(try RedisConfiguration.forTests(redis))
        let replies = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<500 {
                group.addTask {
                    _ = try await connection.send(["SET", "key-\(index)", "value-\(index)"])
                    return (index, try await connection.send(["GET", "key-\(index)"]).text)
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(replies.count == 500)
        #expect(replies.allSatisfy { $0.value == "value-\($0.key)" })
        #expect(try await connection.send(["DBSIZE"]).integer == 500)
        await connection.close()
    }

    @Test func anErrorReplyIsThrownWithRedisText() async throws {
        let redis = try RedisServer()
        let connection = RedisConnection(try RedisConfiguration.forTests(redis))
        _ = try await connection.send(["SET", "text", "not a number"])
        await #expect { try await connection.send(["INCR", "text"]) } throws: { error in
            guard case RedisError.server(let text) = error else { return false }
            return text.contains("not an integer")
        }
        #expect(try await connection.send(["PING"]) == .simpleString("PONG"))  // the connection is still good
    }

    @Test func aPasswordIsSentAndAWrongOneIsNamed() async throws {
        let redis = try RedisServer(password: "s3cret-for-test")
        let good = RedisConnection(try RedisConfiguration.forTests(redis, password: "s3cret-for-test"))
        #expect(try await good.send(["PING"]) == .simpleString("PONG"))
        let wrong = RedisConnection(try RedisConfiguration.forTests(redis, password: "wrong"))
        await #expect { try await wrong.send(["PING"]) } throws: { error in
            "\(error)".contains("refused the credentials") && !"\(error)".contains("wrong")
        }
    }

    @Test func aStoppedServerFailsCallsAtOnceAndAComebackIsUsed() async throws {
        let redis = try RedisServer()
        var configuration = try RedisConfiguration.forTests(redis)
        configuration.commandTimeout = .milliseconds(300)
        let connection = RedisConnection(configuration)
        #expect(try await connection.send(["PING"]) == .simpleString("PONG"))
        redis.stop()
        // Each call is timed on its own: a loaded machine (the whole suite runs at once) can stall the task pool
        // for seconds in all, but a call that waited for a reply or a connect would take the whole command timeout.
        let clock = ContinuousClock()
        var slow: [Duration] = []
        for _ in 0..<20 {
            let elapsed = await clock.measure {
                await #expect(throws: RedisError.self) { try await connection.send(["PING"]) }
            }
            if elapsed >= configuration.commandTimeout { slow.append(elapsed) }
        }
        #expect(slow.count <= 2, "calls to a dead Redis that took the command timeout or longer: \(slow); each must fail fast")
    }

    @Test(arguments: [
        ("redis://127.0.0.1:6380/2", "127.0.0.1", 6380, 2, nil as String?),
        ("redis://:pw@cache.internal", "cache.internal", 6379, 0, "pw"),
        ("redis://[::1]:7000", "::1", 7000, 0, nil),
    ])
    func urlsAreRead(_ url: String, host: String, port: Int, database: Int, password: String?) throws {
        let configuration = try RedisConfiguration(url: url)
        #expect(configuration.host == host)
        #expect(configuration.port == port)
        #expect(configuration.database == database)
        #expect(configuration.password == password)
        #expect(!configuration.address.contains("pw"))
    }

    @Test(arguments: ["http://127.0.0.1", "redis://host:99999", "redis://", "redis://h/x"])
    func badURLsSayWhatToWrite(_ url: String) {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
    }
}
