/*
 * calculator — a bundled Plugboard provider, and an example to copy.
 *
 *   tool calculate 1.0   a, b: number; op: add | sub | mul | div          -> the number, as text
 *   tool calculate 2.0   the same plus precision: digits to round to      -> text + structuredContent
 *   tool add             a typed C function, double add(double, double)  (unversioned)
 *
 * Division by zero is the tool's own failure (PB_ERROR_FAILED: an isError result the model sees), not a
 * protocol error. Handlers keep no state, so they are registered REENTRANT and may run concurrently.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plugboard.h"
#include "plugboard_json.h"

static const pb_host *host;

static int32_t init(const pb_host *h, const char *config_json, void **state, char *err, size_t err_cap) {
    (void)config_json; (void)err; (void)err_cap;
    host = h;
    *state = NULL;
    return 0;
}

/* Reads a, b and op; on a problem sets an invalid-arguments error and returns 0. */
static int read_operands(pb_call *call, const char *args, double *a, double *b, char *op, size_t op_cap) {
    if (pbj_number(args, "a", a) != 1) return host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'a' is required and must be a number"), 0;
    if (pbj_number(args, "b", b) != 1) return host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'b' is required and must be a number"), 0;
    if (pbj_string(args, "op", op, op_cap) != 1)
        return host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'op' is required: one of add, sub, mul, div"), 0;
    return 1;
}

/* Computes a op b. Returns 0 after setting an error when it cannot. */
static int compute(pb_call *call, double a, double b, const char *op, double *out) {
    if (strcmp(op, "add") == 0) *out = a + b;
    else if (strcmp(op, "sub") == 0) *out = a - b;
    else if (strcmp(op, "mul") == 0) *out = a * b;
    else if (strcmp(op, "div") == 0) {
        if (b == 0) return host->set_error(call, PB_ERROR_FAILED, "division by zero: 'b' must not be 0 when op is div"), 0;
        *out = a / b;
    } else {
        char message[160];
        snprintf(message, sizeof message, "argument 'op' must be one of add, sub, mul, div; got '%.64s'", op);
        return host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, message), 0;
    }
    if (!isfinite(*out)) return host->set_error(call, PB_ERROR_FAILED, "the result is too large to represent"), 0;
    return 1;
}

/* 1.0: the result is a bare JSON number; the host wraps it as text content. */
static int32_t calculate_v1(pb_call *call, const pb_request *request) {
    double a, b, result;
    char op[16];
    if (!read_operands(call, request->arguments, &a, &b, op, sizeof op)) return PB_OK;
    if (!compute(call, a, b, op, &result)) return PB_OK;
    char json[64];
    snprintf(json, sizeof json, "%.17g", result);
    host->set_result(call, json);
    return PB_OK;
}

/* 2.0: rounds to `precision` digits and answers with a full CallToolResult (text and structured content). */
static int32_t calculate_v2(pb_call *call, const pb_request *request) {
    double a, b, result, precision = 6;
    char op[16];
    if (!read_operands(call, request->arguments, &a, &b, op, sizeof op)) return PB_OK;
    int has_precision = pbj_number(request->arguments, "precision", &precision);
    if (has_precision < 0 || precision != floor(precision) || precision < 0 || precision > 15) {
        host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'precision' must be an integer from 0 to 15");
        return PB_OK;
    }
    if (!compute(call, a, b, op, &result)) return PB_OK;
    char text[64], json[256];
    snprintf(text, sizeof text, "%.*f", (int)precision, result);
    /* Rounded to `precision` digits, written without trailing zeros: 42, not 42.000000. */
    if (strchr(text, '.')) {
        char *end = text + strlen(text) - 1;
        while (*end == '0') *end-- = '\0';
        if (*end == '.') *end = '\0';
    }
    if (strcmp(text, "-0") == 0) strcpy(text, "0");
    snprintf(json, sizeof json,
             "{\"content\":[{\"type\":\"text\",\"text\":\"%s\"}],\"structuredContent\":{\"result\":%s,\"precision\":%d}}",
             text, text, (int)precision);
    host->set_result(call, json);
    return PB_OK;
}

/* A plain C function: the host builds its schema, checks arguments and calls it through libffi. */
static double add(double a, double b) { return a + b; }

static const char *operands_schema =
    "{\"type\":\"object\",\"properties\":{"
    "\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"},"
    "\"op\":{\"type\":\"string\",\"enum\":[\"add\",\"sub\",\"mul\",\"div\"]}},"
    "\"required\":[\"a\",\"b\",\"op\"]}";

static const char *operands_with_precision_schema =
    "{\"type\":\"object\",\"properties\":{"
    "\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"},"
    "\"op\":{\"type\":\"string\",\"enum\":[\"add\",\"sub\",\"mul\",\"div\"]},"
    "\"precision\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":15,\"description\":\"digits after the point (default 6)\"}},"
    "\"required\":[\"a\",\"b\",\"op\"]}";

/* A client shows this beside the tool: a small SVG as a data: URI, so it renders without a fetch. */
static const char *calculator_icons =
    "[{\"src\":\"data:image/svg+xml;base64,PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnIHZpZXdCb3g9JzAgMCAx"
    "NiAxNic+PHRleHQgeT0nMTMnPis8L3RleHQ+PC9zdmc+\",\"mimeType\":\"image/svg+xml\",\"sizes\":[\"any\"]}]";

static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    pb_component v1 = PB_COMPONENT_INIT;
    v1.kind = PB_KIND_TOOL;
    v1.key = "calculate";
    v1.version = "1.0";
    v1.description = "Applies op (add, sub, mul, div) to a and b";
    v1.input_schema = operands_schema;
    v1.icons = calculator_icons;
    v1.flags = PB_FLAG_REENTRANT;
    v1.handler = calculate_v1;
    if (registrar->add(registrar, &v1) != 0) return 1;

    pb_component v2 = v1;
    v2.version = "2.0";
    v2.description = "Applies op (add, sub, mul, div) to a and b, rounded to precision digits";
    v2.input_schema = operands_with_precision_schema;
    v2.output_schema = "{\"type\":\"object\",\"properties\":{\"result\":{\"type\":\"number\"},\"precision\":{\"type\":\"integer\"}},\"required\":[\"result\",\"precision\"]}";
    v2.handler = calculate_v2;
    if (registrar->add(registrar, &v2) != 0) return 1;

    static const char *add_params[] = {"a", "b"};
    return registrar->add_function(registrar, "add", NULL, "d(dd)", (pb_function)add, add_params,
                                   "Adds two numbers", PB_FLAG_REENTRANT) != 0;
}

PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("calculator", "1.0.0", init, describe, NULL);
    return &entry;
}
