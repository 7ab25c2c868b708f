import HTTPTypes
import Hummingbird
import NIOCore
import PlugboardJSON

/// `subscriptions/listen` over Streamable HTTP (2026-07-28): the POST's response is the stream. It opens with
/// the acknowledgement, carries the list changes the client opted in to for its surface and team, keeps the
/// connection alive with SSE comments, and ends with the listen result when the server drains. A client that
/// goes away ends its stream (noticed at the next write, a keep-alive at the latest).
extension HTTPEndpoint {
    func listen(_ message: IncomingMessage, meta: RequestMeta, principal: Principal?, request: Request, client: String) -> Response {
        guard let id = message.id else { return Response(status: .accepted) }
        guard request.headers[.accept]?.contains("text/event-stream") ?? false else {
            return Self.error(.notAcceptable, id, .invalidRequest(
                "subscriptions/listen answers with an event stream; send Accept: text/event-stream"))
        }
        let filter: ListenFilter
        do { filter = try ListenFilter.read(message.param("notifications"), tasksDeclared: TaskProtocol.isDeclared(in: meta)) } catch {
            return Self.rpcErrorReply(id, error)
        }
        let (frames, continuation) = AsyncStream<Subscription.Frame>.makeStream(
            bufferingPolicy: .bufferingNewest(HTTPSession.streamBuffer))
        let subscriptions = server.subscriptions
        let subscription: Subscription
        do {
            subscription = try subscriptions.subscribe(
                id: id, filter: filter, store: principal?.store ?? server.store, surface: surface, team: principal?.team,
                client: client, sink: { frame in
                    continuation.yield(frame)
                    if case .end = frame { continuation.finish() }
                })
        } catch {
            return Self.tooManyRequests(WireMessages.error(id: id, error), retryAfter: nil)
        }
        let keepAlive = transport.keepAliveInterval
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                        body: ResponseBody { writer in
            defer { subscriptions.cancel(subscription) }
            let ticker = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: keepAlive)
                    continuation.yield(.message([]))  // written as a keep-alive comment
                }
            }
            defer { ticker.cancel() }
            streaming: for await frame in frames {
                switch frame {
                case .message(let bytes): try await writer.write(bytes.isEmpty ? SSE.keepAlive : SSE.event(bytes))
                case .end(let result):
                    if let result { try await writer.write(SSE.event(result)) }
                    break streaming
                }
            }
            try await writer.finish(nil)
        })
    }

    /// A JSON-RPC error answered with 200, as every method's error is.
    static func rpcErrorReply(_ id: [UInt8], _ error: RPCError) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: WireMessages.error(id: id, error))))
    }
}
