import NIOCore
import NIOPosix
import PlugboardJSON
import PlugboardMCP

/// Cancels across replicas over Redis publish/subscribe: a replica that gets a cancel for a request it does not
/// run publishes it on `plugboard:cancel`; every replica is subscribed and cancels the request if it runs there.
/// Publishing uses the fleet's command connection; the subscription has a connection of its own (Redis allows
/// nothing else on it), opened again with a backoff whenever it breaks. A cancel published while a replica's
/// subscription is down does not reach it: that call runs to its end, as with a cancel that arrives too late.
public final class RedisCancelRelay: FleetCancelRelay {
    public static let channel = "plugboard:cancel"
    let publisher: RedisConnection
    let configuration: RedisConfiguration
    /// Told when the subscription breaks or cannot be opened (log it; the relay keeps trying).
    let trouble: @Sendable (String) -> Void

    /// `publisher`: the replica's command connection to Redis (shared with the quotas); the subscription opens a
    /// connection of its own with the same configuration.
    public init(publisher: RedisConnection, trouble: @escaping @Sendable (String) -> Void = { _ in }) {
        configuration = publisher.configuration
        self.publisher = publisher
        self.trouble = trouble
    }

    public func publish(sessionID: String, requestID: [UInt8]) {
        let payload = JSONValue.object(["s": .string(sessionID), "r": .string(String(decoding: requestID, as: UTF8.self))]).serialized
        let text = String(decoding: payload, as: UTF8.self)
        Task { [publisher, trouble] in
            do { _ = try await publisher.send(["PUBLISH", Self.channel, text]) } catch {
                trouble("a cancel for session \(sessionID.prefix(12))… could not be published: \(error)")
            }
        }
    }

    public func start(deliver: @escaping @Sendable (_ sessionID: String, _ requestID: [UInt8]) -> Void) {
        Task.detached { [configuration, trouble] in
            var backoff = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    try await Self.subscribe(configuration) { message in
                        backoff = .milliseconds(100)
                        guard let value = try? JSONParser.parse(message), let session = value["s"]?.stringValue,
                              let request = value["r"]?.stringValue else { return }
                        deliver(session, Array(request.utf8))
                    }
                    trouble("the cancel subscription to Redis at \(configuration.address) ended; subscribing again")
                } catch {
                    trouble("cannot subscribe to cancels at Redis \(configuration.address): \(error); trying again in \(backoff)")
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(2))
            }
        }
    }

    /// One subscription: connects, authenticates, subscribes, then hands each message's payload to `receive`
    /// until the connection ends.
    static func subscribe(_ configuration: RedisConfiguration, receive: (String) -> Void) async throws {
        let (stream, continuation) = AsyncThrowingStream<RESPValue, any Error>.makeStream()
        let channel = try await RedisConnection.connect(configuration) { RedisPushHandler(continuation) }
        defer { channel.close(promise: nil) }
        var commands: [[String]] = []
        if let password = configuration.password {
            commands.append(configuration.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        commands.append(["SUBSCRIBE", Self.channel])
        var bytes = channel.allocator.buffer(capacity: 128)
        for command in commands { RESPValue.command(command, into: &bytes) }
        try await channel.writeAndFlush(bytes)
        var setUp = commands.count
        for try await value in stream {
            if setUp > 0 {
                if case .error(let text) = value { throw RedisError.server(text) }
                setUp -= 1
                continue
            }
            guard case .array(let parts?) = value, parts.count == 3, parts[0].text == "message", let payload = parts[2].text else { continue }
            receive(payload)
        }
    }
}

/// What a subscribed connection receives, value by value, into a stream that ends when the connection does.
final class RedisPushHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let continuation: AsyncThrowingStream<RESPValue, any Error>.Continuation
    private var reader = RESPReader()

    init(_ continuation: AsyncThrowingStream<RESPValue, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        reader.append(&bytes)
        do {
            while let value = try reader.next() { continuation.yield(value) }
        } catch {
            continuation.finish(throwing: error)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }
}
