/* Broken at call time: the handler returns PB_OK without setting a result or an error. */
#include "common_handlers.h"
static int32_t mute(pb_call *call, const pb_request *request) {
    (void)call; (void)request;
    return PB_OK;
}
static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    pb_component tool = PB_COMPONENT_INIT;
    tool.kind = PB_KIND_TOOL;
    tool.key = "mute";
    tool.handler = mute;
    return registrar->add(registrar, &tool) != 0;
}
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("answers_nothing", "1.0", init, describe, NULL);
    return &entry;
}
