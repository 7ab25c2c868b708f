/* Broken: its entry says it is a big-endian build, which this host is not. The loader refuses it before init, naming the field. */
#include "common_handlers.h"
static int32_t describe(void *state, pb_registrar *registrar) { (void)state; (void)registrar; return 0; }
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static pb_entry entry = PB_ENTRY_INIT("foreign", "1.0", init, describe, NULL);
    entry.build_byte_order = PB_BYTE_ORDER_BIG;  /* what a big-endian build says */
    return &entry;
}
