import Foundation
import PlugboardConfig

extension RedisConfiguration {
    /// The Redis `fleet.redis` configures, its password read from where the configuration says. Errors name the
    /// configuration path and what to do.
    public init(_ configured: RuntimeConfig.Fleet,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(RedisError) {
        var password: String?
        switch configured.password?.read(environment: environment) {
        case nil: break
        case .success(let text): password = text
        case .failure(let problem): throw .configuration("fleet.redis.password: \(problem); give Redis's AUTH password there")
        }
        do { try self.init(url: configured.redisURL, password: password) } catch {
            throw .configuration("fleet.redis.url: \(error)")
        }
        commandTimeout = .milliseconds(configured.timeoutMilliseconds)
        connectTimeout = .milliseconds(max(configured.timeoutMilliseconds, 1_000))
    }
}
