/// Something the host did or refused, for the log (and later the audit trail).
public enum HostEvent: Sendable, Hashable, CustomStringConvertible {
    case loaded(PluginIdentity, namespace: String?)
    case unloaded(file: String)
    case skipped(ProviderLoadFailure)
    case warning(String)

    public var description: String {
        switch self {
        case .loaded(let plugin, let namespace):
            "loaded \(plugin.id) \(plugin.version) from \(plugin.file)" + (namespace.map { " as '\($0)'" } ?? "")
        case .unloaded(let file): "unloaded \(file)"
        case .skipped(let failure): "skipped \(failure.message)"
        case .warning(let text): "warning: \(text)"
        }
    }
}
