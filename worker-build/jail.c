/* Spawning cargo in the jail: the parent's half (clone, uid maps, cgroups,
 * release) and the child's half (the fixed order of steps before exec). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/capability.h>

#include "jail.h"

#define CHILD_STACK_SIZE (256 * 1024)
#define NOFILE_MIN 4096

struct child_args {
	const struct jail_spec *spec;
	int sync_fd;		/* read end: one byte means go */
	bool namespaces;
	bool cgroup_active;
};

void
jail_report_add(struct jail_report *r, const char *fmt, ...)
{
	va_list ap;
	if (r->count >= JAIL_REPORT_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->lines[r->count++], JAIL_LINE_MAX, fmt, ap);
	va_end(ap);
}

/* The child reports on its stderr, which becomes the job's log. */
static void
child_say(const char *msg)
{
	char line[JAIL_LINE_MAX + 2];
	int n = snprintf(line, sizeof(line), "%s\n", msg);
	if (n > 0) {
		ssize_t w = write(2, line, (size_t)n);
		(void)w;
	}
}

static void __attribute__((noreturn))
child_fail(const char *msg)
{
	char line[JAIL_LINE_MAX + 64];
	snprintf(line, sizeof(line), "error: %s (%s); the build was not "
	    "started", msg, strerror(errno));
	child_say(line);
	_exit(125);
}

static void
private_mounts(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		child_fail("jail: cannot make mounts private");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    NULL) != 0)
		child_fail("jail: cannot mount a private /proc");
}

static void
loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		child_fail("jail: cannot see the loopback interface");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		child_fail("jail: cannot bring loopback up");
	close(s);
}

static void
set_limit(int resource, rlim_t value, const char *name)
{
	struct rlimit rl = { value, value };
	if (setrlimit(resource, &rl) != 0)
		child_fail(name);
}

static void
apply_rlimits(const struct child_args *a)
{
	const struct config_build *b = a->spec->build;
	struct rlimit nofile;
	set_limit(RLIMIT_CORE, 0, "jail: RLIMIT_CORE");
	set_limit(RLIMIT_FSIZE, (rlim_t)b->file_size_max_mb << 20,
	    "jail: RLIMIT_FSIZE");
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 &&
	    nofile.rlim_cur < NOFILE_MIN) {
		nofile.rlim_cur = nofile.rlim_max < NOFILE_MIN ?
		    nofile.rlim_max : NOFILE_MIN;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
}

/* Without a cgroup, RLIMIT_DATA is the memory cap left: per process, so
 * weaker, but it stops a runaway allocation. It is set last, just before
 * exec, so that it measures the build and not this process (a sanitizer
 * build of the worker maps terabytes of shadow memory). */
static void
apply_fallback_limits(const struct child_args *a)
{
	const struct config_build *b = a->spec->build;
	if (a->cgroup_active)
		return;
	set_limit(RLIMIT_DATA, (rlim_t)b->memory_limit_mb << 20,
	    "jail: RLIMIT_DATA");
	/* Per uid, not per build: the best process cap left. */
	set_limit(RLIMIT_NPROC, b->pids_max, "jail: RLIMIT_NPROC");
}

static void
drop_capabilities(void)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
			child_fail("jail: cannot drop the bounding set");
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	cap_t none = cap_init();
	if (none == NULL || cap_set_proc(none) != 0)
		child_fail("jail: cannot drop capabilities");
	cap_free(none);
}

static int
child_main(void *arg)
{
	const struct child_args *a = arg;
	const struct jail_spec *spec = a->spec;
	char msg[JAIL_LINE_MAX], go;

	if (dup2(spec->out_fd, 1) < 0 || dup2(spec->err_fd, 2) < 0)
		_exit(126);
	if (read(a->sync_fd, &go, 1) != 1)
		_exit(126);	/* the parent gave up on us */
	/* Nothing of the worker's (its IPC channels least of all) may reach
	 * the build. */
	close_range(3, ~0U, 0);
	setsid();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0)
		child_fail("jail: /dev/null");
	if (a->namespaces) {
		private_mounts();
		loopback_up();
	}
	apply_rlimits(a);
	if (chdir(spec->build->source_dir) != 0)
		child_fail("cannot enter the source workspace");
	drop_capabilities();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		child_fail("jail: no_new_privs");
	int ll = jail_landlock(spec, msg, sizeof(msg));
	if (ll < 0)
		child_fail(msg);
	child_say(msg);
	if (jail_seccomp(msg, sizeof(msg)) != 0)
		child_fail(msg);
	child_say(msg);
	apply_fallback_limits(a);
	execve(spec->argv[0], (char *const *)spec->argv, spec->envp);
	child_fail("cannot execute cargo");
}

static int
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Inside the namespace the build keeps its own uid and gid: nothing in it
 * is root, and files it writes belong to the build user. */
static int
write_id_maps(pid_t pid)
{
	char path[64], map[64];
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	if (write_file(path, "deny") != 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)getuid(),
	    (unsigned)getuid());
	if (write_file(path, map) != 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)getgid(),
	    (unsigned)getgid());
	return write_file(path, map);
}

static pid_t
clone_child(struct child_args *a, char *stack, struct jail_report *report)
{
	int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET;
	/* The child gets a copy of *a as it is at clone time: say what it
	 * runs in before, not after. */
	a->namespaces = true;
	pid_t pid = clone(child_main, stack + CHILD_STACK_SIZE, flags | SIGCHLD,
	    a);
	if (pid >= 0) {
		if (write_id_maps(pid) == 0) {
			jail_report_add(report, "jail: user, mount, pid and "
			    "network namespaces: loopback only, a private "
			    "/proc, the build is pid 1 of its own tree");
			return pid;
		}
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		jail_report_add(report, "jail: cannot map ids in the user "
		    "namespace (%s)", strerror(errno));
	} else
		jail_report_add(report, "jail: the kernel refused new "
		    "namespaces (%s): the build shares the host's network and "
		    "process table; only Landlock and seccomp contain it",
		    strerror(errno));
	a->namespaces = false;
	return clone(child_main, stack + CHILD_STACK_SIZE, SIGCHLD, a);
}

pid_t
jail_spawn(const struct jail_spec *spec, struct jail_report *report,
    struct jail_cgroup_state *cg)
{
	int sync[2];
	char *stack = malloc(CHILD_STACK_SIZE);
	struct child_args a = { .spec = spec };
	if (stack == NULL || pipe2(sync, O_CLOEXEC) != 0) {
		free(stack);
		return -1;
	}
	a.sync_fd = sync[0];
	a.cgroup_active = jail_cgroup_create(cg, spec->build, spec->state_dir,
	    spec->job_id, report) == 0;
	if (!a.cgroup_active)
		jail_report_add(report, "jail: memory capped per process by "
		    "RLIMIT_DATA at %u MiB; processes capped per user by "
		    "RLIMIT_NPROC at %u", spec->build->memory_limit_mb,
		    spec->build->pids_max);
	pid_t pid = clone_child(&a, stack, report);
	int saved = errno;
	free(stack);	/* the child runs on its own copy */
	close(sync[0]);
	if (pid < 0) {
		close(sync[1]);
		errno = saved;
		return -1;
	}
	if (a.cgroup_active && jail_cgroup_attach(cg, pid) != 0)
		jail_report_add(report, "jail: could not move the build into "
		    "its cgroup (%s)", strerror(errno));
	jail_report_add(report, "jail: all capabilities dropped, "
	    "no_new_privs, RLIMIT_CORE 0, RLIMIT_FSIZE %u MiB",
	    spec->build->file_size_max_mb);
	ssize_t w = write(sync[1], "g", 1);
	(void)w;
	close(sync[1]);
	return pid;
}
