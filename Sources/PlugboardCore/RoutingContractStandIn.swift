// TEMPORARY (branch `mcp` only): a minimal implementation of the routing-table contract
// (briefs/routing-contract.md) so the MCP server builds and runs before branch `core` lands.
// Deleted when `core` is merged; nothing here is the real compiler (no PEP 440 ordering, no shadowing warnings).
import Atomics
import PlugboardJSON
import Synchronization

public struct VersionRange: Sendable, Hashable {
    public var gte: Version?; public var lt: Version?; public var eq: Version?
    public init(gte: Version? = nil, lt: Version? = nil, eq: Version? = nil) { self.gte = gte; self.lt = lt; self.eq = eq }
    public func matches(_ v: Version) -> Bool {
        if let gte, v < gte { return false }
        if let lt, !(v < lt) { return false }
        if let eq, !v.orderEquals(eq) { return false }
        return true
    }
    public func intersect(_ other: VersionRange) -> VersionRange {
        VersionRange(gte: [gte, other.gte].compactMap { $0 }.max(), lt: [lt, other.lt].compactMap { $0 }.min(), eq: eq ?? other.eq)
    }
}

public struct VersionFilter: Sendable, Hashable {
    public var range: VersionRange; public var includeUnversioned: Bool
    public init(gte: Version? = nil, lt: Version? = nil, includeUnversioned: Bool = true) {
        range = VersionRange(gte: gte, lt: lt); self.includeUnversioned = includeUnversioned
    }
    public func admits(_ v: Version?) -> Bool { v.map(range.matches) ?? includeUnversioned }
}

public struct DisableRule: Sendable, Hashable {
    public var kind: ComponentKind?; public var identity: String; public var version: Version?
    public init(kind: ComponentKind? = nil, identity: String, version: Version? = nil) {
        self.kind = kind; self.identity = identity; self.version = version
    }
}

public struct MountNode: Sendable {
    public var namespace: String?
    public var filter: VersionFilter?
    public var disabled: [DisableRule]
    public var providers: [any Provider]
    public var children: [MountNode]
    public init(namespace: String? = nil, filter: VersionFilter? = nil, disabled: [DisableRule] = [],
                providers: [any Provider] = [], children: [MountNode] = []) {
        self.namespace = namespace; self.filter = filter; self.disabled = disabled
        self.providers = providers; self.children = children
    }
}

public struct Surface: Sendable, Hashable {
    public var name: String; public var path: String; public var filter: VersionFilter?; public var disabled: [DisableRule]
    public init(name: String, path: String, filter: VersionFilter? = nil, disabled: [DisableRule] = []) {
        self.name = name; self.path = path; self.filter = filter; self.disabled = disabled
    }
}

public struct RoutingWarning: Sendable, Hashable { public var message: String }

public struct Route: Sendable {
    public let provider: any Provider
    public let descriptor: ComponentDescriptor
    public let exposedKey: String
    public let invocation: Invocation
}

public struct ListPage: Sendable {
    public let items: RawJSON
    public let nextCursor: String?
}

public struct RoutedComponent: Sendable {
    public let exposedKey: String
    public let descriptor: ComponentDescriptor
    public let provider: any Provider
}

public enum RoutingError: Error, Sendable, Hashable {
    case unknownComponent(kind: ComponentKind, identity: String)
    case versionUnavailable(kind: ComponentKind, identity: String, requested: String, available: [String])
    case invalidCursor(String)
    public var message: String {
        switch self {
        case .unknownComponent(let kind, let identity): "unknown \(kind) '\(identity)'"
        case .versionUnavailable(let kind, let identity, let requested, let available):
            "\(kind) '\(identity)' has no version '\(requested)'; available: "
                + (available.isEmpty ? "none" : available.joined(separator: ", "))
        case .invalidCursor(let cursor): "invalid cursor '\(cursor)'"
        }
    }
}

public final class RoutingTable: Sendable {
    public let surface: Surface
    public let generation: UInt64
    public let warnings: [RoutingWarning] = []
    private let groups: [ComponentKind: [String: [RoutedComponent]]]   // versions highest first
    private let order: [ComponentKind: [String]]
    private let pages: [ComponentKind: [ListPage]]
    private let pageSize: Int

    public static func compile(root: MountNode, surface: Surface, pageSize: Int = 100, generation: UInt64 = 0) -> RoutingTable {
        RoutingTable(root: root, surface: surface, pageSize: pageSize, generation: generation)
    }

    private init(root: MountNode, surface: Surface, pageSize: Int, generation: UInt64) {
        self.surface = surface
        self.generation = generation
        var groups: [ComponentKind: [String: [RoutedComponent]]] = [:]
        var order: [ComponentKind: [String]] = [:]
        func walk(_ node: MountNode, prefix: [String], filters: [VersionFilter]) {
            let prefix = prefix + (node.namespace.map { [$0] } ?? [])
            let filters = filters + (node.filter.map { [$0] } ?? [])
            for provider in node.providers {
                for d in provider.components {
                    let key = RoutingTable.expose(d.key, kind: d.kind, prefix: prefix)
                    guard filters.allSatisfy({ $0.admits(d.version) }) else { continue }
                    if (surface.disabled + node.disabled).contains(where: { ($0.kind == nil || $0.kind == d.kind) && $0.identity == key && ($0.version == nil || $0.version == d.version) }) { continue }
                    if groups[d.kind, default: [:]][key] == nil { order[d.kind, default: []].append(key) }
                    groups[d.kind, default: [:]][key, default: []].append(RoutedComponent(exposedKey: key, descriptor: d, provider: provider))
                }
            }
            for child in node.children { walk(child, prefix: prefix, filters: filters) }
        }
        walk(root, prefix: [], filters: surface.filter.map { [$0] } ?? [])
        for (kind, byKey) in groups {
            for (key, list) in byKey {
                groups[kind]![key] = list.sorted { ($0.descriptor.version.map { v in v.raw } ?? "") > ($1.descriptor.version.map { v in v.raw } ?? "") }
                    .sorted { a, b in
                        guard let va = a.descriptor.version, let vb = b.descriptor.version else { return false }
                        return vb < va
                    }
            }
        }
        self.groups = groups
        self.order = order
        var pages: [ComponentKind: [ListPage]] = [:]
        for kind in ComponentKind.allCases {
            let keys = order[kind] ?? []
            var result: [ListPage] = []
            var start = 0
            repeat {
                let slice = keys[start..<min(keys.count, start + max(1, pageSize))]
                var out: [UInt8] = [UInt8(ascii: "[")]
                for (i, key) in slice.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    RoutingTable.renderEntry(groups[kind]![key]!, to: &out)
                }
                out.append(UInt8(ascii: "]"))
                let next = start + slice.count < keys.count ? "p\(start + slice.count)" : nil
                result.append(ListPage(items: RawJSON(trusted: out), nextCursor: next))
                start += slice.count
            } while start < keys.count
            pages[kind] = result
        }
        self.pages = pages
        self.pageSize = max(1, pageSize)
    }

    static func expose(_ key: String, kind: ComponentKind, prefix: [String]) -> String {
        guard !prefix.isEmpty else { return key }
        switch kind {
        case .tool, .prompt: return (prefix + [key]).joined(separator: "_")
        case .resource, .resourceTemplate:
            let parts = key.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return key }
            return parts[0] + "://" + prefix.joined(separator: "/") + "/" + parts[1]
        }
    }

    private static func renderEntry(_ versions: [RoutedComponent], to out: inout [UInt8]) {
        let top = versions[0]
        let d = top.descriptor
        var members: [(String, [UInt8])] = []
        func str(_ s: String) -> [UInt8] { var o: [UInt8] = []; JSONWriter.appendString(s, to: &o); return o }
        switch d.kind {
        case .tool:
            members.append(("name", str(top.exposedKey)))
            if let t = d.title { members.append(("title", str(t))) }
            if let t = d.description { members.append(("description", str(t))) }
            members.append(("inputSchema", d.inputSchema?.bytes ?? Array(#"{"type":"object"}"#.utf8)))
            if let s = d.outputSchema { members.append(("outputSchema", s.bytes)) }
            if let a = d.annotations { members.append(("annotations", a.bytes)) }
        case .resource, .resourceTemplate:
            members.append((d.kind == .resource ? "uri" : "uriTemplate", str(top.exposedKey)))
            members.append(("name", str(d.name)))
            if let t = d.title { members.append(("title", str(t))) }
            if let t = d.description { members.append(("description", str(t))) }
            if let t = d.mimeType { members.append(("mimeType", str(t))) }
            if let a = d.annotations { members.append(("annotations", a.bytes)) }
        case .prompt:
            members.append(("name", str(top.exposedKey)))
            if let t = d.title { members.append(("title", str(t))) }
            if let t = d.description { members.append(("description", str(t))) }
            var args: [JSONValue] = []
            for a in d.arguments {
                var o = JSONObject()
                o.members.append((key: "name", value: .string(a.name)))
                if let t = a.description { o.members.append((key: "description", value: .string(t))) }
                o.members.append((key: "required", value: .bool(a.required)))
                args.append(.object(o))
            }
            members.append(("arguments", JSONValue.array(args).serialized))
        }
        var fastmcp = JSONObject()
        fastmcp.members.append((key: "tags", value: .array(d.tags.sorted().map { .string($0) })))
        if let v = d.version {
            fastmcp.members.append((key: "version", value: .string(v.raw)))
            fastmcp.members.append((key: "versions", value: .array(versions.compactMap { $0.descriptor.version.map { .string($0.raw) } })))
        }
        members.append(("_meta", JSONValue.object(["fastmcp": .object(fastmcp)]).serialized))
        out.append(UInt8(ascii: "{"))
        for (i, m) in members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(m.0, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: m.1)
        }
        out.append(UInt8(ascii: "}"))
    }

    public func route(_ kind: ComponentKind, _ identity: String, version: String?) -> Result<Route, RoutingError> {
        guard let versions = groups[kind]?[identity] else { return .failure(.unknownComponent(kind: kind, identity: identity)) }
        return choose(versions, kind: kind, identity: identity, version: version, uri: nil, variables: nil)
    }

    private func choose(_ versions: [RoutedComponent], kind: ComponentKind, identity: String, version: String?,
                        uri: String?, variables: RawJSON?) -> Result<Route, RoutingError> {
        var pick = versions[0]
        if let version, pick.descriptor.version != nil {
            guard let wanted = try? Version(version),
                  let match = versions.first(where: { $0.descriptor.version?.orderEquals(wanted) == true })
            else {
                return .failure(.versionUnavailable(kind: kind, identity: identity, requested: version,
                                                    available: versions.compactMap { $0.descriptor.version?.raw }))
            }
            pick = match
        }
        let d = pick.descriptor
        var inv = Invocation(kind: d.kind, key: d.key, version: d.version, uri: uri)
        if let variables { inv.arguments = variables }
        if d.kind == .resource { inv.uri = d.key }
        return .success(Route(provider: pick.provider, descriptor: d, exposedKey: pick.exposedKey, invocation: inv))
    }

    public func routeResource(uri: String, version: String?) -> Result<Route, RoutingError> {
        if let versions = groups[.resource]?[uri] {
            return choose(versions, kind: .resource, identity: uri, version: version, uri: uri, variables: nil)
        }
        for key in order[.resourceTemplate] ?? [] {
            guard let vars = Self.match(template: key, uri: uri), let versions = groups[.resourceTemplate]?[key] else { continue }
            let local = Self.unexpose(uri: uri, exposedTemplate: key, localTemplate: versions[0].descriptor.key)
            let obj = JSONValue.object(JSONObject(vars.map { (key: $0.0, value: JSONValue.string($0.1)) }))
            return choose(versions, kind: .resourceTemplate, identity: key, version: version, uri: local, variables: RawJSON(obj))
        }
        return .failure(.unknownComponent(kind: .resource, identity: uri))
    }

    /// Drops the namespace segments: the part of `uri` before the template's first variable is swapped for the local one.
    private static func unexpose(uri: String, exposedTemplate: String, localTemplate: String) -> String {
        let exposedHead = exposedTemplate.prefix { $0 != "{" }
        let localHead = localTemplate.prefix { $0 != "{" }
        guard uri.hasPrefix(exposedHead) else { return uri }
        return String(localHead) + uri.dropFirst(exposedHead.count)
    }

    /// `{var}` matches up to the next literal character, excluding `/`; `{var*}` may include `/`.
    static func match(template: String, uri: String) -> [(String, String)]? {
        var vars: [(String, String)] = []
        var t = Substring(template), u = Substring(uri)
        while !t.isEmpty {
            if t.first == "{" {
                guard let close = t.firstIndex(of: "}") else { return nil }
                var name = String(t[t.index(after: t.startIndex)..<close])
                t = t[t.index(after: close)...]
                let explode = name.hasSuffix("*")
                if explode { name.removeLast() }
                let stop = t.first
                var value = ""
                while let c = u.first, c != stop, explode || c != "/" { value.append(c); u.removeFirst() }
                guard !value.isEmpty else { return nil }
                vars.append((name, value))
            } else {
                guard u.first == t.first else { return nil }
                t.removeFirst(); u.removeFirst()
            }
        }
        return u.isEmpty ? vars : nil
    }

    public func page(_ kind: ComponentKind, cursor: String?) -> Result<ListPage, RoutingError> {
        let list = pages[kind] ?? []
        guard let cursor else { return .success(list[0]) }
        guard cursor.first == "p", let offset = Int(cursor.dropFirst()), offset > 0, offset % pageSize == 0,
              offset / pageSize < list.count
        else { return .failure(.invalidCursor(cursor)) }
        return .success(list[offset / pageSize])
    }

    public func entries(_ kind: ComponentKind) -> [RoutedComponent] {
        (order[kind] ?? []).compactMap { groups[kind]?[$0]?.first }
    }
}

public struct ObservationToken: Sendable {
    let cancel: @Sendable () -> Void
    public func cancelObservation() { cancel() }
}

public final class RoutingTableStore: Sendable {
    private let state: Mutex<(tables: [String: RoutingTable], observers: [Int: @Sendable (Set<ComponentKind>) -> Void], next: Int)>
    public let surfaces: [Surface]
    private let pageSize: Int

    public init(root: MountNode, surfaces: [Surface], pageSize: Int = 100) {
        self.surfaces = surfaces
        self.pageSize = pageSize
        var tables: [String: RoutingTable] = [:]
        for s in surfaces { tables[s.name] = RoutingTable.compile(root: root, surface: s, pageSize: pageSize) }
        state = Mutex((tables, [:], 0))
    }

    public func table(forSurface name: String) -> RoutingTable? { state.withLock { $0.tables[name] } }
    public func table(forPath path: String) -> RoutingTable? {
        guard let s = surfaces.first(where: { $0.path == path }) else { return nil }
        return table(forSurface: s.name)
    }

    public func replaceRoot(_ root: MountNode) {
        let observers = state.withLock { state in
            for s in surfaces {
                state.tables[s.name] = RoutingTable.compile(root: root, surface: s, pageSize: pageSize,
                                                            generation: (state.tables[s.name]?.generation ?? 0) + 1)
            }
            return Array(state.observers.values)
        }
        for o in observers { o(Set(ComponentKind.allCases)) }
    }

    public func observe(_ body: @escaping @Sendable (Set<ComponentKind>) -> Void) -> ObservationToken {
        let id = state.withLock { state in
            state.next += 1
            state.observers[state.next] = body
            return state.next
        }
        return ObservationToken { [weak self] in _ = self?.state.withLock { $0.observers.removeValue(forKey: id) } }
    }
}
