import Foundation

/// Where `plugboard-worker` is: the policy's path, `$PLUGBOARD_WORKER`, or beside the running executable (the
/// build products directory, or the installed bin directory).
enum WorkerExecutable {
    static let name = "plugboard-worker"

    static func locate(_ policy: SandboxPolicy) -> String? {
        if let path = policy.workerExecutable { return path }
        if let path = ProcessInfo.processInfo.environment["PLUGBOARD_WORKER"], !path.isEmpty { return path }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // Test bundles sit below the products directory; walk up to find the worker.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
