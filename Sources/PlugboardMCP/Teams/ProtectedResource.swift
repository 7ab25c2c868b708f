import HTTPTypes
import Hummingbird
import NIOCore
import PlugboardJSON

extension RPCError {
    /// The token is valid but may not use this server (the status is 403; this is the body's code).
    public static let forbiddenCode = -32043
}

/// The OAuth 2.1 resource server's side of MCP authorization: where a surface's protected-resource metadata
/// (RFC 9728) lives, and the `WWW-Authenticate` challenge (RFC 6750) that points a client to it.
enum ProtectedResource {
    static let metadataPath = "/.well-known/oauth-protected-resource"

    /// The server's public base URL: the configured one, else the scheme-less `Host` of the request on plain HTTP.
    static func baseURL(configured: String?, request: Request) -> String {
        baseURL(configured: configured, authority: request.head.authority)
    }

    static func baseURL(configured: String?, authority: String?) -> String {
        configured ?? "http://\(authority ?? "localhost")"
    }

    static func metadataURL(base: String, path: String) -> String { base + metadataPath + path }

    /// Whether the query names an `access_token` parameter (RFC 6750 §2.3, which MCP forbids).
    static func hasQueryToken(_ query: String?) -> Bool {
        guard let query, !query.isEmpty else { return false }
        return query.split(separator: "&").contains { $0.split(separator: "=", maxSplits: 1).first == "access_token" }
    }

    static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.append(value, to: &out)
        return out
    }

    struct Challenge {
        /// Where the resource metadata is; nil when there is none (static team tokens only).
        var metadataURL: String?

        /// The response: the challenge header, and the same words as a JSON-RPC error in the body.
        /// `scope`: the scopes the request needs (a step-up hint), for `insufficient_scope`.
        func response(_ status: HTTPResponse.Status, error: String?, description: String, scope: String? = nil) -> Response {
            var parameters = metadataURL.map { [#"resource_metadata="\#($0)""#] } ?? [#"realm="plugboard""#]
            if let error {
                parameters.append(#"error="\#(error)""#)
                parameters.append(#"error_description="\#(Self.quotable(description))""#)
            }
            if let scope { parameters.append(#"scope="\#(Self.quotable(scope))""#) }
            let code = switch status {
            case .unauthorized: RPCError.unauthorizedCode
            case .forbidden: RPCError.forbiddenCode
            default: RPCError.invalidRequestCode
            }
            let body = WireMessages.error(id: nil, RPCError(code, description))
            return Response(status: status,
                            headers: [.contentType: "application/json", HTTPEndpoint.wwwAuthenticate: "Bearer " + parameters.joined(separator: ", ")],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }

        /// RFC 6750 allows printable ASCII but `"` and `\` in a parameter.
        static func quotable(_ text: String) -> String {
            String(String.UnicodeScalarView(text.unicodeScalars.compactMap { scalar in
                switch scalar {
                case "\"": "'"
                case "\\": "/"
                case " "..."~": scalar
                default: nil
                }
            }))
        }
    }
}
