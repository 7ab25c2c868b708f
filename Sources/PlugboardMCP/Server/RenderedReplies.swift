import PlugboardJSON

/// Replies that never change for a server, rendered once.
struct RenderedReplies: Sendable {
    static let statelessResultType = Array(#""resultType":"complete""#.utf8)
    /// 2026-07-28 list and read results are cacheable: the client must be told for how long and by whom.
    static let statelessCacheableFields = Array(#""resultType":"complete","ttlMs":0,"cacheScope":"private""#.utf8)

    let emptyResult = Array("{}".utf8)
    let emptyStatelessResult = Array(#"{"resultType":"complete"}"#.utf8)
    let discoverResult: [UInt8]
    let serverInfo: JSONValue
    private let initializeTail: [UInt8]

    init(_ configuration: MCPServer.Configuration) {
        let serverInfo: JSONValue = .object(["name": .string(configuration.serverName),
                                             "version": .string(configuration.serverVersion)])
        self.serverInfo = serverInfo
        let listChanged: JSONValue = .object(["listChanged": .bool(true)])
        var capabilities: JSONObject = ["logging": .object([:]), "prompts": listChanged, "resources": listChanged,
                                        "tools": listChanged]
        var tail: JSONObject = ["capabilities": .object(capabilities), "serverInfo": serverInfo]
        if let text = configuration.instructions { tail.members.append((key: "instructions", value: .string(text))) }
        var bytes = JSONValue.object(tail).serialized
        bytes.removeFirst()  // spliced after "protocolVersion"
        initializeTail = bytes

        // 2026-07-28: list changes reach `subscriptions/listen` streams; long tool calls may run as tasks.
        capabilities["extensions"] = .object([TaskProtocol.extensionKey: .object([:])])
        var discover: JSONObject = [
            "resultType": .string("complete"),
            "supportedVersions": .array(ProtocolVersions.stateless.map { .string($0) }),
            "capabilities": .object(capabilities),
            "ttlMs": .int(0),
            "cacheScope": .string("public"),
            "_meta": .object([ProtocolVersions.serverInfoKey: serverInfo]),
        ]
        if let text = configuration.instructions { discover.members.append((key: "instructions", value: .string(text))) }
        discoverResult = JSONValue.object(discover).serialized
    }

    func initializeResult(version: String) -> [UInt8] {
        var out = Array(#"{"protocolVersion":"#.utf8)
        JSONWriter.appendString(version, to: &out)
        out.append(UInt8(ascii: ","))
        out += initializeTail
        return out
    }
}
