import PlugboardJSON

/// Renders MCP list entries as bytes once per compile (routing-contract.md "List entries, exactly").
/// Writes straight into the page buffer: this runs for every identity on every compile.
enum ListRenderer {
    static func pages(_ identities: [RoutedIdentity], pageSize: Int) -> [RawJSON] {
        guard !identities.isEmpty else { return [RawJSON(trusted: Array("[]".utf8))] }
        var pages: [RawJSON] = []
        pages.reserveCapacity(identities.count / pageSize + 1)
        var start = 0
        while start < identities.count {
            let end = min(start + pageSize, identities.count)
            var out: [UInt8] = []
            out.reserveCapacity((end - start) * 256)
            out.append(UInt8(ascii: "["))
            for position in start..<end {
                if position > start { out.append(UInt8(ascii: ",")) }
                entry(identities[position], into: &out)
            }
            out.append(UInt8(ascii: "]"))
            pages.append(RawJSON(trusted: out))
            start = end
        }
        return pages
    }

    static func entry(_ identity: RoutedIdentity, into out: inout [UInt8]) {
        let shown = identity.candidates[0]
        var object = ObjectWriter()
        object.open(&out)
        switch identity.kind {
        case .tool:
            object.string("name", identity.exposedKey, &out)
            object.string("title", shown.descriptor.title, &out)
            object.string("description", shown.descriptor.description, &out)
            object.raw("inputSchema", shown.descriptor.inputSchema?.bytes ?? defaultInputSchema, &out)
            object.raw("outputSchema", ListedOutputSchema.bytes(for: identity.candidates), &out)
            object.raw("annotations", shown.descriptor.annotations?.bytes, &out)
            object.raw("icons", shown.descriptor.icons?.bytes, &out)
        case .resource, .resourceTemplate:
            object.string(identity.kind == .resource ? "uri" : "uriTemplate", identity.exposedKey, &out)
            object.string("name", shown.descriptor.name, &out)
            object.string("title", shown.descriptor.title, &out)
            object.string("description", shown.descriptor.description, &out)
            object.string("mimeType", shown.descriptor.mimeType, &out)
            object.raw("annotations", shown.descriptor.annotations?.bytes, &out)
            object.raw("icons", shown.descriptor.icons?.bytes, &out)
        case .prompt:
            object.string("name", identity.exposedKey, &out)
            object.string("title", shown.descriptor.title, &out)
            object.string("description", shown.descriptor.description, &out)
            object.raw("icons", shown.descriptor.icons?.bytes, &out)
            object.key("arguments", &out)
            out.append(UInt8(ascii: "["))
            for (offset, argument) in shown.descriptor.arguments.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                var item = ObjectWriter()
                item.open(&out)
                item.string("name", argument.name, &out)
                item.string("description", argument.description, &out)
                item.key("required", &out)
                out.append(contentsOf: argument.required ? trueBytes : falseBytes)
                item.close(&out)
            }
            out.append(UInt8(ascii: "]"))
        }
        object.key("_meta", &out)
        meta(tags: shown.descriptor.tags, version: shown.version, candidates: identity.candidates, into: &out)
        object.close(&out)
    }

    /// `{"fastmcp":{"tags":[sorted],"version":V,"versions":[highest first]}}`, versions only when versioned.
    static func meta(tags: [String], version: Version?, candidates: [Candidate], into out: inout [UInt8]) {
        out.append(contentsOf: metaOpening)
        let sortedTags = tags.count < 2 ? tags : Set(tags).sorted(by: codePointsPrecede)
        for (offset, tag) in sortedTags.enumerated() {
            if offset > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(tag, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        if let version {
            out.append(contentsOf: versionKey)
            JSONWriter.appendString(version.raw, to: &out)
            out.append(contentsOf: versionsKey)
            // Candidates hold one registration per raw version, highest first, so there is nothing to dedupe.
            var first = true
            for candidate in candidates {
                guard let raw = candidate.version?.raw else { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSONWriter.appendString(raw, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "}"))
    }

    private static let defaultInputSchema = Array(#"{"type":"object"}"#.utf8)
    private static let metaOpening = Array(#"{"fastmcp":{"tags":["#.utf8)
    private static let versionKey = Array(#","version":"#.utf8)
    private static let versionsKey = Array(#","versions":["#.utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    /// Appends `"key":value` members to a buffer, skipping absent ones.
    struct ObjectWriter {
        private var empty = true

        func open(_ out: inout [UInt8]) { out.append(UInt8(ascii: "{")) }
        func close(_ out: inout [UInt8]) { out.append(UInt8(ascii: "}")) }

        mutating func key(_ key: StaticString, _ out: inout [UInt8]) {
            if !empty { out.append(UInt8(ascii: ",")) }
            empty = false
            out.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }

        mutating func string(_ name: StaticString, _ value: String?, _ out: inout [UInt8]) {
            guard let value else { return }
            key(name, &out)
            JSONWriter.appendString(value, to: &out)
        }

        mutating func raw(_ name: StaticString, _ value: [UInt8]?, _ out: inout [UInt8]) {
            guard let value else { return }
            key(name, &out)
            out.append(contentsOf: value)
        }
    }
}
