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
 *
 * Configuration (the mount's "config" in runtime.json):
 *   {} or none                       the notes live in memory, seeded with "Welcome" and "Shopping"
 *   {"file": "/srv/notes.jsonl"}     the notes live in that file, one compact JSON object per line
 *                                    ({"id":N,"title":"...","body":"...","tags":[...]}), so every host process that
 *                                    mounts it (replicas on one machine, or on a shared volume) sees the same notes.
 * With a file, every operation opens it, takes an flock (shared to read, exclusive to add) and reads it afresh, so
 * ids come from the file (highest + 1) and replicas adding at once get distinct ones. init creates a missing file
 * and seeds an empty one, once however many replicas start together. A line that is not a note is skipped (and
 * logged once). Use an absolute path. A sandboxed mount also needs read-write access to the file, which its
 * Landlock layer does not grant today (docs/SANDBOX.md): only its private scratch directory is writable.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "plugboard.h"
#include "plugboard_json.h"

enum { MAX_NOTES = 256, TITLE_CAP = 128, BODY_CAP = 2048, TAGS_CAP = 512 };
/* A line of the file holds at most one note's escaped fields (every byte of them \u-escaped: under 14 KiB); a longer
 * line is not a note. */
enum { PATH_CAP = 4096, LINE_CAP = 16384, ERROR_CAP = PATH_CAP + 256 };

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
    /* File mode, when `path` is set: notes[], count and next_id are only the copy the operation holding the mutex
     * has just read from the file. */
    char path[PATH_CAP];
    int ends_cut_short; /* the file's last line has no newline: a writer died mid-line */
    long warned_lines;  /* bad lines up to this one are logged (the file is only appended to: a number names a line) */
} notes_state;

/* The notes a new notebook starts with: in memory, or in a new or empty file. */
static const struct { const char *title, *body, *tags_json; } seeds[] = {
    {"Welcome", "Notes keeps short notes. Add one with the add_note tool.", "[\"help\"]"},
    {"Shopping", "Milk, eggs, bread.", "[\"home\",\"list\"]"},
};

static const pb_host *host;

/* ---- A growable string, for building JSON answers ---------------------------------------------------------- */

typedef struct text { char *data; size_t len, cap; int failed; /* a piece is missing: out of memory */ } text;

static void text_printf(text *t, const char *format, ...) {
    va_list args;
    va_start(args, format);
    int need = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (need < 0) { t->failed = 1; return; }
    if (t->len + (size_t)need + 1 > t->cap) {
        size_t cap = (t->len + (size_t)need + 1) * 2;
        char *grown = realloc(t->data, cap);
        if (!grown) { t->failed = 1; return; }
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
    if (!quoted) { t->failed = 1; return; }
    pbj_escape(s, quoted, need + 1);
    text_printf(t, "%s", quoted);
    free(quoted);
}

/* A note as a JSON object: the 2.0 template's document, and a line of the file. */
static void text_note_json(text *t, const note *n, const char *tags_json) {
    text_printf(t, "{\"id\":%d,\"title\":", n->id);
    text_json_string(t, n->title);
    text_printf(t, ",\"body\":");
    text_json_string(t, n->body);
    text_printf(t, ",\"tags\":%s}", tags_json);
}

/* ---- Checking JSON from the file: the pbj_* scanners trust their input, which the file's lines are not ------ */

/* The position after the JSON string at p, or NULL if it is cut short, holds a raw control character or a bad
 * escape (pbj_decode_string would read past the end of "\u" cut short). */
static const char *checked_string(const char *p) {
    if (*p != '"') return NULL;
    for (p++; *p != '"'; p++) {
        if ((unsigned char)*p < 0x20) return NULL; /* the line's end, or a control character left raw */
        if (*p != '\\') continue;
        if (*++p == 'u') {
            for (int i = 1; i <= 4; i++)
                if (!p[i] || !strchr("0123456789abcdefABCDEF", p[i])) return NULL;
            p += 4;
        } else if (!*p || !strchr("\"\\/bfnrt", *p)) return NULL;
    }
    return p + 1;
}

/* If p is a JSON array of strings, writes it without whitespace into out (if it fits cap) and returns the position
 * after it; else NULL. Compact, because tags as a client sent them may hold newlines, and the file's notes are one
 * per line. */
static const char *compact_tags(const char *p, char *out, size_t cap) {
    size_t n = 0;
    if (*(p = pbj_ws(p)) != '[' || cap < 3) return NULL;
    out[n++] = '[';
    for (p = pbj_ws(p + 1); *p == '"';) {
        const char *end = checked_string(p);
        if (!end || n + (size_t)(end - p) + 2 > cap) return NULL;
        memcpy(out + n, p, (size_t)(end - p));
        n += (size_t)(end - p);
        if (*(p = pbj_ws(end)) != ',') break;
        out[n++] = ',';
        if (*(p = pbj_ws(p + 1)) != '"') return NULL;
    }
    if (*p != ']') return NULL;
    out[n++] = ']';
    out[n] = 0;
    return p + 1;
}

/* Parses one line of the file into *n: 1, or 0 if it is not a note. Ids stop below INT_MAX so the next one fits. */
static int parse_line(const char *line, note *n) {
    const char *p = pbj_ws(line), *title, *body, *tags;
    double id;
    if (*p != '{') return 0;
    const char *end = pbj_skip_value(p);
    if (end[-1] != '}' || *pbj_ws(end) != 0) return 0;
    if (pbj_number(p, "id", &id) != 1 || !(id >= 1 && id < INT_MAX) || id != (double)(int)id) return 0;
    if (!(title = pbj_find(p, "title")) || !checked_string(title)) return 0;
    if (!(body = pbj_find(p, "body")) || !checked_string(body)) return 0;
    if ((tags = pbj_find(p, "tags")) && !compact_tags(tags, n->tags_json, TAGS_CAP)) return 0;
    if (!tags) snprintf(n->tags_json, TAGS_CAP, "[]"); /* a hand-written line may leave them out */
    n->id = (int)id;
    pbj_decode_string(title, n->title, TITLE_CAP);
    pbj_decode_string(body, n->body, BODY_CAP);
    return 1;
}

/* ---- File mode ----------------------------------------------------------------------------------------------
 * Each operation opens the file anew, flocks it and reads it into notes[]. A descriptor per operation is a lock
 * of its own (flock locks belong to the open file description), so the flock excludes other processes whatever
 * this one does, a file replaced on disk is seen at the next call, and no descriptor lives between calls. The
 * mutex is still held around all of it: notes[] is one buffer for every operation of this process.
 */

/* Opens `path` and waits for the flock `operation` on it: the descriptor, or -1 with errno set. */
static int open_locked(const char *path, int flags, int operation) {
    int fd = open(path, flags | O_CLOEXEC, 0666);
    while (fd >= 0 && flock(fd, operation) != 0) {
        if (errno == EINTR) continue;
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static int write_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t put = write(fd, data, len);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return put == 0 ? (errno = EIO, -1) : -1;
        data += put;
        len -= (size_t)put;
    }
    return 0;
}

/* Appends `n` as one line (fd is O_APPEND, exclusively locked). After a line cut short it starts a new line first,
 * so the torn line stays one skipped line instead of swallowing this one. */
static int append(int fd, const note *n, int after_cut) {
    char tags[TAGS_CAP];
    text line = {0};
    if (!compact_tags(n->tags_json, tags, sizeof tags)) snprintf(tags, sizeof tags, "[]"); /* add_note checked them */
    if (after_cut) text_printf(&line, "\n");
    text_note_json(&line, n, tags);
    text_printf(&line, "\n");
    int status = line.failed ? (errno = ENOMEM, -1) : write_all(fd, line.data, line.len);
    int saved = errno;
    free(line.data);
    errno = saved;
    return status;
}

/* Reads the file from its start into notes[] (its first MAX_NOTES notes) and sets next_id from them. Lines that are
 * not notes are skipped, and logged the first time this process meets them. 0, or -1 with errno set. */
static int load(notes_state *s, int fd) {
    char chunk[4096], line[LINE_CAP + 1];
    size_t len = 0;
    int too_long = 0, max_id = 0;
    long number = 0, skipped = 0, first_skipped = 0;
    s->count = 0;
    s->ends_cut_short = 0;
    if (lseek(fd, 0, SEEK_SET) < 0) return -1;
    for (ssize_t got = 0, i = 0;;) {
        if (i == got) {
            i = 0;
            if ((got = read(fd, chunk, sizeof chunk)) < 0) {
                if (errno != EINTR) return -1;
                got = 0;
                continue;
            }
            if (got > 0) s->ends_cut_short = chunk[got - 1] != '\n';
        }
        int at_end = got == 0; /* then a last line without its newline still counts */
        char c = at_end ? '\n' : chunk[i++];
        if (c != '\n') {
            if (len < LINE_CAP) line[len++] = c; else too_long = 1;
            continue;
        }
        line[len] = 0;
        if (!at_end || len > 0) {
            const char *p = pbj_ws(line);
            number++;
            if (!too_long && *p && parse_line(p, &s->notes[s->count])) {
                if (s->notes[s->count].id > max_id) max_id = s->notes[s->count].id;
                s->count++;
            } else if ((too_long || *p) && number > s->warned_lines) {
                if (skipped++ == 0) first_skipped = number;
                s->warned_lines = number;
            }
        }
        len = 0;
        too_long = 0;
        if (at_end || s->count == MAX_NOTES) break;
    }
    s->next_id = max_id + 1;
    if (skipped > 0) {
        char message[ERROR_CAP];
        snprintf(message, sizeof message, "notes: skipped %ld line(s) of %s that are not notes (the first: line %ld); "
                 "each line must be a JSON object {\"id\":N,\"title\":\"...\",\"body\":\"...\",\"tags\":[...]}",
                 skipped, s->path, first_skipped);
        host->log(host, NULL, PB_LOG_WARNING, message);
    }
    return 0;
}

/* Locks the notes for one operation: the mutex and, with a file, an flock on it (exclusive to add), reloading
 * notes[] from it. *fd is the file's descriptor, -1 in memory. 0, or -1 with `error` set and nothing held. */
static int acquire(notes_state *s, int exclusive, int *fd, char *error, size_t cap) {
    pthread_mutex_lock(&s->lock);
    *fd = -1;
    if (!s->path[0]) return 0;
    *fd = open_locked(s->path, exclusive ? O_RDWR | O_APPEND : O_RDONLY, exclusive ? LOCK_EX : LOCK_SH);
    if (*fd >= 0 && load(s, *fd) == 0) return 0;
    snprintf(error, cap, "notes: cannot %s the notes file %s: %s", exclusive ? "update" : "read", s->path,
             strerror(errno));
    if (*fd >= 0) close(*fd);
    pthread_mutex_unlock(&s->lock);
    return -1;
}

static void release(notes_state *s, int fd) {
    if (fd >= 0) close(fd); /* drops the flock */
    pthread_mutex_unlock(&s->lock);
}

/* ---- Notes -------------------------------------------------------------------------------------------------- */

/* Adds a note: its id, -1 if the notebook is full, or -2 with `error` set if the file failed. */
static int add(notes_state *s, const char *title, const char *body, const char *tags_json, char *error, size_t cap) {
    int fd, id = -1;
    if (acquire(s, 1, &fd, error, cap) != 0) return -2;
    if (s->count < MAX_NOTES) {
        note *n = &s->notes[s->count++];
        n->id = id = s->next_id++;
        snprintf(n->title, TITLE_CAP, "%s", title);
        snprintf(n->body, BODY_CAP, "%s", body);
        snprintf(n->tags_json, TAGS_CAP, "%s", tags_json);
        if (fd >= 0 && append(fd, n, s->ends_cut_short) != 0) {
            snprintf(error, cap, "notes: cannot write to the notes file %s: %s", s->path, strerror(errno));
            id = -2;
        }
    }
    release(s, fd);
    return id;
}

/* Copies note `id` into *out: 1, 0 if there is none, or -1 with `error` set if the file failed. */
static int find(notes_state *s, int id, note *out, char *error, size_t cap) {
    int fd, found = 0;
    if (acquire(s, 0, &fd, error, cap) != 0) return -1;
    for (int i = 0; i < s->count; i++)
        if (s->notes[i].id == id) { *out = s->notes[i]; found = 1; break; }
    release(s, fd);
    return found;
}

/* Reads the `id` argument (a string of digits, as template variables are strings) and finds the note. */
static int note_argument(pb_call *call, const pb_request *request, note *out) {
    char id[32], error[ERROR_CAP];
    char *end;
    if (pbj_string(request->arguments, "id", id, sizeof id) != 1) {
        host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "argument 'id' is required: the note's number as a string, e.g. \"1\"");
        return 0;
    }
    long n = strtol(id, &end, 10);
    int found = *id != 0 && *end == 0 ? find(request->state, (int)n, out, error, sizeof error) : 0;
    if (found < 0) {
        host->set_error(call, PB_ERROR_FAILED, error);
        return 0;
    }
    if (!found) {
        char message[96];
        snprintf(message, sizeof message, "there is no note '%s'; read notes://index for the list", id);
        host->set_error(call, PB_ERROR_NOT_FOUND, message);
        return 0;
    }
    return 1;
}

/* ---- Configuration and init ---------------------------------------------------------------------------------- */

static const char *json_kind(const char *p) {
    switch (*p) {
    case '"': return "a string";
    case '[': return "an array";
    case '{': return "an object";
    case 't': case 'f': return "a boolean";
    case 'n': return "null";
    case 0: return "empty";
    default: return "a number";
    }
}

/* Reads the mount's config (valid JSON, the host has checked): {} keeps the notes in memory, {"file": PATH} sets
 * `path`. 0, or -1 with `err` saying what was wrong and what to do. */
static int read_config(const char *config, char *path, size_t path_cap, char *err, size_t err_cap) {
    const char *p = pbj_ws(config ? config : "{}");
    if (*p != '{') {
        snprintf(err, err_cap, "notes: config must be a JSON object, not %s: {} keeps the notes in memory, "
                 "{\"file\": \"/path/to/notes.jsonl\"} keeps them in a file shared by replicas", json_kind(p));
        return -1;
    }
    for (p = pbj_ws(p + 1); *p == '"';) {
        char key[64];
        const char *value = pbj_ws(pbj_ws(pbj_decode_string(p, key, sizeof key)) + 1);
        if (strcmp(key, "file") != 0) {
            snprintf(err, err_cap, "notes: config key '%s' is unknown; the only key is 'file' (a path to a JSONL file "
                     "shared by replicas)", key);
            return -1;
        }
        if (*value != '"') {
            snprintf(err, err_cap, "notes: config key 'file' must be a string, not %s: the path of the JSONL file "
                     "shared by replicas, e.g. \"/var/lib/plugboard/notes.jsonl\"", json_kind(value));
            return -1;
        }
        if (path[0]) {
            snprintf(err, err_cap, "notes: config key 'file' is given twice; give it once");
            return -1;
        }
        pbj_decode_string(value, path, path_cap);
        if (!path[0]) {
            snprintf(err, err_cap, "notes: config key 'file' is empty; set it to the path of a JSONL file shared by "
                     "replicas, or leave it out to keep the notes in memory");
            return -1;
        }
        if (strlen(path) + 1 >= path_cap) {
            snprintf(err, err_cap, "notes: config key 'file' is too long (%zu bytes at most)", path_cap - 2);
            return -1;
        }
        if (*(p = pbj_ws(pbj_skip_value(value))) == ',') p = pbj_ws(p + 1);
    }
    return 0;
}

/* Creates the file if it is missing and writes the seed notes if it is empty: under the exclusive lock, and only
 * while still empty, so replicas starting together seed it once. Then reads it, to check that it reads. */
static int open_file(notes_state *s, char *err, size_t err_cap) {
    struct stat info;
    const char *doing = "write the seed notes to";
    int fd = open_locked(s->path, O_RDWR | O_CREAT | O_APPEND, LOCK_EX);
    if (fd < 0) {
        snprintf(err, err_cap, "notes: cannot open or create the notes file %s (config key 'file'): %s; check that its "
                 "directory exists and that this process may write there", s->path, strerror(errno));
        return -1;
    }
    int failed = fstat(fd, &info) != 0;
    if (!failed && !S_ISREG(info.st_mode)) {
        snprintf(err, err_cap, "notes: the notes file %s (config key 'file') is not a regular file; name a file",
                 s->path);
        close(fd);
        return -1;
    }
    for (size_t i = 0; !failed && info.st_size == 0 && i < sizeof seeds / sizeof *seeds; i++) {
        note n = {.id = (int)i + 1};
        snprintf(n.title, TITLE_CAP, "%s", seeds[i].title);
        snprintf(n.body, BODY_CAP, "%s", seeds[i].body);
        snprintf(n.tags_json, TAGS_CAP, "%s", seeds[i].tags_json);
        failed = append(fd, &n, 0) != 0;
    }
    if (!failed) doing = "read";
    failed = failed || load(s, fd) != 0;
    if (failed) snprintf(err, err_cap, "notes: cannot %s the notes file %s: %s", doing, s->path, strerror(errno));
    close(fd);
    return failed ? -1 : 0;
}

static int32_t init(const pb_host *h, const char *config_json, void **state, char *err, size_t err_cap) {
    host = h;
    notes_state *s = calloc(1, sizeof *s);
    if (!s) return snprintf(err, err_cap, "out of memory allocating the notes"), 1;
    if (read_config(config_json, s->path, sizeof s->path, err, err_cap) != 0) return free(s), 1;
    pthread_mutex_init(&s->lock, NULL);
    s->next_id = 1;
    char message[ERROR_CAP];
    if (s->path[0]) {
        if (open_file(s, err, err_cap) != 0) return pthread_mutex_destroy(&s->lock), free(s), 1;
        snprintf(message, sizeof message, "notes: ready with %d notes in %s, shared with every process using it",
                 s->count, s->path);
    } else {
        for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
            add(s, seeds[i].title, seeds[i].body, seeds[i].tags_json, err, err_cap); /* in memory: cannot fail */
        snprintf(message, sizeof message, "notes: ready with %d notes", s->count);
    }
    *state = s;
    host->log(host, NULL, PB_LOG_INFO, message);
    return 0;
}

/* ---- Handlers ------------------------------------------------------------------------------------------------- */

static int32_t read_index(pb_call *call, const pb_request *request) {
    notes_state *s = request->state;
    text lines = {0}, json = {0};
    char error[ERROR_CAP];
    int fd;
    if (acquire(s, 0, &fd, error, sizeof error) != 0) {
        host->set_error(call, PB_ERROR_FAILED, error);
        return PB_OK;
    }
    for (int i = 0; i < s->count; i++) text_printf(&lines, "%d: %s\n", s->notes[i].id, s->notes[i].title);
    release(s, fd);
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
    text_note_json(&document, &n, n.tags_json);
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
    char compact[TAGS_CAP];
    return compact_tags(tags, compact, sizeof compact) != NULL;
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
    char error[ERROR_CAP];
    int id = add(request->state, title, body, tags, error, sizeof error);
    if (id == -2) {
        host->set_error(call, PB_ERROR_FAILED, error);
        return PB_OK;
    }
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
