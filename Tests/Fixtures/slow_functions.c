/* Typed functions that take their time, for the stdio transport's inline answers (the reading thread runs typed
 * functions itself and must hand its reading over when one runs long): `nap(ms)` sleeps, reentrant;
 * `nap_alone(ms)` the same, not reentrant; `sum(a, b)` answers at once. And one handler, `count` ({"steps": N,
 * "ms": M}): N steps of M ms with progress, which stops when cancelled and logs "count cancelled at step K". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "plugboard.h"

static const pb_host *host;

static void pause_ms(int32_t ms) {
    if (ms <= 0) return; /* no system call at all: nap(0) is as quick as a function gets */
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {}
}

static int32_t nap(int32_t ms) { pause_ms(ms); return ms; }
static int32_t nap_alone(int32_t ms) { pause_ms(ms); return ms; }
static double sum(double a, double b) { return a + b; }

static long number_after(const char *json, const char *key, long fallback) {
    const char *at = strstr(json, key);
    return at ? strtol(at + strlen(key), NULL, 10) : fallback;
}

static int32_t count(pb_call *call, const pb_request *request) {
    long steps = number_after(request->arguments, "\"steps\":", 10), ms = number_after(request->arguments, "\"ms\":", 100);
    for (long step = 1; step <= steps; step++) {
        if (host->is_cancelled(call)) {
            char message[64];
            snprintf(message, sizeof message, "count cancelled at step %ld", step);
            host->log(host, call, PB_LOG_NOTICE, message);
            host->set_error(call, PB_ERROR_FAILED, message);
            return PB_OK;
        }
        pause_ms((int32_t)ms);
        host->progress(call, (double)step, (double)steps, NULL);
    }
    char result[48];
    snprintf(result, sizeof result, "\"counted %ld steps\"", steps);
    host->set_result(call, result);
    return PB_OK;
}

static int32_t init(const pb_host *h, const char *config_json, void **state, char *err, size_t err_cap) {
    (void)config_json; (void)err; (void)err_cap;
    host = h;
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
    pb_component counter = PB_COMPONENT_INIT;
    counter.kind = PB_KIND_TOOL;
    counter.key = "count";
    counter.description = "steps x ms of work with progress; stops when cancelled";
    counter.handler = count;
    counter.flags = PB_FLAG_REENTRANT;
    failures += registrar->add(registrar, &counter) != 0;
    return failures;
}

PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("slow", "1.0", init, describe, NULL);
    return &entry;
}
