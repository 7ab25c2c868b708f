/* Broken: describe never returns (a busy loop, no sleep). A scan in a sandboxed worker must give up at its
   deadline and quarantine the file; the host must never open it. */
#include "common_handlers.h"
static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state; (void)registrar;
    for (volatile unsigned long spins = 0;; spins++) {}
    return 0;
}
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("describe_loops", "1.0", init, describe, NULL);
    return &entry;
}
