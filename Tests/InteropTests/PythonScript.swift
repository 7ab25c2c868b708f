import Foundation
import PlugboardJSON

/// One script of Tests/Interop run with a bootstrapped venv's Python, returning the JSON document it printed.
enum PythonScript {
    /// A crash or a non-JSON output fails with the script's stderr (and the HTTP server's, when there is one).
    static func observe(_ arguments: [String], venv: String = ".venv", server: PlugboardServer? = nil,
                        what: String, within seconds: Double = 120) async throws -> JSONValue {
        let python = try InteropEnvironment.python(venv: venv)
        let child = try ChildProcess(python, arguments, directory: InteropEnvironment.scriptsDirectory)
        let output = try await child.finish(within: seconds)
        let serverLog = server.map { "\nplugboard's stderr:\n\($0.stderrText)" } ?? ""
        guard output.status == 0 else {
            throw ChildProcess.Failure(description: """
                \(what): `\(child.commandLine)` exited with status \(output.status):
                \(output.stderr)\(serverLog)
                """)
        }
        do {
            return try JSONParser.parse(output.stdout)
        } catch {
            throw ChildProcess.Failure(description: """
                \(what): the script's output is not one JSON document (\(error)):
                \(output.stdout.prefix(2000))
                """)
        }
    }
}
