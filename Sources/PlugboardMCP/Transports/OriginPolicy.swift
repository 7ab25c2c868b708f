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

/// `Mcp-Name` values that are not plain printable ASCII travel as `=?base64?…?=`.
enum HeaderValue {
    static func decode(_ value: String?) -> String? {
        guard let value else { return nil }
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11 else { return value }
        let payload = value.dropFirst(9).dropLast(2)
        guard let bytes = Base64.decode(String(payload)) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}

enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static func decode(_ text: String) -> [UInt8]? {
        var lookup = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { lookup[Int(c)] = Int8(i) }
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            var quad: [Int] = []
            for k in 0..<4 {
                let c = chars[i + k]
                if c == UInt8(ascii: "=") { quad.append(-2) } else if lookup[Int(c)] >= 0 { quad.append(Int(lookup[Int(c)])) } else { return nil }
            }
            guard quad[0] >= 0, quad[1] >= 0 else { return nil }
            out.append(UInt8((quad[0] << 2 | quad[1] >> 4) & 0xFF))
            if quad[2] >= 0 { out.append(UInt8((quad[1] << 4 | quad[2] >> 2) & 0xFF)) }
            if quad[2] >= 0, quad[3] >= 0 { out.append(UInt8((quad[2] << 6 | quad[3]) & 0xFF)) }
            i += 4
        }
        return out
    }
}
