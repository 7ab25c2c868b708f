/* Broken: init never returns. The host must give up at its startup deadline and load the others. */
#include <unistd.h>
#include "common_handlers.h"
static int32_t stuck(const pb_host *h, const char *config, void **state, char *err, size_t cap) {
    (void)h; (void)config; (void)state; (void)err; (void)cap;
    for (;;) sleep(1000);
    return 0;
}
static int32_t describe(void *state, pb_registrar *registrar) { (void)state; (void)registrar; return 0; }
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("init_hangs", "1.0", stuck, describe, NULL);
    return &entry;
}
