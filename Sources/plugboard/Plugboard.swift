import ArgumentParser

@main
struct Plugboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugboard",
        abstract: "A plugin host for MCP servers.",
        subcommands: [Serve.self])
}
