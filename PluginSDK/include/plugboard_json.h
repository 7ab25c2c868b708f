/*
 * plugboard_json.h — optional, header-only helpers for reading the argument JSON a handler receives and for
 * writing JSON strings. Not part of the ABI; copy or replace freely. The host hands handlers arguments that are
 * already valid JSON objects, so these scanners do not re-validate.
 */
#ifndef PLUGBOARD_JSON_H
#define PLUGBOARD_JSON_H

#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline const char *pbj_ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

/* p at '"': returns the position after the closing quote. */
static inline const char *pbj_skip_string(const char *p) {
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1]) p++;
    return *p ? p + 1 : p;
}

/* Skips one JSON value starting at p (valid JSON assumed). */
static inline const char *pbj_skip_value(const char *p) {
    p = pbj_ws(p);
    if (*p == '"') return pbj_skip_string(p);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (*p) {
            if (*p == '"') { p = pbj_skip_string(p); continue; }
            if (*p == '{' || *p == '[') depth++;
            if (*p == '}' || *p == ']') { if (--depth == 0) return p + 1; }
            p++;
        }
        return p;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') p++;
    return p;
}

/* The value of member `key` of the top-level object `json` (keys compared literally), or NULL if absent. */
static inline const char *pbj_find(const char *json, const char *key) {
    const char *p = pbj_ws(json);
    if (*p != '{') return NULL;
    p = pbj_ws(p + 1);
    size_t len = strlen(key);
    while (*p == '"') {
        const char *end = pbj_skip_string(p);
        int match = (size_t)(end - p - 2) == len && strncmp(p + 1, key, len) == 0;
        p = pbj_ws(end);
        if (*p != ':') return NULL;
        p = pbj_ws(p + 1);
        if (match) return p;
        p = pbj_ws(pbj_skip_value(p));
        if (*p != ',') return NULL;
        p = pbj_ws(p + 1);
    }
    return NULL;
}

/* 1 and *out set if `key` is a number; 0 if absent; -1 if present but not a number. */
static inline int pbj_number(const char *json, const char *key, double *out) {
    const char *v = pbj_find(json, key);
    if (!v) return 0;
    if (!(*v == '-' || (*v >= '0' && *v <= '9'))) return -1;
    *out = strtod(v, NULL);
    return 1;
}

/* Decodes the JSON string at p (at '"') into buf (always NUL-terminated, truncated to cap). Returns the
 * position after the string, or NULL if p is not a string. \u escapes outside ASCII become UTF-8. */
static inline const char *pbj_decode_string(const char *p, char *buf, size_t cap) {
    size_t n = 0;
    if (*p != '"' || cap == 0) return NULL;
    for (p++; *p && *p != '"'; p++) {
        char c = *p;
        unsigned code = 0;
        char utf8[4];
        size_t k = 1;
        if (c == '\\') {
            c = *++p;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u':
                for (int i = 1; i <= 4; i++) {
                    char h = p[i];
                    code = code * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
                }
                p += 4;
                break;
            default: break; /* \" \\ \/ */
            }
        }
        if (code >= 0x80) {
            if (code < 0x800) { utf8[0] = (char)(0xC0 | (code >> 6)); utf8[1] = (char)(0x80 | (code & 0x3F)); k = 2; }
            else { utf8[0] = (char)(0xE0 | (code >> 12)); utf8[1] = (char)(0x80 | ((code >> 6) & 0x3F));
                   utf8[2] = (char)(0x80 | (code & 0x3F)); k = 3; }
        } else {
            utf8[0] = code ? (char)code : c;
        }
        for (size_t i = 0; i < k; i++) if (n + 1 < cap) buf[n++] = utf8[i];
    }
    buf[n] = 0;
    return *p ? p + 1 : p;
}

/* 1 if `key` is a string (decoded into buf); 0 if absent; -1 if present but not a string. */
static inline int pbj_string(const char *json, const char *key, char *buf, size_t cap) {
    const char *v = pbj_find(json, key);
    if (!v) return 0;
    return pbj_decode_string(v, buf, cap) ? 1 : -1;
}

/* Writes `s` as a JSON string literal (with quotes) into out; returns the length it needs (excluding NUL),
 * like snprintf: call with cap 0 to measure. */
static inline size_t pbj_escape(const char *s, char *out, size_t cap) {
    size_t n = 0;
#define PBJ_PUT(ch) do { if (n + 1 < cap) out[n] = (ch); n++; } while (0)
    PBJ_PUT('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') { PBJ_PUT('\\'); PBJ_PUT((char)*p); }
        else if (*p == '\n') { PBJ_PUT('\\'); PBJ_PUT('n'); }
        else if (*p < 0x20) {
            const char *hex = "0123456789abcdef";
            PBJ_PUT('\\'); PBJ_PUT('u'); PBJ_PUT('0'); PBJ_PUT('0'); PBJ_PUT(hex[*p >> 4]); PBJ_PUT(hex[*p & 15]);
        } else PBJ_PUT((char)*p);
    }
    PBJ_PUT('"');
#undef PBJ_PUT
    if (cap) out[n < cap ? n : cap - 1] = 0;
    return n;
}

#ifdef __cplusplus
}
#endif

#endif /* PLUGBOARD_JSON_H */
