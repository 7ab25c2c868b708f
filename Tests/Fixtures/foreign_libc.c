/* Broken: its entry says it is a musl build, which this host is not. The loader refuses it before init, naming the field. */
#include "common_handlers.h"
static int32_t describe(void *state, pb_registrar *registrar) { (void)state; (void)registrar; return 0; }
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static pb_entry entry = PB_ENTRY_INIT("foreign", "1.0", init, describe, NULL);
    entry.build_libc = PB_LIBC_MUSL;  /* what a musl (Alpine) build says */
    return &entry;
}
