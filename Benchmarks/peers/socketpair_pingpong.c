/* The floor of a sandboxed call: one cross-process round trip over the kind of channel the host and its worker
 * use (an AF_UNIX stream socketpair), with length-prefixed frames about the size of a small call and its answer.
 * A parent writes a frame, its child reads it whole and answers with another; the parent times each round trip.
 * Prints {"calls_per_s": …, "p50_us": …, "p99_us": …} like the other drivers.
 *   socketpair_pingpong [round trips]   (default 50000) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int full(int fd, void *buffer, size_t length, int writing) {
    char *bytes = buffer;
    while (length > 0) {
        ssize_t done = writing ? write(fd, bytes, length) : read(fd, bytes, length);
        if (done <= 0) return -1;
        bytes += done;
        length -= (size_t)done;
    }
    return 0;
}

/* One frame: a 4-byte length, then that many bytes. */
static int send_frame(int fd, const char *payload, uint32_t length) {
    char frame[4 + 512];
    memcpy(frame, &length, 4);
    memcpy(frame + 4, payload, length);
    return full(fd, frame, 4 + length, 1);
}

static int receive_frame(int fd, char *payload) {
    uint32_t length;
    if (full(fd, &length, 4, 0) != 0 || length > 512) return -1;
    return full(fd, payload, length, 0);
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    long count = argc > 1 ? atol(argv[1]) : 50000;
    static const char request[] = "{\"kind\":1,\"key\":\"add\",\"version\":null,\"arguments\":{\"a\":1,\"b\":2},\"meta\":{}}";
    static const char answer[] = "{\"content\":[{\"type\":\"text\",\"text\":\"3\"}],\"structuredContent\":{\"result\":3}}";
    int pair[2];
    if (count < 1 || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) return 1;
    pid_t child = fork();
    if (child == 0) {
        close(pair[0]);
        char payload[512];
        while (receive_frame(pair[1], payload) == 0) {
            if (send_frame(pair[1], answer, sizeof answer - 1) != 0) break;
        }
        _exit(0);
    }
    close(pair[1]);
    double *samples = malloc(sizeof(double) * (size_t)count);
    char payload[512];
    for (long warm = 0; warm < count / 10; warm++) {
        if (send_frame(pair[0], request, sizeof request - 1) != 0 || receive_frame(pair[0], payload) != 0) return 1;
    }
    double started = now_us();
    for (long i = 0; i < count; i++) {
        double before = now_us();
        if (send_frame(pair[0], request, sizeof request - 1) != 0 || receive_frame(pair[0], payload) != 0) return 1;
        samples[i] = now_us() - before;
    }
    double elapsed = now_us() - started;
    close(pair[0]);
    waitpid(child, NULL, 0);
    qsort(samples, (size_t)count, sizeof(double), compare);
    printf("{\"calls_per_s\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f}\n", count / (elapsed / 1e6), samples[count / 2],
           samples[(long)(count * 0.99)]);
    return 0;
}
