/* The sign worker's seccomp allowlist, entered once its keys are in
 * custody (custody.h shows the order). From then on it may only do what
 * its event loop needs: framed IPC on its Unix socket (with SCM_RIGHTS),
 * TCP or Unix connections to the node, reading and mapping the fds it is
 * handed, appending to its audit log, time, memory, signals, exit.
 *
 * Every unlisted system call fails with EPERM. Calls that only an
 * attacker would make (execve, ptrace, process_vm_*, fork/clone, mount,
 * bpf, module loading, namespaces, io_uring, ...) kill the whole process
 * (SCMP_ACT_KILL_PROCESS). Executable memory cannot be created (mmap and
 * mprotect with PROT_EXEC fail). openat is allowed only to append to a
 * file (O_WRONLY|O_APPEND, O_CREAT allowed, no O_TRUNC): the path cannot
 * be checked by seccomp, but nothing can be opened for reading. So
 * resolve names (getaddrinfo reads /etc files) and open anything to read
 * before entering; after it, a received fd is the only way to read.
 *
 * Sanitizer builds: LeakSanitizer's exit-time check needs clone and
 * ptrace, which the filter kills, so the check is run once just before
 * the filter goes on (a real leak until then is still reported) and not
 * at exit. ASan's reports still print, but their stack traces stay
 * unsymbolized (module+offset): the symbolizer cannot open the binary.
 *
 * Also sets no_new_privs. Returns 0, or -1 with err set. */
#ifndef RTFORGE_SIGN_SECCOMP_H
#define RTFORGE_SIGN_SECCOMP_H

#include <stddef.h>

/* The upgrade store's directory: renameat and unlinkat are allowed
 * there, and nowhere else. Call before sign_seccomp_enter. */
void sign_seccomp_allow_store(int dirfd);
int sign_seccomp_enter(char *err, size_t errlen);

#endif
