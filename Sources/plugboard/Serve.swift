import ArgumentParser
import Dispatch
import Foundation
import Logging
import PlugboardConfig
import PlugboardCore
import PlugboardFleet
import PlugboardHost
import PlugboardJSON
import PlugboardMCP
import PlugboardOperations

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the configured providers over MCP (stdio or Streamable HTTP).",
        discussion: """
            Reads runtime.json (--config), loads and mounts the providers it names, watches its drop-in
            directories, and serves every surface. Flags override the file. SIGHUP reloads the file (an invalid
            file is reported and the running configuration kept); SIGTERM and SIGINT finish the requests in
            flight, then exit.

            Examples:
              plugboard serve --http 127.0.0.1:8000      (surfaces at /mcp, /v1/mcp, /v2/mcp)
              plugboard serve --stdio
              plugboard serve --stdio --surface v1
              plugboard serve --config /etc/plugboard/runtime.json
            """)

    @OptionGroup var options: HostOptions

    @Flag(help: "Speak MCP over stdin/stdout (one JSON-RPC message per line; logs go to stderr).")
    var stdio = false

    @Option(help: ArgumentHelp("Serve Streamable HTTP on this loopback address (default: the config's).", valueName: "host:port"))
    var http: String?

    @Option(help: "The surface stdio serves (default: transports.stdio.surface).")
    var surface: String?

    @Flag(help: "Also mount the built-in diagnostics provider as 'diag' (echo, slow, fail, greet…).")
    var diagnostics = false

    @Option(help: "Largest message accepted, in bytes (default: transports.limits.max_request_bytes).")
    var maxMessageBytes: Int?

    @Option(help: "Deepest JSON nesting accepted (default: transports.limits.max_json_depth).")
    var maxDepth: Int?

    @Option(help: "Entries per page of tools/list and the other lists (default: transports.limits.list_page_size).")
    var pageSize: Int?

    @Option(help: "HTTP: drop a session from memory after this many seconds without requests; its id still serves until its lifetime ends (default: transports.http.session_idle_seconds).")
    var sessionIdleTimeout: Int?

    @Option(help: "HTTP: a session's id is valid this many seconds after initialize (default: transports.http.session_lifetime_seconds).")
    var sessionLifetime: Int?

    func validate() throws {
        if stdio, http != nil { throw ValidationError("choose one of --stdio or --http HOST:PORT") }
        if let http, HTTPAddress(http) == nil {
            throw ValidationError("--http expects HOST:PORT on a loopback address, e.g. 127.0.0.1:8000 (got '\(http)')")
        }
        for (flag, value) in [("--max-message-bytes", maxMessageBytes), ("--max-depth", maxDepth), ("--page-size", pageSize),
                              ("--session-idle-timeout", sessionIdleTimeout), ("--session-lifetime", sessionLifetime)] {
            if let value, value <= 0 { throw ValidationError("\(flag) must be positive (got \(value))") }
        }
    }

    func run() async throws {
        var config = try options.loadConfig()
        let logging = config.logging
        LoggingSystem.bootstrap { label in
            let level = Logger.Level(logging.level)
            switch logging.format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                return JSONLogHandler(label: label, level: level)
            }
        }
        let logger = Logger(label: "plugboard")
        if let pageSize { config.transports.limits.listPageSize = pageSize }
        let stdioSurface = surface ?? config.transports.stdio.surface
        guard config.surfaces.contains(where: { $0.name == stdioSurface }) || !stdio else {
            throw CommandFailure("unknown surface '\(stdioSurface)'; \(options.configName) declares: \(config.surfaces.map(\.name).joined(separator: ", "))")
        }
        // Before any plugin's code runs: whatever a provider prints must not reach the client's stream.
        let stdioDescriptors = stdio ? try StdioDescriptors.claim(logger: logger) : nil
        let builtins = diagnostics ? [MountNode(namespace: "diag", providers: [DiagnosticsProvider()])] : []
        let observability = try Observability(config: config, logger: logger)  // metrics and traces
        let teams = try TeamServing(config: config, logger: logger) { provider, event in  // Teams/TeamServing.swift
            observability.supervision(provider: provider, event: event)
        }
        let factory = Scanning.wrap(teams.factory, config: config) { logger.warning("\($0)") }  // new files: a sandboxed scan first
        let host = PluginHost(config: config, factory: factory, builtins: builtins) { event in
            observability.hostEvent(event)
            switch event {
            case .warning, .skipped: logger.warning("\(event)")
            default: logger.info("\(event)")
            }
        }
        host.startWatching()
        let access = teams.access(host: host, logger: logger)
        await access.authenticator?.start()  // the issuers' keys, before the first token arrives
        let reloader = options.configFile.map { file in
            ConfigReloader(file: file, host: host, logger: logger, onRefused: { observability.metrics?.configReloaded(applied: false) }) {
                [authenticator = access.authenticator] config in
                authenticator?.update(config.teams)  // new and revoked tokens apply at once
                observability.metrics?.configReloaded(applied: true)
            }
        }

        let address = http.flatMap(HTTPAddress.init) ?? HTTPAddress(host: config.transports.http.host, port: config.transports.http.port)
        logger.info("configuration: \(options.configName)")
        let summary = StartupSummary(config: config, host: host, stdioSurface: stdio ? stdioSurface : nil,
                                     httpAddress: stdio ? nil : address).text
        if logging.format == .json { logger.notice("\(summary)") } else { StandardError.write(summary) }
        let limits = config.transports.limits
        let fleet = try FleetServing(config.fleet, metrics: observability.metrics, logger: logger)  // Fleet/FleetServing.swift
        let server = MCPServer(store: host.store, configuration: .init(
            limits: JSONParser.Limits(maxDepth: maxDepth ?? limits.maxJSONDepth, maxBytes: maxMessageBytes ?? limits.maxRequestBytes),
            observeCall: teams.callObserver,
            subscriptionLimits: Subscriptions.Limits(total: limits.maxSubscriptions, perClient: limits.maxSubscriptionsPerClient),
            taskLimits: TaskRegistry.Limits(total: limits.maxTasks, perOwner: limits.maxTasksPerTeam,
                                            ttlMilliseconds: limits.taskTTLSeconds * 1_000,
                                            runAsTaskAfterMilliseconds: limits.runAsTaskAfterMilliseconds),
            observer: observability.metrics, tracing: observability.tracing, logger: logger, fleetQuotas: fleet?.quotas))
        if !stdio { DescriptorLimit.raise(toFit: limits.maxConnections, logger: logger) }
        observability.start()
        let scrape = observability.scrape(host: host)
        let admin = config.transports.admin
        let served: @Sendable () -> [HealthProbes.ServedProvider] = {
            host.loadedProviders.map { .init(provider: $0.plugin.id, version: $0.plugin.version, sha256: $0.plugin.digest, team: $0.team) }
        }
        var health = HealthProbes(readiness: { host.unreadiness }, providers: served)
        if let stdioDescriptors {
            observability.transportOpened { [subscriptions = server.subscriptions] in (0, 0, subscriptions.count) }
            let adminListener = admin.map { AdminListener(host: $0.host, port: $0.port, health: health, metrics: scrape, logger: logger) }
            let adminTask = adminListener.map { listener in Task { try await listener.run() } }
            await StdioTransport.run(server: server, surface: stdioSurface, principal: access.stdioPrincipal, logger: logger,
                                     input: stdioDescriptors.input, output: stdioDescriptors.output)
            adminTask?.cancel()
        } else {
            // /metrics goes on the admin listener when there is one, else beside the MCP paths.
            let sessionKeys: SessionKeyRing
            do { sessionKeys = try SessionKeyRing(config.transports.http.sessionKeys) } catch { throw CommandFailure("\(error)") }
            let transport = HTTPTransport(server: server, host: address.host, port: address.port, logger: logger,
                                          sessionSeal: sessionKeys,
                                          sessionLifetime: .seconds(sessionLifetime ?? config.transports.http.sessionLifetimeSeconds),
                                          sessionIdleTimeout: .seconds(sessionIdleTimeout ?? config.transports.http.sessionIdleSeconds),
                                          authenticator: access.authenticator, limits: HTTPLimits(limits),
                                          readiness: { host.unreadiness }, providers: served,
                                          drainDelay: .milliseconds(config.transports.http.drainDelayMilliseconds),
                                          metrics: admin == nil ? scrape : nil, cancelRelay: fleet?.cancelRelay,
                                          originPolicy: OriginPolicy(allowedHosts: config.transports.http.allowedHosts,
                                                                     allowedOrigins: config.transports.http.allowedOrigins))
            observability.transportOpened { transport.occupancy }
            health = transport.health  // the admin listener's /readyz reports the drain too
            let adminListener = admin.map { AdminListener(host: $0.host, port: $0.port, health: health, metrics: scrape, logger: logger) }
            let adminTask = adminListener.map { listener in Task { try await listener.run() } }
            defer { adminTask?.cancel() }
            try await transport.run()
        }
        await observability.stop()
        reloader?.stop()
        host.stopWatching()
        teams.close()
    }
}

/// Reloads runtime.json on SIGHUP. An invalid file is reported and the running configuration kept.
final class ConfigReloader {
    private let source: any DispatchSourceSignal

    init(file: String, host: PluginHost, logger: Logger, onRefused: (@Sendable () -> Void)? = nil,
         onReload: (@Sendable (RuntimeConfig) -> Void)? = nil) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "plugboard.sighup"))
        source.setEventHandler {
            do throws(ConfigError) {
                let config = try RuntimeConfigDecoder.load(file: file, bundledDirectory: HostOptions.bundledDirectory)
                let notApplied = host.reload(config)
                onReload?(config)
                let note = notApplied.isEmpty ? "" : " (not applied: \(notApplied.joined(separator: "; ")))"
                logger.notice("reloaded \(file)\(note)")
            } catch {
                logger.error("SIGHUP: \(error.description)\nkept the running configuration")
                onRefused?()
            }
        }
        source.resume()
    }

    func stop() { source.cancel() }
}

/// HOST:PORT, loopback only (the server is not meant to face a network without a proxy in front).
struct HTTPAddress {
    let host: String
    let port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard host == "127.0.0.1" || host == "::1" || host == "localhost" else { return nil }
        self.host = host
        self.port = port
    }
}

extension HTTPLimits {
    init(_ limits: RuntimeConfig.Transports.Limits) {
        self.init()
        maxSessions = limits.maxSessions
        maxSessionsPerClient = limits.maxSessionsPerClient
        newSessionsPerSecondPerClient = Double(limits.newSessionsPerSecondPerClient)
        maxConnections = limits.maxConnections
        maxConnectionsPerAddress = limits.maxConnectionsPerAddress
        headerTimeout = .milliseconds(limits.headerTimeoutMilliseconds)
        bodyTimeout = .milliseconds(limits.bodyTimeoutMilliseconds)
        keepAliveTimeout = .milliseconds(limits.keepAliveTimeoutMilliseconds)
    }
}

extension Logger.Level {
    /// The configured level in swift-log's terms (it has no alert or emergency: those are critical).
    init(_ level: LogLevel) {
        switch level {
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        case .critical, .alert, .emergency: self = .critical
        }
    }
}
