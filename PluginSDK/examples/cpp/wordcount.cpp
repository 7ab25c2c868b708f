// wordcount — an example provider written with plugboard.hpp, the C++17 layer over plugboard.h.
//
//   tool count 1.0      text: string                  -> the number of words, as text
//   tool count 2.0      text: string; unique: bool    -> text + structuredContent {words, characters[, unique]}
//   tool explode        reason: string                -> always throws: shows what a client gets instead
//   resource wordcount://about                        -> a line of text
//   prompt summarize    text: string                  -> one user message
//
// Build: c++ -std=c++17 -Wall -Wextra -pedantic -Werror -shared -fPIC -I ../../include wordcount.cpp -o libwordcount.so
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "plugboard.hpp"

namespace {

std::vector<std::string> words(const std::string &text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

const char *const text_schema =
    R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"]})";

const plugboard::Provider provider("wordcount", "1.0.0", {
    plugboard::Tool("count", "1.0")
        .description("Counts the words in a text")
        .input_schema(text_schema)
        .reentrant()
        .handler([](plugboard::Call &call) {
            return plugboard::text(std::to_string(words(call.args().string("text")).size()));
        }),

    // 2.0 answers with an object: the host sends it as text and as structuredContent.
    plugboard::Tool("count", "2.0")
        .description("Counts the words and characters in a text, and optionally the distinct words")
        .input_schema(R"({"type":"object","properties":{"text":{"type":"string"},"unique":{"type":"boolean"}},"required":["text"]})")
        .output_schema(R"({"type":"object","properties":{"words":{"type":"number"},"characters":{"type":"number"},"unique":{"type":"number"}},"required":["words","characters"]})")
        .reentrant()
        .handler([](plugboard::Call &call) {
            const std::string text = call.args().string("text");
            const std::vector<std::string> all = words(text);
            plugboard::Object result;
            result.number("words", static_cast<double>(all.size())).number("characters", static_cast<double>(text.size()));
            if (call.args().boolean_or("unique", false))
                result.number("unique", static_cast<double>(std::set<std::string>(all.begin(), all.end()).size()));
            return plugboard::json(result);
        }),

    // Whatever a handler throws stops at the C boundary: the client sees an isError result with what().
    plugboard::Tool("explode")
        .description("Always fails, by throwing std::runtime_error")
        .input_schema(R"({"type":"object","properties":{"reason":{"type":"string"}}})")
        .handler([](plugboard::Call &call) -> plugboard::Result {
            throw std::runtime_error("exploded: " + call.args().string_or("reason", "no reason given"));
        }),

    plugboard::Resource("wordcount://about")
        .name("about")
        .mime_type("text/plain")
        .handler([](plugboard::Call &call) {
            return plugboard::resource_text(call.uri(), "text/plain", "wordcount counts words.");
        }),

    plugboard::Prompt("summarize")
        .description("Asks for a one-line summary of a text")
        .arguments(R"([{"name":"text","description":"what to summarize","required":true}])")
        .handler([](plugboard::Call &call) {
            return plugboard::user_message("Summarize in one line:\n" + call.args().string("text"));
        }),
});

} // namespace

PLUGBOARD_ENTRY(provider);
