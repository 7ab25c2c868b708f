import PlugboardJSON

/// Renders MCP list entries as bytes once per compile (routing-contract.md "List entries, exactly").
enum ListRenderer {
    static func pages(_ identities: [RoutedIdentity], pageSize: Int) -> [RawJSON] {
        guard !identities.isEmpty else { return [RawJSON(trusted: Array("[]".utf8))] }
        var pages: [RawJSON] = []
        var start = 0
        while start < identities.count {
            let end = min(start + pageSize, identities.count)
            var out: [UInt8] = [UInt8(ascii: "[")]
            for position in start..<end {
                if position > start { out.append(UInt8(ascii: ",")) }
                out += entry(identities[position])
            }
            out.append(UInt8(ascii: "]"))
            pages.append(RawJSON(trusted: out))
            start = end
        }
        return pages
    }

    static func entry(_ identity: RoutedIdentity) -> [UInt8] {
        let shown = identity.candidates[0].descriptor
        var object = ObjectWriter(out: [])
        switch identity.kind {
        case .tool:
            object.string("name", identity.exposedKey)
            object.string("title", shown.title)
            object.string("description", shown.description)
            object.raw("inputSchema", shown.inputSchema?.bytes ?? Array(#"{"type":"object"}"#.utf8))
            object.raw("outputSchema", shown.outputSchema?.bytes)
            object.raw("annotations", shown.annotations?.bytes)
        case .resource, .resourceTemplate:
            object.string(identity.kind == .resource ? "uri" : "uriTemplate", identity.exposedKey)
            object.string("name", shown.name)
            object.string("title", shown.title)
            object.string("description", shown.description)
            object.string("mimeType", shown.mimeType)
            object.raw("annotations", shown.annotations?.bytes)
        case .prompt:
            object.string("name", identity.exposedKey)
            object.string("title", shown.title)
            object.string("description", shown.description)
            var arguments: [UInt8] = [UInt8(ascii: "[")]
            for (offset, argument) in shown.arguments.enumerated() {
                if offset > 0 { arguments.append(UInt8(ascii: ",")) }
                var item = ObjectWriter(out: arguments)
                item.string("name", argument.name)
                item.string("description", argument.description)
                item.raw("required", Array((argument.required ? "true" : "false").utf8))
                arguments = item.finish()
            }
            arguments.append(UInt8(ascii: "]"))
            object.raw("arguments", arguments)
        }
        object.raw("_meta", meta(shown, versions: identity.availableVersions))
        return object.finish()
    }

    /// `{"fastmcp":{"tags":[sorted],"version":V,"versions":[highest first]}}`, versions only when versioned.
    static func meta(_ shown: ComponentDescriptor, versions: [String]) -> [UInt8] {
        var out = Array(#"{"fastmcp":{"tags":["#.utf8)
        for (offset, tag) in Set(shown.tags).sorted(by: codePointsPrecede).enumerated() {
            if offset > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(tag, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        if let version = shown.version {
            out += Array(#","version":"#.utf8)
            JSONWriter.appendString(version.raw, to: &out)
            out += Array(#","versions":["#.utf8)
            var seen = Set<String>()
            var first = true
            for raw in versions where seen.insert(raw).inserted {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSONWriter.appendString(raw, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out += Array("}}".utf8)
        return out
    }

    /// Appends `"key":value` members, skipping absent ones.
    struct ObjectWriter {
        var out: [UInt8]
        var empty = true

        init(out: [UInt8]) {
            self.out = out
            self.out.append(UInt8(ascii: "{"))
        }

        mutating func key(_ key: String) {
            if !empty { out.append(UInt8(ascii: ",")) }
            empty = false
            JSONWriter.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
        }

        mutating func string(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            JSONWriter.appendString(value, to: &out)
        }

        mutating func raw(_ name: String, _ value: [UInt8]?) {
            guard let value else { return }
            key(name)
            out += value
        }

        mutating func finish() -> [UInt8] {
            out.append(UInt8(ascii: "}"))
            return out
        }
    }
}
