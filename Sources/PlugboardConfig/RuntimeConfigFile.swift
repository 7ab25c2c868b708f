import Foundation

extension RuntimeConfigDecoder {
    /// Reads and validates a runtime.json file. Relative paths inside it resolve against its directory.
    public static func load(file: String, bundledDirectory: String) throws(ConfigError) -> RuntimeConfig {
        guard let data = FileManager.default.contents(atPath: file) else {
            let exists = FileManager.default.fileExists(atPath: file)
            throw ConfigError(source: file, issues: [ConfigIssue(
                path: "$",
                message: exists ? "cannot be read (check its permissions)" : "does not exist; pass --config PATH or create it (the repository's runtime.json is a starting point)")])
        }
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let directory = (absolute as NSString).deletingLastPathComponent
        return try RuntimeConfigDecoder(baseDirectory: directory, bundledDirectory: bundledDirectory)
            .decode(Array(data), source: file)
    }
}
