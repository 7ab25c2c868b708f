extension ProviderSkeleton {
    /// A Swift provider on PlugboardProviderKit. New copies the kit (PluginSDK/swift) and the two C headers it wraps
    /// into Sources/, so the package has no dependencies to fetch and builds offline.
    static func swift(_ name: String) -> [(String, String)] {
        [("Package.swift", """
        // swift-tools-version:6.0
        import PackageDescription

        let package = Package(
            name: "\(name)",
            products: [.library(name: "\(name)", type: .dynamic, targets: ["\(name)"])],
            targets: [
                // plugboard.h, the provider ABI, and plugboard_json.h as a C module.
                .target(name: "PlugboardABI"),
                // PlugboardProviderKit, copied from the Plugboard source tree: linked statically into lib\(name).so,
                // whose one exported symbol it provides.
                .target(name: "CPlugboardProviderKit"),
                .target(name: "PlugboardProviderKit", dependencies: ["PlugboardABI", "CPlugboardProviderKit"]),
                // provider.exports: lib\(name).so exports plugboard_entry_v1 and nothing of the kit.
                .target(name: "\(name)", dependencies: ["PlugboardProviderKit"], linkerSettings: [
                    .unsafeFlags(["-Xlinker", "--version-script=\\(Context.packageDirectory)/provider.exports"], .when(platforms: [.linux])),
                ]),
            ]
        )

        """),
        ("Sources/PlugboardABI/shim.c", "#include \"plugboard.h\"\n"),
        ("Sources/\(name)/Provider.swift", """
        // \(name) — a Plugboard provider in Swift, on PlugboardProviderKit.
        //   build:  swift build -c release
        //   check:  plugboard inspect .build/release/lib\(name).so
        //   call:   drop lib\(name).so into a watched plugin directory, then
        //           plugboard call \(name)_echo --args '{"text": "hi"}'
        // The guide: PluginSDK/README.md in the Plugboard repository ("Writing a provider in Swift").
        import PlugboardProviderKit

        /// Conforming one public type to PlugboardProvider declares the library's provider; the kit exports the entry
        /// point. Public, because nothing names it: an optimized build would drop an internal type.
        public enum Echo: PlugboardProvider {
            public static let provider = Provider(id: "\(name)", version: "0.1.0", components: [
                // echo 1.0: answers with its text. A missing or mistyped argument throws invalidArguments for you.
                .tool("echo", version: "1.0", description: "Answers with its text",
                      inputSchema: #"{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"#,
                      reentrant: true) { call in
                    .text(try call.arguments.string("text"))
                },
                // echo 2.0: an object answer becomes text and structuredContent. What a handler throws reaches the
                // client as a tool error (isError) with the error's message; it never reaches the host.
                .tool("echo", version: "2.0", description: "Answers with its text and its length; refuses an empty text",
                      inputSchema: #"{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"#,
                      reentrant: true) { call in
                    let text = try call.arguments.string("text")
                    if text.isEmpty { throw EchoError.empty }
                    return .object(JSONObject().string("text", text).number("length", Double(text.utf8.count)))
                },
            ])
        }

        enum EchoError: Error, CustomStringConvertible {
            case empty
            var description: String { "nothing to echo: 'text' is empty" }
        }

        """)]
    }
}
