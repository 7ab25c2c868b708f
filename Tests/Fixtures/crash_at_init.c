/* A provider whose init writes through a NULL pointer: loading it anywhere but in a worker takes the host down. */
#include "plugboard.h"

static int32_t init(const pb_host *host, const char *config, void **state, char *err, size_t cap) {
    (void)host; (void)config; (void)state; (void)err; (void)cap;
    *(volatile int *)0 = 1;
    return 0;
}

static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state; (void)registrar;
    return 0;
}

PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("crash_at_init", "1.0.0", init, describe, NULL);
    return &entry;
}
