/* Parent-death signal, namespaces and resource limits. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "worker_sandbox.h"

int pbw_parent_death_signal(int expected_parent, char *message, size_t capacity) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
        snprintf(message, capacity, "PR_SET_PDEATHSIG failed: %s", strerror(errno));
        return PBW_FAILED;
    }
    /* The host may have died between spawning us and the prctl: then nobody would ever send the signal. */
    if (expected_parent > 0 && getppid() != expected_parent) {
        snprintf(message, capacity, "the host (pid %d) is already gone", expected_parent);
        return PBW_FAILED;
    }
    snprintf(message, capacity, "SIGKILL when the host exits");
    return PBW_APPLIED;
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t length = (ssize_t)strlen(text);
    ssize_t written = write(fd, text, (size_t)length);
    close(fd);
    return written == length ? 0 : -1;
}

/* In the new mount namespace: /proc becomes this process's own task directory, so /proc/<tid>/stat (which
 * libdispatch reads) works and no other process is visible. Mounts are made private first: nothing done here
 * may propagate back to the host's namespace. */
static const char *hide_other_processes(void) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return "mounts could not be made private";
    if (mount("/proc/self/task", "/proc", NULL, MS_BIND | MS_REC, NULL) != 0) return strerror(errno);
    return NULL;
}

int pbw_namespaces(int want_network_namespace, char *message, size_t capacity) {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    int extra = CLONE_NEWNS | CLONE_NEWIPC | (want_network_namespace ? CLONE_NEWNET : 0);
    const char *what = want_network_namespace ? "mount, IPC, network" : "mount, IPC";
    if (unshare(CLONE_NEWUSER | extra) == 0) {
        char map[64];
        snprintf(map, sizeof map, "%u %u 1", (unsigned)uid, (unsigned)uid);
        int mapped = write_file("/proc/self/uid_map", map) == 0;
        snprintf(map, sizeof map, "%u %u 1", (unsigned)gid, (unsigned)gid);
        mapped = mapped && write_file("/proc/self/setgroups", "deny") == 0 && write_file("/proc/self/gid_map", map) == 0;
        const char *proc = hide_other_processes();
        snprintf(message, capacity, "user, %s namespaces%s; %s%s", what,
                 mapped ? "" : " (the uid/gid map could not be written: the worker runs as nobody inside)",
                 proc ? "/proc unchanged: " : "/proc shows only the worker's threads", proc ? proc : "");
        return PBW_APPLIED;
    }
    int user_errno = errno;
    /* No user namespaces here (often EPERM in containers); with CAP_SYS_ADMIN the others still work. */
    if (unshare(extra) == 0) {
        const char *proc = hide_other_processes();
        snprintf(message, capacity, "%s namespaces; no user namespace (%s); %s%s", what, strerror(user_errno),
                 proc ? "/proc unchanged: " : "/proc shows only the worker's threads", proc ? proc : "");
        return PBW_APPLIED;
    }
    snprintf(message, capacity, "unavailable: unshare failed (%s with a user namespace, %s without)",
             strerror(user_errno), strerror(errno));
    return PBW_UNAVAILABLE;
}

int pbw_rlimit(int resource, uint64_t value, char *message, size_t capacity) {
    struct rlimit limit = { (rlim_t)value, (rlim_t)value };
    /* CPU: at equal soft and hard limits the kernel sends SIGKILL before SIGXCPU; a second apart, SIGXCPU comes
     * first and the worker can say why it is dying. */
    if (resource == RLIMIT_CPU && value < RLIM_INFINITY - 1) limit.rlim_max = (rlim_t)value + 1;
    if (setrlimit(resource, &limit) != 0) {
        snprintf(message, capacity, "setrlimit failed: %s", strerror(errno));
        return PBW_FAILED;
    }
    snprintf(message, capacity, "%llu", (unsigned long long)value);
    return PBW_APPLIED;
}

void pbw_close_descriptors_from(int first) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0) return;
#endif
    long highest = sysconf(_SC_OPEN_MAX);
    for (long fd = first; fd < highest && fd < 65536; fd++) close((int)fd);
}
