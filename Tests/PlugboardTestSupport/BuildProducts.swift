import Foundation

/// Where the things under test are: the repository, and the build products directory (the `plugboard`
/// executable and the bundled providers lib<name>.so that `swift build` puts beside the test bundle).
public enum BuildProducts {
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    public static let directory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("libcalculator.so").path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.path
    }()

    public static var plugboard: String { directory + "/plugboard" }
    public static func bundled(_ name: String) -> String { directory + "/lib\(name).so" }

    /// A fresh directory under the system's temporary directory.
    public static func temporaryDirectory(_ label: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plugboard-\(label)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
