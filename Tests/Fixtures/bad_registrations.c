/* Broken: several malformed registrations; the host reports every one of them in one message. */
#include "common_handlers.h"
static double half(double x) { return x / 2; }
static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    pb_component tool = PB_COMPONENT_INIT;
    tool.kind = PB_KIND_TOOL;
    tool.key = "versioned";
    tool.version = "1@0";                       /* '@' is reserved */
    tool.handler = ok;
    registrar->add(registrar, &tool);
    tool.key = "handlerless";
    tool.version = NULL;
    tool.handler = NULL;                        /* no handler */
    registrar->add(registrar, &tool);
    tool.kind = 9;                              /* not a pb_kind */
    registrar->add(registrar, &tool);
    tool.kind = PB_KIND_TOOL;
    tool.handler = ok;
    tool.key = "local_icon";
    tool.icons = "[{\"src\":\"file:///etc/passwd\"}]";  /* clients fetch icons over https: or data: only */
    registrar->add(registrar, &tool);
    tool.key = "themed_icon";
    tool.icons = "[{\"src\":\"https://example.com/i.png\",\"theme\":\"blue\"}]";
    registrar->add(registrar, &tool);
    static const char *names[] = {"x"};
    registrar->add_function(registrar, "texty", NULL, "s(d)", (pb_function)half, names, NULL, 0);  /* returns s */
    registrar->add_function(registrar, "unnamed", NULL, "d(d)", (pb_function)half, NULL, NULL, 0); /* no names */
    return 0;
}
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("bad_registrations", "1.0", init, describe, NULL);
    return &entry;
}
