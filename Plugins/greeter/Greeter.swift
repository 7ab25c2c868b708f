// greeter — a bundled Plugboard provider written in Swift with PlugboardProviderKit (PluginSDK/swift; nothing of
// the host). An example for Swift authors:
//
//   tool greet 1.0   name                              -> "Hello, NAME!" as text
//   tool greet 2.0   name, language (en | fr | es | de) -> {"greeting", "language"} as structured content
//
// Conforming `Greeter` to PlugboardProvider is the whole declaration: the kit exports the entry point. Public,
// because nothing names the type: an optimized build would drop an internal one.
import PlugboardProviderKit

public enum Greeter: PlugboardProvider {
    public static let provider = Provider(id: "greeter", version: "1.0.0", components: [
        .tool("greet", version: "1.0", description: "Greets someone by name",
              inputSchema: #"{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}"#,
              reentrant: true) { call in
            .text("Hello, \(try arguments(call).name)!")  // a string: the host shows it as text
        },
        .tool("greet", version: "2.0", description: "Greets someone by name in a language of choice",
              inputSchema: #"{"type":"object","properties":{"name":{"type":"string"},"language":{"type":"string","enum":["de","en","es","fr"]}},"required":["name"]}"#,
              outputSchema: #"{"type":"object","properties":{"greeting":{"type":"string"},"language":{"type":"string"}},"required":["greeting","language"]}"#,
              reentrant: true) { call in
            let (name, language) = try arguments(call)
            guard let word = greetings[language ?? "en"] else {
                throw ProviderError.invalidArguments("argument 'language' must be one of de, en, es, fr")
            }
            // An object: structured content too. Keys in sorted order, as the answer has always been written.
            return .object(JSONObject().string("greeting", "\(word), \(name)!").string("language", language ?? "en"))
        },
    ])

    private static let greetings = ["en": "Hello", "fr": "Bonjour", "es": "Hola", "de": "Hallo"]

    /// The arguments both versions take. One message for any misfit, as the greeter has always answered.
    private static func arguments(_ call: Call) throws -> (name: String, language: String?) {
        do {
            return (try call.arguments.string("name"), try call.arguments.stringIfPresent("language"))
        } catch {
            throw ProviderError.invalidArguments("argument 'name' is required and must be a string")
        }
    }
}
