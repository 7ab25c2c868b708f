/* Typed functions that take their time, for the stdio transport's inline answers (the reading thread runs typed
 * functions itself and must hand its reading over when one runs long): `nap(ms)` sleeps, reentrant;
 * `nap_alone(ms)` the same, not reentrant; `sum(a, b)` answers at once. */
#include <time.h>
#include "plugboard.h"

static void pause_ms(int32_t ms) {
    if (ms <= 0) return; /* no system call at all: nap(0) is as quick as a function gets */
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {}
}

static int32_t nap(int32_t ms) { pause_ms(ms); return ms; }
static int32_t nap_alone(int32_t ms) { pause_ms(ms); return ms; }
static double sum(double a, double b) { return a + b; }

static int32_t init(const pb_host *host, const char *config_json, void **state, char *err, size_t err_cap) {
    (void)host; (void)config_json; (void)err; (void)err_cap;
    *state = NULL;
    return 0;
}

static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    static const char *ms[] = { "ms" };
    static const char *ab[] = { "a", "b" };
    int failures = 0;
    failures += registrar->add_function(registrar, "nap", NULL, "i(i)", (pb_function)nap, ms, "sleeps ms", PB_FLAG_REENTRANT) != 0;
    failures += registrar->add_function(registrar, "nap_alone", NULL, "i(i)", (pb_function)nap_alone, ms, "sleeps ms", 0) != 0;
    failures += registrar->add_function(registrar, "sum", NULL, "d(dd)", (pb_function)sum, ab, "a + b", PB_FLAG_REENTRANT) != 0;
    return failures;
}

PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("slow", "1.0", init, describe, NULL);
    return &entry;
}
