// The SwiftNIO floor of the HTTP rows: a bare NIO HTTP/1 server (the decoder and encoder Plugboard's HTTP path
// runs on, one event loop per core) answering every request with the fixed bytes of a tools/call result. Between
// nginx and Plugboard it says how much of the gap is the framework's and how much is Plugboard's own.
// `swift run -c release NIOHTTPFloor 127.0.0.1 8080`
import NIOCore
import NIOHTTP1
import NIOPosix

final class FixedAnswer: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    static let body = #"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"3"}],"structuredContent":{"result":3}}}"#

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(Self.body.utf8.count))])
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: Self.body)))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) { context.flush() }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]) else {
    fatalError("usage: NIOHTTPFloor <host> <port>")
}
let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
let channel = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(FixedAnswer())
        }
    }
    .bind(host: arguments[1], port: port).wait()
try channel.closeFuture.wait()
