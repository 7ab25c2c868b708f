/* Broken: a tool's input_schema is a JSON array, not a schema object. */
#include "common_handlers.h"
static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    pb_component tool = PB_COMPONENT_INIT;
    tool.kind = PB_KIND_TOOL;
    tool.key = "lookup";
    tool.input_schema = "[\"query\"]";
    tool.handler = ok;
    return registrar->add(registrar, &tool) != 0;
}
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("invalid_schema", "1.0", init, describe, NULL);
    return &entry;
}
