//! wordcount — an example provider written with the Rust SDK.
//!
//!   tool count 1.0      text: string                  -> the number of words, as text
//!   tool count 2.0      text: string; unique: bool    -> text + structuredContent {words, characters[, unique]}
//!   tool explode        reason: string                -> always panics: the client gets a tool error instead
//!   tool ratio          words, sentences: number      -> words per sentence (a typed function: no JSON here)
//!   resource wordcount://about                        -> a line of text
//!   prompt summarize    text: string                  -> one user message
//!
//! Build: cargo build --offline --release --example wordcount   (target/release/examples/libwordcount.so)
use std::collections::BTreeSet;

use plugboard::{function, prompt, resource, tool, Call, Error, Object, Output, Provider};

const TEXT_SCHEMA: &str = r#"{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"#;

fn count_words(call: &Call<'_>) -> Result<Output, Error> {
    let text = call.args().string("text")?;
    Ok(Output::text(&text.split_whitespace().count().to_string()))
}

// 2.0 answers with an object: the host sends it as text and as structuredContent.
fn count_words_and_characters(call: &Call<'_>) -> Result<Output, Error> {
    let text = call.args().string("text")?;
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut result = Object::new().number("words", words.len() as f64).number("characters", text.len() as f64);
    if call.args().boolean_or("unique", false)? {
        let unique: BTreeSet<&str> = words.iter().copied().collect();
        result = result.number("unique", unique.len() as f64);
    }
    Ok(Output::object(&result))
}

// A typed function: the host builds its schema from the types and names, checks the arguments and calls it.
extern "C" fn ratio(words: f64, sentences: f64) -> f64 {
    if sentences == 0.0 {
        0.0
    } else {
        words / sentences
    }
}

fn provider() -> Provider {
    Provider::new("wordcount", "1.0.0")
        .component(
            tool("count")
                .version("1.0")
                .description("Counts the words in a text")
                .input_schema(TEXT_SCHEMA)
                .reentrant()
                .handler(count_words),
        )
        .component(
            tool("count")
                .version("2.0")
                .description("Counts the words and characters in a text, and optionally the distinct words")
                .input_schema(
                    r#"{"type":"object","properties":{"text":{"type":"string"},"unique":{"type":"boolean"}},"required":["text"]}"#,
                )
                .output_schema(
                    r#"{"type":"object","properties":{"words":{"type":"number"},"characters":{"type":"number"},"unique":{"type":"number"}},"required":["words","characters"]}"#,
                )
                .reentrant()
                .handler(count_words_and_characters),
        )
        .component(
            // A panic stops at the C boundary: the client sees an isError result with the panic's message, and
            // the host keeps serving.
            tool("explode")
                .description("Always fails, by panicking")
                .input_schema(r#"{"type":"object","properties":{"reason":{"type":"string"}}}"#)
                .handler(|call| {
                    let reason = call.args().string_or("reason", "no reason given")?;
                    panic!("exploded: {}", reason)
                }),
        )
        .component(
            resource("wordcount://about")
                .name("about")
                .mime_type("text/plain")
                .handler(|call| Ok(Output::resource_text(call.uri(), "text/plain", "wordcount counts words."))),
        )
        .component(
            prompt("summarize")
                .description("Asks for a one-line summary of a text")
                .arguments(r#"[{"name":"text","description":"what to summarize","required":true}]"#)
                .handler(|call| Ok(Output::user_message(&format!("Summarize in one line:\n{}", call.args().string("text")?)))),
        )
        .function(
            function("ratio", &["words", "sentences"], ratio as extern "C" fn(f64, f64) -> f64)
                .description("Words per sentence")
                .reentrant(),
        )
}

plugboard::export_provider!(provider);
