import Foundation
import PlugboardCore
import PlugboardJSON

/// Decodes and validates runtime.json. Every problem is reported with its JSON path; nothing is half-applied.
public struct RuntimeConfigDecoder: Sendable {
    /// Directory relative paths are resolved against (the config file's directory).
    public var baseDirectory: String
    /// What `${bundled}` stands for: the directory holding the bundled providers (the executable's directory).
    public var bundledDirectory: String

    public init(baseDirectory: String, bundledDirectory: String) {
        self.baseDirectory = baseDirectory
        self.bundledDirectory = bundledDirectory
    }

    public func decode(_ bytes: [UInt8], source: String) throws(ConfigError) -> RuntimeConfig {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            let location = TextLocation(offset: error.offset, in: bytes)
            throw ConfigError(source: source, issues: [
                ConfigIssue(path: "line \(location.line), column \(location.column)", message: "not valid JSON: \(error)")
            ])
        }
        let log = IssueLog()
        let config = decodeRoot(root, log: log)
        if !log.issues.isEmpty { throw ConfigError(source: source, issues: log.issues) }
        return config!
    }

    private func decodeRoot(_ value: JSONValue, log: IssueLog) -> RuntimeConfig? {
        guard let root = ObjectReader.make(value, at: "$", log: log) else { return nil }
        _ = root.value("$schema")
        var config = RuntimeConfig()
        config.pluginDirectories = root.array("plugin_directories")?.compactMap { pluginDirectory($0.value, at: $0.path, log: log) } ?? []
        config.mounts = root.array("mounts")?.compactMap { mount($0.value, at: $0.path, log: log) } ?? []
        if let surfaces = root.array("surfaces") {
            config.surfaces = surfaces.compactMap { surface($0.value, at: $0.path, log: log) }
            if surfaces.isEmpty { log.report("$.surfaces", "at least one surface is needed, e.g. {\"name\": \"mcp\", \"path\": \"/mcp\"}") }
        }
        checkUnique(config.surfaces.map(\.name), what: "surface name", at: "$.surfaces", log: log)
        checkUnique(config.surfaces.map(\.path), what: "surface path", at: "$.surfaces", log: log)
        if let transports = root.object("transports") { config.transports = self.transports(transports, log: log) }
        decodeTeams(root, into: &config, log: log)  // RuntimeConfigDecoder+Teams.swift
        decodeOperations(root, into: &config)  // OperationsConfig.swift
        decodeFleet(root, into: &config)  // FleetConfig.swift
        decodeScan(root, into: &config)  // ScanConfig.swift
        decodeIdentity(root, into: &config)  // IdentityConfig.swift, after the teams its issuers name
        if let logging = root.object("logging") {
            if let level = logging.choice("level", among: LogLevel.allCases.map(\.name)) {
                config.logging.level = LogLevel(name: level)!
            }
            if let format = logging.choice("format", among: RuntimeConfig.Logging.Format.allCases.map(\.rawValue)) {
                config.logging.format = RuntimeConfig.Logging.Format(rawValue: format)!
            }
            logging.finish()
        }
        let surfaceNames = config.surfaces.map(\.name)
        if !surfaceNames.contains(config.transports.stdio.surface) {
            var message = surfaceNames.isEmpty
                ? "names surface '\(config.transports.stdio.surface)', but $.surfaces declares no valid surface"
                : "names surface '\(config.transports.stdio.surface)', which is not declared in $.surfaces (\(surfaceNames.joined(separator: ", ")))"
            if let near = Suggestion.closest(to: config.transports.stdio.surface, among: surfaceNames) { message += "; did you mean '\(near)'?" }
            log.report("$.transports.stdio.surface", message)
        }
        root.finish()
        return config
    }

    /// `scheme://host[:port]`, as a browser sends it in `Origin`: http or https, and nothing after the authority
    /// but a trailing slash.
    static func isOrigin(_ text: String) -> Bool {
        guard let scheme = text.range(of: "://"), ["http", "https"].contains(text[..<scheme.lowerBound]) else { return false }
        var authority = text[scheme.upperBound...]
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        return !authority.isEmpty && !authority.contains("/")
    }

    private func pluginDirectory(_ value: JSONValue, at path: String, log: IssueLog) -> RuntimeConfig.PluginDirectory? {
        if let string = value.stringValue { return RuntimeConfig.PluginDirectory(path: resolve(string)) }
        guard let reader = ObjectReader.make(value, at: path, log: log) else { return nil }
        defer { reader.finish() }
        guard let directory = reader.string("path", required: true) else { return nil }
        return RuntimeConfig.PluginDirectory(
            path: resolve(directory), watch: reader.bool("watch") ?? false, autoMount: reader.bool("auto_mount") ?? false,
            signatures: signaturePolicy(reader, log: log))
    }

    func mount(_ value: JSONValue, at path: String, log: IssueLog) -> RuntimeConfig.Mount? {
        guard let reader = ObjectReader.make(value, at: path, log: log) else { return nil }
        defer { reader.finish() }
        var mount = RuntimeConfig.Mount()
        if let namespace = reader.string("namespace") {
            if let problem = Self.namespaceProblem(namespace) { log.report(reader.childPath("namespace"), problem) } else { mount.namespace = namespace }
        }
        let provider = reader.string("provider")
        let file = reader.string("file")
        switch (provider, file) {
        case (let id?, nil): mount.source = .pluginID(id)
        case (nil, let file?): mount.source = .file(resolve(file))
        case (_?, _?): log.report(path, "names both 'provider' and 'file'; a mount takes one provider: keep one of them")
        case (nil, nil): break
        }
        if let filter = reader.object("filter") { mount.filter = self.filter(filter, log: log) }
        mount.disable = reader.array("disable")?.compactMap { disableRule($0.value, at: $0.path, log: log) } ?? []
        mount.pluginConfig = reader.value("config")
        if let isolation = reader.choice("isolation", among: RuntimeConfig.Isolation.allCases.map(\.rawValue)) {
            mount.isolation = RuntimeConfig.Isolation(rawValue: isolation)!
        }
        mount.mounts = reader.array("mounts")?.compactMap { self.mount($0.value, at: $0.path, log: log) } ?? []
        mount.shared = reader.bool("shared") ?? false
        if mount.source == nil && mount.mounts.isEmpty && provider == nil && file == nil {
            log.report(path, "mounts nothing: name a provider ('provider': its plugin id, or 'file': a path) or nest 'mounts'")
        }
        if mount.source == nil, mount.pluginConfig != nil {
            log.report(reader.childPath("config"), "is handed to a provider's init, but this mount names no provider")
        }
        return mount
    }

    /// Namespaces become part of tool names and URI paths, so they stay within a safe alphabet.
    static func namespaceProblem(_ namespace: String) -> String? {
        if namespace.isEmpty { return "a namespace must not be empty (leave the key out to mount without a prefix)" }
        let allowed = namespace.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_" || $0 == "." }
        if !allowed { return "namespace '\(namespace)' may use only ASCII letters, digits, '-', '_' and '.'" }
        return nil
    }

    private func filter(_ reader: ObjectReader, log: IssueLog) -> VersionFilter? {
        defer { reader.finish() }
        let gte = version(reader, "version_gte")
        let lt = version(reader, "version_lt")
        let includeUnversioned = reader.bool("include_unversioned") ?? true
        if reader.object["version_gte"] == nil && reader.object["version_lt"] == nil {
            log.report(reader.path, "a filter needs 'version_gte' and/or 'version_lt'")
            return nil
        }
        if let gte, let lt, !(gte < lt) || gte.orderEquals(lt) {
            log.report(reader.path, "admits no version: version_gte '\(gte.raw)' is not below version_lt '\(lt.raw)'")
        }
        return VersionFilter(gte: gte, lt: lt, includeUnversioned: includeUnversioned)
    }

    func version(_ reader: ObjectReader, _ key: String) -> Version? {
        guard let raw = reader.string(key) else { return nil }
        do { return try Version(raw) } catch {
            reader.log.report(reader.childPath(key), "\(error)")
            return nil
        }
    }

    private func disableRule(_ value: JSONValue, at path: String, log: IssueLog) -> DisableRule? {
        guard let reader = ObjectReader.make(value, at: path, log: log) else { return nil }
        defer { reader.finish() }
        guard let identity = reader.string("name", required: true) else { return nil }
        let kind = reader.choice("kind", among: ComponentKind.allCases.map(\.rawValue)).flatMap(ComponentKind.init(rawValue:))
        return DisableRule(kind: kind, identity: identity, version: version(reader, "version"))
    }

    private func surface(_ value: JSONValue, at path: String, log: IssueLog) -> Surface? {
        guard let reader = ObjectReader.make(value, at: path, log: log) else { return nil }
        defer { reader.finish() }
        let name = reader.string("name", required: true)
        let httpPath = reader.string("path", required: true)
        if let httpPath, !httpPath.hasPrefix("/") {
            log.report(reader.childPath("path"), "an HTTP path starts with '/', e.g. '/\(httpPath)'")
        }
        let filter = reader.object("filter").flatMap { self.filter($0, log: log) }
        let disable = reader.array("disable")?.compactMap { disableRule($0.value, at: $0.path, log: log) } ?? []
        guard let name, let httpPath else { return nil }
        return Surface(name: name, path: httpPath, filter: filter, disabled: disable)
    }

    private func transports(_ reader: ObjectReader, log: IssueLog) -> RuntimeConfig.Transports {
        defer { reader.finish() }
        var transports = RuntimeConfig.Transports()
        if let stdio = reader.object("stdio") {
            if let surface = stdio.string("surface") { transports.stdio.surface = surface }
            transports.stdio.team = stdio.string("team")
            stdio.finish()
        }
        if let http = reader.object("http") {
            if let host = http.string("host") { transports.http.host = host }
            if let port = http.integer("port", in: 0...65535) { transports.http.port = port }
            if let origins = http.array("allowed_origins") {
                transports.http.allowedOrigins = origins.compactMap { element in
                    guard let origin = element.value.stringValue, Self.isOrigin(origin) else {
                        log.report(element.path, "expected an origin such as 'https://app.example.com' (scheme, host and port only), found \(element.value.jsonText)")
                        return nil
                    }
                    return origin
                }
            }
            if let hosts = http.array("allowed_hosts") {
                transports.http.allowedHosts = hosts.compactMap { element in
                    guard let host = element.value.stringValue, !host.isEmpty, !host.contains(":"), !host.contains("/") else {
                        log.report(element.path, "expected a host name such as 'mcp.example.com' or '*.example.com' (no scheme, no port), found \(element.value.jsonText)")
                        return nil
                    }
                    return host
                }
            }
            if let idle = http.integer("session_idle_seconds", in: 1...604_800) { transports.http.sessionIdleSeconds = idle }
            if let delay = http.integer("drain_delay_ms", in: 0...3_600_000) { transports.http.drainDelayMilliseconds = delay }
            if let lifetime = http.integer("session_lifetime_seconds", in: 1...2_592_000) { transports.http.sessionLifetimeSeconds = lifetime }
            if let keys = http.array("session_keys") {
                transports.http.sessionKeys = keys.compactMap { sessionKey($0, log: log) }
                if keys.count > 8 { log.report("transports.http.session_keys", "\(keys.count) keys; keep at most 8 (the one that seals and those still rotating out)") }
            }
            http.finish()
        }
        if let admin = reader.object("admin") { transports.admin = self.admin(admin) }
        if let limits = reader.object("limits") {
            if let v = limits.integer("max_request_bytes", in: 1_024...(1 << 30)) { transports.limits.maxRequestBytes = v }
            if let v = limits.integer("max_response_bytes", in: 1_024...(1 << 30)) { transports.limits.maxResponseBytes = v }
            if let v = limits.integer("max_json_depth", in: 8...1_000) { transports.limits.maxJSONDepth = v }
            if let v = limits.integer("list_page_size", in: 1...100_000) { transports.limits.listPageSize = v }
            if let v = limits.integer("call_deadline_ms", in: 1...86_400_000) { transports.limits.callDeadlineMilliseconds = v }
            if let v = limits.integer("max_subscriptions", in: 0...1_000_000) { transports.limits.maxSubscriptions = v }
            if let v = limits.integer("max_subscriptions_per_client", in: 0...1_000_000) { transports.limits.maxSubscriptionsPerClient = v }
            if let v = limits.integer("max_tasks", in: 0...1_000_000) { transports.limits.maxTasks = v }
            if let v = limits.integer("max_tasks_per_team", in: 0...1_000_000) { transports.limits.maxTasksPerTeam = v }
            if let v = limits.integer("task_ttl_seconds", in: 1...604_800) { transports.limits.taskTTLSeconds = v }
            if let v = limits.integer("run_as_task_after_ms", in: 0...86_400_000) { transports.limits.runAsTaskAfterMilliseconds = v }
            if let v = limits.integer("max_sessions", in: 1...10_000_000) { transports.limits.maxSessions = v }
            if let v = limits.integer("max_sessions_per_client", in: 1...10_000_000) { transports.limits.maxSessionsPerClient = v }
            if let v = limits.integer("new_sessions_per_second_per_client", in: 1...1_000_000) { transports.limits.newSessionsPerSecondPerClient = v }
            if let v = limits.integer("max_connections", in: 1...10_000_000) { transports.limits.maxConnections = v }
            if let v = limits.integer("max_connections_per_address", in: 1...10_000_000) { transports.limits.maxConnectionsPerAddress = v }
            if let v = limits.integer("header_timeout_ms", in: 100...3_600_000) { transports.limits.headerTimeoutMilliseconds = v }
            if let v = limits.integer("body_timeout_ms", in: 100...3_600_000) { transports.limits.bodyTimeoutMilliseconds = v }
            if let v = limits.integer("keep_alive_timeout_ms", in: 100...86_400_000) { transports.limits.keepAliveTimeoutMilliseconds = v }
            limits.finish()
        }
        return transports
    }

    func checkUnique(_ values: [String], what: String, at path: String, log: IssueLog) {
        var seen: Set<String> = []
        for (index, value) in values.enumerated() where !seen.insert(value).inserted {
            log.report("\(path)[\(index)]", "\(what) '\(value)' is declared twice; each must be unique")
        }
    }

    /// `${bundled}` expands to the bundled-provider directory; relative paths are taken from the config's directory.
    func resolve(_ path: String) -> String {
        let expanded = path.replacingOccurrences(of: "${bundled}", with: bundledDirectory)
        if expanded.hasPrefix("/") { return expanded }
        return baseDirectory.hasSuffix("/") ? baseDirectory + expanded : baseDirectory + "/" + expanded
    }
}

/// Line and column (1-based) of a byte offset, for messages about a text file.
struct TextLocation: Equatable {
    var line = 1
    var column = 1

    init(offset: Int, in bytes: [UInt8]) {
        for byte in bytes.prefix(offset) {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
    }
}
