import Foundation
import PlugboardCore
import PlugboardLoader

/// The bundled plugins, lib{calculator,notes,greeter}.so in the directory of the running executable (the build
/// products directory after `swift build`), mounted as `math`, `notes` and `hello`.
enum BundledPlugins {
    static let mounts = [("calculator", "math"), ("notes", "notes"), ("greeter", "hello")]

    static func load(warn: (String) -> Void) -> [MountNode] {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let directory = (executable as NSString).deletingLastPathComponent
        let cache = (NSTemporaryDirectory() as NSString).appendingPathComponent("plugboard-plugin-cache-\(getuid())")
        let loader = PluginLoader(cacheDirectory: cache)
        var nodes: [MountNode] = []
        for (plugin, namespace) in mounts {
            let file = (directory as NSString).appendingPathComponent("lib\(plugin).so")
            guard FileManager.default.fileExists(atPath: file) else {
                warn("bundled plugin \(file) is missing (build it with `swift build --product \(plugin)`); '\(namespace)' is not mounted")
                continue
            }
            do {
                nodes.append(MountNode(namespace: namespace, providers: [try loader.load(file: file)]))
            } catch {
                warn("\(error); '\(namespace)' is not mounted")
            }
        }
        return nodes
    }
}
