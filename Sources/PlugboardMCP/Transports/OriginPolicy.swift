import HTTPTypes
import Hummingbird
import NIOCore

/// DNS-rebinding protection: a browser page on another origin must not reach a server on loopback. Requests
/// whose Origin or Host names anything but a loopback host, or one the operator allows, are refused with 403.
/// Behind a load balancer the operator allows the public name (`allowed_hosts`) and the origins of browser
/// clients (`allowed_origins`).
public struct OriginPolicy: Sendable {
    static let loopbackHosts: Set<String> = ["localhost", "127.0.0.1", "[::1]", "::1"]

    /// Host names besides loopback ones (lowercased, no port); `*.example.com` allows every subdomain.
    let hosts: Set<String>
    let hostSuffixes: [String]
    /// Origins besides loopback ones, as `scheme://host[:port]`, lowercased.
    let origins: Set<String>

    public init(allowedHosts: [String] = [], allowedOrigins: [String] = []) {
        let names = allowedHosts.map { $0.lowercased() }
        hosts = Set(names.filter { !$0.hasPrefix("*.") })
        hostSuffixes = names.filter { $0.hasPrefix("*.") }.map { String($0.dropFirst()) }
        origins = Set(allowedOrigins.map { Self.normalized(origin: $0) })
    }

    func refusal(_ request: Request) -> Response? { refusal(request.head) }

    /// The 403 for a request whose Origin or Host is not allowed; nil: allowed.
    func refusal(_ request: HTTPRequest) -> Response? {
        if let origin = request.headerFields[.origin], origin != "null", !allows(origin: origin) {
            return HTTPEndpoint.error(.forbidden, nil, .invalidRequest(
                "Origin '\(origin)' is not allowed: this server accepts browser requests from loopback origins and those in "
                    + "transports.http.allowed_origins only; the operator adds it there"))
        }
        if let authority = request.authority, !allows(host: Self.host(ofAuthority: authority)) {
            return HTTPEndpoint.error(.forbidden, nil, .invalidRequest(
                "Host '\(authority)' is not allowed: this server answers to loopback host names and those in "
                    + "transports.http.allowed_hosts only; the operator adds the name clients use there"))
        }
        return nil
    }

    /// Whether the request's Origin and Host are allowed. The common request (loopback, or an allowed name) is
    /// told apart without building an answer.
    func admits(_ request: HTTPRequest) -> Bool {
        admits(origin: request.headerFields[.origin], authority: request.authority)
    }

    /// Whether a request with this Origin and Host (its authority, `host[:port]`) may be served.
    public func admits(origin: String?, authority: String?) -> Bool {
        if let origin, origin != "null", !allows(origin: origin) { return false }
        if let authority, !Self.isLoopback(authority: authority), !allows(host: Self.host(ofAuthority: authority)) {
            return false
        }
        return true
    }

    /// `127.0.0.1:8000`, `localhost`, `[::1]:8000` and the like, told apart in place: every request's Host passes
    /// here, and most name loopback. False is "not plainly loopback", left to `host(ofAuthority:)`.
    static func isLoopback(authority: String) -> Bool {
        let bytes = authority.utf8
        var end = bytes.endIndex
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")),
           bytes[bytes.index(after: colon)...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            end = colon
        }
        let host = bytes[..<end]
        return host.elementsEqual("127.0.0.1".utf8) || host.elementsEqual("[::1]".utf8)
            || ASCIICase.equal(host, "localhost")
    }

    func allows(host: String) -> Bool {
        Self.loopbackHosts.contains(host) || hosts.contains(host) || hostSuffixes.contains { host.hasSuffix($0) }
    }

    func allows(origin: String) -> Bool {
        if let host = Self.host(ofOrigin: origin), Self.loopbackHosts.contains(host) { return true }
        return origins.contains(Self.normalized(origin: origin))
    }

    /// `HTTPS://App.Example.com/` -> `https://app.example.com`.
    static func normalized(origin: String) -> String {
        var origin = origin.lowercased()
        while origin.hasSuffix("/") { origin.removeLast() }
        return origin
    }

    /// `http://localhost:8000` -> `localhost`.
    static func host(ofOrigin origin: String) -> String? {
        guard let scheme = origin.range(of: "://") else { return nil }
        return host(ofAuthority: String(origin[scheme.upperBound...]))
    }

    /// `localhost:8000` -> `localhost`, `[::1]:8000` -> `[::1]`. Read in place: every request's Host passes here.
    static func host(ofAuthority authority: String) -> String {
        let hostAndPort = authority.firstIndex(of: "/").map { authority[..<$0] } ?? authority[...]
        if hostAndPort.hasPrefix("[") {
            return hostAndPort.firstIndex(of: "]").map { String(hostAndPort[...$0]) } ?? String(hostAndPort)
        }
        guard let colon = hostAndPort.firstIndex(of: ":") else { return hostAndPort.lowercased() }
        return colon == hostAndPort.startIndex ? authority : hostAndPort[..<colon].lowercased()
    }
}
