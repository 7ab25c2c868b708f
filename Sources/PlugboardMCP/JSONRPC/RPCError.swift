import PlugboardJSON

/// A JSON-RPC error as it goes on the wire: code, message, optional data.
public struct RPCError: Error, Sendable, Hashable {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(_ code: Int, _ message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    // JSON-RPC 2.0
    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    // MCP
    /// 2024-11-05 … 2025-11-25: resource not found (retired in 2026-07-28, which uses -32602).
    public static let resourceNotFoundCode = -32002
    /// 2026-07-28: HTTP headers disagree with the body.
    public static let headerMismatchCode = -32020
    /// 2026-07-28: the request needs a client capability (an extension) it did not declare.
    public static let missingClientCapabilityCode = -32021
    /// 2026-07-28: the request's protocol version is not served here.
    public static let unsupportedProtocolVersionCode = -32022

    public static func parseError(_ detail: String) -> RPCError { RPCError(parseErrorCode, "Parse error: \(detail)") }
    public static func invalidRequest(_ detail: String) -> RPCError { RPCError(invalidRequestCode, "Invalid request: \(detail)") }
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(methodNotFoundCode, "Method not found: '\(method)'")
    }
    public static func invalidParams(_ detail: String) -> RPCError { RPCError(invalidParamsCode, detail) }
    public static func internalError(_ detail: String) -> RPCError { RPCError(internalErrorCode, "Internal error: \(detail)") }
}
