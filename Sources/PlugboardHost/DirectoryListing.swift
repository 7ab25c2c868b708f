import Foundation

/// The names in a plugin directory. A missing directory is reported, not fatal: the host serves the rest.
enum DirectoryListing {
    static func names(in directory: String, onEvent: (HostEvent) -> Void) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            let exists = FileManager.default.fileExists(atPath: directory)
            onEvent(.warning(exists
                ? "plugin directory \(directory) cannot be read: \(error.localizedDescription)"
                : "plugin directory \(directory) does not exist; create it or remove it from plugin_directories"))
            return []
        }
    }
}
