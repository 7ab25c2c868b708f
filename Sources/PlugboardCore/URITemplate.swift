import PlugboardJSON

/// The RFC 6570 subset MCP resource templates use (as FastMCP matches them): `{var}` matches one path segment,
/// `{var*}` one or more segments, `{?q,r}` (or `{?q*}`) optional query parameters. Matching a concrete URI
/// returns the variables, percent-decoded.
public struct URITemplate: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal([UInt8])
        case segment(String)
        case segments(String)
    }

    public let template: String
    let parts: [Part]
    /// Query parameter names, and whether each was exploded (`{?tag*}` keeps every repetition).
    let query: [(name: String, explode: Bool)]

    public static func == (lhs: URITemplate, rhs: URITemplate) -> Bool { lhs.template == rhs.template }
    public func hash(into hasher: inout Hasher) { hasher.combine(template) }

    /// Every variable name, path ones first.
    public var variableNames: [String] {
        parts.compactMap { part -> String? in
            switch part {
            case .literal: nil
            case .segment(let name), .segments(let name): name
            }
        } + query.map(\.name)
    }

    public init(_ template: String) throws(URITemplateError) {
        self.template = template
        var parts: [Part] = []
        var query: [(name: String, explode: Bool)] = []
        var literal: [UInt8] = []
        var seen = Set<String>()
        let bytes = Array(template.utf8)
        var i = 0
        func check(_ name: String) throws(URITemplateError) {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isNameByte) else {
                throw .badVariable(template: template, name: name)
            }
            guard seen.insert(name).inserted else { throw .duplicateVariable(template: template, name: name) }
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "}") { throw .unbalanced(template: template) }
            guard byte == UInt8(ascii: "{") else {
                literal.append(byte)
                i += 1
                continue
            }
            guard let close = bytes[(i + 1)...].firstIndex(of: UInt8(ascii: "}")) else {
                throw .unbalanced(template: template)
            }
            let body = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
            if body.contains("{") { throw .unbalanced(template: template) }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = [] }
            if body.hasPrefix("?") {
                for item in body.dropFirst().split(separator: ",", omittingEmptySubsequences: false) {
                    let explode = item.hasSuffix("*")
                    let name = String(explode ? item.dropLast() : item)
                    try check(name)
                    query.append((name, explode))
                }
            } else if let first = body.unicodeScalars.first, "+#./;&=,!@|".unicodeScalars.contains(first) {
                throw .unsupportedOperator(template: template, expression: "{\(body)}")
            } else {
                let explode = body.hasSuffix("*")
                let name = String(explode ? body.dropLast() : Substring(body))
                try check(name)
                if case .segment? = parts.last { throw .adjacentVariables(template: template) }
                if case .segments? = parts.last { throw .adjacentVariables(template: template) }
                parts.append(explode ? .segments(name) : .segment(name))
            }
            i = close + 1
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard !seen.isEmpty else { throw .noVariables(template: template) }
        self.parts = parts
        self.query = query
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// The variables when `uri` matches, else nil. A fragment is ignored (unless the template has a `#`); query
    /// parameters the template does not name are ignored, those it names are optional.
    public func match(_ uri: String) -> [(key: String, value: JSONValue)]? {
        var bytes = Array(uri.utf8)
        if !template.contains("#"), let hash = bytes.firstIndex(of: UInt8(ascii: "#")) { bytes.removeSubrange(hash...) }
        var queryBytes: ArraySlice<UInt8> = []
        if let mark = bytes.firstIndex(of: UInt8(ascii: "?")) {
            queryBytes = bytes[(mark + 1)...]
            bytes = Array(bytes[..<mark])
        }
        guard bytes.count <= Self.maxMatchedLength, let spans = matchPath(bytes) else { return nil }
                var captures: [(key: String, value: JSONValue)] = spans.map {
            ($0.name, .string(Self.decode(bytes[$0.range], plusIsSpace: false)))
        }
        if !query.isEmpty, !queryBytes.isEmpty {
            let pairs = queryBytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { pair in
                let equals = pair.firstIndex(of: UInt8(ascii: "="))
                let name = Self.decode(pair[..<(equals ?? pair.endIndex)], plusIsSpace: true)
                let value = equals.map { Self.decode(pair[($0 + 1)...], plusIsSpace: true) } ?? ""
                return (name, value)
            }
            for (name, explode) in query where !captures.contains(where: { $0.key == name }) {
                let values = pairs.filter { $0.0 == name }.map(\.1)
                guard let first = values.first else { continue }
                captures.append((name, explode ? .array(values.map { .string($0) }) : .string(first)))
            }
        }
        return captures
    }

    /// Longer URIs never match a template: matching costs time and memory in proportion to the length.
    public static let maxMatchedLength = 65_536

    /// Matches the path with each variable taking the longest value that still lets the rest match (what a
    /// backtracking regex does), in time linear in the length: first, from the end, which positions each
    /// part can start at and still finish; then a forward walk taking the longest value each time.
    private func matchPath(_ path: [UInt8]) -> [(name: String, range: Range<Int>)]? {
        let n = path.count
        let slash = UInt8(ascii: "/")
        var canFinish = [[Bool]](repeating: [], count: parts.count + 1)
        canFinish[parts.count] = [Bool](repeating: false, count: n + 1)
        canFinish[parts.count][n] = true
        for index in stride(from: parts.count - 1, through: 0, by: -1) {
            let after = canFinish[index + 1]
            var row = [Bool](repeating: false, count: n + 1)
            switch parts[index] {
            case .literal(let literal):
                if literal.count <= n {
                    for p in 0...(n - literal.count) where after[p + literal.count] {
                        row[p] = path[p..<(p + literal.count)].elementsEqual(literal)
                    }
                }
            case .segment:
                var reachable = false  // some end e > p with no '/' in path[p..<e] can finish
                for p in stride(from: n - 1, through: 0, by: -1) {
                    if path[p] == slash {
                        reachable = false
                    } else {
                        reachable = reachable || after[p + 1]
                        row[p] = reachable
                    }
                }
            case .segments:
                var reachable = false
                for p in stride(from: n - 1, through: 0, by: -1) {
                    reachable = reachable || after[p + 1]
                    row[p] = reachable
                }
            }
            canFinish[index] = row
        }
        guard canFinish[0][0] else { return nil }
        var spans: [(name: String, range: Range<Int>)] = []
        var position = 0
        for (index, part) in parts.enumerated() {
            switch part {
            case .literal(let literal):
                position += literal.count
            case .segment(let name), .segments(let name):
                var limit = n
                if case .segment = part { limit = path[position...].firstIndex(of: slash) ?? n }
                var end = limit
                while !canFinish[index + 1][end] { end -= 1 }
                spans.append((name, position..<end))
                position = end
            }
        }
        return spans
    }

    /// Percent-decoding (`%2F` -> `/`); a `%` not followed by two hex digits stays as written.
    static func decode(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let byte = bytes[i]
            if byte == UInt8(ascii: "%"), i + 2 < bytes.endIndex, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2])
            {
                out.append(high << 4 | low)
                i += 3
                continue
            }
            out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

public enum URITemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    case unbalanced(template: String)
    case badVariable(template: String, name: String)
    case duplicateVariable(template: String, name: String)
    case unsupportedOperator(template: String, expression: String)
    case adjacentVariables(template: String)
    case noVariables(template: String)

    public var description: String {
        switch self {
        case .unbalanced(let t):
            "URI template '\(t)' has unbalanced braces; every '{' needs a matching '}' with no nesting"
        case .badVariable(let t, let name):
            "URI template '\(t)' has variable '\(name)'; names are letters, digits, '_', '-' or '.', not empty"
        case .duplicateVariable(let t, let name):
            "URI template '\(t)' uses variable '\(name)' twice; give each variable its own name"
        case .unsupportedOperator(let t, let expression):
            "URI template '\(t)' uses \(expression); only {var}, {var*} and {?a,b} are supported"
        case .adjacentVariables(let t):
            "URI template '\(t)' has two path variables with nothing between them, so a URI cannot be split "
                + "between them; put a literal such as '/' between"
        case .noVariables(let t):
            "URI template '\(t)' has no {variables}; register it as a resource instead"
        }
    }
}
