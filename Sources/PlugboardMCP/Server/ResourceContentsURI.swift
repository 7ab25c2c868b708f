import PlugboardJSON

/// A provider answers a read with URIs in its own terms (`notes://note/1`); the client asked for the namespaced
/// URI (`notes://notes/note/1`) and expects to see it back, as FastMCP returns it. Only the `uri` members of
/// `contents` are rewritten; every other value keeps its literal text.
enum ResourceContentsURI {
    static func rewrite(_ result: [UInt8], local: String, exposed: String) -> [UInt8] {
        guard local != exposed, case .object(var object)? = try? JSONParser.parse(result),
              case .array(var contents)? = object["contents"] else { return result }
        var changed = false
        for index in contents.indices {
            guard case .object(var entry) = contents[index], entry["uri"]?.stringValue == local else { continue }
            entry["uri"] = .string(exposed)
            contents[index] = .object(entry)
            changed = true
        }
        guard changed else { return result }
        object["contents"] = .array(contents)
        return JSONValue.object(object).serialized
    }
}
