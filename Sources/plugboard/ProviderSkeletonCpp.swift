extension ProviderSkeleton {
    /// A C++17 provider on plugboard.hpp; New copies plugboard.hpp and the two C headers it wraps into include/.
    static func cpp(_ name: String) -> [(String, String)] {
        [("\(name).cpp", """
        // \(name) — a Plugboard provider in C++17, on plugboard.hpp (the C++ layer over plugboard.h).
        //   build:  make
        //   check:  plugboard inspect ./lib\(name).so
        //   call:   drop lib\(name).so into a watched plugin directory, then
        //           plugboard call \(name)_echo --args '{"text": "hi"}'
        // The guide: PluginSDK/README.md in the Plugboard repository ("Writing a provider in C++").
        #include <stdexcept>
        #include <string>

        #include "plugboard.hpp"

        namespace {

        const plugboard::Provider provider("\(name)", "0.1.0", {
            // echo 1.0: answers with its text. A missing or mistyped argument throws InvalidArguments for you.
            plugboard::Tool("echo", "1.0")
                .description("Answers with its text")
                .input_schema(R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"]})")
                .reentrant()
                .handler([](plugboard::Call &call) { return plugboard::text(call.args().string("text")); }),

            // echo 2.0: an object answer becomes text and structuredContent. What a handler throws reaches the
            // client as a tool error (isError) with the exception's message; it never reaches the host.
            plugboard::Tool("echo", "2.0")
                .description("Answers with its text and its length; refuses an empty text")
                .input_schema(R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"]})")
                .reentrant()
                .handler([](plugboard::Call &call) {
                    const std::string text = call.args().string("text");
                    if (text.empty()) throw std::runtime_error("nothing to echo: 'text' is empty");
                    plugboard::Object result;
                    result.string("text", text).number("length", static_cast<double>(text.size()));
                    return plugboard::json(result);
                }),
        });

        } // namespace

        PLUGBOARD_ENTRY(provider);

        """),
        ("Makefile", """
        CXXFLAGS ?= -std=c++17 -O2 -Wall -Wextra -pedantic

        lib\(name).so: \(name).cpp include/plugboard.hpp include/plugboard.h include/plugboard_json.h
        \t$(CXX) $(CXXFLAGS) -shared -fPIC -I include \(name).cpp -o lib\(name).so

        clean:
        \trm -f lib\(name).so

        """)]
    }
}
