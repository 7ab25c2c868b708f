/* A provider for drop-in tests: plugin id "dropin", tool `ping` whose version is fixed at build time
 * (cc -DDROPIN_VERSION='"2.0"' ...). `ping` sleeps `ms` milliseconds (default 0), then answers with the version
 * that served it, so a test can tell which build answered a call. Reentrant: calls may overlap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "plugboard.h"

#ifndef DROPIN_VERSION
#define DROPIN_VERSION "1.0"
#endif

static const pb_host *host;

static int32_t init(const pb_host *h, const char *config_json, void **state, char *err, size_t err_cap) {
    (void)config_json; (void)err; (void)err_cap;
    host = h;
    *state = NULL;
    return 0;
}

static int32_t ping(pb_call *call, const pb_request *request) {
    const char *ms = strstr(request->arguments, "\"ms\":");
    if (ms) {
        long delay = strtol(ms + 5, NULL, 10);
        struct timespec ts = { delay / 1000, (delay % 1000) * 1000000L };
        nanosleep(&ts, NULL);
    }
    host->set_result(call, "{\"version\":\"" DROPIN_VERSION "\"}");
    return PB_OK;
}

static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    pb_component tool = PB_COMPONENT_INIT;
    tool.kind = PB_KIND_TOOL;
    tool.key = "ping";
    tool.version = DROPIN_VERSION;
    tool.description = "Answers with the version of the build that served the call";
    tool.input_schema = "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"integer\"}}}";
    tool.flags = PB_FLAG_REENTRANT;
    tool.handler = ping;
    return registrar->add(registrar, &tool);
}

PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("dropin", DROPIN_VERSION, init, describe, NULL);
    return &entry;
}
