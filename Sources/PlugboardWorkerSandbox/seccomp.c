/* The worker's system-call filter: allow by default, refuse (EPERM) what a provider never needs and what would
 * let it reach outside its process: new programs, other processes, mounts, namespaces, kernel modules. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "worker_sandbox.h"

static const char *const always_refused[] = {
    "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "open_tree", "move_mount", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr", "init_module", "finit_module", "delete_module",
    "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "acct", "bpf", "perf_event_open",
    "userfaultfd", "keyctl", "add_key", "request_key", "iopl", "ioperm", "setrlimit", "tkill",
    "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "io_uring_setup", "landlock_create_ruleset",
    "seccomp", "personality", "quotactl", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "sethostname", "setdomainname", "syslog", "vhangup",
};
static const char *const process_creation[] = { "fork", "vfork" };
static const char *const socket_creation[] = { "socket", "socketpair" };

static int refuse(scmp_filter_ctx filter, const char *name, char *message, size_t capacity) {
    int number = seccomp_syscall_resolve_name(name);
    if (number == __NR_SCMP_ERROR) return 0; /* not a call on this architecture */
    int status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), number, 0);
    if (status != 0) snprintf(message, capacity, "cannot add a rule for %s: %s", name, strerror(-status));
    return status;
}

int pbw_seccomp(int allow_network, int allow_processes, char *message, size_t capacity) {
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
    if (filter == NULL) {
        snprintf(message, capacity, "unavailable: seccomp_init failed");
        return PBW_UNAVAILABLE;
    }
    int status = 0;
    size_t refused = 0;
    for (size_t i = 0; i < sizeof always_refused / sizeof *always_refused && status == 0; i++, refused++)
        status = refuse(filter, always_refused[i], message, capacity);
    if (!allow_processes) {
        for (size_t i = 0; i < 2 && status == 0; i++, refused++) status = refuse(filter, process_creation[i], message, capacity);
        /* clone: threads (CLONE_THREAD) yes, processes no. clone3 hides its flags in memory the filter cannot
         * read: ENOSYS makes glibc fall back to clone. */
        if (status == 0) status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                                                   SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
        if (status == 0) status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    }
    if (!allow_network)
        for (size_t i = 0; i < 2 && status == 0; i++, refused++) status = refuse(filter, socket_creation[i], message, capacity);
    /* Signals: only to this process (as root, kill(-1, SIGKILL) would reach every process on the machine). */
    scmp_datum_t self = (scmp_datum_t)getpid();
    if (status == 0) status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_NE, self));
    if (status == 0) status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_NE, self));
    if (status == 0) status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(rt_sigqueueinfo), 1, SCMP_A0(SCMP_CMP_NE, self));
    if (status == 0) status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(rt_tgsigqueueinfo), 1, SCMP_A0(SCMP_CMP_NE, self));
    /* prlimit64 may read limits, never set them. */
    if (status == 0) status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(prlimit64), 1, SCMP_A2(SCMP_CMP_NE, 0));
    if (status != 0) {
        if (message[0] == 0) snprintf(message, capacity, "cannot build the filter: %s", strerror(-status));
        seccomp_release(filter);
        return PBW_FAILED;
    }
    status = seccomp_load(filter);
    seccomp_release(filter);
    if (status != 0) {
        snprintf(message, capacity, "unavailable: the kernel refused the filter (%s)", strerror(-status));
        return status == -EINVAL || status == -ENOSYS ? PBW_UNAVAILABLE : PBW_FAILED;
    }
    snprintf(message, capacity, "%zu calls refused; no exec, ptrace, mount, namespaces; signals to itself only%s%s",
             refused, allow_network ? "" : "; no new sockets", allow_processes ? "" : "; no new processes");
    return PBW_APPLIED;
}
