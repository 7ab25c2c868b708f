/// Which names in a drop-in directory are provider files. Editors and copy tools write temporary files
/// (`.name.swp`, `name.tmp`) next to the real one; those are never loaded.
public enum PluginFileName {
    public static func isCandidate(_ name: String) -> Bool {
        !name.hasPrefix(".") && !name.hasSuffix(".tmp") && name.hasSuffix(".so")
    }

    /// The provider file a signature file (`NAME.so.sig`) signs, or nil when `name` is not one.
    public static func signedFile(_ name: String) -> String? {
        guard name.hasSuffix(".so.sig") else { return nil }
        let file = String(name.dropLast(4))
        return isCandidate(file) ? file : nil
    }
}
