/* A good provider built against a *newer minor* of the ABI (1.7): its entry and component structs are longer
 * than this host's, with fields the host does not know. The host must accept it and read only the prefix. */
#include <string.h>
#include "common_handlers.h"

typedef struct entry_1_7 {
    pb_entry base;
    const char *homepage;          /* a field from the future */
} entry_1_7;

typedef struct component_1_7 {
    pb_component base;
    double cost_hint;              /* a field from the future */
} component_1_7;

static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    component_1_7 tool;
    memset(&tool, 0, sizeof tool);
    tool.base.struct_size = sizeof tool;
    tool.base.kind = PB_KIND_TOOL;
    tool.base.key = "future_ok";
    tool.base.handler = ok;
    tool.cost_hint = 0.5;
    return registrar->add(registrar, &tool.base) != 0;
}

PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const entry_1_7 entry = {
        {PB_MAGIC, sizeof(entry_1_7), PB_ABI_MAJOR, 7, "newer_minor", "1.7.0", init, describe, NULL, NULL},
        "https://example.invalid/newer_minor",
    };
    return &entry.base;
}
