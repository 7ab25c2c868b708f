import PlugboardCore
import PlugboardJSON

/// Turns what a handler passed to `set_result` into the MCP result object for its kind.
enum ResultShape {
    /// Tools: a CallToolResult passes as is; any other value is wrapped as text content (a string as itself,
    /// anything else as its JSON text), plus `structuredContent` when it is an object. Other kinds must send
    /// their result object.
    static func shape(_ bytes: [UInt8], kind: ComponentKind) -> Result<[UInt8], InvocationError> {
        let raw: RawJSON
        do {
            raw = try RawJSON(validating: bytes)
        } catch {
            return .failure(InvocationError(.internalError, "set_result received invalid JSON (\(error)); pass one JSON value as UTF-8 text"))
        }
        let members = (try? JSONParser.members(ofObject: bytes)) ?? nil
        switch kind {
        case .tool:
            if let members, let content = members.first(where: { $0.key == "content" }),
               bytes[content.range.lowerBound] == UInt8(ascii: "[") {
                return .success(bytes)
            }
            var text = raw.text
            if let value = try? raw.parsed(), let string = value.stringValue { text = string }
            var out = Array(#"{"content":[{"type":"text","text":"#.utf8)
            JSONWriter.appendString(text, to: &out)
            out += Array("}]".utf8)
            if members != nil {
                out += Array(#","structuredContent":"#.utf8)
                out += bytes
            }
            out.append(UInt8(ascii: "}"))
            return .success(out)
        case .resource, .resourceTemplate, .prompt:
            let required = kind == .prompt ? "messages" : "contents"
            guard let members, members.contains(where: { $0.key == required }) else {
                let shape = kind == .prompt ? "a GetPromptResult {\"messages\":[…]}" : "a ReadResourceResult {\"contents\":[…]}"
                return .failure(InvocationError(.internalError, "the \(kind)'s result must be \(shape)"))
            }
            return .success(bytes)
        }
    }
}
