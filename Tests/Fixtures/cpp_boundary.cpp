// A plugboard.hpp provider whose handlers throw what the example does not: something that is no std::exception,
// and the SDK's own error kinds. Each must stop at the C boundary and become the error its kind maps to.
#include "plugboard.hpp"

namespace {

const plugboard::Provider provider("cpp_boundary", "1.0.0", {
    plugboard::Tool("throws_int").handler([](plugboard::Call &) -> plugboard::Result { throw 42; }),
    plugboard::Tool("throws_not_found").handler([](plugboard::Call &call) -> plugboard::Result {
        throw plugboard::NotFound("no record '" + call.args().string("id") + "'");
    }),
    plugboard::Tool("wants_number").handler([](plugboard::Call &call) {
        return plugboard::text(std::to_string(call.args().number("n") * 2));
    }),
});

} // namespace

PLUGBOARD_ENTRY(provider);
