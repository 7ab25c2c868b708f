/*
 * stdio_load: drives an MCP server over stdio with up to W requests in flight and reports throughput, latency
 * percentiles, start-up time and the server's peak RSS as one JSON line.
 *
 *   stdio_load [options] -- SERVER-COMMAND [ARGS...]
 *     -n N        measured requests (default 20000)
 *     -w W        requests kept in flight (default 1)
 *     -W N        warm-up requests, not measured (default 2000)
 *     -e ERA      legacy (initialize handshake, 2025-11-25) or 2026 (stateless 2026-07-28 _meta on every request)
 *     -m METHOD   tools/call (default) or tools/list
 *     -t TOOL     tool name (default add)
 *     -a JSON     tool arguments (default {"a":1,"b":2})
 *     -v VERSION  pin a component version with _meta.fastmcp.version
 *     -P          with -m tools/list: one request is the walk of every page (each nextCursor followed)
 *
 * Latency is measured per request from the write of its line to the read of the response line with its id.
 * Start-up is the time from spawning the server to the answer of its first request (initialize, or the first
 * 2026 request). Peak RSS is the server's ru_maxrss after it exits on end of input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what) {
    fprintf(stderr, "stdio_load: %s: %s\n", what, strerror(errno));
    exit(2);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Output buffer for requests, flushed with as few writes as the pipe takes. */
static char *out_buf;
static size_t out_len, out_cap;

static void out_append(const char *s, size_t n) {
    if (out_len + n > out_cap) {
        out_cap = (out_len + n) * 2;
        out_buf = realloc(out_buf, out_cap);
        if (!out_buf) die("realloc");
    }
    memcpy(out_buf + out_len, s, n);
    out_len += n;
}

static const char *era = "legacy", *method = "tools/call", *tool = "add", *args = "{\"a\":1,\"b\":2}", *pin = NULL;

static void append_request(long id) {
    char meta[512] = "";
    char fastmcp[160] = "";
    if (pin) snprintf(fastmcp, sizeof fastmcp, "\"fastmcp\":{\"version\":\"%s\"}", pin);
    if (strcmp(era, "2026") == 0) {
        snprintf(meta, sizeof meta,
                 ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                 "\"io.modelcontextprotocol/clientCapabilities\":{},"
                 "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"stdio_load\",\"version\":\"1\"}%s%s}",
                 pin ? "," : "", fastmcp);
    } else if (pin) {
        snprintf(meta, sizeof meta, ",\"_meta\":{%s}", fastmcp);
    }
    char line[4096];
    int n;
    if (strcmp(method, "tools/list") == 0)
        n = snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/list\",\"params\":{%s}}\n",
                     id, meta[0] ? meta + 1 : "");
    else
        n = snprintf(line, sizeof line,
                     "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\",\"arguments\":%s%s}}\n",
                     id, tool, args, meta);
    out_append(line, (size_t)n);
}

static int walk_pages = 0;

/* Asks for the page after `cursor` under the same id: with -P, a request ends on the page without nextCursor. */
static void append_next_page(long id, const char *cursor, size_t cursor_len) {
    char line[4096];
    int n = snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/list\",\"params\":{\"cursor\":\"%.*s\"}}\n",
                     id, (int)cursor_len, cursor);
    out_append(line, (size_t)n);
}

/* The nextCursor of a list response (NULL when it is the last page); cursors are opaque strings without escapes. */
static const char *next_cursor(const char *line, size_t len, size_t *cursor_len) {
    const char *p = memmem(line, len, "\"nextCursor\":\"", 14);
    if (!p) return NULL;
    p += 14;
    const char *end = memchr(p, '"', (size_t)(line + len - p));
    if (!end) return NULL;
    *cursor_len = (size_t)(end - p);
    return p;
}

/* Finds the numeric "id" of a response line; -1 for notifications and unparseable lines. */
static long response_id(const char *line, size_t len) {
    const char *p = memmem(line, len, "\"id\":", 5);
    if (!p) return -1;
    p += 5;
    while (*p == ' ') p++;
    if (*p < '0' || *p > '9') return -1;
    return strtol(p, NULL, 10);
}

int main(int argc, char **argv) {
    long total = 20000, inflight = 1, warmup = 2000;
    int opt;
    while ((opt = getopt(argc, argv, "n:w:W:e:m:t:a:v:P")) != -1) {
        switch (opt) {
        case 'n': total = atol(optarg); break;
        case 'w': inflight = atol(optarg); break;
        case 'W': warmup = atol(optarg); break;
        case 'e': era = optarg; break;
        case 'm': method = optarg; break;
        case 't': tool = optarg; break;
        case 'a': args = optarg; break;
        case 'v': pin = optarg; break;
        case 'P': walk_pages = 1; break;
        default: fprintf(stderr, "usage: stdio_load [-n N] [-w W] [-W N] [-e legacy|2026] [-m METHOD] [-t TOOL] [-a JSON] [-v VERSION] [-P] -- CMD...\n"); return 2;
        }
    }
    if (optind >= argc) { fprintf(stderr, "stdio_load: no server command given (put it after --)\n"); return 2; }
    signal(SIGPIPE, SIG_IGN);

    int to_server[2], from_server[2];
    if (pipe(to_server) || pipe(from_server)) die("pipe");
    double spawned = now_us();
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        dup2(to_server[0], 0);
        dup2(from_server[1], 1);
        close(to_server[1]); close(from_server[0]);
        execvp(argv[optind], argv + optind);
        fprintf(stderr, "stdio_load: cannot run %s: %s\n", argv[optind], strerror(errno));
        _exit(127);
    }
    close(to_server[0]); close(from_server[1]);
    int wfd = to_server[1], rfd = from_server[0];
    fcntl(wfd, F_SETFL, O_NONBLOCK);

    long all = warmup + total;
    double *sent_at = calloc((size_t)all + 2, sizeof(double));
    double *latency = calloc((size_t)total + 1, sizeof(double));
    if (!sent_at || !latency) die("calloc");

    size_t in_cap = 1 << 20, in_len = 0;
    char *in_buf = malloc(in_cap);
    double startup_us = -1;
    long next_id = 1, done = 0, measured = 0;
    double measure_start = 0;

    if (strcmp(era, "legacy") == 0) {
        const char *init = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                           "\"capabilities\":{},\"clientInfo\":{\"name\":\"stdio_load\",\"version\":\"1\"}}}\n";
        out_append(init, strlen(init));
    }
    int handshake_done = strcmp(era, "legacy") != 0;
    long outstanding = 0;

    while (done < all) {
        if (handshake_done) {
            while (outstanding < inflight && next_id <= all) {
                if (next_id == warmup + 1) measure_start = now_us();
                sent_at[next_id] = now_us();
                append_request(next_id++);
                outstanding++;
            }
        }
        struct pollfd fds[2] = {{rfd, POLLIN, 0}, {wfd, out_len ? POLLOUT : 0, 0}};
        if (poll(fds, 2, 120000) <= 0) { fprintf(stderr, "stdio_load: server silent for 120 s (done %ld of %ld)\n", done, all); kill(pid, SIGKILL); return 1; }
        if (out_len && (fds[1].revents & (POLLOUT | POLLERR))) {
            ssize_t n = write(wfd, out_buf, out_len);
            if (n < 0 && errno != EAGAIN) die("write to server");
            if (n > 0) { memmove(out_buf, out_buf + n, out_len - (size_t)n); out_len -= (size_t)n; }
        }
        if (fds[0].revents & (POLLIN | POLLHUP)) {
            if (in_len == in_cap) { in_cap *= 2; in_buf = realloc(in_buf, in_cap); }
            ssize_t n = read(rfd, in_buf + in_len, in_cap - in_len);
            if (n <= 0) { fprintf(stderr, "stdio_load: server closed its output (done %ld of %ld)\n", done, all); return 1; }
            in_len += (size_t)n;
            size_t start = 0;
            for (;;) {
                char *nl = memchr(in_buf + start, '\n', in_len - start);
                if (!nl) break;
                size_t len = (size_t)(nl - (in_buf + start));
                long id = response_id(in_buf + start, len);
                double t = now_us();
                if (id == 0 && !handshake_done) {
                    startup_us = t - spawned;
                    const char *note = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";
                    out_append(note, strlen(note));
                    handshake_done = 1;
                } else if (id > 0 && id <= all) {
                    if (startup_us < 0) startup_us = t - spawned;
                    if (memmem(in_buf + start, len, "\"error\"", 7) || memmem(in_buf + start, len, "\"isError\":true", 14)) {
                        fprintf(stderr, "stdio_load: request %ld failed: %.*s\n", id, (int)(len > 400 ? 400 : len), in_buf + start);
                        return 1;
                    }
                    size_t cursor_len = 0;
                    const char *cursor = walk_pages ? next_cursor(in_buf + start, len, &cursor_len) : NULL;
                    if (cursor) {  /* the walk goes on: the same request, its next page */
                        append_next_page(id, cursor, cursor_len);
                        start += len + 1;
                        continue;
                    }
                    if (id > warmup) latency[measured++] = t - sent_at[id];
                    done++;
                    outstanding--;
                }
                start += len + 1;
            }
            memmove(in_buf, in_buf + start, in_len - start);
            in_len -= start;
        }
    }
    double elapsed = now_us() - measure_start;
    close(wfd);
    int status;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) die("wait4");
    qsort(latency, (size_t)measured, sizeof(double), cmp_double);
    printf("{\"requests\":%ld,\"inflight\":%ld,\"calls_per_s\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
           "\"startup_ms\":%.2f,\"peak_rss_kb\":%ld,\"exit\":%d}\n",
           measured, inflight, measured / (elapsed / 1e6), latency[measured / 2], latency[(measured * 99) / 100],
           startup_us / 1e3, usage.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
