extension ProviderSkeleton {
    /// A Rust provider on the Rust SDK; New copies the SDK's sources into plugboard/src, so the skeleton builds
    /// offline with nothing but cargo. Cargo names the library after the package with '-' as '_'.
    static func rust(_ name: String) -> [(String, String)] {
        let library = name.replacingOccurrences(of: "-", with: "_")
        return [("Cargo.toml", """
        [package]
        name = "\(name)"
        version = "0.1.0"
        edition = "2021"

        [lib]
        # A shared library the host loads: lib\(library).so.
        crate-type = ["cdylib"]

        [dependencies]
        plugboard = { path = "plugboard" }

        # A workspace of its own, so the skeleton builds the same wherever it is created. Keep panic = "unwind"
        # (the default): the SDK turns a handler's panic into a tool error, which an abort would not allow.
        [workspace]

        """),
        ("src/lib.rs", """
        //! \(name) — a Plugboard provider in Rust, on the Rust SDK (a copy of it is in plugboard/).
        //!   build:  cargo build --offline --release
        //!   check:  plugboard inspect target/release/lib\(library).so
        //!   call:   drop lib\(library).so into a watched plugin directory, then
        //!           plugboard call \(name)_echo --args '{"text": "hi"}'
        //! The guide: PluginSDK/README.md in the Plugboard repository ("Writing a provider in Rust").
        use plugboard::{tool, Call, Error, Object, Output, Provider};

        const TEXT_SCHEMA: &str = r#"{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"#;

        // echo 2.0: an object answer becomes text and structuredContent. An Err is a tool error (isError) with its
        // message; so is a panic, which never reaches the host.
        fn echo_with_length(call: &Call<'_>) -> Result<Output, Error> {
            let text = call.args().string("text")?;
            if text.is_empty() {
                return Err("nothing to echo: 'text' is empty".into());
            }
            Ok(Output::object(&Object::new().string("text", &text).number("length", text.len() as f64)))
        }

        fn provider() -> Provider {
            Provider::new("\(name)", "0.1.0")
                .component(
                    // echo 1.0: answers with its text. A missing or mistyped argument is an invalid-arguments error.
                    tool("echo")
                        .version("1.0")
                        .description("Answers with its text")
                        .input_schema(TEXT_SCHEMA)
                        .reentrant()
                        .handler(|call| Ok(Output::text(&call.args().string("text")?))),
                )
                .component(
                    tool("echo")
                        .version("2.0")
                        .description("Answers with its text and its length; refuses an empty text")
                        .input_schema(TEXT_SCHEMA)
                        .reentrant()
                        .handler(echo_with_length),
                )
        }

        plugboard::export_provider!(provider);

        """),
        ("plugboard/Cargo.toml", """
        # A copy of the Plugboard Rust SDK (PluginSDK/rust in the Plugboard repository): std only, no dependencies.
        [package]
        name = "plugboard"
        version = "0.1.0"
        edition = "2021"
        rust-version = "1.63"
        publish = false

        """),
        (".gitignore", "/target/\n")]
    }
}
