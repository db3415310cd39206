/* The seccomp filter, loaded last before exec. A deny list, because cargo,
 * rustc and build scripts legitimately use most of the kernel; each denied
 * call fails with an errno, never a kill that takes one thread (that would
 * hang the build). clone3 fails with ENOSYS so glibc falls back to clone,
 * whose namespace flags we can inspect. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>

#include <seccomp.h>

#include "jail.h"

static const char *const denied[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", "bpf",
	"perf_event_open", "keyctl", "add_key", "request_key", "mount",
	"umount2", "pivot_root", "unshare", "setns", "init_module",
	"finit_module", "delete_module", "kexec_load", "kexec_file_load",
	"io_uring_setup", "io_uring_enter", "io_uring_register", "reboot",
	"swapon", "swapoff", "open_by_handle_at", "name_to_handle_at",
	"fsopen", "fsmount", "fsconfig", "move_mount", "open_tree",
	"mount_setattr", "userfaultfd", "acct", "quotactl", "lookup_dcookie",
	"settimeofday", "clock_settime", "adjtimex", "clock_adjtime",
	"syslog", "vhangup", "iopl", "ioperm", "uselib", "personality",
	NULL
};

static const unsigned long namespace_flags[] = { CLONE_NEWUSER,
	CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWCGROUP };

int
jail_seccomp(char *msg, size_t len)
{
#ifdef RTFORGE_VALGRIND_BUILD
	/* valgrind runs the jail's child up to exec and cannot load a
	 * filter: only this build skips the layer, and the log says so. */
	snprintf(msg, len, "jail: seccomp NOT applied (a valgrind build, "
	    "bin-vg: valgrind cannot load a filter)");
	return 0;
#endif
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int count = 0, r = 0;
	if (ctx == NULL) {
		snprintf(msg, len, "jail: seccomp_init failed");
		return -1;
	}
	/* Another ABI (i386, x32) is a way around the filter: refuse it. */
	r |= seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS);
	for (size_t i = 0; denied[i]; i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;
		r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		count++;
	}
	int clone3 = seccomp_syscall_resolve_name("clone3");
	if (clone3 != __NR_SCMP_ERROR)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), clone3, 0);
	for (size_t i = 0; i < sizeof(namespace_flags) /
	    sizeof(namespace_flags[0]); i++)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ,
		    namespace_flags[i], namespace_flags[i]));
	if (r != 0 || seccomp_load(ctx) != 0) {
		snprintf(msg, len, "jail: cannot build or load the seccomp "
		    "filter");
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	snprintf(msg, len, "jail: seccomp denies %d system calls (ptrace, "
	    "bpf, mount, unshare, io_uring, kexec, ...); clone3 gets ENOSYS; "
	    "no new namespaces", count);
	return 0;
}
