import Testing
@testable import PlugboardConfig

@Suite struct FleetConfigTests {
    @Test func fleetDecodesWithItsDefaults() throws {
        let config = try decoder.decode(Array(#"""
            {"fleet": {"redis": {"url": "redis://cache:6380/1", "password": {"file": "secrets/redis"}}}}
            """#.utf8), source: "runtime.json")
        let fleet = try #require(config.fleet)
        #expect(fleet.redisURL == "redis://cache:6380/1")
        #expect(fleet.password == .file("/srv/plugboard/secrets/redis"))  // relative paths are the config file's
        #expect(fleet.timeoutMilliseconds == 250)
        #expect(fleet.quotasWhenUnavailable == .failOpen)
        #expect(fleet.leaseSeconds == 60)
        let set = try decoder.decode(Array(#"""
            {"fleet": {"redis": {"url": "redis://cache", "password": {"env": "REDIS_PASSWORD"}, "timeout_ms": 100},
                       "quotas": {"on_unavailable": "fail_closed", "lease_seconds": 5}}}
            """#.utf8), source: "runtime.json").fleet
        #expect(set?.password == .environment("REDIS_PASSWORD"))
        #expect(set?.timeoutMilliseconds == 100)
        #expect(set?.quotasWhenUnavailable == .failClosed)
        #expect(set?.leaseSeconds == 5)
        #expect(try decoder.decode(Array("{}".utf8), source: "runtime.json").fleet == nil)
    }

    @Test func mistakesAreNamedWithTheirPath() {
        #expect(issues(#"{"fleet": {}}"#).contains { $0.contains("$.fleet.redis") && $0.contains("redis://127.0.0.1:6379") })
        #expect(issues(#"{"fleet": {"redis": {"url": "http://cache"}}}"#).contains { $0.contains("$.fleet.redis.url") && $0.contains("redis://HOST:PORT") })
        #expect(issues(#"{"fleet": {"redis": {"url": "redis://c", "password": {"env": "A", "file": "b"}}}}"#)
            .contains { $0.contains("$.fleet.redis.password") && $0.contains("exactly one") })
        #expect(issues(#"{"fleet": {"redis": {"url": "redis://c"}, "quotas": {"on_unavailable": "open"}}}"#)
            .contains { $0.contains("$.fleet.quotas.on_unavailable") && $0.contains("fail_open") })
        #expect(issues(#"{"fleet": {"redis": {"url": "redis://c", "timeuot_ms": 5}}}"#).contains { $0.contains("timeuot_ms") })
    }
}

@Suite struct AllowedHostsConfigTests {
    @Test func hostsAndOriginsAreCheckedForTheirShape() throws {
        let http = try decoder.decode(Array(#"{"transports": {"http": {"allowed_hosts": ["mcp.example.com", "*.example.com"], "allowed_origins": ["https://app.example.com", "http://localhost:3000/"]}}}"#.utf8),
                                      source: "runtime.json").transports.http
        #expect(http.allowedHosts == ["mcp.example.com", "*.example.com"])
        #expect(http.allowedOrigins == ["https://app.example.com", "http://localhost:3000/"])
        #expect(issues(#"{"transports": {"http": {"allowed_hosts": ["https://mcp.example.com"]}}}"#).contains { $0.contains("$.transports.http.allowed_hosts[0]") && $0.contains("no scheme, no port") })
        for bad in ["app.example.com", "ftp://app.example.com", "https://app.example.com/path", "https://"] {
            #expect(issues(#"{"transports": {"http": {"allowed_origins": ["\#(bad)"]}}}"#).contains { $0.contains("$.transports.http.allowed_origins[0]") }, "\(bad)")
        }
    }
}
