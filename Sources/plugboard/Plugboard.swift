import ArgumentParser

@main
struct Plugboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugboard",
        abstract: "A plugin host for MCP servers.",
        discussion: """
            Start with `plugboard serve --http 127.0.0.1:8000` in the repository (it reads ./runtime.json), or
            `plugboard list` to see what the configuration serves. Every command has --help with examples.
            """,
        subcommands: [Serve.self, List.self, Inspect.self, Call.self, Read.self, Prompt.self, Validate.self, New.self, Token.self, Keygen.self, Sign.self, Fleet.self],
        helpNames: [.short, .long])
}
