import Hummingbird
import NIOCore

/// DNS-rebinding protection: a browser page on another origin must not reach a server on loopback. Requests
/// whose Origin or Host names anything but a loopback host are refused with 403.
enum OriginPolicy {
    static let loopbackHosts: Set<String> = ["localhost", "127.0.0.1", "[::1]", "::1"]

    static func refusal(_ request: Request) -> Response? {
        if let origin = request.headers[.origin], origin != "null" {
            guard let host = host(ofOrigin: origin), loopbackHosts.contains(host) else {
                return HTTPEndpoint.error(.forbidden, nil, .invalidRequest(
                    "Origin '\(origin)' is not allowed: this server accepts browser requests from loopback origins only"))
            }
        }
        if let hostHeader = request.head.authority {
            guard loopbackHosts.contains(host(ofAuthority: hostHeader)) else {
                return HTTPEndpoint.error(.forbidden, nil, .invalidRequest(
                    "Host '\(hostHeader)' is not allowed: this server answers to loopback host names only"))
            }
        }
        return nil
    }

    /// `http://localhost:8000` -> `localhost`.
    static func host(ofOrigin origin: String) -> String? {
        guard let scheme = origin.range(of: "://") else { return nil }
        return host(ofAuthority: String(origin[scheme.upperBound...]))
    }

    /// `localhost:8000` -> `localhost`, `[::1]:8000` -> `[::1]`.
    static func host(ofAuthority authority: String) -> String {
        let authority = authority.split(separator: "/", maxSplits: 1).first.map(String.init) ?? authority
        if authority.hasPrefix("[") { return authority.split(separator: "]").first.map { $0 + "]" } ?? authority }
        return authority.split(separator: ":").first.map(String.init)?.lowercased() ?? authority
    }
}
