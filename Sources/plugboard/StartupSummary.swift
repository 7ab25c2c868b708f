import PlugboardConfig
import PlugboardCore
import PlugboardHost

/// What `serve` prints to stderr at start: providers and their versions, components per namespace, the surfaces
/// with their URLs, and every warning (shadowed components, skipped files with the reason).
struct StartupSummary {
    let config: RuntimeConfig
    let host: PluginHost
    let stdioSurface: String?
    let httpAddress: HTTPAddress?

    var text: String {
        var lines = ["plugboard: serving"]
        let everything = host.store.table(forSurface: config.surfaces.first?.name ?? "") 
        var providers: [String: (version: String, origin: String, components: Int)] = [:]
        var perNamespace: [String: Int] = [:]
        for kind in ComponentKind.allCases {
            for entry in everything?.entries(kind) ?? [] {
                let key = "\(entry.provider.info.id) \(entry.provider.info.version)"
                providers[key, default: (entry.provider.info.version, entry.provider.info.origin, 0)].components += 1
                perNamespace[Self.namespace(of: entry.exposedKey, kind: kind), default: 0] += 1
            }
        }
        lines.append("  providers:")
        for (name, provider) in providers.sorted(by: { $0.key < $1.key }) {
            lines.append("    \(name)  \(provider.components) registrations  from \(provider.origin)")
        }
        if providers.isEmpty { lines.append("    (none)") }
        lines.append("  components per namespace: " + perNamespace.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("  surfaces:")
        for surface in config.surfaces {
            var line = "    \(surface.name)"
            if let httpAddress { line += "  http://\(httpAddress.host):\(httpAddress.port)\(surface.path)" }
            if surface.name == stdioSurface { line += "  (stdio)" }
            if let filter = surface.filter {
                line += "  versions" + (filter.range.gte.map { " >= \($0.raw)" } ?? "") + (filter.range.lt.map { " < \($0.raw)" } ?? "")
            }
            lines.append(line)
        }
        let warnings = host.warnings.map { "warning: \($0)" } + host.skippedFiles.map { "skipped: \($0.message)" }
        if !warnings.isEmpty {
            lines.append("  warnings:")
            lines += warnings.map { "    \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    /// The namespace of an exposed identity: the part before the first `_` (tools, prompts) or the first path
    /// segment after `://` (resources, templates); "-" when there is none.
    static func namespace(of key: String, kind: ComponentKind) -> String {
        switch kind {
        case .tool, .prompt:
            return key.split(separator: "_", maxSplits: 1).count == 2 ? String(key.split(separator: "_", maxSplits: 1)[0]) : "-"
        case .resource, .resourceTemplate:
            guard let scheme = key.range(of: "://") else { return "-" }
            return key[scheme.upperBound...].split(separator: "/", maxSplits: 1).first.map(String.init) ?? "-"
        }
    }
}

import Foundation
