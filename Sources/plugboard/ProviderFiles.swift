import PlugboardHost
import PlugboardJSON

/// `plugboard list --providers`: the provider files the host found, loaded or not. A file that was refused
/// (its signature) or quarantined (its scan crashed or hung) is shown with the reason, as at start-up.
enum ProviderFiles {
    static func render(_ host: PluginHost, json: Bool) -> String {
        var loaded: [String: PluginIdentity] = [:]
        for provider in host.loadedProviders { loaded[provider.plugin.file] = provider.plugin }
        let skipped = host.skippedFiles.sorted { $0.file < $1.file }
        let files = loaded.values.sorted { $0.file < $1.file }
        if json {
            let rows: [JSONValue] = files.map { plugin in
                .object(["file": .string(plugin.file), "status": .string("loaded"), "provider": .string(plugin.id),
                         "version": .string(plugin.version), "sha256": .string(plugin.digest),
                         "signed_by": plugin.signedBy.map { .string($0.name) } ?? .null])
            } + skipped.map { failure in
                .object(["file": .string(failure.file), "status": .string(failure.kind.rawValue), "reason": .string(failure.message)])
            }
            return JSONValue.array(rows).jsonText
        }
        let rows = files.map { [$0.file, "loaded", "\($0.id) \($0.version)", $0.signedBy.map { "signed by \($0.name)" } ?? "unsigned"] }
            + skipped.map { [$0.file, $0.kind.rawValue, "", $0.message] }
        return rows.isEmpty ? "no provider files found" : TextTable.render(header: ["FILE", "STATUS", "PROVIDER", "DETAIL"], rows: rows)
    }
}
