/// The registration rules a provider's catalog must follow before it is mounted (SEMANTICS.md "Identity and
/// versions"): valid identities, an identity versioned in all its registrations or in none, no duplicates.
public enum CatalogRules {
    /// Longest tool name MCP recommends.
    public static let maxToolNameLength = 128

    public static func validate(_ components: [ComponentDescriptor], provider: String) throws(CatalogError) {
        struct IdentityKey: Hashable {
            let kind: ComponentKind
            let key: String
        }
        var first: [IdentityKey: Int] = [:]  // first registration of each identity (0-based)
        var byVersion: [IdentityKey: [String?: Int]] = [:]
        for (index, component) in components.enumerated() {
            try validateFields(component, index: index, provider: provider)
            let identity = IdentityKey(kind: component.kind, key: component.key)
            func fail(_ problem: CatalogError.Problem, with other: Int, _ detail: String) -> CatalogError {
                CatalogError(
                    problem: problem, provider: provider, kind: component.kind, identity: component.key,
                    registrations: [other + 1, index + 1], detail: detail)
            }
            if let earlier = first[identity] {
                let earlierVersion = components[earlier].version
                if (earlierVersion == nil) != (component.version == nil) {
                    throw fail(
                        .mixedVersioning, with: earlier,
                        "registered \(Self.versionText(earlierVersion)) in #\(earlier + 1) and "
                            + "\(Self.versionText(component.version)) in #\(index + 1); within one plugin an identity "
                            + "is versioned in every registration or in none")
                }
                if let duplicate = byVersion[identity]?[component.version?.raw] {
                    throw fail(
                        .duplicate, with: duplicate,
                        "registered twice \(Self.versionText(component.version)) (#\(duplicate + 1) and "
                            + "#\(index + 1)); remove one or give it another version")
                }
            } else {
                first[identity] = index
            }
            byVersion[identity, default: [:]][component.version?.raw] = index
        }
    }

    private static func versionText(_ version: Version?) -> String {
        version.map { "with version \($0.raw)" } ?? "unversioned"
    }

    private static func validateFields(_ component: ComponentDescriptor, index: Int, provider: String)
        throws(CatalogError)
    {
        func bad(_ detail: String, _ problem: CatalogError.Problem = .invalidIdentity) -> CatalogError {
            CatalogError(
                problem: problem, provider: provider, kind: component.kind, identity: component.key,
                registrations: [index + 1], detail: detail)
        }
        let key = component.key
        switch component.kind {
        case .tool:
            guard !key.isEmpty, key.utf8.count <= maxToolNameLength else {
                throw bad("a tool name has 1 to \(maxToolNameLength) characters")
            }
            guard key.utf8.allSatisfy(isToolNameByte) else {
                throw bad("a tool name uses only letters, digits, '_', '-' and '.' (MCP's rule); rename it")
            }
        case .prompt:
            guard !key.isEmpty, !key.unicodeScalars.contains(where: isSpaceOrControl) else {
                throw bad("a prompt name is not empty and has no spaces or control characters")
            }
        case .resource:
            if let problem = uriProblem(key) { throw bad(problem) }
            if key.contains("{") || key.contains("}") {
                throw bad("a resource URI has no '{' or '}'; register a URI with variables as a resource template")
            }
        case .resourceTemplate:
            if let problem = uriProblem(key) { throw bad(problem) }
            do { _ = try URITemplate(key) } catch { throw bad(error.description) }
        }
        if component.kind == .resource || component.kind == .resourceTemplate {
            guard !component.name.isEmpty else {
                throw bad("a \(component.kind) needs a non-empty name", .invalidField)
            }
        }
        var argumentNames = Set<String>()
        for argument in component.arguments {
            guard !argument.name.isEmpty else { throw bad("a prompt argument has an empty name", .invalidField) }
            guard argumentNames.insert(argument.name).inserted else {
                throw bad("prompt argument '\(argument.name)' is declared twice", .invalidField)
            }
        }
    }

    /// A URI needs a scheme (`scheme:`) and no spaces or control characters.
    private static func uriProblem(_ uri: String) -> String? {
        if uri.unicodeScalars.contains(where: isSpaceOrControl) {
            return "a URI has no spaces or control characters; percent-encode them"
        }
        guard let colon = uri.firstIndex(of: ":"), colon != uri.startIndex else {
            return "a URI starts with a scheme such as 'data:' or 'file://'"
        }
        let scheme = Array(uri[..<colon].utf8)
        let isLetter = { (b: UInt8) in (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        let isSchemeByte = { (b: UInt8) in
            isLetter(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
                || b == UInt8(ascii: ".")
        }
        guard isLetter(scheme[0]), scheme.allSatisfy(isSchemeByte) else {
            return "the URI scheme '\(uri[..<colon])' is not valid (a letter, then letters, digits, '+', '-' or '.')"
        }
        return nil
    }

    private static func isToolNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    private static func isSpaceOrControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F
    }
}
