import ArgumentParser
import PlugboardCore
import PlugboardJSON

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a surface exposes: every component, its versions and the provider serving it.",
        discussion: """
            The default version (what a call without a pinned version gets) is marked with '*'.

            Examples:
              plugboard list
              plugboard list --surface v1
              plugboard list --json | jq '.[] | select(.kind == "tool")'
              plugboard list --team alpha        (what alpha's tokens see: its mounts and the shared ones)
              plugboard list --providers         (provider files: loaded, refused or quarantined, with the reason)
            """)

    @OptionGroup var options: HostOptions

    @Option(help: "The surface to list (a name from runtime.json's surfaces).")
    var surface = "mcp"

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "List what this team's tokens see (default: everything, as the operator).")
    var team: String?

    @Flag(help: "List the provider files instead: each loaded one with its signer, and each skipped one with the reason.")
    var providers = false

    func run() throws {
        let (config, host) = try options.makeHost { _ in }  // what is skipped is this listing's subject, not stderr's
        if providers {
            print(ProviderFiles.render(host, json: json))
            return
        }
        var store = host.store
        if let team {
            guard let teamStore = host.teamStores[team] else {
                throw CommandFailure("unknown team '\(team)'; \(options.configName) declares: "
                    + (config.teams.isEmpty ? "no teams" : config.teams.map(\.name).joined(separator: ", ")))
            }
            store = teamStore
        }
        guard let table = store.table(forSurface: surface) else {
            throw CommandFailure("unknown surface '\(surface)'; \(options.configName) declares: \(config.surfaces.map(\.name).joined(separator: ", "))")
        }
        let rows = Self.rows(of: table)
        if json {
            print(JSONValue.array(rows.map(\.json)).jsonText)
        } else {
            print(TextTable.render(header: ["KIND", "IDENTITY", "VERSIONS", "PROVIDER"], rows: rows.map(\.cells)))
        }
    }

    struct Row {
        var kind: ComponentKind
        var identity: String
        var versions: [(version: String, isDefault: Bool)]
        var provider: String

        var cells: [String] {
            let shown = versions.isEmpty ? "(unversioned)" : versions.map { $0.version + ($0.isDefault ? "*" : "") }.joined(separator: ", ")
            return [kind.rawValue, identity, shown, provider]
        }

        var json: JSONValue {
            .object([
                "kind": .string(kind.rawValue), "identity": .string(identity),
                "versions": .array(versions.map { .string($0.version) }),
                "default": versions.first(where: \.isDefault).map { .string($0.version) } ?? .null,
                "provider": .string(provider),
            ])
        }
    }

    /// One row per identity, versions highest first, in the surface's listing order.
    static func rows(of table: RoutingTable) -> [Row] {
        var rows: [Row] = []
        for kind in [ComponentKind.tool, .resource, .resourceTemplate, .prompt] {
            var byIdentity: [String: Int] = [:]
            for entry in table.entries(kind) {
                let provider = "\(entry.provider.info.id) \(entry.provider.info.version)"
                if let index = byIdentity[entry.exposedKey] {
                    if let version = entry.descriptor.version { rows[index].versions.append((version.raw, entry.isDefault)) }
                    if !rows[index].provider.contains(provider) { rows[index].provider += ", " + provider }
                } else {
                    byIdentity[entry.exposedKey] = rows.count
                    rows.append(Row(kind: kind, identity: entry.exposedKey,
                                    versions: entry.descriptor.version.map { [($0.raw, entry.isDefault)] } ?? [], provider: provider))
                }
            }
        }
        return rows
    }
}

/// A plain left-aligned text table for terminals.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $0.offset == row.count - 1 ? $0.element : $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

import Foundation
