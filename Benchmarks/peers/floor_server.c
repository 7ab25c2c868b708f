/*
 * The floor: an "MCP server" that answers every request line on stdin with the same result bytes, echoing only
 * the id. No parsing beyond finding the id, no allocation per request. Nothing real can be faster, so Plugboard's
 * figures are reported as a ratio to this one.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void flush(const char *out, size_t *len) {
    size_t off = 0;
    while (off < *len) {
        ssize_t n = write(1, out + off, *len - off);
        if (n <= 0) _exit(1);
        off += (size_t)n;
    }
    *len = 0;
}

int main(void) {
    static char in[1 << 16], out[1 << 16];
    size_t in_len = 0, out_len = 0;
    const char *head = "{\"jsonrpc\":\"2.0\",\"id\":";
    const char *tail = ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"3\"}],\"structuredContent\":{\"result\":3},\"isError\":false}}\n";
    size_t head_len = strlen(head), tail_len = strlen(tail);
    for (;;) {
        ssize_t n = read(0, in + in_len, sizeof in - in_len);
        if (n <= 0) break;
        in_len += (size_t)n;
        size_t start = 0;
        char *nl;
        while ((nl = memchr(in + start, '\n', in_len - start))) {
            char *line = in + start, *id = memmem(line, (size_t)(nl - line), "\"id\":", 5);
            if (id) {
                id += 5;
                size_t id_len = strcspn(id, ",}");
                if (out_len + head_len + id_len + tail_len > sizeof out) { flush(out, &out_len); }
                memcpy(out + out_len, head, head_len); out_len += head_len;
                memcpy(out + out_len, id, id_len); out_len += id_len;
                memcpy(out + out_len, tail, tail_len); out_len += tail_len;
            }
            start = (size_t)(nl - in) + 1;
        }
        memmove(in, in + start, in_len - start);
        in_len -= start;
        if (out_len) flush(out, &out_len);
    }
    return 0;
}
