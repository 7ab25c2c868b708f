/* A good provider exercising the host's call machinery:
 *   serial / parallel   sleep 100 ms and report the most calls seen inside at once (non-reentrant / REENTRANT)
 *   later               returns PENDING; another thread answers 50 ms later and completes
 *   echo                answers with its argument bytes (checks they arrive intact, NUL-terminated, with length)
 *   sloppy, bad_status  misuse: complete twice and use the call afterwards; return an unknown status
 *   typed functions     one per signature letter */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common_handlers.h"

static int inside[2], most[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void pause_ms(long ms) {
    struct timespec t = {0, ms * 1000 * 1000};
    nanosleep(&t, NULL);
}

static int32_t occupy(pb_call *call, const pb_request *request) {
    int which = request->user_data != NULL;
    pthread_mutex_lock(&lock);
    if (++inside[which] > most[which]) most[which] = inside[which];
    pthread_mutex_unlock(&lock);
    pause_ms(100);
    pthread_mutex_lock(&lock);
    inside[which]--;
    int seen = most[which];
    pthread_mutex_unlock(&lock);
    char json[32];
    snprintf(json, sizeof json, "{\"most\":%d}", seen);
    host->set_result(call, json);
    return PB_OK;
}

static void *answer_later(void *call) {
    pause_ms(50);
    host->set_result(call, "\"later\"");
    host->complete(call);
    return NULL;
}

static int32_t later(pb_call *call, const pb_request *request) {
    (void)request;
    pthread_t thread;
    pthread_create(&thread, NULL, answer_later, call);
    pthread_detach(thread);
    return PB_PENDING;
}

/* Misuse the host survives: complete twice, and touch the call after completing it. */
static void *answer_sloppily(void *call) {
    pause_ms(20);
    host->set_result(call, "\"first\"");
    host->set_result(call, "\"second\"");
    host->complete(call);
    host->complete(call);
    host->set_result(call, "\"late\"");
    host->progress(call, 1, 1, "late");
    host->log(host, call, PB_LOG_INFO, "late");
    return NULL;
}

static int32_t sloppy(pb_call *call, const pb_request *request) {
    (void)request;
    pthread_t thread;
    pthread_create(&thread, NULL, answer_sloppily, call);
    pthread_detach(thread);
    return PB_PENDING;
}

static int32_t bad_status(pb_call *call, const pb_request *request) {
    (void)request;
    host->set_result(call, "\"ignored\"");
    return 7;
}

static int32_t echo(pb_call *call, const pb_request *request) {
    if (strlen(request->arguments) != request->arguments_len) {
        host->set_error(call, PB_ERROR_INTERNAL, "arguments_len does not match the NUL-terminated length");
        return PB_OK;
    }
    char json[4096];
    snprintf(json, sizeof json, "{\"content\":[{\"type\":\"text\",\"text\":\"%zu\"}],\"structuredContent\":%s}",
             request->arguments_len, request->arguments);
    host->set_result(call, json);
    return PB_OK;
}

/* Answers the request's pass-through `_meta` (ABI 1.1) as structured content, after checking its length. */
static int32_t echo_meta(pb_call *call, const pb_request *request) {
    if (request->struct_size < offsetof(pb_request, meta_len) + sizeof(size_t)) {
        host->set_error(call, PB_ERROR_INTERNAL, "the host's pb_request has no meta");
        return PB_OK;
    }
    if (strlen(request->meta) != request->meta_len) {
        host->set_error(call, PB_ERROR_INTERNAL, "meta_len does not match the NUL-terminated length");
        return PB_OK;
    }
    char json[4096];
    snprintf(json, sizeof json, "{\"content\":[{\"type\":\"text\",\"text\":\"meta\"}],\"structuredContent\":{\"meta\":%s}}",
             request->meta);
    host->set_result(call, json);
    return PB_OK;
}

/* Results that carry the provider's own URIs (to be namespaced), a link elsewhere (to be left alone), and
 * structured content that is not an object (to pass unchanged, literals and all). */
static int32_t links(pb_call *call, const pb_request *request) {
    (void)request;
    host->set_result(call,
        "{\"content\":[{\"type\":\"resource_link\",\"uri\":\"ui://card\",\"name\":\"card\"},"
        "{\"type\":\"resource\",\"resource\":{\"uri\":\"ui://card\",\"mimeType\":\"text/html\",\"text\":\"<b>card</b>\"}},"
        "{\"type\":\"resource_link\",\"uri\":\"https://example.com/elsewhere\",\"name\":\"elsewhere\"}],"
        "\"structuredContent\":[1,2.50,\"x\"]}");
    return PB_OK;
}

static int32_t card(pb_call *call, const pb_request *request) {
    (void)request;
    host->set_result(call, "{\"contents\":[{\"uri\":\"ui://card\",\"mimeType\":\"text/html\",\"text\":\"<b>card</b>\"}]}");
    return PB_OK;
}

static int32_t show_card(pb_call *call, const pb_request *request) {
    (void)request;
    host->set_result(call, "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"resource\","
                           "\"resource\":{\"uri\":\"ui://card\",\"mimeType\":\"text/html\",\"text\":\"<b>card</b>\"}}}]}");
    return PB_OK;
}

static int32_t negate(int32_t n) { return -n; }
static int64_t twice(int64_t n) { return 2 * n; }
static bool both(bool a, bool b) { return a && b; }
static double length_of(const char *s) { return (double)strlen(s); }
static int touched;
static void touch(void) { touched++; }
static int32_t touches(void) { return touched; }

/* Icons as the MCP schema has them; the host lists them byte for byte. */
#define LINK_ICONS "[{\"src\":\"https://example.com/links.svg\",\"mimeType\":\"image/svg+xml\",\"sizes\":[\"any\"]}]"
#define CARD_ICONS "[{\"src\":\"data:image/png;base64,iVBORw0KGgo=\",\"sizes\":[\"48x48\"],\"theme\":\"dark\"}," \
                   "{\"src\":\"https://example.com/card-light.png\",\"theme\":\"light\"}]"

static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    int failures = 0;
    pb_component tool = PB_COMPONENT_INIT;
    tool.kind = PB_KIND_TOOL;
    tool.key = "serial";
    tool.handler = occupy;
    failures += registrar->add(registrar, &tool) != 0;
    tool.key = "parallel";
    tool.flags = PB_FLAG_REENTRANT;
    tool.user_data = &most;
    failures += registrar->add(registrar, &tool) != 0;
    tool.key = "later";
    tool.handler = later;
    tool.user_data = NULL;
    failures += registrar->add(registrar, &tool) != 0;
    tool.key = "echo";
    tool.handler = echo;
    failures += registrar->add(registrar, &tool) != 0;
    tool.key = "echo_meta";
    tool.handler = echo_meta;
    failures += registrar->add(registrar, &tool) != 0;
    tool.key = "links";
    tool.handler = links;
    tool.icons = LINK_ICONS;
    failures += registrar->add(registrar, &tool) != 0;
    tool.icons = NULL;
    pb_component resource = PB_COMPONENT_INIT;
    resource.kind = PB_KIND_RESOURCE;
    resource.key = "ui://card";
    resource.mime_type = "text/html";
    resource.icons = CARD_ICONS;
    resource.handler = card;
    failures += registrar->add(registrar, &resource) != 0;
    pb_component prompt = PB_COMPONENT_INIT;
    prompt.kind = PB_KIND_PROMPT;
    prompt.key = "show_card";
    prompt.icons = CARD_ICONS;
    prompt.handler = show_card;
    failures += registrar->add(registrar, &prompt) != 0;
    /* Built against ABI 1.1: the struct ends before `icons`, so what lies there is not the plugin's to give. */
    pb_component older = PB_COMPONENT_INIT;
    older.struct_size = offsetof(pb_component, icons);
    older.kind = PB_KIND_TOOL;
    older.key = "from_abi_1_1";
    older.handler = echo;
    older.icons = "not JSON: a 1.2 host must not read past struct_size";
    failures += registrar->add(registrar, &older) != 0;
    tool.key = "sloppy";
    tool.handler = sloppy;
    failures += registrar->add(registrar, &tool) != 0;
    tool.key = "bad_status";
    tool.handler = bad_status;
    failures += registrar->add(registrar, &tool) != 0;

    static const char *one[] = {"n"}, *two[] = {"a", "b"}, *text[] = {"s"};
    failures += registrar->add_function(registrar, "negate", NULL, "i(i)", (pb_function)negate, one, "-n", 0) != 0;
    failures += registrar->add_function(registrar, "twice", NULL, "l(l)", (pb_function)twice, one, "2n", 0) != 0;
    failures += registrar->add_function(registrar, "both", NULL, "b(bb)", (pb_function)both, two, "a and b", 0) != 0;
    failures += registrar->add_function(registrar, "length", NULL, "d(s)", (pb_function)length_of, text, "bytes", 0) != 0;
    failures += registrar->add_function(registrar, "touch", NULL, "v()", (pb_function)touch, NULL, "count", 0) != 0;
    failures += registrar->add_function(registrar, "touches", NULL, "i()", (pb_function)touches, NULL, "count", 0) != 0;
    return failures;
}
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("behaviours", "1.0", init, describe, NULL);
    return &entry;
}
