/*
 * plugboard.h — the Plugboard provider ABI, version 1.3.
 *
 * A provider is a shared library that exports ONE function symbol:
 *
 *     const pb_entry *plugboard_entry_v1(void);
 *
 * It returns a pointer to a constant entry struct that lives as long as the library. The host (Plugboard)
 * dlopens the library, checks the entry (magic, size, ABI major), calls init once, then describe once; describe
 * registers the provider's components through the registrar. After that the host calls the registered
 * handlers, from threads of its own, whenever a client asks.
 *
 * ---------------------------------------------------------------------------------------------------------
 * ABI VERSIONING
 *   - PB_ABI_MAJOR must equal the host's major, or the host refuses the library.
 *   - A plugin built against a newer minor than the host knows is accepted: every struct is size-prefixed and
 *     APPEND-ONLY, and each side reads only the prefix of the other's structs that it knows. New fields are
 *     only ever added at the end, with a new minor. A plugin that wants a field added in minor N checks the
 *     host's `struct_size` (or `abi_minor`) before touching it.
 *   - Set `struct_size = sizeof(the struct)` in every struct you hand to the host; PB_ENTRY_INIT and
 *     PB_COMPONENT_INIT do it for you.
 *
 * OWNERSHIP AND LIFETIMES (nothing is ever freed across the boundary)
 *   - Everything the plugin passes to the host (strings, JSON, structs) is BORROWED for the duration of the call
 *     and deep-copied by the host before the call returns. The plugin may free or reuse it afterwards.
 *   - Everything the host passes to a plugin (config JSON, request, argument bytes) is BORROWED until the
 *     function it was passed to returns — except the `pb_call *` of a call whose handler returned PB_PENDING,
 *     which stays valid until the plugin calls host->complete(call) on it (exactly once).
 *   - The host never dlcloses a provider (reload loads a new copy), so static data and threads the plugin
 *     starts stay valid. deinit is called when the host drops the provider, if ever.
 *
 * THREADING
 *   - init, describe and deinit are called one at a time, never concurrently with anything else. init and
 *     describe run on a host thread within a startup deadline (10 s by default): they must not block.
 *   - Handlers run on host threads (never an async runtime's pool) and may block.
 *   - A component (typed functions included) is called concurrently with itself ONLY if it was registered
 *     with PB_FLAG_REENTRANT; otherwise the host serializes its calls (one synchronous handler run at a time;
 *     after PB_PENDING the component is free for its next call). Different components may run concurrently
 *     with each other: guard state they share.
 *   - Every host function in pb_host may be called from any thread.
 *
 * ERRORS
 *   - A handler reports failure with host->set_error(call, code, message). PB_ERROR_FAILED is the component's
 *     own failure (for tools: an `isError` result the model sees); PB_ERROR_INVALID_ARGUMENTS and
 *     PB_ERROR_NOT_FOUND are the client's fault (protocol errors); PB_ERROR_INTERNAL is a bug.
 *   - A handler that returns PB_OK without setting a result or an error is reported as an internal error.
 *   - The host gives each call a deadline; a handler that outlives it is answered for (timed out) and whatever
 *     it sets later is ignored.
 * ---------------------------------------------------------------------------------------------------------
 */
#ifndef PLUGBOARD_H
#define PLUGBOARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PB_ABI_MAJOR 1
#define PB_ABI_MINOR 3

/* "PLUGBRD1" — the first field of the entry struct; anything else is not a Plugboard entry. */
#define PB_MAGIC 0x3144524247554C50ULL

#if defined(_WIN32)
#define PB_EXPORT __declspec(dllexport)
#else
#define PB_EXPORT __attribute__((visibility("default")))
#endif

/* ---- Enumerations (fixed-width integers in the structs; values never change meaning) ------------------- */

typedef enum pb_kind {
    PB_KIND_TOOL = 1,              /* key: tool name                       result: CallToolResult     */
    PB_KIND_RESOURCE = 2,          /* key: resource URI                    result: ReadResourceResult */
    PB_KIND_RESOURCE_TEMPLATE = 3, /* key: RFC 6570 URI template           result: ReadResourceResult */
    PB_KIND_PROMPT = 4             /* key: prompt name                     result: GetPromptResult    */
} pb_kind;

/* What a handler returns. */
typedef enum pb_status {
    PB_OK = 0,      /* done: set_result or set_error was called before returning */
    PB_PENDING = 1  /* will finish later, from any thread: set_result/set_error, then complete(call) */
} pb_status;

/* set_error codes, and what the host makes of them. */
typedef enum pb_error_code {
    PB_ERROR_FAILED = 1,            /* the component ran and failed (tools: isError result)   */
    PB_ERROR_INVALID_ARGUMENTS = 2, /* arguments do not fit (protocol error -32602)            */
    PB_ERROR_NOT_FOUND = 3,         /* the thing asked for does not exist                      */
    PB_ERROR_INTERNAL = 4           /* a bug in the provider                                   */
} pb_error_code;

typedef enum pb_log_level {
    PB_LOG_DEBUG = 0, PB_LOG_INFO = 1, PB_LOG_NOTICE = 2, PB_LOG_WARNING = 3,
    PB_LOG_ERROR = 4, PB_LOG_CRITICAL = 5, PB_LOG_ALERT = 6, PB_LOG_EMERGENCY = 7
} pb_log_level;

/* Component flags. */
#define PB_FLAG_REENTRANT 0x1u /* the handler may run concurrently with itself */

/* ---- Per-call types ------------------------------------------------------------------------------------- */

/* Opaque handle of one call. Valid while the handler runs; after PB_PENDING, until complete(call). */
typedef struct pb_call pb_call;

/* What to run. Host-owned, borrowed for the duration of the handler call (copy what you keep for PENDING). */
typedef struct pb_request {
    uint32_t struct_size;
    uint32_t kind;              /* a pb_kind */
    const char *key;            /* the component as registered (tool name, URI, URI template) */
    const char *version;        /* the registered version chosen, or NULL for an unversioned component */
    const char *arguments;      /* JSON object, NUL-terminated: tool/prompt arguments, or template variables */
    size_t arguments_len;       /* bytes before the NUL */
    const char *uri;            /* resources and templates: the URI being read; otherwise NULL */
    void *state;                /* what init stored in *state */
    void *user_data;            /* the registration's user_data */
    /* Since 1.1 (check struct_size): the request's `_meta` without the host's own keys (fastmcp, progressToken,
     * io.modelcontextprotocol/...), as a NUL-terminated JSON object, e.g. {"traceparent":"00-..."}; "{}" when the
     * client sent none. What a gateway passes through: trace context, a client's own correlation keys. */
    const char *meta;
    size_t meta_len;            /* bytes before the NUL */
} pb_request;

/* A handler: run the call, answer through host->set_result / host->set_error, return PB_OK or PB_PENDING. */
typedef int32_t (*pb_handler)(pb_call *call, const pb_request *request);

/* ---- The host table: what the host gives the plugin (valid for the plugin's lifetime) -------------------- */

typedef struct pb_host pb_host;
struct pb_host {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    void *host_data;             /* the host's; do not touch */

    /* A log line, tagged with the plugin id: forwarded to the client of `call`, or to the host's log when
     * `call` is NULL (init, background threads). Pass the pb_host pointer init received. */
    void (*log)(const pb_host *host, pb_call *call, int32_t level, const char *message);
    /* Progress of a running call. total <= 0 means unknown; message may be NULL. */
    void (*progress)(pb_call *call, double progress, double total, const char *message);
    /* Nonzero once the client cancelled the call or its deadline passed: stop early, set an error, return. */
    int32_t (*is_cancelled)(pb_call *call);
    /* The answer (NUL-terminated UTF-8 JSON; the host copies it). Tools: a CallToolResult object
     * ({"content":[...]}), or as a convenience any JSON value that is not an object with a "content" array:
     * the host wraps it as text content (a string as itself, anything else as JSON text), plus
     * structuredContent when it is an object. Resources/templates: a ReadResourceResult ({"contents":[...]}).
     * Prompts: a GetPromptResult ({"messages":[...]}). The first set_result/set_error of a call counts; later
     * ones are ignored. Returns 0, or -1 if the JSON is invalid or not the kind's result object: the call then
     * fails with an internal error saying why. */
    int32_t (*set_result)(pb_call *call, const char *json);
    /* A failure (code: pb_error_code; message: what went wrong and what to do). Returns 0 or -1. */
    int32_t (*set_error)(pb_call *call, int32_t code, const char *message);
    /* After PB_PENDING: finishes the call (set_result or set_error first). Exactly once; any thread. */
    void (*complete)(pb_call *call);
};

/* ---- Registration (describe) ------------------------------------------------------------------------------ */

/* One component. All pointers borrowed; the host copies during registrar->add. Optional fields may be NULL. */
typedef struct pb_component {
    uint32_t struct_size;
    uint32_t kind;               /* a pb_kind */
    const char *key;             /* tool/prompt name, resource URI, or URI template — required */
    const char *name;            /* resources/templates: the MCP `name` (NULL: the key) */
    const char *version;         /* e.g. "2.0"; NULL: unversioned. Per key, all versioned or none. */
    const char *title;
    const char *description;
    const char *mime_type;       /* resources/templates */
    const char *input_schema;    /* tools: a JSON Schema object (NULL: {"type":"object"}) */
    const char *output_schema;   /* tools: a JSON Schema object for structuredContent */
    const char *annotations;     /* tools/resources: a JSON object, passed through */
    const char *arguments;       /* prompts: JSON array of {"name","description","required"} */
    const char *tags;            /* JSON array of strings */
    uint32_t flags;              /* PB_FLAG_* */
    pb_handler handler;          /* required */
    void *user_data;             /* handed back in pb_request.user_data */
    /* Since 1.2: a JSON array of MCP Icon objects, listed as the component's `icons`, e.g.
     * [{"src":"https://example.com/calc.png","mimeType":"image/png","sizes":["48x48"],"theme":"light"}].
     * `src` (an https:, http: or data: URI) is required; mimeType, sizes (strings "WxH" or "any") and theme ("light" or
     * "dark") are optional. A 1.1 host ignores the field. */
    const char *icons;
} pb_component;

#define PB_COMPONENT_INIT { sizeof(pb_component), 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }

/* A plain C function, called through libffi. */
typedef void (*pb_function)(void);

typedef struct pb_registrar pb_registrar;
struct pb_registrar {
    uint32_t struct_size;
    void *host_data;             /* the host's; do not touch */
    /* Registers a component. Returns 0, or -1 if it is malformed (the host reports why when loading fails). */
    int32_t (*add)(pb_registrar *registrar, const pb_component *component);
    /* Registers a plain C function as a tool. `signature` is "R(P...)": R is the return letter, P the parameter
     * letters — v void (return only), b bool, i int32_t, l int64_t (|n| <= 2^53), d double,
     * s const char * (parameters only; UTF-8, no NUL). `param_names` has one name per parameter (NULL if none).
     * Example: add_function(r, "add", NULL, "d(dd)", (pb_function)add, (const char *[]){"a", "b"},
     *                       "Adds two numbers", 0).
     * The host builds the input schema, validates arguments and returns the value as text and
     * structuredContent {"result": value}. Returns 0 or -1. */
    int32_t (*add_function)(pb_registrar *registrar, const char *name, const char *version, const char *signature,
                            pb_function function, const char *const *param_names, const char *description,
                            uint32_t flags);
};

/* ---- The entry --------------------------------------------------------------------------------------------- */

typedef struct pb_entry {
    uint64_t magic;              /* PB_MAGIC */
    uint32_t struct_size;        /* sizeof(pb_entry) */
    uint16_t abi_major;          /* PB_ABI_MAJOR */
    uint16_t abi_minor;          /* PB_ABI_MINOR */
    const char *plugin_id;       /* stable id, e.g. "calculator": [a-z0-9_-]+ */
    const char *plugin_version;  /* the build's version, e.g. "1.0.0" */
    /* Called once. `config_json` is a JSON object (borrowed). Store your state in *state. Return 0, or nonzero
     * after writing a message (what was wrong and what to do) into err (capacity err_cap, NUL-terminated). */
    int32_t (*init)(const pb_host *host, const char *config_json, void **state, char *err, size_t err_cap);
    /* Called once after init: register every component. Return 0, or nonzero to refuse loading. */
    int32_t (*describe)(void *state, pb_registrar *registrar);
    /* Called when the host drops the provider (may never happen). May be NULL. */
    void (*deinit)(void *state);
    /* Optional extensions by string id (none defined in 1.0). May be NULL; return NULL for unknown ids. */
    const void *(*get_extension)(void *state, const char *id);
    /* Since 1.3: how the library was built (PB_ENTRY_INIT fills these). The host refuses a library whose build
     * differs from its own in any of them, naming the field, before it calls init. 0 in a field: not declared. */
    uint8_t build_pointer_size;  /* sizeof(void *) */
    uint8_t build_byte_order;    /* PB_BYTE_ORDER_LITTLE or PB_BYTE_ORDER_BIG */
    uint8_t build_libc;          /* PB_LIBC_GLIBC, PB_LIBC_MUSL or PB_LIBC_BIONIC */
    uint8_t build_reserved;      /* 0 */
} pb_entry;

#define PB_BYTE_ORDER_LITTLE 1
#define PB_BYTE_ORDER_BIG 2
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define PB_BUILD_BYTE_ORDER PB_BYTE_ORDER_BIG
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PB_BUILD_BYTE_ORDER PB_BYTE_ORDER_LITTLE
#else
#define PB_BUILD_BYTE_ORDER 0
#endif

#define PB_LIBC_GLIBC 1
#define PB_LIBC_MUSL 2
#define PB_LIBC_BIONIC 3
/* glibc and bionic say who they are; musl deliberately does not, so a Linux C library that is neither is musl. */
#if defined(__GLIBC__)
#define PB_BUILD_LIBC PB_LIBC_GLIBC
#elif defined(__BIONIC__)
#define PB_BUILD_LIBC PB_LIBC_BIONIC
#elif defined(__linux__)
#define PB_BUILD_LIBC PB_LIBC_MUSL
#else
#define PB_BUILD_LIBC 0
#endif

#define PB_ENTRY_INIT(id, version, init_fn, describe_fn, deinit_fn) \
    { PB_MAGIC, sizeof(pb_entry), PB_ABI_MAJOR, PB_ABI_MINOR, (id), (version), (init_fn), (describe_fn), (deinit_fn), NULL, \
      (uint8_t)sizeof(void *), PB_BUILD_BYTE_ORDER, PB_BUILD_LIBC, 0 }

/* The one symbol a provider exports. */
typedef const pb_entry *(*pb_entry_fn)(void);
#define PB_ENTRY_SYMBOL "plugboard_entry_v1"

/* Sizes of the 1.0 prefixes: a struct shorter than this is refused (the host needs at least these fields). */
#define PB_ENTRY_MIN_SIZE ((uint32_t)(offsetof(pb_entry, get_extension) + sizeof(void *)))
#define PB_COMPONENT_MIN_SIZE ((uint32_t)(offsetof(pb_component, user_data) + sizeof(void *)))

#ifdef __cplusplus
}
#endif

#endif /* PLUGBOARD_H */
