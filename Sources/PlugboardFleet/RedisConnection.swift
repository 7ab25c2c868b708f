import NIOCore
import NIOPosix

/// Where the fleet's Redis is and how long to wait for it.
public struct RedisConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var database: Int
    public var username: String?
    public var password: String?
    public var connectTimeout: Duration
    public var commandTimeout: Duration

    public init(host: String, port: Int = 6379, database: Int = 0, username: String? = nil, password: String? = nil,
                connectTimeout: Duration = .seconds(1), commandTimeout: Duration = .milliseconds(500)) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// `redis://[[user]:password@]host[:port][/database]`; a password given here is overridden by `password`.
    public init(url: String, password: String? = nil) throws(RedisError) {
        let prefix = "redis://"
        guard url.hasPrefix(prefix) else {
            throw .configuration("'\(url)' is not a Redis URL; write redis://HOST:PORT (e.g. redis://127.0.0.1:6379)")
        }
        var rest = Substring(url.dropFirst(prefix.count))
        var user: String?, secret: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = credentials[..<colon].isEmpty ? nil : String(credentials[..<colon])
                secret = String(credentials[credentials.index(after: colon)...])
            } else {
                secret = String(credentials)
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let name = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !name.isEmpty {
                guard let number = Int(name), number >= 0 else { throw .configuration("'\(name)' in '\(url)' is not a database number") }
                database = number
            }
        }
        var host = String(rest), port = 6379
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw .configuration("the port in '\(url)' is not a number from 1 to 65535")
            }
            host = String(rest[..<colon])
            port = number
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .configuration("'\(url)' names no host") }
        self.init(host: host, port: port, database: database, username: user, password: password ?? secret)
    }

    /// Where it is, without the password, for messages.
    public var address: String { "redis://\(host.contains(":") ? "[\(host)]" : host):\(port)" + (database == 0 ? "" : "/\(database)") }
}

public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    case configuration(String)
    /// No connection could be made (or it broke); the text says why.
    case unavailable(String)
    /// The server answered with an error reply (`-ERR ...`).
    case server(String)

    public var description: String {
        switch self {
        case .configuration(let text): text
        case .unavailable(let text): text
        case .server(let text): "Redis answered: \(text)"
        }
    }
}

/// One pipelined connection to Redis: any number of commands in flight at once, replies matched in order.
/// It connects on first use and again after a failure, but no sooner than a backoff (50 ms doubling to 2 s)
/// allows, so a host whose Redis is down fails each call at once instead of waiting for a connect each time.
/// A command that gets no reply within `commandTimeout` closes the connection: the replies after it could no
/// longer be matched.
public actor RedisConnection {
    public nonisolated let configuration: RedisConfiguration
    private var channel: (any Channel)?
    private var connecting: Task<any Channel, any Error>?
    private var lastFailure: (at: ContinuousClock.Instant, error: RedisError)?
    private var backoff: Duration = .milliseconds(50)

    public init(_ configuration: RedisConfiguration) {
        self.configuration = configuration
    }

    /// Sends one command and waits for its reply; an error reply is thrown as `.server`.
    public func send(_ arguments: [String]) async throws(RedisError) -> RESPValue {
        let channel = try await connectedChannel()
        let reply = try await Self.send(arguments, on: channel, timeout: configuration.commandTimeout, address: configuration.address)
        if case .error(let text) = reply { throw .server(text) }
        return reply
    }

    public func close() async {
        connecting?.cancel()
        try? await channel?.close()
        channel = nil
    }

    private func connectedChannel() async throws(RedisError) -> any Channel {
        if let channel, channel.isActive { return channel }
        channel = nil
        if let connecting {
            do { return try await connecting.value } catch { throw Self.unavailable(error, configuration) }
        }
        if let lastFailure, ContinuousClock.now - lastFailure.at < backoff { throw lastFailure.error }
        let task = Task { [configuration] in try await Self.open(configuration) }
        connecting = task
        do {
            let opened = try await task.value
            connecting = nil
            channel = opened
            lastFailure = nil
            backoff = .milliseconds(50)
            return opened
        } catch {
            connecting = nil
            let failure = Self.unavailable(error, configuration)
            if lastFailure != nil { backoff = min(backoff * 2, .seconds(2)) }
            lastFailure = (.now, failure)
            throw failure
        }
    }

    private static func unavailable(_ error: any Error, _ configuration: RedisConfiguration) -> RedisError {
        if let redis = error as? RedisError { return redis }
        return .unavailable("cannot reach Redis at \(configuration.address): \(error)")
    }

    /// Connects, then authenticates and selects the database before any command of the caller's.
    private static func open(_ configuration: RedisConfiguration) async throws -> any Channel {
        let channel = try await connect(configuration) { RedisReplyHandler(address: configuration.address) }
        do {
            if let password = configuration.password {
                let auth = configuration.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
                if case .error(let text) = try await send(auth, on: channel, timeout: configuration.commandTimeout, address: configuration.address) {
                    throw RedisError.unavailable("Redis at \(configuration.address) refused the credentials: \(text)")
                }
            }
            if configuration.database != 0,
               case .error(let text) = try await send(["SELECT", String(configuration.database)], on: channel,
                                                      timeout: configuration.commandTimeout, address: configuration.address) {
                throw RedisError.unavailable("Redis at \(configuration.address) refused database \(configuration.database): \(text)")
            }
        } catch {
            try? await channel.close()
            throw error
        }
        return channel
    }

    /// A TCP connection to the configured Redis with `handler` on its pipeline (the reply matcher, or a
    /// subscription's reader).
    static func connect(_ configuration: RedisConfiguration,
                        handler: @escaping @Sendable () -> any ChannelHandler) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler()) }
            }
            .connect(host: configuration.host, port: configuration.port).get()
    }

    private static func send(_ arguments: [String], on channel: any Channel, timeout: Duration,
                             address: String) async throws(RedisError) -> RESPValue {
        var bytes = channel.allocator.buffer(capacity: 64)
        RESPValue.command(arguments, into: &bytes)
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        // The reply is failed directly (a second completion is ignored), not only through the handler: a channel
        // that closed between the caller's check and this write no longer has the handler to fail it.
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            let error = RedisError.unavailable("Redis at \(address) sent no reply within \(timeout)")
            promise.fail(error)
            channel.pipeline.fireErrorCaught(error)
            channel.close(promise: nil)
        }
        promise.futureResult.whenComplete { _ in deadline.cancel() }
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            promise.fail(RedisError.unavailable("the connection to Redis at \(address) is closed (\(error)); reconnecting"))
        }
        channel.writeAndFlush(RedisReplyHandler.Command(bytes: bytes, reply: promise), promise: written)
        do {
            return try await promise.futureResult.get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw .unavailable("the connection to Redis at \(address) failed: \(error)")
        }
    }
}

/// Matches replies to commands in the order they were written (Redis answers in order), and fails every
/// waiting command when the connection breaks, times out or speaks something other than RESP2.
final class RedisReplyHandler: ChannelDuplexHandler {
    struct Command: Sendable {
        var bytes: ByteBuffer
        var reply: EventLoopPromise<RESPValue>
    }
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Command
    typealias OutboundOut = ByteBuffer

    private let address: String
    private var waiting = CircularBuffer<EventLoopPromise<RESPValue>>()
    private var reader = RESPReader()
    private var failure: (any Error)?

    init(address: String) { self.address = address }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        if let failure {
            command.reply.fail(failure)
            promise?.fail(failure)
            return
        }
        waiting.append(command.reply)
        context.write(wrapOutboundOut(command.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        reader.append(&bytes)
        do {
            while let value = try reader.next() {
                guard let reply = waiting.popFirst() else {
                    throw RESPProtocolError(description: "a reply came for no command")
                }
                reply.succeed(value)
            }
        } catch {
            fail(context: context, RedisError.unavailable("Redis at \(address) sent what is not RESP2 (\(error)); reconnecting"))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(failure ?? RedisError.unavailable("Redis at \(address) closed the connection"))
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        if failure == nil { failure = error }
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        while let reply = waiting.popFirst() { reply.fail(error) }
    }
}
