import PlugboardCore
import PlugboardJSON

/// What the `_meta` of one request says, checked: the era and version it speaks, its progress token, the log
/// level it wants (stateless era), and the component version it pins with `_meta.fastmcp.version`.
public struct RequestContext: Sendable {
    /// Nil in the handshake era; the request's own version in the stateless era.
    public var statelessVersion: String?
    public var progressToken: JSONValue?
    public var logLevel: LogLevel?
    public var pinnedVersion: String?
    /// The `_meta` members that are not the host's own, for the provider (Invocation.meta); `{}` when none.
    public var passThroughMeta: RawJSON = .emptyObject

    public var isStateless: Bool { statelessVersion != nil }

    /// Reads `_meta`. In the stateless era the envelope keys are required and the version must be served
    /// (-32602 for a malformed envelope, -32022 with the supported list for an unknown version). Only the members
    /// the host reads are decoded, and only those.
    public static func read(_ meta: RequestMeta?) throws(RPCError) -> RequestContext {
        var context = RequestContext()
        guard let meta else { return context }
        if let token = meta["progressToken"] {
            guard let first = token.first, first == UInt8(ascii: "\"") || first == UInt8(ascii: "-") || (0x30...0x39).contains(first),
                  let value = try? JSONParser.parse(Array(token)) else {
                throw .invalidParams("params._meta.progressToken must be a string or a number")
            }
            context.progressToken = value
        }
        if let fastmcp = meta["fastmcp"], let version = RequestMeta.member("version", ofObject: fastmcp) {
            guard let text = JSONParser.stringValue(ofValidated: version) else {
                let type = (try? JSONParser.parse(Array(version)))?.typeDescription ?? "not a string"
                throw .invalidParams("params._meta.fastmcp.version must be a string (got \(type))")
            }
            context.pinnedVersion = text
        }
        if let version = meta.string(ProtocolVersions.protocolVersionKey) {
            guard let text = version else {
                throw .invalidParams("params._meta['\(ProtocolVersions.protocolVersionKey)'] must be a string")
            }
            guard meta.isObject(ProtocolVersions.clientCapabilitiesKey) else {
                throw .invalidParams(
                    "params._meta is missing the required envelope key '\(ProtocolVersions.clientCapabilitiesKey)' (an object)")
            }
            guard ProtocolVersions.stateless.contains(text) else { throw unsupported(text) }
            context.statelessVersion = text
            if let level = meta.string(ProtocolVersions.logLevelKey) {
                guard let name = level, let parsed = LogLevel(name: name) else {
                    throw .invalidParams("params._meta['\(ProtocolVersions.logLevelKey)'] must be one of "
                        + LogLevel.allCases.map(\.name).joined(separator: ", "))
                }
                context.logLevel = parsed
            }
        }
        context.passThroughMeta = passThrough(meta)
        return context
    }

    /// Everything in `_meta` but what the host reads itself: the version pin (`fastmcp`), the progress token and
    /// the protocol's reserved `io.modelcontextprotocol/` keys. Their values keep their literal text.
    static func passThrough(_ meta: RequestMeta) -> RawJSON {
        meta.object(dropping: ["fastmcp", "progressToken"], droppingPrefix: "io.modelcontextprotocol/") ?? .emptyObject
    }

    /// `meta` (a pass-through object) with its `traceparent` and `tracestate` replaced by `trace`'s.
    static func replacingTraceContext(in meta: RawJSON, with trace: TraceCarrier) -> RawJSON {
        guard let traceparent = trace.traceparent else { return meta }
        var object = (try? meta.parsed())?.objectValue ?? JSONObject()
        object.members.removeAll { $0.key == "traceparent" || $0.key == "tracestate" }
        object.members.append((key: "traceparent", value: .string(traceparent)))
        if let tracestate = trace.tracestate, !tracestate.isEmpty {
            object.members.append((key: "tracestate", value: .string(tracestate)))
        }
        return RawJSON(.object(object))
    }

    public static func unsupported(_ requested: String) -> RPCError {
        RPCError(RPCError.unsupportedProtocolVersionCode, "Unsupported protocol version '\(requested)'",
                 data: .object(["supported": .array(ProtocolVersions.all.map { .string($0) }), "requested": .string(requested)]))
    }
}
