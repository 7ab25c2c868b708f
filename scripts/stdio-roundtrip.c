/* stdio tools/call round trip: starts `plugboard serve --stdio ARGS...`, completes the handshake, then sends
 * N tools/call requests one at a time (each waits for its response) and prints p50/p99/mean latency and calls/s;
 * then the same N with W requests kept in flight. Build and run through scripts/stdio-roundtrip. */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static int to_server, from_server;
static char inbuf[1 << 20];
static size_t inlen;

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void send_all(const char *s, size_t n) {
    while (n) { ssize_t w = write(to_server, s, n); if (w <= 0) { perror("write"); exit(1); } s += w; n -= w; }
}

/* Reads one line (a whole message); skips notifications. */
static void read_response(void) {
    for (;;) {
        char *nl = memchr(inbuf, '\n', inlen);
        if (nl) {
            size_t len = nl - inbuf + 1;
            int is_response = strstr(inbuf, "\"id\":") && strstr(inbuf, "\"id\":") < nl;
            if (memmem(inbuf, len, "\"error\"", 7)) { fwrite(inbuf, 1, len, stderr); exit(1); }
            memmove(inbuf, inbuf + len, inlen - len);
            inlen -= len;
            if (is_response) return;
            continue;
        }
        ssize_t r = read(from_server, inbuf + inlen, sizeof inbuf - inlen);
        if (r <= 0) { fprintf(stderr, "server closed\n"); exit(1); }
        inlen += r;
    }
}

static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return (x > y) - (x < y); }

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s PLUGBOARD TOOL ARGS_JSON N [serve args...]\n", argv[0]); return 2; }
    const char *tool = argv[2], *args = argv[3];
    int n = atoi(argv[4]), window = 16;
    int in[2], out[2];
    if (pipe(in) || pipe(out)) return 1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char *sargv[64] = {argv[1], "serve", "--stdio"};
    int k = 3;
    for (int i = 5; i < argc && k < 62; i++) sargv[k++] = argv[i];
    sargv[k] = NULL;
    pid_t pid;
    if (posix_spawn(&pid, argv[1], &fa, NULL, sargv, environ)) { perror("spawn"); return 1; }
    close(in[0]); close(out[1]);
    to_server = in[1]; from_server = out[0];

    const char *init = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"driver\",\"version\":\"1\"}}}\n"
                       "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";
    send_all(init, strlen(init));
    read_response();

    char msg[4096];
    double *lat = malloc(sizeof(double) * n);
    for (int i = 0; i < n + 1000; i++) {  /* the first 1000 warm up */
        int len = snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\",\"arguments\":%s}}\n", i + 1, tool, args);
        double t0 = now_us();
        send_all(msg, len);
        read_response();
        if (i >= 1000) lat[i - 1000] = now_us() - t0;
    }
    double total = 0;
    for (int i = 0; i < n; i++) total += lat[i];
    qsort(lat, n, sizeof(double), cmp);
    printf("%s, one in flight: %d calls, p50 %.1f us, p99 %.1f us, mean %.1f us, %.0f calls/s\n",
           tool, n, lat[n / 2], lat[n * 99 / 100], total / n, n / (total / 1e6));

    double t0 = now_us();
    int sent = 0, done = 0;
    while (done < n) {
        while (sent < n && sent - done < window) {
            int len = snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\",\"arguments\":%s}}\n", 1000000 + sent, tool, args);
            send_all(msg, len);
            sent++;
        }
        read_response();
        done++;
    }
    double elapsed = now_us() - t0;
    printf("%s, %d in flight: %d calls in %.3f s, %.0f calls/s\n", tool, window, n, elapsed / 1e6, n / (elapsed / 1e6));
    close(to_server);
    return 0;
}
