import ArgumentParser
import PlugboardCore
import PlugboardJSON
import PlugboardLoader
import PlugboardSandbox

struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load one provider file and show its ABI, identity and every component, or the precise load error.",
        discussion: """
            Runs the provider's init (with --plugin-config, default {}) and describe, in this process or, with
            --sandboxed, inside a sandboxed worker so that nothing of an untrusted file runs here; the sandbox
            layers the worker applied are listed too. Exits with status 1 and the loader's message if the file
            cannot be served.

            Examples:
              plugboard inspect .build/debug/libcalculator.so
              plugboard inspect ./libmine.so --json
              plugboard inspect ./libnotes.so --plugin-config '{"file": "/tmp/notes.jsonl"}'
              plugboard inspect --sandboxed ./untrusted.so
            """)

    @Argument(help: "The provider shared library.", completion: .file(extensions: ["so"]))
    var file: String

    @Option(help: "JSON handed to the provider's init.")
    var pluginConfig = "{}"

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "Load the file inside a sandboxed worker (plugboard-worker) instead of this process.")
    var sandboxed = false

    /// What inspection found, whichever way the file was loaded.
    struct Findings {
        var file: String
        var id: String
        var version: String
        var digest: String
        /// Known when loaded here; a worker checks the ABI itself.
        var abi: String?
        var components: [ComponentDescriptor]
        var sandbox: [SandboxLayerReport]?
    }

    func run() async throws {
        guard let config = try? RawJSON(validating: pluginConfig) else {
            throw CommandFailure("--plugin-config must be valid JSON, e.g. '{}' (got \(pluginConfig))")
        }
        let findings: Findings
        if sandboxed {
            do {
                let (info, components, report) = try await SandboxedInspection.describeWithReport(file: file, config: config)
                findings = Findings(file: file, id: info.id, version: info.version, digest: info.digest ?? "?", abi: nil,
                                    components: components, sandbox: report)
            } catch {
                throw CommandFailure("\(error)")
            }
        } else {
            let loader = PluginLoader(cacheDirectory: HostOptions.cacheDirectory)
            do {
                let plugin = try loader.open(file: file)
                let provider = try loader.instantiate(plugin, config: config)
                findings = Findings(file: file, id: plugin.id, version: plugin.version, digest: plugin.digest,
                                    abi: "\(plugin.abiMajor).\(plugin.abiMinor)", components: provider.components)
            } catch {
                throw CommandFailure(error.description)
            }
        }
        print(json ? Self.json(findings).jsonText : Self.text(findings))
    }

    static func text(_ found: Findings) -> String {
        let components = found.components
        var lines = [
            found.file,
            "  plugin      \(found.id) \(found.version)",
            "  ABI         " + (found.abi ?? "checked by the worker")
                + " (this host: \(PluginLoader.abiMajor).0–\(PluginLoader.abiMajor).\(PluginLoader.abiMinor))",
            "  sha256      \(found.digest)",
            "  components  \(components.count)",
        ]
        if let sandbox = found.sandbox {
            lines.append("  sandbox     " + (sandbox.first.map(\.description) ?? "no layers reported"))
            lines += sandbox.dropFirst().map { "              \($0)" }
        }
        for component in components {
            var head = "\(component.kind) \(component.key)"
            head += component.version.map { " \($0.raw)" } ?? " (unversioned)"
            if let description = component.description { head += " — \(description)" }
            lines.append("")
            lines.append(head)
            if component.kind == .tool {
                lines.append("  input   \(component.inputSchema?.text ?? #"{"type":"object"}"#)")
                if let output = component.outputSchema { lines.append("  output  \(output.text)") }
            }
            if let mime = component.mimeType { lines.append("  mime    \(mime)") }
            if !component.arguments.isEmpty {
                lines.append("  args    " + component.arguments.map { $0.name + ($0.required ? "" : "?") }.joined(separator: ", "))
            }
            if !component.tags.isEmpty { lines.append("  tags    " + component.tags.sorted().joined(separator: ", ")) }
        }
        let warnings = ListedOutputSchema.divergences(in: components)
        if !warnings.isEmpty {
            lines.append("")
            lines += warnings.map { "warning: \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ found: Findings) -> JSONValue {
        func raw(_ json: RawJSON?) -> JSONValue { json.flatMap { try? $0.parsed() } ?? .null }
        return .object([
            "file": .string(found.file), "plugin_id": .string(found.id), "plugin_version": .string(found.version),
            "abi": found.abi.map(JSONValue.string) ?? .null, "sha256": .string(found.digest),
            "warnings": .array(ListedOutputSchema.divergences(in: found.components).map { .string($0.message) }),
            "sandbox": found.sandbox.map { layers in
                .array(layers.map { .object(["layer": .string($0.layer), "status": .string("\($0.status)"), "detail": .string($0.detail)]) })
            } ?? .null,
            "components": .array(found.components.map { component in
                .object([
                    "kind": .string(component.kind.rawValue), "key": .string(component.key), "name": .string(component.name),
                    "version": component.version.map { .string($0.raw) } ?? .null,
                    "description": component.description.map(JSONValue.string) ?? .null,
                    "input_schema": raw(component.inputSchema), "output_schema": raw(component.outputSchema),
                    "mime_type": component.mimeType.map(JSONValue.string) ?? .null,
                    "tags": .array(component.tags.sorted().map(JSONValue.string)),
                ])
            }),
        ])
    }
}
