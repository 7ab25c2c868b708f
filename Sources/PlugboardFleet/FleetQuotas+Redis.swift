import Foundation
import PlugboardConfig
import PlugboardMCP

extension FleetQuotas {
    /// The store `quota_store` configures, its password read from where the configuration says. Errors name the
    /// configuration path and what to do.
    public static func store(_ configured: RuntimeConfig.QuotaStore,
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws(RedisError) -> RedisQuotas {
        var password: String?
        switch configured.password {
        case nil: break
        case .value(let value): password = value
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw .configuration("quota_store.redis.password names environment variable \(name), which is not set; set it, or give 'file' or 'value'")
            }
            password = value
        case .file(let path):
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .configuration("quota_store.redis.password names file \(path), which cannot be read; check the path and its permissions")
            }
            password = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var redis: RedisConfiguration
        do { redis = try RedisConfiguration(url: configured.redisURL, password: password) } catch {
            throw .configuration("quota_store.redis.url: \(error)")
        }
        redis.commandTimeout = .milliseconds(configured.timeoutMilliseconds)
        redis.connectTimeout = .milliseconds(max(configured.timeoutMilliseconds, 1_000))
        return RedisQuotas(redis, leaseDuration: .seconds(configured.leaseSeconds))
    }
}
