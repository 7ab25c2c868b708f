/* Broken: its entry says it is a 32-bit build, which this host is not. The loader refuses it before init, naming the field. */
#include "common_handlers.h"
static int32_t describe(void *state, pb_registrar *registrar) { (void)state; (void)registrar; return 0; }
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static pb_entry entry = PB_ENTRY_INIT("foreign", "1.0", init, describe, NULL);
    entry.build_pointer_size = 4;  /* what a 32-bit build says */
    return &entry;
}
