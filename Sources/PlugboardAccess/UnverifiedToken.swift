import Foundation
import PlugboardJSON
import PlugboardMCP

/// A compact JWS as it arrives, before anything about it is trusted: its shape checked, its header and payload
/// decoded to learn which issuer, algorithm and key to verify it with. Nothing here verifies a signature.
struct UnverifiedToken {
    /// Longer than any identity provider issues (Entra's, with many groups, run to a few kilobytes).
    static let maxLength = 16 * 1024
    static let maxHeaderLength = 2 * 1024

    let text: String
    let algorithm: String
    let keyID: String?
    /// The `iss` claim, to pick the issuer whose keys verify the token.
    let issuer: String?

    /// Whether `token` has the shape of a compact JWS (three dot-separated parts); anything else is a static token.
    /// Asked of every request that carries a token: a plain loop over its contiguous bytes (the generic
    /// `count(where:)` over a Substring's UTF-8 view showed in profiles of the JWT path).
    static func looksLikeJWT(_ token: Substring) -> Bool {
        var token = token
        return token.withUTF8 { bytes in
            var dots = 0
            for byte in bytes where byte == UInt8(ascii: ".") {
                dots += 1
                if dots > 2 { return false }
            }
            return dots == 2
        }
    }

    static func parse(_ token: Substring) -> Result<UnverifiedToken, TokenRefusal> {
        guard token.utf8.count <= maxLength else {
            return .failure(.invalid("the token is \(token.utf8.count) bytes long, more than the \(maxLength) accepted"))
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure(.invalid("the token is not a JWT (header.payload.signature)"))
        }
        guard parts[0].utf8.count <= maxHeaderLength * 4 / 3 + 4 else {
            return .failure(.invalid("the token's header is longer than \(maxHeaderLength) bytes"))
        }
        guard let header = decodeObject(parts[0]) else { return .failure(.invalid("the token's header is not base64url-encoded JSON")) }
        guard let payload = decodeObject(parts[1]) else { return .failure(.invalid("the token's payload is not base64url-encoded JSON")) }
        guard let algorithm = header["alg"]?.stringValue else { return .failure(.invalid("the token's header names no 'alg'")) }
        if header["crit"] != nil {  // RFC 7515 §4.1.11: extensions we do not understand must be refused
            return .failure(.invalid("the token's header has 'crit' extensions, which this server does not support"))
        }
        return .success(UnverifiedToken(text: String(token), algorithm: algorithm, keyID: header["kid"]?.stringValue,
                                        issuer: payload["iss"]?.stringValue))
    }

    /// The payload's claims as the token states them, unverified (for the audit line of a refused token).
    static func claims(_ token: Substring) -> JSONObject? {
        guard token.utf8.count <= maxLength else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 ? decodeObject(parts[1]) : nil
    }

    private static func decodeObject(_ part: Substring) -> JSONObject? {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !text.contains("=") else { return nil }  // base64url is unpadded
        text += String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: text) else { return nil }
        return (try? JSONParser.parse(Array(data)))?.objectValue
    }
}

/// Why a token is refused: 401 `invalid_token`, or 403 when it is valid but names no team here.
enum TokenRefusal: Error, Equatable {
    /// For good: the same token will always be refused (until the configuration changes).
    case invalid(String)
    /// For now: the token may become valid (a `kid` the JWKS may publish yet, an `nbf` still to come).
    case notYet(String)
    case forbidden(String)
    /// 403 naming the scopes the server requires.
    case insufficientScope(scope: String, reason: String)

    var authentication: Authentication {
        switch self {
        case .invalid(let reason), .notYet(let reason): .refused(tokenGiven: true, reason: reason)
        case .forbidden(let reason): .forbidden(reason: reason)
        case .insufficientScope(let scope, let reason): .insufficientScope(scope: scope, reason: reason)
        }
    }

    /// Whether the refusal may be remembered for the token (`RefusedTokens`).
    var lasts: Bool { if case .notYet = self { false } else { true } }
}
