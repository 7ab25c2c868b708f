import PlugboardCore
import PlugboardJSON

/// A provider answers in its own terms: a read's `contents[].uri`, a tool's `resource_link` and embedded
/// `resource` blocks, a prompt message's embedded resource all carry its own URIs (`notes://note/1`), while the
/// client knows them namespaced (`notes://notes/note/1`) and reads them back that way. Only URIs that name the
/// provider's own resources are rewritten (Route.exposedURI); every other value keeps its literal text, and a
/// result without a `"uri"` member is not parsed at all.
enum ResultURIs {
    static func namespace(_ result: [UInt8], kind: ComponentKind, route: Route) -> [UInt8] {
        guard route.isNamespaced, contains(result, uriKey), case .object(var object)? = try? JSONParser.parse(result) else {
            return result
        }
        var changed = false
        switch kind {
        case .resource, .resourceTemplate:
            if case .array(var contents)? = object["contents"] {
                for index in contents.indices { changed = rewriteURI(of: &contents[index], route) || changed }
                if changed { object["contents"] = .array(contents) }
            }
        case .tool:
            if case .array(var content)? = object["content"] {
                for index in content.indices { changed = rewriteBlock(&content[index], route) || changed }
                if changed { object["content"] = .array(content) }
            }
        case .prompt:
            if case .array(var messages)? = object["messages"] {
                for index in messages.indices {
                    guard case .object(var message) = messages[index], var content = message["content"] else { continue }
                    // One block per message up to 2025-11-25; a list of them is accepted too.
                    var touched = false
                    if case .array(var blocks) = content {
                        for b in blocks.indices { touched = rewriteBlock(&blocks[b], route) || touched }
                        content = .array(blocks)
                    } else {
                        touched = rewriteBlock(&content, route)
                    }
                    guard touched else { continue }
                    message["content"] = content
                    messages[index] = .object(message)
                    changed = true
                }
                if changed { object["messages"] = .array(messages) }
            }
        }
        return changed ? JSONValue.object(object).serialized : result
    }

    /// A content block: `resource_link` carries `uri`; an embedded `resource` carries `resource.uri`.
    private static func rewriteBlock(_ block: inout JSONValue, _ route: Route) -> Bool {
        guard case .object(var object) = block else { return false }
        switch object["type"]?.stringValue {
        case "resource_link":
            guard rewriteURI(of: &block, route) else { return false }
            return true
        case "resource":
            guard var resource = object["resource"], rewriteURI(of: &resource, route) else { return false }
            object["resource"] = resource
            block = .object(object)
            return true
        default:
            return false
        }
    }

    private static func rewriteURI(of value: inout JSONValue, _ route: Route) -> Bool {
        guard case .object(var object) = value, let uri = object["uri"]?.stringValue,
              let exposed = route.exposedURI(forProviderURI: uri), exposed != uri else { return false }
        object["uri"] = .string(exposed)
        value = .object(object)
        return true
    }

    private static let uriKey = Array(#""uri""#.utf8)

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count, let first = needle.first else { return false }
        var index = 0
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
