/* libseccomp (Debian libseccomp-dev), for the worker's system-call filter. */
#include <seccomp.h>
