/* Broken: tool 'search' is registered once with version 1.0 and once without a version. */
#include "common_handlers.h"
static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    pb_component tool = PB_COMPONENT_INIT;
    tool.kind = PB_KIND_TOOL;
    tool.key = "search";
    tool.version = "1.0";
    tool.handler = ok;
    registrar->add(registrar, &tool);
    tool.version = NULL;
    registrar->add(registrar, &tool);
    return 0;
}
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("mixed_versions", "1.0", init, describe, NULL);
    return &entry;
}
