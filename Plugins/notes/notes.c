/*
 * notes — a bundled Plugboard provider, and an example to copy: resources, templates, prompts, state, and a
 * long-running tool with progress and cancellation.
 *
 *   resource notes://index                  the list of notes, one "id: title" per line
 *   template notes://note/{id}   1.0        a note as plain text;   2.0: as JSON {id, title, body, tags}
 *   prompt   summarize           1.0        asks to summarize note `id`; 2.0 adds `style` (brief | detailed)
 *   tool     add_note                       title, body, tags? -> {"id": N}
 *   tool     reindex                        about a second of work in 10 steps, with progress; stops when cancelled
 *
 * The notes live in the plugin's state and are shared by all components, which the host may run concurrently
 * (each component alone is serialized: none is REENTRANT), so a mutex guards them.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plugboard.h"
#include "plugboard_json.h"

enum { MAX_NOTES = 256, TITLE_CAP = 128, BODY_CAP = 2048, TAGS_CAP = 512 };

typedef struct note {
    int id;
    char title[TITLE_CAP];
    char body[BODY_CAP];
    char tags_json[TAGS_CAP]; /* a JSON array of strings, kept as given */
} note;

typedef struct notes_state {
    pthread_mutex_t lock;
    note notes[MAX_NOTES];
    int count;
    int next_id;
} notes_state;

static const pb_host *host;

/* ---- A growable string, for building JSON answers ---------------------------------------------------------- */

typedef struct text { char *data; size_t len, cap; } text;

static void text_printf(text *t, const char *format, ...) {
    va_list args;
    va_start(args, format);
    int need = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (need < 0) return;
    if (t->len + (size_t)need + 1 > t->cap) {
        size_t cap = (t->len + (size_t)need + 1) * 2;
        char *grown = realloc(t->data, cap);
        if (!grown) return;
        t->data = grown;
        t->cap = cap;
    }
    va_start(args, format);
    vsnprintf(t->data + t->len, t->cap - t->len, format, args);
    va_end(args);
    t->len += (size_t)need;
}

/* Appends `s` as a JSON string literal. */
static void text_json_string(text *t, const char *s) {
    size_t need = pbj_escape(s, NULL, 0);
    char *quoted = malloc(need + 1);
    if (!quoted) return;
    pbj_escape(s, quoted, need + 1);
    text_printf(t, "%s", quoted);
    free(quoted);
}

/* ---- Notes -------------------------------------------------------------------------------------------------- */

static int add(notes_state *s, const char *title, const char *body, const char *tags_json) {
    pthread_mutex_lock(&s->lock);
    int id = -1;
    if (s->count < MAX_NOTES) {
        note *n = &s->notes[s->count++];
        n->id = id = s->next_id++;
        snprintf(n->title, TITLE_CAP, "%s", title);
        snprintf(n->body, BODY_CAP, "%s", body);
        snprintf(n->tags_json, TAGS_CAP, "%s", tags_json);
    }
    pthread_mutex_unlock(&s->lock);
    return id;
}

/* Copies note `id` into *out; 0 if there is none. */
static int find(notes_state *s, int id, note *out) {
    int found = 0;
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < s->count; i++)
        if (s->notes[i].id == id) { *out = s->notes[i]; found = 1; break; }
    pthread_mutex_unlock(&s->lock);
    return found;
}

/* Reads the `id` argument (a string of digits, as template variables are strings) and finds the note. */
static int note_argument(pb_call *call, const pb_request *request, note *out) {
    char id[32];
    char *end;
    if (pbj_string(request->arguments, "id", id, sizeof id) != 1) {
        host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'id' is required: the note's number as a string, e.g. \"1\"");
        return 0;
    }
    long n = strtol(id, &end, 10);
    if (*id == 0 || *end != 0 || !find(request->state, (int)n, out)) {
        char message[96];
        snprintf(message, sizeof message, "there is no note '%s'; read notes://index for the list", id);
        host->set_error(call, PB_ERROR_NOT_FOUND, message);
        return 0;
    }
    return 1;
}

static int32_t init(const pb_host *h, const char *config_json, void **state, char *err, size_t err_cap) {
    (void)config_json;
    host = h;
    notes_state *s = calloc(1, sizeof *s);
    if (!s) return snprintf(err, err_cap, "out of memory allocating the notes"), 1;
    pthread_mutex_init(&s->lock, NULL);
    s->next_id = 1;
    add(s, "Welcome", "Notes keeps short notes. Add one with the add_note tool.", "[\"help\"]");
    add(s, "Shopping", "Milk, eggs, bread.", "[\"home\",\"list\"]");
    *state = s;
    host->log(host, NULL, PB_LOG_INFO, "notes: ready with 2 notes");
    return 0;
}

/* ---- Handlers ------------------------------------------------------------------------------------------------- */

static int32_t read_index(pb_call *call, const pb_request *request) {
    notes_state *s = request->state;
    text lines = {0}, json = {0};
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < s->count; i++) text_printf(&lines, "%d: %s\n", s->notes[i].id, s->notes[i].title);
    pthread_mutex_unlock(&s->lock);
    text_printf(&json, "{\"contents\":[{\"uri\":\"notes://index\",\"mimeType\":\"text/plain\",\"text\":");
    text_json_string(&json, lines.data ? lines.data : "");
    text_printf(&json, "}]}");
    host->set_result(call, json.data);
    free(lines.data);
    free(json.data);
    return PB_OK;
}

static int32_t read_note_text(pb_call *call, const pb_request *request) {
    note n;
    if (!note_argument(call, request, &n)) return PB_OK;
    text body = {0}, json = {0};
    text_printf(&body, "%s\n\n%s", n.title, n.body);
    text_printf(&json, "{\"contents\":[{\"uri\":");
    text_json_string(&json, request->uri);
    text_printf(&json, ",\"mimeType\":\"text/plain\",\"text\":");
    text_json_string(&json, body.data);
    text_printf(&json, "}]}");
    host->set_result(call, json.data);
    free(body.data);
    free(json.data);
    return PB_OK;
}

static int32_t read_note_json(pb_call *call, const pb_request *request) {
    note n;
    if (!note_argument(call, request, &n)) return PB_OK;
    text document = {0}, json = {0};
    text_printf(&document, "{\"id\":%d,\"title\":", n.id);
    text_json_string(&document, n.title);
    text_printf(&document, ",\"body\":");
    text_json_string(&document, n.body);
    text_printf(&document, ",\"tags\":%s}", n.tags_json);
    text_printf(&json, "{\"contents\":[{\"uri\":");
    text_json_string(&json, request->uri);
    text_printf(&json, ",\"mimeType\":\"application/json\",\"text\":");
    text_json_string(&json, document.data);
    text_printf(&json, "}]}");
    host->set_result(call, json.data);
    free(document.data);
    free(json.data);
    return PB_OK;
}

static int32_t summarize(pb_call *call, const pb_request *request) {
    note n;
    if (!note_argument(call, request, &n)) return PB_OK;
    char style[16] = "brief";
    int is_v2 = request->version && strcmp(request->version, "2.0") == 0;
    if (is_v2 && pbj_string(request->arguments, "style", style, sizeof style) < 0) style[0] = 0;
    if (is_v2 && strcmp(style, "brief") != 0 && strcmp(style, "detailed") != 0) {
        host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'style' must be \"brief\" or \"detailed\"");
        return PB_OK;
    }
    text prompt = {0}, json = {0};
    if (is_v2)
        text_printf(&prompt, "Write a %s summary of this note.\n\nTitle: %s\n\n%s", style, n.title, n.body);
    else
        text_printf(&prompt, "Summarize this note.\n\nTitle: %s\n\n%s", n.title, n.body);
    text_printf(&json, "{\"description\":\"Summarize a note\",\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":");
    text_json_string(&json, prompt.data);
    text_printf(&json, "}}]}");
    host->set_result(call, json.data);
    free(prompt.data);
    free(json.data);
    return PB_OK;
}

/* Tags must be a JSON array of strings; the host has already checked the arguments are valid JSON. */
static int valid_tags(const char *tags) {
    const char *p = pbj_ws(tags);
    if (*p++ != '[') return 0;
    for (p = pbj_ws(p); *p == '"'; p = pbj_ws(p + 1)) {
        p = pbj_ws(pbj_skip_string(p));
        if (*p == ']') return 1;
        if (*p != ',') return 0;
    }
    return *p == ']';
}

static int32_t add_note(pb_call *call, const pb_request *request) {
    char title[TITLE_CAP], body[BODY_CAP], tags[TAGS_CAP] = "[]";
    if (pbj_string(request->arguments, "title", title, sizeof title) != 1 || title[0] == 0) {
        host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'title' is required: a non-empty string");
        return PB_OK;
    }
    if (pbj_string(request->arguments, "body", body, sizeof body) != 1) {
        host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'body' is required: a string");
        return PB_OK;
    }
    const char *given = pbj_find(request->arguments, "tags");
    if (given) {
        size_t len = (size_t)(pbj_skip_value(given) - given);
        if (!valid_tags(given) || len >= sizeof tags) {
            host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'tags' must be an array of strings (under 500 bytes)");
            return PB_OK;
        }
        memcpy(tags, given, len);
        tags[len] = 0;
    }
    int id = add(request->state, title, body, tags);
    if (id < 0) {
        host->set_error(call, PB_ERROR_FAILED, "the notebook is full (256 notes)");
        return PB_OK;
    }
    char json[32];
    snprintf(json, sizeof json, "{\"id\":%d}", id);
    host->set_result(call, json); /* an object: the host shows it as text and as structuredContent */
    return PB_OK;
}

/* About a second of work in ten steps. Polls for cancellation between steps and reports progress. */
static int32_t reindex(pb_call *call, const pb_request *request) {
    (void)request;
    const int steps = 10;
    for (int step = 1; step <= steps; step++) {
        if (host->is_cancelled(call)) {
            char message[64];
            snprintf(message, sizeof message, "reindex cancelled after %d of %d steps", step - 1, steps);
            host->log(host, call, PB_LOG_NOTICE, message);
            host->set_error(call, PB_ERROR_FAILED, message);
            return PB_OK;
        }
        struct timespec pause = {0, 100 * 1000 * 1000};
        nanosleep(&pause, NULL);
        host->progress(call, step, steps, "indexing");
    }
    host->set_result(call, "\"reindexed\"");
    return PB_OK;
}

/* ---- Registration ---------------------------------------------------------------------------------------------- */

static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    int failures = 0;

    pb_component index = PB_COMPONENT_INIT;
    index.kind = PB_KIND_RESOURCE;
    index.key = "notes://index";
    index.name = "index";
    index.description = "Every note's id and title, one per line";
    index.mime_type = "text/plain";
    index.handler = read_index;
    failures += registrar->add(registrar, &index) != 0;

    pb_component note_v1 = PB_COMPONENT_INIT;
    note_v1.kind = PB_KIND_RESOURCE_TEMPLATE;
    note_v1.key = "notes://note/{id}";
    note_v1.name = "note";
    note_v1.version = "1.0";
    note_v1.description = "One note as plain text: title, blank line, body";
    note_v1.mime_type = "text/plain";
    note_v1.handler = read_note_text;
    failures += registrar->add(registrar, &note_v1) != 0;

    pb_component note_v2 = note_v1;
    note_v2.version = "2.0";
    note_v2.description = "One note as JSON: id, title, body, tags";
    note_v2.mime_type = "application/json";
    note_v2.handler = read_note_json;
    failures += registrar->add(registrar, &note_v2) != 0;

    pb_component summarize_v1 = PB_COMPONENT_INIT;
    summarize_v1.kind = PB_KIND_PROMPT;
    summarize_v1.key = "summarize";
    summarize_v1.version = "1.0";
    summarize_v1.description = "Ask for a summary of a note";
    summarize_v1.arguments = "[{\"name\":\"id\",\"description\":\"the note's id\",\"required\":true}]";
    summarize_v1.handler = summarize;
    failures += registrar->add(registrar, &summarize_v1) != 0;

    pb_component summarize_v2 = summarize_v1;
    summarize_v2.version = "2.0";
    summarize_v2.description = "Ask for a brief or detailed summary of a note";
    summarize_v2.arguments = "[{\"name\":\"id\",\"description\":\"the note's id\",\"required\":true},"
                             "{\"name\":\"style\",\"description\":\"brief (default) or detailed\",\"required\":false}]";
    failures += registrar->add(registrar, &summarize_v2) != 0;

    pb_component add_tool = PB_COMPONENT_INIT;
    add_tool.kind = PB_KIND_TOOL;
    add_tool.key = "add_note";
    add_tool.description = "Adds a note and returns its id";
    add_tool.input_schema = "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"},\"body\":{\"type\":\"string\"},"
                            "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"required\":[\"title\",\"body\"]}";
    add_tool.output_schema = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}},\"required\":[\"id\"]}";
    add_tool.handler = add_note;
    failures += registrar->add(registrar, &add_tool) != 0;

    pb_component reindex_tool = PB_COMPONENT_INIT;
    reindex_tool.kind = PB_KIND_TOOL;
    reindex_tool.key = "reindex";
    reindex_tool.description = "Rebuilds the search index (about a second; reports progress; can be cancelled)";
    reindex_tool.handler = reindex;
    failures += registrar->add(registrar, &reindex_tool) != 0;

    return failures;
}

PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("notes", "1.0.0", init, describe, NULL);
    return &entry;
}
