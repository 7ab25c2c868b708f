import ArgumentParser
import PlugboardCore
import PlugboardJSON
import PlugboardLoader

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load one provider file and show its ABI, identity and every component, or the precise load error.",
        discussion: """
            Runs the provider's init (with --plugin-config, default {}) and describe in this process. Exits with
            status 1 and the loader's message if the file cannot be served.

            Examples:
              plugboard inspect .build/debug/libcalculator.so
              plugboard inspect ./libmine.so --json
              plugboard inspect ./libnotes.so --plugin-config '{"seed": true}'
            """)

    @Argument(help: "The provider shared library.", completion: .file(extensions: ["so"]))
    var file: String

    @Option(help: "JSON handed to the provider's init.")
    var pluginConfig = "{}"

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        guard let config = try? RawJSON(validating: pluginConfig) else {
            throw CommandFailure("--plugin-config must be valid JSON, e.g. '{}' (got \(pluginConfig))")
        }
        let loader = PluginLoader(cacheDirectory: HostOptions.cacheDirectory)
        let plugin: OpenedPlugin
        let provider: NativeProvider
        do {
            plugin = try loader.open(file: file)
            provider = try loader.instantiate(plugin, config: config)
        } catch {
            throw CommandFailure(error.description)
        }
        if json {
            print(Self.json(plugin, provider.components).jsonText)
        } else {
            print(Self.text(plugin, provider.components))
        }
    }

    static func text(_ plugin: OpenedPlugin, _ components: [ComponentDescriptor]) -> String {
        var lines = [
            plugin.file,
            "  plugin      \(plugin.id) \(plugin.version)",
            "  ABI         \(plugin.abiMajor).\(plugin.abiMinor) (this host: \(PluginLoader.abiMajor).0–\(PluginLoader.abiMajor).\(PluginLoader.abiMinor))",
            "  sha256      \(plugin.digest)",
            "  components  \(components.count)",
        ]
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
        return lines.joined(separator: "\n")
    }

    static func json(_ plugin: OpenedPlugin, _ components: [ComponentDescriptor]) -> JSONValue {
        func raw(_ json: RawJSON?) -> JSONValue { json.flatMap { try? $0.parsed() } ?? .null }
        return .object([
            "file": .string(plugin.file), "plugin_id": .string(plugin.id), "plugin_version": .string(plugin.version),
            "abi": .string("\(plugin.abiMajor).\(plugin.abiMinor)"), "sha256": .string(plugin.digest),
            "components": .array(components.map { component in
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
