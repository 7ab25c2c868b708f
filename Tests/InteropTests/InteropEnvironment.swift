import Foundation

/// Where the interop tests find what they drive: the package root (from this file's path), the Python venv that
/// scripts/bootstrap makes, the client scripts, and the `plugboard` executable beside the running test binary.
enum InteropEnvironment {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// `<root>/Tests/InteropTests/InteropEnvironment.swift` -> `<root>`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let scriptsDirectory = packageRoot.appendingPathComponent("Tests/Interop")

    /// A venv's interpreter; missing means the machine was never bootstrapped, which is a failure, not a skip.
    static func python(venv: String = ".venv") throws -> URL {
        let python = packageRoot.appendingPathComponent("\(venv)/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw Missing(description: "no Python venv at \(packageRoot.path)/\(venv): run scripts/bootstrap")
        }
        return python
    }

    /// The build products directory is the one holding the running test binary (found through /proc/self/exe,
    /// since `swift test` may run it from anywhere); `swift build` puts `plugboard` there too.
    static func plugboard() throws -> URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = exe.deletingLastPathComponent()
        // On Linux the test binary may sit inside a `.xctest` bundle directory: step out of it.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "Contents" {
            directory.deleteLastPathComponent()
        }
        let candidate = directory.appendingPathComponent("plugboard")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw Missing(description: """
                no plugboard executable in the build products directory \(directory.path) (test binary: \
                \(exe.path)): build it with `swift build --product plugboard`
                """)
        }
        return candidate
    }
}
