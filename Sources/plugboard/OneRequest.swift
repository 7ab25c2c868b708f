import ArgumentParser
import PlugboardCore
import PlugboardJSON
import PlugboardMCP

/// Options shared by `call`, `read` and `prompt`.
struct RequestOptions: ParsableArguments {
    @OptionGroup var host: HostOptions

    @Option(help: "Pin a component version (sent as _meta.fastmcp.version).")
    var version: String?

    @Option(help: "The surface whose routing applies.")
    var surface = "mcp"

    @Flag(help: "Print the raw MCP result as JSON.")
    var json = false
}

/// Sends one request through the same MCPServer the transports use (2026-07-28, stateless) and prints the answer.
enum OneRequest {
    static func run(method: String, target: (key: String, value: String), arguments: String?, options: RequestOptions) async throws {
        let (config, host) = try options.host.makeHost()
        guard host.store.table(forSurface: options.surface) != nil else {
            throw CommandFailure("unknown surface '\(options.surface)'; \(options.host.configName) declares: \(config.surfaces.map(\.name).joined(separator: ", "))")
        }
        if let arguments {
            do { _ = try JSONParser.parse(arguments) } catch {
                throw CommandFailure("--args is not valid JSON (\(error)); pass an object such as '{\"a\": 1}'")
            }
        }
        var meta: JSONObject = [
            "io.modelcontextprotocol/protocolVersion": .string("2026-07-28"),
            "io.modelcontextprotocol/clientCapabilities": .object([:]),
            "io.modelcontextprotocol/clientInfo": .object(["name": .string("plugboard-cli"), "version": .string("1")]),
            "io.modelcontextprotocol/logLevel": .string("info"),
            "progressToken": .string("cli"),
        ]
        if let version = options.version { meta["fastmcp"] = .object(["version": .string(version)]) }

        // The arguments go in as the user typed them: the server passes them to the provider byte for byte.
        var request = Array(#"{"jsonrpc":"2.0","id":1,"method":"#.utf8)
        JSONWriter.appendString(method, to: &request)
        request += Array(#","params":{"#.utf8)
        JSONWriter.appendString(target.key, to: &request)
        request.append(UInt8(ascii: ":"))
        JSONWriter.appendString(target.value, to: &request)
        if let arguments { request += Array(#","arguments":"#.utf8) + Array(arguments.utf8) }
        request += Array(#","_meta":"#.utf8) + JSONValue.object(meta).serialized + Array("}}".utf8)

        let server = MCPServer(store: host.store)
        let message: IncomingMessage
        switch server.scan(request) {
        case .success(let scanned): message = scanned
        case .failure(let failure): throw CommandFailure("the request could not be formed: \(failure)")
        }
        let reply = await server.respond(to: message, session: MCPSession(surface: options.surface)) { notification in
            if let text = Self.describe(notification: notification) { StandardError.write(text) }
        }
        guard let reply, let response = try? JSONParser.parse(reply) else { throw CommandFailure("no answer from the server") }
        if let error = response["error"] {
            throw CommandFailure("\(error["message"]?.stringValue ?? error.jsonText) (JSON-RPC error \(error["code"]?.numberLiteral ?? "?"))")
        }
        let result = response["result"] ?? .null
        print(options.json ? result.jsonText : Self.humanText(of: result))
        if result["isError"]?.boolValue == true { throw ExitCode(1) }
    }

    /// Progress and log notifications, for stderr.
    static func describe(notification bytes: [UInt8]) -> String? {
        guard let message = try? JSONParser.parse(bytes), let params = message["params"] else { return nil }
        switch message["method"]?.stringValue {
        case "notifications/progress":
            let total = params["total"]?.numberLiteral.map { "/\($0)" } ?? ""
            return "progress \(params["progress"]?.numberLiteral ?? "?")\(total)" + (params["message"]?.stringValue.map { " \($0)" } ?? "")
        case "notifications/message":
            return "[\(params["level"]?.stringValue ?? "log")] \(params["logger"]?.stringValue.map { "\($0): " } ?? "")\(params["data"]?.stringValue ?? params["data"]?.jsonText ?? "")"
        default:
            return nil
        }
    }

    /// Text blocks of a tool result, resource contents or prompt messages; JSON for anything else.
    static func humanText(of result: JSONValue) -> String {
        func text(_ block: JSONValue) -> String {
            block["text"]?.stringValue ?? block["blob"].map { _ in "(binary, \(block["mimeType"]?.stringValue ?? "no type"))" } ?? block.jsonText
        }
        if let content = result["content"]?.arrayValue, !content.isEmpty { return content.map(text).joined(separator: "\n") }
        if let contents = result["contents"]?.arrayValue { return contents.map(text).joined(separator: "\n") }
        if let messages = result["messages"]?.arrayValue {
            return messages.map { "\($0["role"]?.stringValue ?? "?"): \(text($0["content"] ?? .null))" }.joined(separator: "\n")
        }
        return result["structuredContent"]?.jsonText ?? result.jsonText
    }
}

struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call a tool through the same routing as the server and print its result.",
        discussion: """
            Exits with status 1 on a protocol error or a tool error (isError).

            Examples:
              plugboard call math_calculate --args '{"a": 6, "b": 7, "op": "mul"}'
              plugboard call math_calculate --version 1.0 --args '{"a": 1, "b": 2, "op": "add"}'
              plugboard call math_calculate --surface v1 --json --args '{"a": 1, "b": 2, "op": "add"}'
            """)

    @Argument(help: "The tool's name as the surface shows it (e.g. math_calculate).") var name: String
    @Option(help: "The arguments, a JSON object.") var args = "{}"
    @OptionGroup var options: RequestOptions

    func run() async throws {
        try await OneRequest.run(method: "tools/call", target: ("name", name), arguments: args, options: options)
    }
}

struct Read: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a resource (or a URI matching a resource template) through the server's routing.",
        discussion: """
            Examples:
              plugboard read notes://notes/index
              plugboard read notes://notes/note/1 --version 1.0
            """)

    @Argument(help: "The URI as the surface shows it.") var uri: String
    @OptionGroup var options: RequestOptions

    func run() async throws {
        try await OneRequest.run(method: "resources/read", target: ("uri", uri), arguments: nil, options: options)
    }
}

struct Prompt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Get a prompt through the server's routing and print its messages.",
        discussion: """
            Examples:
              plugboard prompt notes_summarize --args '{"topic": "plugins"}'
              plugboard prompt notes_summarize --version 1.0 --json
            """)

    @Argument(help: "The prompt's name as the surface shows it.") var name: String
    @Option(help: "The prompt arguments, a JSON object of strings.") var args = "{}"
    @OptionGroup var options: RequestOptions

    func run() async throws {
        try await OneRequest.run(method: "prompts/get", target: ("name", name), arguments: args, options: options)
    }
}
