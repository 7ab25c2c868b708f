import Hummingbird
import NIOCore

/// Hummingbird's per-request context, plus the peer's address: bounds that hold per client (open subscriptions)
/// need to know who the client is when no team token says so.
struct ClientRequestContext: Hummingbird.RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client a per-client bound counts against: the team token (a JWT's subject) when there is one, else the
    /// peer's IP.
    func client(principal: Principal?) -> String { Self.client(principal: principal, remoteAddress: remoteAddress) }

    static func client(principal: Principal?, remoteAddress: SocketAddress?) -> String {
        if let identity = principal?.identity { return "issuer \(identity.issuer) subject \(identity.subject)" }
        if let principal { return "team \(principal.team) token \(principal.tokenID ?? "-")" }
        return remoteAddress?.ipAddress ?? "unknown peer"
    }
}
