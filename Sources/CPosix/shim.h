// POSIX and Linux calls that Swift's Glibc module leaves out (they need _GNU_SOURCE).
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

// A pipe whose two ends are close-on-exec from the start: in a multi-threaded host, a process spawned by another
// thread between pipe() and fcntl() would inherit them.
static inline int pb_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
