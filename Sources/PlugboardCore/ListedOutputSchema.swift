import PlugboardJSON

/// The `outputSchema` a tool's listing promises (SEMANTICS.md "Listing"). A client may pin any version the listing
/// offers and checks every result against the schema it cached from the list, so the listed schema must hold for
/// every version callable through it: the one schema all of them declare; an `anyOf` of theirs when they differ;
/// none when any of them declares none (no client may then check a result against another version's schema).
public enum ListedOutputSchema {
    /// The schema to list for an identity's candidates (each a version callable through this listing).
    static func bytes(for candidates: [Candidate]) -> [UInt8]? {
        guard let first = candidates.first?.descriptor.outputSchema?.bytes else { return nil }
        if candidates.count == 1 { return first }
        var distinct: [[UInt8]] = [first]
        for candidate in candidates.dropFirst() {
            guard let schema = candidate.descriptor.outputSchema?.bytes else { return nil }
            if !distinct.contains(schema) { distinct.append(schema) }
        }
        if distinct.count == 1 { return first }
        // The root stays `"type":"object"`: the 2025-11-25 schema requires it of every outputSchema.
        var out = Array(#"{"type":"object","anyOf":["#.utf8)
        for (offset, schema) in distinct.enumerated() {
            if offset > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: schema)
        }
        out.append(contentsOf: Array("]}".utf8))
        return out
    }

    /// A warning when the versions of one tool differ in output schema, naming them and what the listing does.
    static func divergence(_ identity: RoutedIdentity) -> RoutingWarning? {
        divergence(identity: identity.exposedKey, versions: identity.candidates.map(\.descriptor))
    }

    /// The same check over one provider's catalog (for `plugboard inspect`): a warning per tool whose versions
    /// differ in output schema.
    public static func divergences(in components: [ComponentDescriptor]) -> [RoutingWarning] {
        var order: [String] = []
        var byKey: [String: [ComponentDescriptor]] = [:]
        for component in components where component.kind == .tool {
            if byKey[component.key] == nil { order.append(component.key) }
            byKey[component.key, default: []].append(component)
        }
        return order.compactMap { key in
            let versions = byKey[key]!.sorted { a, b in
                switch (a.version, b.version) {
                case (let x?, let y?): y < x
                case (.some, nil): true
                default: false
                }
            }
            return divergence(identity: key, versions: versions)
        }
    }

    /// `versions`: the registrations of one tool identity, highest first.
    static func divergence(identity: String, versions registrations: [ComponentDescriptor]) -> RoutingWarning? {
        guard registrations.count > 1, registrations[0].kind == .tool else { return nil }
        let schemas = registrations.map { $0.outputSchema?.bytes }
        guard schemas.contains(where: { $0 != schemas[0] }) else { return nil }
        let versions = registrations.map { $0.version?.raw ?? "unversioned" }
        let without = zip(versions, schemas).filter { $0.1 == nil }.map(\.0)
        let effect =
            without.isEmpty
            ? "its listing declares an anyOf of their schemas"
            : "\(without.joined(separator: ", ")) declare\(without.count == 1 ? "s" : "") none, so its listing declares "
                + "no output schema and clients check no result"
        let message =
            "tool '\(identity)': versions \(versions.joined(separator: ", ")) declare different output schemas; "
            + "\(effect) (give every version the same outputSchema to keep results checked)"
        return RoutingWarning(kind: .tool, identity: identity, cause: .outputSchemasDiffer(versions: versions),
                              message: message)
    }
}
