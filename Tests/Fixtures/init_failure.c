/* Broken: init refuses to start, with a message saying why and what to do. */
#include <stdio.h>
#include "plugboard.h"
static int32_t init(const pb_host *host, const char *config, void **state, char *err, size_t cap) {
    (void)host; (void)config; (void)state;
    snprintf(err, cap, "config key 'database' is missing; set it to the path of the notes database");
    return 1;
}
static int32_t describe(void *state, pb_registrar *registrar) { (void)state; (void)registrar; return 0; }
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("init_failure", "1.0", init, describe, NULL);
    return &entry;
}
