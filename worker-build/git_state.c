/* Whether the source tree has changes that are not committed, asked of
 * git at the start of a build. git honours the repository's own config
 * (fsmonitor hooks, clean filters): that is code from the tree, so git runs
 * in the build jail like cargo, never bare (unless build.jail is off, when
 * cargo runs bare too). */
#include "git_state.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build_worker.h"
#include "jail.h"
#include "log.h"

#define GIT_PATH "/usr/bin/git"
/* The build worker waits for it (a build is starting, nothing else runs):
 * short, since its loop is held meanwhile. */
#define GIT_TIMEOUT_MS 5000
#define GIT_OUTPUT_MAX 4096	/* enough to see that something changed */

static char *git_env[] = {
	"PATH=/usr/bin:/bin", "HOME=/nonexistent", "LC_ALL=C",
	"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
	"GIT_TERMINAL_PROMPT=0", NULL
};

static pid_t
spawn_git(const struct build_job *job, const char **argv, int out_fd,
    int err_fd, struct jail_cgroup_state *cg)
{
	if (bw.cfg->build.jail) {
		struct jail_report report = { 0 };
		struct jail_spec spec = { .build = &bw.cfg->build,
			.target_dir = build_target_dir(),
			.cargo_home = build_cargo_home(), .argv = argv,
			.envp = git_env, .out_fd = out_fd, .err_fd = err_fd,
			.state_dir = bw.cfg->state_dir, .job_id = job->id };
		return jail_spawn(&spec, &report, cg);
	}
	pid_t pid = fork();
	if (pid == 0) {
		/* Its own group, so a timeout kills whatever it started. */
		setpgid(0, 0);
		int null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd, 1) < 0 ||
		    dup2(err_fd, 2) < 0)
			_exit(127);
		execve(argv[0], (char *const *)argv, git_env);
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);	/* whichever of the two runs first */
	return pid;
}

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

struct capture {
	int fd;
	char *buf;
	size_t len, have;
};

/* Keeps at most len - 1 bytes of what arrives; the rest is read and
 * dropped, so git never blocks on a full pipe. */
static bool
capture_some(struct capture *c)
{
	char sink[512];
	size_t room = c->have + 1 < c->len ? c->len - 1 - c->have : 0;
	ssize_t n = room ? read(c->fd, c->buf + c->have, room) :
	    read(c->fd, sink, sizeof(sink));
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0) {
		c->buf[c->have] = '\0';
		c->fd = -1;
		return false;
	}
	if (room)
		c->have += (size_t)n;
	c->buf[c->have] = '\0';
	return true;
}

/* Reads git's stdout and stderr until both close or the deadline passes. */
static bool
read_until_eof(struct capture *out, struct capture *err,
    const struct timespec *deadline)
{
	while (out->fd >= 0 || err->fd >= 0) {
		long left = ms_left(deadline);
		struct pollfd p[2] = { { .fd = out->fd, .events = POLLIN },
			{ .fd = err->fd, .events = POLLIN } };
		if (left <= 0 || poll(p, 2, (int)left) == 0)
			return false;
		if (p[0].revents)
			capture_some(out);
		if (p[1].revents)
			capture_some(err);
	}
	return true;
}

/* Closed pipes do not mean an exit: wait for that too, until the
 * deadline. */
static bool
reaped_by(pid_t pid, int *status, const struct timespec *deadline)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return true;	/* not ours to wait for any more */
		if (ms_left(deadline) <= 0)
			return false;
		struct timespec nap = { 0, 10 * 1000 * 1000 };
		nanosleep(&nap, NULL);
	}
}

/* git's own complaint ("fatal: …") is the last line; the jail's notes
 * come before it. */
static void
last_line(char *text, char *out, size_t outlen)
{
	size_t n = strlen(text);
	while (n > 0 && text[n - 1] == '\n')
		text[--n] = '\0';
	char *nl = strrchr(text, '\n');
	snprintf(out, outlen, "%s", nl ? nl + 1 : text);
}

int
git_source_dirty(const struct build_job *job, char *why, size_t whylen)
{
	const char *argv[] = { GIT_PATH, "-c", "safe.directory=*", "-c",
		"core.fsmonitor=false", "--no-optional-locks", "-C",
		bw.cfg->build.source_dir, "status", "--porcelain",
		"--untracked-files=no", NULL };
	char out[GIT_OUTPUT_MAX], err[GIT_OUTPUT_MAX];
	struct jail_cgroup_state cg = { 0 };
	struct timespec deadline;
	int outp[2], errp[2], status = 0;
	if (access(GIT_PATH, X_OK) != 0) {
		snprintf(why, whylen, "git is not installed (%s)", GIT_PATH);
		return -1;
	}
	if (pipe2(outp, O_CLOEXEC) != 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(errp, O_CLOEXEC) != 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		close(outp[0]);
		close(outp[1]);
		return -1;
	}
	pid_t pid = spawn_git(job, argv, outp[1], errp[1], &cg);
	int spawn_errno = errno;
	close(outp[1]);
	close(errp[1]);
	struct capture o = { outp[0], out, sizeof(out), 0 };
	struct capture e = { errp[0], err, sizeof(err), 0 };
	out[0] = err[0] = '\0';
	bool finished = false;
	if (pid > 0) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += GIT_TIMEOUT_MS / 1000;
		finished = read_until_eof(&o, &e, &deadline) &&
		    reaped_by(pid, &status, &deadline);
		if (!finished) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		}
	}
	close(outp[0]);
	close(errp[0]);
	if (cg.active) {
		char limit[128] = "";
		jail_cgroup_finish(&cg, 0, 0, limit, sizeof(limit));
	}
	if (pid < 0) {
		snprintf(why, whylen, "cannot start git: %s",
		    strerror(spawn_errno));
		return -1;
	}
	if (!finished) {
		snprintf(why, whylen, "git status did not finish within %d s",
		    GIT_TIMEOUT_MS / 1000);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		last_line(err, why, whylen);
		if (why[0] == '\0')
			snprintf(why, whylen, "git status failed");
		return -1;
	}
	return out[0] != '\0';
}
