import PlugboardABI

/// A provider file that passed the entry checks: loaded into memory (and never unloaded) but not initialized.
/// Instantiating it runs the plugin's init; it can be instantiated several times, each with its own state.
public struct OpenedPlugin: @unchecked Sendable, Hashable {
    public let file: String
    public let id: String
    public let version: String
    /// SHA-256 of the file's bytes, hex.
    public let digest: String
    /// The entry struct, copied. Its pointers are to the plugin image's static data, which stays mapped for the
    /// life of the process (libraries are never dlclosed), so sharing it across threads is safe.
    let entry: pb_entry

    init(file: String, id: String, version: String, digest: String, entry: pb_entry) {
        self.file = file
        self.id = id
        self.version = version
        self.digest = digest
        self.entry = entry
    }

    /// The ABI the plugin was built for.
    public var abiMajor: UInt16 { entry.abi_major }
    public var abiMinor: UInt16 { entry.abi_minor }

    public static func == (lhs: OpenedPlugin, rhs: OpenedPlugin) -> Bool { lhs.file == rhs.file && lhs.digest == rhs.digest }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(digest)
    }
}
