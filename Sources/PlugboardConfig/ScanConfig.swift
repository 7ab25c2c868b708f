/// Out-of-process scanning: a provider file the host has not seen is opened in a sandboxed worker first, so one
/// that crashes or hangs is quarantined before it runs in the host.
extension RuntimeConfig {
    public struct Scan: Sendable, Equatable {
        public var enabled = true
        /// Where the scan registry is kept (safe to delete: files are scanned again); nil: the host's cache
        /// directory (`$XDG_CACHE_HOME/plugboard`, else a per-user temporary directory).
        public var cacheDirectory: String?
        /// How long a scan may take before the file counts as hanging.
        public var timeoutMilliseconds = 10_000

        public init() {}
    }
}

extension RuntimeConfigDecoder {
    func decodeScan(_ root: ObjectReader, into config: inout RuntimeConfig) {
        guard let scan = root.object("scan") else { return }
        defer { scan.finish() }
        if let enabled = scan.bool("enabled") { config.scan.enabled = enabled }
        if let directory = scan.string("cache_directory") { config.scan.cacheDirectory = resolve(directory) }
        if let timeout = scan.integer("timeout_ms", in: 100...600_000) { config.scan.timeoutMilliseconds = timeout }
    }
}
