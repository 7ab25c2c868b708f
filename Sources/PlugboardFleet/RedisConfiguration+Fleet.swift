import Foundation
import PlugboardConfig

extension RedisConfiguration {
    /// The Redis `fleet.redis` configures, its password read from where the configuration says. Errors name the
    /// configuration path and what to do.
    public init(_ configured: RuntimeConfig.Fleet,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(RedisError) {
        var password: String?
        switch configured.password {
        case nil: break
        case .value(let value): password = value
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw .configuration("fleet.redis.password names environment variable \(name), which is not set; set it, or give 'file' or 'value'")
            }
            password = value
        case .file(let path):
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .configuration("fleet.redis.password names file \(path), which cannot be read; check the path and its permissions")
            }
            password = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        do { try self.init(url: configured.redisURL, password: password) } catch {
            throw .configuration("fleet.redis.url: \(error)")
        }
        commandTimeout = .milliseconds(configured.timeoutMilliseconds)
        connectTimeout = .milliseconds(max(configured.timeoutMilliseconds, 1_000))
    }
}
