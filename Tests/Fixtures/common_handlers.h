/* Shared by the description fixtures: a trivial init and handler. */
#include "plugboard.h"
static const pb_host *host;
static int32_t init(const pb_host *h, const char *config, void **state, char *err, size_t cap) {
    (void)config; (void)err; (void)cap;
    host = h;
    *state = NULL;
    return 0;
}
__attribute__((unused)) static int32_t ok(pb_call *call, const pb_request *request) {
    (void)request;
    host->set_result(call, "\"ok\"");
    return PB_OK;
}
