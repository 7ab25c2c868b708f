import PlugboardCore

/// What `serve` mounts until runtime.json exists: the bundled providers found beside the executable, as `math`,
/// `notes` and `hello`, served on three surfaces over the same providers.
enum DefaultDeployment {
    static func surfaces() -> [Surface] {
        let two = try! Version("2.0")
        return [
            Surface(name: "mcp", path: "/mcp"),
            Surface(name: "v1", path: "/v1/mcp", filter: VersionFilter(lt: two)),
            Surface(name: "v2", path: "/v2/mcp", filter: VersionFilter(gte: two)),
        ]
    }

    /// The mount tree; `diagnostics` adds the built-in test provider as `diag`.
    static func root(diagnostics: Bool, warn: (String) -> Void) -> MountNode {
        var children: [MountNode] = BundledPlugins.load(warn: warn)
        if diagnostics { children.append(MountNode(namespace: "diag", providers: [DiagnosticsProvider()])) }
        return MountNode(children: children)
    }
}
