import PlugboardJSON

/// Renders outgoing JSON-RPC messages as bytes. Results arrive already rendered, so nothing is re-encoded.
public enum WireMessages {
    private static let resultHead = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    private static let resultMiddle = Array(#","result":"#.utf8)
    private static let errorMiddle = Array(#","error":"#.utf8)
    private static let notificationHead = Array(#"{"jsonrpc":"2.0","method":"#.utf8)
    private static let paramsMiddle = Array(#","params":"#.utf8)
    static let nullID = Array("null".utf8)

    /// `{"jsonrpc":"2.0","id":ID,"result":RESULT}`; `id` is the request's id bytes as received.
    public static func result(id: [UInt8], result: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(resultHead.count + id.count + resultMiddle.count + result.count + 1)
        out += resultHead; out += id; out += resultMiddle; out += result
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `{"jsonrpc":"2.0","id":ID|null,"error":{"code":…,"message":…,"data":…}}`.
    public static func error(id: [UInt8]?, _ error: RPCError) -> [UInt8] {
        var out = resultHead
        out += id ?? nullID
        out += errorMiddle
        var object: JSONObject = ["code": .int(error.code), "message": .string(error.message)]
        if let data = error.data { object.members.append((key: "data", value: data)) }
        JSONWriter.append(.object(object), to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static let errorCodeMiddle = Array(#","error":{"code":"#.utf8)

    /// The error code of a reply `error(id:_:)` rendered for `id`, or nil when the reply is a result. Reads the
    /// bytes at the known offset, so an id that contains `"error"` cannot mislead it.
    static func errorCode(in reply: [UInt8], id: [UInt8]) -> Int? {
        var index = resultHead.count + id.count
        guard reply.count > index + errorCodeMiddle.count, reply[index...].starts(with: errorCodeMiddle) else { return nil }
        index += errorCodeMiddle.count
        var negative = false
        if reply[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        var value = 0
        while index < reply.count, reply[index] >= UInt8(ascii: "0"), reply[index] <= UInt8(ascii: "9"), value < 1 << 40 {
            value = value * 10 + Int(reply[index] - UInt8(ascii: "0"))
            index += 1
        }
        return negative ? -value : value
    }

    public static func notification(method: String, params: [UInt8]) -> [UInt8] {
        var out = notificationHead
        JSONWriter.appendString(method, to: &out)
        out += paramsMiddle; out += params
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Adds members at the front of a rendered JSON object: `{"a":1}` + `"resultType":"complete"` gives
    /// `{"resultType":"complete","a":1}`. Used to stamp era-specific fields onto provider results without parsing them.
    public static func prependMembers(_ members: [UInt8], to object: [UInt8]) -> [UInt8] {
        guard let open = object.firstIndex(of: UInt8(ascii: "{")) else { return object }
        var rest = open + 1
        while rest < object.count, object[rest] <= 0x20 { rest += 1 }
        var out: [UInt8] = []
        out.reserveCapacity(object.count + members.count + 1)
        out += object[...open]
        out += members
        if rest < object.count, object[rest] != UInt8(ascii: "}") { out.append(UInt8(ascii: ",")) }
        out += object[(open + 1)...]
        return out
    }
}
