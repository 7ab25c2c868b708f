/* A careless provider, served in process: it writes to stdout from everywhere a plugin can (init, describe, a
 * handler, a thread of its own) with printf and with write(1, …), and its `read_stdin` tool tries to read the
 * client's bytes from descriptor 0. Plugin id "stray". Every line it prints carries the marker STRAY-<where>, so a
 * test can look for each one in the host's log and make sure none reached the client. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "plugboard.h"

static const pb_host *host;
static pthread_t chatter;

static void say(const char *where) {
    printf("STRAY-%s printf\n", where);
    fflush(stdout);
    char line[64];
    int length = snprintf(line, sizeof line, "STRAY-%s write\n", where);
    if (write(1, line, (size_t)length) < 0) { /* nothing to do: the test looks for the line */ }
}

static void *chatter_main(void *unused) {
    (void)unused;
    for (int round = 0; round < 50; round++) {
        say("thread");
        usleep(20 * 1000);
    }
    return NULL;
}

static int32_t init(const pb_host *h, const char *config_json, void **state, char *err, size_t err_cap) {
    (void)config_json; (void)err; (void)err_cap;
    host = h;
    *state = NULL;
    say("init");
    pthread_create(&chatter, NULL, chatter_main, NULL);
    return 0;
}

static int32_t chat(pb_call *call, const pb_request *request) {
    (void)request;
    say("handler");
    puts("STRAY-handler puts, without a flush");
    host->set_result(call, "{\"content\":[{\"type\":\"text\",\"text\":\"chatted\"}]}");
    return PB_OK;
}

/* Reads what it can from descriptor 0 without blocking for long: the host's stdin must hold nothing of the client. */
static int32_t read_stdin(pb_call *call, const pb_request *request) {
    (void)request;
    char bytes[256];
    ssize_t count = read(0, bytes, sizeof bytes - 1);
    char result[512];
    snprintf(result, sizeof result,
             "{\"content\":[{\"type\":\"text\",\"text\":\"read %zd bytes from stdin\"}],\"structuredContent\":{\"bytes\":%zd}}",
             count, count);
    host->set_result(call, result);
    return PB_OK;
}

static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    say("describe");
    pb_component tool = PB_COMPONENT_INIT;
    tool.kind = PB_KIND_TOOL;
    tool.key = "chat";
    tool.description = "Prints to stdout, then answers";
    tool.input_schema = "{\"type\":\"object\"}";
    tool.flags = PB_FLAG_REENTRANT;
    tool.handler = chat;
    int32_t status = registrar->add(registrar, &tool);
    if (status != PB_OK) return status;
    tool.key = "read_stdin";
    tool.description = "Reads descriptor 0 and says how many bytes came";
    tool.handler = read_stdin;
    return registrar->add(registrar, &tool);
}

static void deinit(void *state) {
    (void)state;
    pthread_join(chatter, NULL);
}

PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("stray", "1.0", init, describe, deinit);
    return &entry;
}
