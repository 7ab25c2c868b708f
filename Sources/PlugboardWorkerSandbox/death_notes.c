/* Tells the host why the worker is dying when the signal alone would mislead: a SIGSEGV or SIGABRT after a
 * failed allocation is the memory limit at work, SIGXCPU is the CPU-time limit. Async-signal-safe only. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <execinfo.h>
#include "worker_sandbox.h"

static int note_descriptor = -1;
static char alternate_stack[64 * 1024];

static void on_fatal_signal(int signal_number) {
    char note = 0;
    if (signal_number == SIGXCPU) {
        note = PBW_NOTE_CPU;
    } else {
        /* If not even a few megabytes of address space are left, the limit is what brought the plugin down. */
        size_t probe = 4u << 20;
        void *space = mmap(NULL, probe, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (space == MAP_FAILED) note = PBW_NOTE_MEMORY;
        else munmap(space, probe);
    }
    if (note != 0 && note_descriptor >= 0) {
        ssize_t ignored = write(note_descriptor, &note, 1);
        (void)ignored;
    }
    /* Where it happened, for the plugin's author: the host logs the worker's stderr. */
    void *frames[32];
    int count = backtrace(frames, 32);
    backtrace_symbols_fd(frames, count, 2);
    /* SA_RESETHAND restored the default action: die of the same signal, so the host sees it. */
    raise(signal_number);
}

void pbw_install_death_notes(int note_fd) {
    note_descriptor = note_fd;
    /* backtrace() loads libgcc_s (and allocates) on first use: do that now, never inside the handler. */
    void *warm[1];
    (void)backtrace(warm, 1);
    stack_t stack = { .ss_sp = alternate_stack, .ss_size = sizeof alternate_stack, .ss_flags = 0 };
    sigaltstack(&stack, NULL);
    const int signals[] = { SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGXCPU };
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_fatal_signal;
        action.sa_flags = SA_RESETHAND | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(signals[i], &action, NULL);
    }
}
