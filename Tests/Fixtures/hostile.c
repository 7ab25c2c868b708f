/* A hostile provider for the sandbox tests: one tool per way a plugin can hurt its host. Run only in a worker.
 *   segfault       writes through a NULL pointer
 *   abort          calls abort()
 *   spin           loops forever and never polls for cancellation
 *   polite_spin    loops until the host cancels the call
 *   cpu_burn       burns CPU (polls cancellation, so only the CPU-time limit stops it)
 *   memory_bomb    allocates and touches 1 MiB blocks until malloc fails, then uses the NULL it got
 *   fork_bomb      forks (at most 64 times; children exit at once) and reports how many forks succeeded
 *   fd_leak        duplicates descriptors until the system refuses, never closes them
 *   chatter        writes to stdout and stderr, then answers "chatted"
 *   flood          writes 4 MiB of lines to stdout, then answers "flooded"
 *   oversized      answers with a string of {"bytes": N} bytes
 *   open_socket    creates a TCP socket
 *   exec_shell     runs /bin/sh with execl
 *   read_file      reads {"path": "..."} and answers with its size
 *   write_file     creates {"path": "..."}
 *   signal_host    sends SIGTERM to its parent (the host)
 *   forge_frame    writes a frame header claiming 2 GB into the worker's channel (descriptor 3)
 *   close_channel  shuts down and closes the worker's channel (descriptor 3) and keeps running
 *   fine           answers "fine"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "plugboard.h"

static const pb_host *host;

static int32_t init(const pb_host *h, const char *config, void **state, char *err, size_t cap) {
    (void)config; (void)err; (void)cap;
    host = h;
    *state = NULL;
    return 0;
}

static int32_t fail_errno(pb_call *call, const char *what, int count) {
    char message[256];
    snprintf(message, sizeof message, "%s failed after %d: %s", what, count, strerror(errno));
    host->set_error(call, PB_ERROR_FAILED, message);
    return PB_OK;
}

static int32_t segfault(pb_call *call, const pb_request *request) {
    (void)call; (void)request;
    *(volatile int *)0 = 1;
    return PB_OK;
}

static int32_t do_abort(pb_call *call, const pb_request *request) {
    (void)call; (void)request;
    abort();
}

static int32_t spin(pb_call *call, const pb_request *request) {
    (void)call; (void)request;
    for (volatile unsigned long i = 0;; i++) {}
    return PB_OK;
}

static int32_t polite_spin(pb_call *call, const pb_request *request) {
    (void)request;
    while (!host->is_cancelled(call)) usleep(1000);
    host->set_error(call, PB_ERROR_FAILED, "stopped: cancelled");
    return PB_OK;
}

static int32_t cpu_burn(pb_call *call, const pb_request *request) {
    (void)request;
    volatile unsigned long sum = 0;
    while (!host->is_cancelled(call)) for (int i = 0; i < 1000000; i++) sum += (unsigned long)i;
    host->set_error(call, PB_ERROR_FAILED, "cpu_burn was cancelled");
    return PB_OK;
}

static int32_t memory_bomb(pb_call *call, const pb_request *request) {
    (void)call; (void)request;
    for (;;) {
        char *block = malloc(1 << 20);
        memset(block, 1, 1 << 20); /* careless: no NULL check, like the code this stands for */
    }
    return PB_OK;
}

static int32_t fork_bomb(pb_call *call, const pb_request *request) {
    (void)request;
    int forks = 0;
    for (; forks < 64; forks++) {
        pid_t child = fork();
        if (child < 0) return fail_errno(call, "fork", forks);
        if (child == 0) _exit(0);
        waitpid(child, NULL, 0);
    }
    host->set_result(call, "\"forked 64 times\"");
    return PB_OK;
}

static int32_t fd_leak(pb_call *call, const pb_request *request) {
    (void)request;
    for (int count = 0;; count++)
        if (dup(0) < 0) return fail_errno(call, "dup", count);
}

static int32_t chatter(pb_call *call, const pb_request *request) {
    (void)request;
    printf("hello from the plugin on stdout\n");
    fflush(stdout);
    fprintf(stderr, "hello from the plugin on stderr\n");
    host->set_result(call, "\"chatted\"");
    return PB_OK;
}

static int32_t flood(pb_call *call, const pb_request *request) {
    (void)request;
    char line[1024];
    memset(line, 'f', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    for (int i = 0; i < 4096; i++) fwrite(line, 1, sizeof line, stdout);
    fflush(stdout);
    host->set_result(call, "\"flooded\"");
    return PB_OK;
}

static long number_argument(const pb_request *request, const char *name, long fallback) {
    const char *at = strstr(request->arguments, name);
    if (at == NULL) return fallback;
    at = strchr(at, ':');
    return at ? strtol(at + 1, NULL, 10) : fallback;
}

static int32_t oversized(pb_call *call, const pb_request *request) {
    long bytes = number_argument(request, "\"bytes\"", 4 << 20);
    char *text = malloc((size_t)bytes + 3);
    text[0] = '"';
    memset(text + 1, 'x', (size_t)bytes);
    text[bytes + 1] = '"';
    text[bytes + 2] = 0;
    host->set_result(call, text);
    free(text);
    return PB_OK;
}

static int32_t open_socket(pb_call *call, const pb_request *request) {
    (void)request;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return fail_errno(call, "socket", 0);
    close(fd);
    host->set_result(call, "\"socket opened\"");
    return PB_OK;
}

static int32_t exec_shell(pb_call *call, const pb_request *request) {
    (void)request;
    execl("/bin/sh", "sh", "-c", "echo pwned", (char *)NULL);
    return fail_errno(call, "execl /bin/sh", 0);
}

/* The path is the value of "path" in the arguments, e.g. {"path":"/etc/passwd"} (no escapes). */
static int path_argument(const pb_request *request, char *path, size_t capacity) {
    const char *at = strstr(request->arguments, "\"path\"");
    if (at == NULL || (at = strchr(at + 6, '"')) == NULL) return -1;
    const char *end = strchr(at + 1, '"');
    if (end == NULL || (size_t)(end - at) >= capacity) return -1;
    memcpy(path, at + 1, (size_t)(end - at - 1));
    path[end - at - 1] = 0;
    return 0;
}

static int32_t read_file(pb_call *call, const pb_request *request) {
    char path[512];
    if (path_argument(request, path, sizeof path) != 0) {
        host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "pass {\"path\": \"...\"}");
        return PB_OK;
    }
    FILE *file = fopen(path, "r");
    if (file == NULL) return fail_errno(call, path, 0);
    long size = 0;
    while (fgetc(file) != EOF) size++;
    fclose(file);
    char answer[64];
    snprintf(answer, sizeof answer, "%ld", size);
    host->set_result(call, answer);
    return PB_OK;
}

static int32_t write_file(pb_call *call, const pb_request *request) {
    char path[512];
    if (path_argument(request, path, sizeof path) != 0) {
        host->set_error(call, PB_ERROR_INVALID_ARGUMENTS, "pass {\"path\": \"...\"}");
        return PB_OK;
    }
    FILE *file = fopen(path, "w");
    if (file == NULL) return fail_errno(call, path, 0);
    fputs("written by the plugin\n", file);
    fclose(file);
    host->set_result(call, "\"written\"");
    return PB_OK;
}

static int32_t signal_host(pb_call *call, const pb_request *request) {
    (void)request;
    if (kill(getppid(), SIGTERM) != 0) return fail_errno(call, "kill(host, SIGTERM)", 0);
    host->set_result(call, "\"signalled the host\"");
    return PB_OK;
}

static int32_t forge_frame(pb_call *call, const pb_request *request) {
    (void)call; (void)request;
    const unsigned char header[5] = {0xff, 0xff, 0xff, 0x7f, 7};
    ssize_t ignored = write(3, header, sizeof header);
    (void)ignored;
    sleep(5);
    return PB_OK;
}

static int32_t close_channel(pb_call *call, const pb_request *request) {
    (void)call; (void)request;
    shutdown(3, SHUT_RDWR);
    close(3);
    sleep(5);
    return PB_OK;
}

static int32_t fine(pb_call *call, const pb_request *request) {
    (void)request;
    host->set_result(call, "\"fine\"");
    return PB_OK;
}

static int32_t describe(void *state, pb_registrar *registrar) {
    (void)state;
    static const struct { const char *name; pb_handler handler; } tools[] = {
        {"segfault", segfault}, {"abort", do_abort}, {"spin", spin}, {"polite_spin", polite_spin},
        {"cpu_burn", cpu_burn}, {"memory_bomb", memory_bomb}, {"fork_bomb", fork_bomb}, {"fd_leak", fd_leak},
        {"chatter", chatter}, {"flood", flood}, {"oversized", oversized}, {"open_socket", open_socket}, {"exec_shell", exec_shell},
        {"read_file", read_file}, {"write_file", write_file}, {"signal_host", signal_host}, {"forge_frame", forge_frame},
        {"close_channel", close_channel}, {"fine", fine},
    };
    int failures = 0;
    for (size_t i = 0; i < sizeof tools / sizeof *tools; i++) {
        pb_component tool = PB_COMPONENT_INIT;
        tool.kind = PB_KIND_TOOL;
        tool.key = tools[i].name;
        tool.handler = tools[i].handler;
        tool.flags = PB_FLAG_REENTRANT;
        failures += registrar->add(registrar, &tool) != 0;
    }
    return failures;
}

PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = PB_ENTRY_INIT("hostile", "6.6.6", init, describe, NULL);
    return &entry;
}
