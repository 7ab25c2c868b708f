/// Which names in a drop-in directory are provider files. Editors and copy tools write temporary files
/// (`.name.swp`, `name.tmp`) next to the real one; those are never loaded.
public enum PluginFileName {
    public static func isCandidate(_ name: String) -> Bool {
        !name.hasPrefix(".") && !name.hasSuffix(".tmp") && name.hasSuffix(".so")
    }
}
