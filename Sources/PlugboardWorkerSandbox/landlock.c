/* Landlock, through raw system calls with our own copies of the UAPI definitions, so the worker builds against
 * older kernel headers and asks the running kernel which ABI it speaks. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "worker_sandbox.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

struct pbw_ruleset_attr { uint64_t handled_access_fs, handled_access_net, scoped; };
struct pbw_path_beneath { uint64_t allowed_access; int32_t parent_fd; } __attribute__((packed));

enum {
    FS_EXECUTE = 1 << 0, FS_WRITE_FILE = 1 << 1, FS_READ_FILE = 1 << 2, FS_READ_DIR = 1 << 3,
    FS_REMOVE_DIR = 1 << 4, FS_REMOVE_FILE = 1 << 5, FS_MAKE_CHAR = 1 << 6, FS_MAKE_DIR = 1 << 7,
    FS_MAKE_REG = 1 << 8, FS_MAKE_SOCK = 1 << 9, FS_MAKE_FIFO = 1 << 10, FS_MAKE_BLOCK = 1 << 11,
    FS_MAKE_SYM = 1 << 12, FS_REFER = 1 << 13, FS_TRUNCATE = 1 << 14, FS_IOCTL_DEV = 1 << 15,
};
#define NET_BIND_TCP 1ULL
#define NET_CONNECT_TCP 2ULL
#define SCOPE_ABSTRACT_UNIX_SOCKET 1ULL
#define SCOPE_SIGNAL 2ULL
#define RULE_PATH_BENEATH 1
#define RULE_NET_PORT 2

static uint64_t file_rights(uint64_t rights) { return rights & (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV); }

static int allow(int ruleset, const char *path, uint64_t rights, uint64_t handled, char *message, size_t capacity) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        snprintf(message, capacity, "cannot open %s for a rule: %s", path, strerror(errno));
        return -1;
    }
    struct stat info;
    if (fstat(fd, &info) == 0 && !S_ISDIR(info.st_mode)) rights = file_rights(rights);
    struct pbw_path_beneath rule = { rights & handled, fd };
    long status = syscall(SYS_landlock_add_rule, ruleset, RULE_PATH_BENEATH, &rule, 0);
    int saved = errno;
    close(fd);
    if (status != 0) {
        snprintf(message, capacity, "landlock_add_rule for %s failed: %s", path, strerror(saved));
        return -1;
    }
    return 0;
}

int pbw_landlock(const char *const *read_paths, size_t read_count, const char *const *write_paths, size_t write_count,
                 int allow_network, char *message, size_t capacity) {
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U /* LANDLOCK_CREATE_RULESET_VERSION */);
    if (abi < 0) {
        snprintf(message, capacity, "unavailable: this kernel has no Landlock (%s)", strerror(errno));
        return PBW_UNAVAILABLE;
    }
    uint64_t handled = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_READ_DIR | FS_REMOVE_DIR | FS_REMOVE_FILE
        | FS_MAKE_CHAR | FS_MAKE_DIR | FS_MAKE_REG | FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_BLOCK | FS_MAKE_SYM;
    if (abi >= 2) handled |= FS_REFER;
    if (abi >= 3) handled |= FS_TRUNCATE;
    if (abi >= 5) handled |= FS_IOCTL_DEV;
    struct pbw_ruleset_attr attr = { handled, 0, 0 };
    size_t size = sizeof(uint64_t);
    if (abi >= 4) {
        size = 2 * sizeof(uint64_t);
        if (!allow_network) attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
    }
    if (abi >= 6) {
        size = sizeof attr;
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL;
    }
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
    if (ruleset < 0) {
        snprintf(message, capacity, "landlock_create_ruleset failed: %s", strerror(errno));
        return PBW_FAILED;
    }
    uint64_t read_only = FS_READ_FILE | FS_READ_DIR;
    for (size_t i = 0; i < read_count; i++)
        if (allow(ruleset, read_paths[i], read_only, handled, message, capacity) != 0) { close(ruleset); return PBW_FAILED; }
    for (size_t i = 0; i < write_count; i++)
        if (allow(ruleset, write_paths[i], handled & ~(uint64_t)FS_EXECUTE, handled, message, capacity) != 0) { close(ruleset); return PBW_FAILED; }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
        snprintf(message, capacity, "landlock_restrict_self failed: %s", strerror(errno));
        close(ruleset);
        return PBW_FAILED;
    }
    close(ruleset);
    snprintf(message, capacity, "ABI %ld: read-only %zu path(s), read-write %zu path(s)%s%s", abi, read_count, write_count,
             abi >= 4 && !allow_network ? ", no TCP" : "", abi >= 6 ? ", signals and abstract sockets scoped" : "");
    return PBW_APPLIED;
}
