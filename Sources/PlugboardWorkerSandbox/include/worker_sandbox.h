/*
 * The sandbox layers plugboard-worker applies to itself before it loads a plugin. Each function returns
 * PBW_APPLIED, PBW_UNAVAILABLE (the kernel or the environment does not offer the layer; the rest still apply) or
 * PBW_FAILED, and writes one line saying what it did or why not into `message`.
 */
#ifndef PLUGBOARD_WORKER_SANDBOX_H
#define PLUGBOARD_WORKER_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include <sys/resource.h>

/* RLIMIT_NPROC, which Swift's Glibc module does not export. */
static const int PBW_RLIMIT_NPROC = RLIMIT_NPROC;

#define PBW_APPLIED 0
#define PBW_UNAVAILABLE 1
#define PBW_FAILED 2

/* Death codes the crash handler writes to the note descriptor, for the host's error message. */
#define PBW_NOTE_MEMORY 'M'
#define PBW_NOTE_CPU 'C'

/* SIGKILL when the host (expected_parent) dies; PBW_FAILED if the host is already gone. */
int pbw_parent_death_signal(int expected_parent, char *message, size_t capacity);

/* New user (mapping this uid/gid to itself), mount, network and IPC namespaces, falling back to fewer. */
int pbw_namespaces(int want_network_namespace, char *message, size_t capacity);

/* Soft and hard limit of `resource` set to `value`. */
int pbw_rlimit(int resource, uint64_t value, char *message, size_t capacity);

/* Landlock: nothing on the file system but read-only `read_paths` (files or directories) and read-write
 * `write_paths`; without network, no TCP bind/connect (ABI 4+); no signals outside the sandbox (ABI 6+). */
int pbw_landlock(const char *const *read_paths, size_t read_count, const char *const *write_paths, size_t write_count,
                 int allow_network, char *message, size_t capacity);

/* seccomp: no exec, ptrace, mount, namespaces, module or kernel-level calls, signals only to itself, no raised
 * limits; no new sockets unless allow_network; no new processes (threads are fine) unless allow_processes. */
int pbw_seccomp(int allow_network, int allow_processes, char *message, size_t capacity);

/* On a fatal signal, writes a note (memory limit reached / CPU limit) to note_fd, then dies of the signal. */
void pbw_install_death_notes(int note_fd);

/* Closes every descriptor from `first` up, whatever the host let slip through (close_range, or one by one). */
void pbw_close_descriptors_from(int first);

#endif
