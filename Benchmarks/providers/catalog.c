/* catalog — a benchmark provider whose size is set by its init config:
 *   {"tools": 100, "versions": 3}   registers tool0..tool99, each in versions 1.0, 2.0 and 3.0.
 * Each tool takes {x: integer, y: integer = 0, label: string = ""} and answers x + y, like the FastMCP peer's
 * handler, so both sides list and describe the same shapes. Build:
 *   cc -shared -fPIC -O2 -I PluginSDK/include Benchmarks/providers/catalog.c -o libcatalog.so
 * -DCATALOG_ID='"catalog7"' gives the provider another id, for a directory of many provider files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plugboard.h"

typedef struct { long tools, versions; } catalog;

static const pb_host *host;

static long config_number(const char *json, const char *key, long fallback) {
    char pattern[32];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(json, pattern);
    return at ? strtol(at + strlen(pattern), NULL, 10) : fallback;
}

static int32_t init(const pb_host *h, const char *config_json, void **state, char *err, size_t err_cap) {
    host = h;
    catalog *c = malloc(sizeof *c);
    if (!c) { snprintf(err, err_cap, "out of memory"); return 1; }
    c->tools = config_number(config_json, "tools", 100);
    c->versions = config_number(config_json, "versions", 3);
    if (c->tools < 1 || c->tools > 1000000 || c->versions < 1 || c->versions > 100) {
        snprintf(err, err_cap, "config: 'tools' must be 1..1000000 and 'versions' 1..100");
        free(c);
        return 1;
    }
    *state = c;
    return 0;
}

static int32_t sum(pb_call *call, const pb_request *request) {
    long x = 0, y = 0;
    const char *at = strstr(request->arguments, "\"x\":");
    if (!at) {
        host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'x' (an integer) is required");
        return PB_OK;
    }
    x = strtol(at + 4, NULL, 10);
    if ((at = strstr(request->arguments, "\"y\":"))) y = strtol(at + 4, NULL, 10);
    char json[32];
    snprintf(json, sizeof json, "%ld", x + y);
    host->set_result(call, json);
    return PB_OK;
}

static int32_t describe(void *state, pb_registrar *registrar) {
    const catalog *c = state;
    char key[32], version[24], description[96];
    for (long t = 0; t < c->tools; t++) {
        for (long v = 1; v <= c->versions; v++) {
            snprintf(key, sizeof key, "tool%ld", t);
            snprintf(version, sizeof version, "%ld.0", v);
            snprintf(description, sizeof description, "Tool %ld, version %ld.0.", t, v);
            pb_component tool = PB_COMPONENT_INIT;
            tool.kind = PB_KIND_TOOL;
            tool.key = key;
            tool.version = version;
            tool.description = description;
            tool.input_schema = "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},"
                                "\"y\":{\"type\":\"integer\",\"default\":0},\"label\":{\"type\":\"string\",\"default\":\"\"}},"
                                "\"required\":[\"x\"]}";
            tool.flags = PB_FLAG_REENTRANT;
            tool.handler = sum;
            if (registrar->add(registrar, &tool) != 0) return 1;
        }
    }
    return 0;
}

#ifndef CATALOG_ID
#define CATALOG_ID "catalog"
#endif

PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT(CATALOG_ID, "1.0.0", init, describe, NULL);
    return &entry;
}
