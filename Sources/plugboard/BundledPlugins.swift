import PlugboardCore

/// The bundled plugins (lib{calculator,notes,greeter}.so beside the executable). Loading comes with the
/// plugin loader (branch `sdk`); until it is merged there is nothing to load.
enum BundledPlugins {
    static let mounts = [("calculator", "math"), ("notes", "notes"), ("greeter", "hello")]

    static func load(warn: (String) -> Void) -> [MountNode] {
        warn("the plugin loader is not built into this binary yet; bundled plugins are not mounted")
        return []
    }
}
