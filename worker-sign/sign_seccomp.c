/* The sign worker's seccomp allowlist; sign_seccomp.h says what it allows
 * and why. Kept as tables so a reader can audit it in one screen. */
#include "sign_seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <seccomp.h>

static int store_dirfd = -1;

void
sign_seccomp_allow_store(int dirfd)
{
	store_dirfd = dirfd;
}

/* Replacing a record (temp file, rename) and removing a stale temp file,
 * only inside the upgrade store's directory. */
static int
add_store_rules(scmp_filter_ctx ctx)
{
	int r = 0;
	if (store_dirfd < 0)
		return 0;
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(renameat), 2,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)store_dirfd),
	    SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)store_dirfd));
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(renameat2), 2,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)store_dirfd),
	    SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)store_dirfd));
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(unlinkat), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)store_dirfd));
	return r;
}

/* LeakSanitizer's entry point, present only in sanitizer builds. */
extern void __lsan_do_leak_check(void) __attribute__((weak));

/* Allowed with any arguments. */
static const char *const allowed[] = {
	/* I/O on descriptors the worker holds or is handed */
	"read", "readv", "pread64", "preadv", "write", "writev", "pwrite64",
	"pwritev", "close", "lseek", "fstat", "fsync", "fdatasync", "fcntl",
	"dup", "dup3", "ftruncate",
	/* IPC and the node connection (socket() is restricted below) */
	"sendmsg", "recvmsg", "sendto", "recvfrom", "connect", "getsockopt",
	"setsockopt", "getsockname", "getpeername", "shutdown", "socketpair",
	"pipe2", "eventfd2",
	/* the libevent loop */
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"epoll_pwait2", "poll", "ppoll", "select", "pselect6",
	"timerfd_create", "timerfd_settime", "timerfd_gettime",
	/* time */
	"clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep",
	"clock_nanosleep",
	/* memory (mmap and mprotect are restricted below); mlock for new
	 * guarded allocations */
	"munmap", "mremap", "brk", "madvise", "mlock", "munlock",
	/* signals and exit */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	"restart_syscall", "exit", "exit_group",
	/* harmless queries; locks; randomness for sr25519 nonces */
	"getpid", "gettid", "getppid", "getuid", "geteuid", "getgid",
	"getegid", "futex", "sched_yield", "getrandom",
	NULL
};

/* Only an intruder calls these: end the whole process. */
static const char *const fatal[] = {
	"execve", "execveat", "fork", "vfork", "clone", "clone3", "ptrace",
	"process_vm_readv", "process_vm_writev", "mount", "umount2",
	"pivot_root", "chroot", "unshare", "setns", "bpf", "perf_event_open",
	"init_module", "finit_module", "delete_module", "kexec_load",
	"kexec_file_load", "userfaultfd", "keyctl", "add_key", "request_key",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"personality", "open_by_handle_at", "fsopen", "fsmount", "move_mount",
	"open_tree",
	NULL
};

static const int socket_domains[] = { AF_UNIX, AF_INET, AF_INET6 };
/* FIONREAD: libevent sizes its reads with it; TCGETS: isatty(). */
static const unsigned long ioctls[] = { FIONREAD, FIONBIO, TCGETS };

static int
add_by_name(scmp_filter_ctx ctx, uint32_t action, const char *const *names)
{
	int r = 0;

	for (size_t i = 0; names[i] != NULL; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);
		if (nr != __NR_SCMP_ERROR)
			r |= seccomp_rule_add(ctx, action, nr, 0);
	}
	return r;
}

static int
add_restricted(scmp_filter_ctx ctx)
{
	const int append = O_WRONLY | O_APPEND;
	int r = 0;

	for (size_t i = 0; i < sizeof(socket_domains) /
	    sizeof(socket_domains[0]); i++)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)socket_domains[i]));
	for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_EQ, ioctls[i]));
	/* Appending only: write-only, O_APPEND, never O_TRUNC. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_APPEND | O_TRUNC,
	    (scmp_datum_t)append));
	/* No new executable memory. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* glibc's fstat is fstatat(fd, "", AT_EMPTY_PATH): allow that form,
	 * not a stat of any path. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
	    SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(statx), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
	/* Signals to itself only (abort() raises SIGABRT). */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	return r;
}

int
sign_seccomp_enter(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	uint32_t kill_action = SCMP_ACT_KILL_PROCESS;
	int r = 0;

#ifdef RTFORGE_VALGRIND_BUILD
	(void)kill_action;
	(void)ctx;
	(void)r;
	snprintf(err, errlen, "this is a valgrind build (bin-vg): the filter "
	    "stays off, since valgrind's own system calls would trip it");
	return -1;
#endif
	/* Without KILL_PROCESS (kernel < 4.14) a kill would take one thread
	 * only: deny with EPERM instead. */
	if (seccomp_api_get() < 3)
		kill_action = SCMP_ACT_ERRNO(EPERM);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "seccomp: cannot set no_new_privs: %s",
		    strerror(errno));
		return -1;
	}
	if (__lsan_do_leak_check != NULL)
		__lsan_do_leak_check();
	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL) {
		snprintf(err, errlen, "seccomp: seccomp_init failed");
		return -1;
	}
	/* Another ABI (i386, x32) would be a way around the rules. */
	r |= seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, kill_action);
	r |= add_by_name(ctx, SCMP_ACT_ALLOW, allowed);
	r |= add_by_name(ctx, kill_action, fatal);
	r |= add_restricted(ctx);
	r |= add_store_rules(ctx);
	if (r != 0) {
		snprintf(err, errlen, "seccomp: cannot build the sign worker's "
		    "filter");
		seccomp_release(ctx);
		return -1;
	}
	if ((r = seccomp_load(ctx)) != 0) {
		snprintf(err, errlen, "seccomp: cannot load the sign worker's "
		    "filter: %s", strerror(-r));
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	return 0;
}
