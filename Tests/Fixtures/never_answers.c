/* Broken at call time: 'hang' blocks forever (ignoring cancellation); 'forget' returns PENDING and never
 * completes. The host must free the caller at the deadline either way. */
#include <unistd.h>
#include "common_handlers.h"
static int32_t hang(pb_call *call, const pb_request *request) {
    (void)call; (void)request;
    for (;;) sleep(1000);
    return PB_OK;
}
static int32_t forget(pb_call *call, const pb_request *request) {
    (void)call; (void)request;
    return PB_PENDING;
}
static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    pb_component tool = PB_COMPONENT_INIT;
    tool.kind = PB_KIND_TOOL;
    tool.key = "hang";
    tool.handler = hang;
    registrar->add(registrar, &tool);
    tool.key = "forget";
    tool.handler = forget;
    registrar->add(registrar, &tool);
    tool.key = "fine";
    tool.handler = ok;
    return registrar->add(registrar, &tool) != 0;
}
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("never_answers", "1.0", init, describe, NULL);
    return &entry;
}
