/* Runs cargo for the current job: spawns it in its own process group,
 * turns its output into log and progress events, and ends the job when
 * cargo exits, is cancelled or times out. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "build_worker.h"
#include "cargo_json.h"
#include "fsutil.h"
#include "git_state.h"
#include "jail.h"
#include "log.h"
#include "textutil.h"

#define LINE_MAX_BYTES 4096	/* longer output lines are cut here */
#define PIPE_BUFFER_MAX (256 * 1024)
#define ARGV_MAX 24
#define ENVP_MAX (CONFIG_ENV_MAX + 16)
#define CARGO_LOCK_MAX (4 * 1024 * 1024)

enum cargo_step { STEP_CLEAN, STEP_BUILD, STEP_VERIFY_BUILD };

struct cargo_proc {
	struct build_job *job;
	enum cargo_step step;
	pid_t pid;
	struct bufferevent *out, *err;
	bool out_done, err_done, exited;
	int wait_status;
	struct event *timeout_ev;
	bool stopping;			/* cancelled or timed out */
	enum job_status stop_status;
	char stop_reason[256];
	bool saw_finished, finished_ok;
	struct jail_cgroup_state cgroup;
	uint64_t log_bytes;		/* kept so far, against build.log_cap_mb */
	uint64_t dropped_lines, dropped_bytes;
	bool saw_alloc_failure;		/* RLIMIT_DATA stopped an allocation */
	bool saw_eagain;		/* RLIMIT_NPROC stopped a fork */
};

static struct cargo_proc cp;
static struct event *sigchld_ev;

static const char *
step_target_dir(void)
{
	return cp.step == STEP_VERIFY_BUILD ? build_verify_target_dir() :
	    build_target_dir();
}

/* The build's own temporary directory, inside the target dir that the
 * jail lets it write: never the host's shared /tmp. */
static const char *
build_tmp_dir(void)
{
	static char dir[CONFIG_PATH_MAX + 32];
	fs_join(dir, sizeof(dir), step_target_dir(), ".tmp");
	if (fs_mkdirs(dir, 0700) != 0)
		log_warn("cannot create %s", dir);
	return dir;
}

static void
pgid_path(char *out, size_t len)
{
	if (fs_join(out, len, bw.cfg->state_dir, "running.pgid") != 0)
		out[0] = '\0';
}

/* A killed worker leaves cargo's rustc children behind: they stay in the
 * process group that cargo led, whose id was saved here. */
void
cargo_kill_leftover(void)
{
	char path[1200];
	pgid_path(path, sizeof(path));
	size_t len;
	char *text = fs_read_capped(path, 64, &len);
	if (text == NULL)
		return;
	long pgid = strtol(text, NULL, 10);
	free(text);
	if (pgid > 1 && kill((pid_t)-pgid, SIGKILL) == 0)
		log_info("killed the leftover build process group %ld", pgid);
	unlink(path);
}

static void
save_pgid(pid_t pid)
{
	char path[1200], text[32];
	pgid_path(path, sizeof(path));
	snprintf(text, sizeof(text), "%d\n", (int)pid);
	if (fs_write_atomic(path, text, strlen(text), 0640) != 0)
		log_warn("cannot record the build's process group in %s", path);
}

unsigned
progress_estimate_from_workspace(const char *source_dir)
{
	char path[1200];
	if (fs_join(path, sizeof(path), source_dir, "Cargo.lock") != 0)
		return 0;
	size_t len;
	char *text = fs_read_capped(path, CARGO_LOCK_MAX, &len);
	if (text == NULL)
		return 0;
	unsigned units = progress_estimate_units(text, len);
	free(text);
	return units;
}

static bool
has_lockfile(void)
{
	char path[1200];
	return fs_join(path, sizeof(path), bw.cfg->build.source_dir,
	    "Cargo.lock") == 0 && access(path, F_OK) == 0;
}

static int
build_argv(const struct build_job *job, const char **argv)
{
	const struct config_build *b = &bw.cfg->build;
	int n = 0;
	argv[n++] = b->cargo;
	if (cp.step == STEP_CLEAN) {
		argv[n++] = "clean";
		argv[n++] = "--offline";
		argv[n++] = "--profile";
		argv[n++] = job->profile;
		argv[n] = NULL;
		return n;
	}
	argv[n++] = "build";
	if (strcmp(job->profile, "release") == 0)
		argv[n++] = "--release";
	argv[n++] = "--offline";
	if (has_lockfile())
		argv[n++] = "--locked";
	argv[n++] = "-p";
	argv[n++] = job->kind == JOB_RUNTIME ? b->runtime_package :
	    b->node_package;
	argv[n++] = "--message-format=json-render-diagnostics";
	argv[n++] = "--color=never";
	/* One argument, so no feature can ever be read as a flag. */
	static char features_arg[JOB_FEATURES_MAX + 16];
	if (job->features[0]) {
		snprintf(features_arg, sizeof(features_arg), "--features=%s",
		    job->features);
		argv[n++] = features_arg;
	}
	argv[n] = NULL;
	return n;
}

static int
add_env(char **envp, int *n, const char *name, const char *value)
{
	if (*n >= ENVP_MAX - 1 || asprintf(&envp[*n], "%s=%s", name,
	    value) < 0)
		return -1;
	(*n)++;
	envp[*n] = NULL;
	return 0;
}

/* Only what cargo and rustc need, plus what the operator configured. */
static char **
build_envp(const struct build_job *job)
{
	const struct config_build *b = &bw.cfg->build;
	char **envp = calloc(ENVP_MAX, sizeof(char *));
	char path[CONFIG_PATH_MAX + 64];
	int n = 0, r = 0;
	if (envp == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/bin:/usr/local/bin:/usr/bin:/bin",
	    b->toolchain_dir);
	r |= add_env(envp, &n, "PATH", path);
	r |= add_env(envp, &n, "HOME", build_cargo_home());
	r |= add_env(envp, &n, "CARGO_HOME", build_cargo_home());
	r |= add_env(envp, &n, "CARGO_TARGET_DIR", step_target_dir());
	r |= add_env(envp, &n, "CARGO_TERM_COLOR", "never");
	r |= add_env(envp, &n, "CARGO_TERM_PROGRESS_WHEN", "never");
	r |= add_env(envp, &n, "CARGO_NET_OFFLINE", "true");
	r |= add_env(envp, &n, "LANG", "C.UTF-8");
	r |= add_env(envp, &n, "TMPDIR", build_tmp_dir());
	if (job->kind == JOB_RUNTIME)
		r |= add_env(envp, &n, "SKIP_WASM_BUILD", "0");
	for (size_t i = 0; i < b->env_count; i++)
		r |= add_env(envp, &n, b->env[i].name, b->env[i].value);
	if (r != 0) {
		for (int i = 0; i < n; i++)
			free(envp[i]);
		free(envp);
		return NULL;
	}
	return envp;
}

static void
free_envp(char **envp)
{
	for (int i = 0; envp && envp[i]; i++)
		free(envp[i]);
	free(envp);
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void
child_exec(const char **argv, char **envp, int out_fd, int err_fd)
{
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	setsid();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(err_fd, 2) < 0 || chdir(bw.cfg->build.source_dir) != 0) {
		static const char msg[] = "error: rtforge could not enter the "
		    "source workspace\n";
		ssize_t w = write(2, msg, sizeof(msg) - 1);
		(void)w;
		_exit(126);
	}
	execve(argv[0], (char *const *)argv, envp);
	static const char msg[] = "error: rtforge could not execute cargo\n";
	ssize_t w = write(2, msg, sizeof(msg) - 1);
	(void)w;
	_exit(127);
}

static void on_output(struct bufferevent *bev, void *arg);
static void describe_command(struct build_job *job);
static void on_output_event(struct bufferevent *bev, short what, void *arg);

static struct bufferevent *
pipe_reader(int fd, bool is_stdout)
{
	evutil_make_socket_nonblocking(fd);
	struct bufferevent *bev = bufferevent_socket_new(bw.base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	bufferevent_setcb(bev, on_output, NULL, on_output_event,
	    is_stdout ? (void *)1 : (void *)2);
	bufferevent_setwatermark(bev, EV_READ, 0, PIPE_BUFFER_MAX);
	bufferevent_enable(bev, EV_READ);
	return bev;
}

static int
spawn_step(struct build_job *job)
{
	const char *argv[ARGV_MAX];
	int out[2], err[2];
	build_argv(job, argv);
	char **envp = build_envp(job);
	if (envp == NULL || pipe2(out, O_CLOEXEC) != 0) {
		free_envp(envp);
		return -1;
	}
	if (pipe2(err, O_CLOEXEC) != 0) {
		close(out[0]);
		close(out[1]);
		free_envp(envp);
		return -1;
	}
	pid_t pid;
	if (bw.cfg->build.jail) {
		struct jail_report report = { 0 };
		struct jail_spec spec = { .build = &bw.cfg->build,
			.target_dir = step_target_dir(),
			.cargo_home = build_cargo_home(), .argv = argv,
			.envp = envp, .out_fd = out[1], .err_fd = err[1],
			.state_dir = bw.cfg->state_dir, .job_id = job->id };
		pid = jail_spawn(&spec, &report, &cp.cgroup);
		for (size_t i = 0; i < report.count; i++)
			job_emit_log(job, "info", report.lines[i]);
		describe_command(job);
	} else {
		job_emit_log(job, "warning", "jail: OFF (build.jail is false): "
		    "cargo runs with the build user's full rights");
		describe_command(job);
		pid = fork();
		if (pid == 0)
			child_exec(argv, envp, out[1], err[1]);
	}
	free_envp(envp);
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(out[0]);
		close(err[0]);
		return -1;
	}
	cp.pid = pid;
	cp.exited = cp.out_done = cp.err_done = false;
	save_pgid(pid);
	cp.out = pipe_reader(out[0], true);
	cp.err = pipe_reader(err[0], false);
	return (cp.out && cp.err) ? 0 : -1;
}

static void
describe_command(struct build_job *job)
{
	const char *argv[ARGV_MAX];
	char line[1024] = "$";
	int n = build_argv(job, argv);
	for (int i = 0; i < n; i++) {
		size_t used = strlen(line);
		snprintf(line + used, sizeof(line) - used, " %s", argv[i]);
	}
	job_emit_log(job, "info", line);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	char reason[128];
	(void)fd;
	(void)what;
	(void)arg;
	snprintf(reason, sizeof(reason), "build exceeded %u s "
	    "(build.timeout_seconds) and was stopped",
	    bw.cfg->build.timeout_seconds);
	cp.stop_status = JOB_FAILED;
	cargo_cancel(reason);
}

static void on_sigchld(evutil_socket_t fd, short what, void *arg);

/* Node binaries are hundreds of MB; starting a build that will fill the
 * disk halfway through helps nobody. */
static int
check_free_disk(struct build_job *job)
{
	struct statvfs vfs;
	unsigned floor = bw.cfg->build.min_free_disk_mb;
	if (floor == 0 || statvfs(build_target_dir(), &vfs) != 0)
		return 0;
	unsigned long long free_mb = (unsigned long long)vfs.f_bavail *
	    vfs.f_frsize >> 20;
	if (free_mb >= floor)
		return 0;
	snprintf(job->error, sizeof(job->error), "only %llu MiB free in %s; a "
	    "build needs at least %u MiB (build.min_free_disk_mb): free some "
	    "space and start the build again", free_mb, build_target_dir(),
	    floor);
	return -1;
}

/* Taken before cargo runs, so it describes the tree that was built. */
static void
note_source_state(struct build_job *job)
{
	char why[256], msg[400];
	job->git_dirty = git_source_dirty(job, why, sizeof(why));
	if (job->git_dirty < 0)
		snprintf(msg, sizeof(msg), "source: uncommitted changes "
		    "unknown (git_dirty null): %s", why);
	else
		snprintf(msg, sizeof(msg), "source: %s", job->git_dirty ?
		    "uncommitted changes to tracked files (git_dirty true): "
		    "this build cannot be redone from its commit alone" :
		    "no uncommitted changes to tracked files (git_dirty false)");
	job_emit_log(job, job->git_dirty > 0 ? "warning" : "info", msg);
}

/* Installed once at start, before any child exists, so that no exit can
 * slip by unnoticed. */
void
cargo_watch_children(void)
{
	sigchld_ev = evsignal_new(bw.base, SIGCHLD, on_sigchld, NULL);
	if (sigchld_ev == NULL || event_add(sigchld_ev, NULL) != 0)
		fatalx("cannot watch for SIGCHLD");
}

int
cargo_start(struct build_job *job)
{
	memset(&cp, 0, sizeof(cp));
	cp.job = job;
	cp.step = job->clean ? STEP_CLEAN : STEP_BUILD;
	if (access(bw.cfg->build.cargo, X_OK) != 0) {
		snprintf(job->error, sizeof(job->error), "cargo not found or "
		    "not executable at %s (%s); set build.cargo in the config "
		    "or run 'make deps'", bw.cfg->build.cargo, strerror(errno));
		return -1;
	}
	if (access(bw.cfg->build.source_dir, R_OK | X_OK) != 0) {
		snprintf(job->error, sizeof(job->error), "cannot enter the "
		    "source workspace %s (%s); set build.source_dir in the "
		    "config (or --source)", bw.cfg->build.source_dir,
		    strerror(errno));
		return -1;
	}
	if (check_free_disk(job) != 0)
		return -1;
	note_source_state(job);
	snprintf(job->current_crate, sizeof(job->current_crate), "%s",
	    job->clean ? "cleaning" : "starting cargo");
	job_emit_progress(job, job->current_crate);
	if (spawn_step(job) != 0) {
		snprintf(job->error, sizeof(job->error), "could not start "
		    "cargo: %s", strerror(errno));
		return -1;
	}
	struct timeval tv = { .tv_sec = bw.cfg->build.timeout_seconds };
	cp.timeout_ev = evtimer_new(bw.base, on_timeout, NULL);
	evtimer_add(cp.timeout_ev, &tv);
	return 0;
}

void
cargo_cancel(const char *reason)
{
	if (cp.job == NULL || cp.pid <= 0)
		return;
	if (!cp.stopping) {
		cp.stopping = true;
		if (cp.stop_status == JOB_QUEUED)
			cp.stop_status = JOB_CANCELLED;
		snprintf(cp.stop_reason, sizeof(cp.stop_reason), "%s", reason);
		job_emit_log(cp.job, "warning", reason);
	}
	kill(-cp.pid, SIGKILL);
}

/* Output past build.log_cap_mb is counted, not kept; the ids of what is
 * kept stay contiguous, and one line at the end says what was dropped. */
static void
emit_output_line(struct build_job *job, const char *level, const char *line)
{
	uint64_t cap = (uint64_t)bw.cfg->build.log_cap_mb << 20;
	size_t len = strlen(line);
	if (cp.log_bytes + len > cap) {
		cp.dropped_lines++;
		cp.dropped_bytes += len;
		return;
	}
	cp.log_bytes += len;
	job_emit_log(job, level, line);
}

static void
report_dropped(struct build_job *job)
{
	char msg[200];
	if (cp.dropped_lines == 0)
		return;
	snprintf(msg, sizeof(msg), "%llu lines (%llu bytes) of build output "
	    "were dropped past the log cap of %u MiB (build.log_cap_mb)",
	    (unsigned long long)cp.dropped_lines,
	    (unsigned long long)cp.dropped_bytes, bw.cfg->build.log_cap_mb);
	job_emit_log(job, "warning", msg);
}

static void
note_first_error(struct build_job *job, const char *line)
{
	if (job->first_compiler_error[0] == '\0')
		snprintf(job->first_compiler_error,
		    sizeof(job->first_compiler_error), "%s", line);
}

static void
handle_stderr_line(struct build_job *job, char *line, size_t len)
{
	len = cargo_text_sanitize(line, len);
	len = text_clean(line, len);
	if (len == 0)
		return;
	enum cargo_level level = cargo_text_level(line, len);
	if (strstr(line, "memory allocation of") != NULL)
		cp.saw_alloc_failure = true;
	if (strstr(line, "Resource temporarily unavailable") != NULL ||
	    strstr(line, "os error 11") != NULL)
		cp.saw_eagain = true;
	if (level == CARGO_LEVEL_ERROR)
		note_first_error(job, line);
	char crate[CARGO_NAME_MAX];
	if (cargo_text_compiling(line, len, crate, sizeof(crate))) {
		char msg[CARGO_NAME_MAX + 16];
		snprintf(job->current_crate, sizeof(job->current_crate), "%s",
		    crate);
		snprintf(msg, sizeof(msg), "Compiling %s", crate);
		job_emit_progress(job, msg);
	}
	emit_output_line(job, cargo_level_name(level), line);
}

static void
handle_stdout_line(struct build_job *job, char *line, size_t len)
{
	static struct cargo_msg msg;
	cargo_msg_parse(line, len, &msg);
	if (progress_counts(msg.kind) && progress_unit_done(&job->progress)) {
		char text[CARGO_NAME_MAX + 32];
		snprintf(text, sizeof(text), "%s %s", msg.kind ==
		    CARGO_MSG_BUILD_SCRIPT ? "Ran the build script of" :
		    "Compiled", msg.package[0] ? msg.package : msg.target);
		job_emit_progress(job, text);
	}
	switch (msg.kind) {
	case CARGO_MSG_DIAGNOSTIC: {
		size_t n = text_clean(msg.text, strnlen(msg.text,
		    sizeof(msg.text) - 1));
		if (n > 0) {
			if (strcmp(msg.level, "error") == 0)
				note_first_error(job, msg.text);
			emit_output_line(job, msg.level[0] ? msg.level :
			    "info", msg.text);
		}
		break;
	}
	case CARGO_MSG_FINISHED:
		cp.saw_finished = true;
		cp.finished_ok = msg.success;
		break;
	case CARGO_MSG_INVALID:
		handle_stderr_line(job, line, len);
		break;
	default:
		break;
	}
}

/* Splits the pipe's bytes into lines; a line longer than LINE_MAX_BYTES is
 * cut into pieces so that hostile output cannot grow our memory. */
static void
drain_lines(struct bufferevent *bev, bool is_stdout, bool at_eof)
{
	static char line[LINE_MAX_BYTES + 1];
	struct evbuffer *in = bufferevent_get_input(bev);
	for (;;) {
		size_t avail = evbuffer_get_length(in);
		if (avail == 0)
			return;
		struct evbuffer_ptr eol = evbuffer_search_eol(in, NULL, NULL,
		    EVBUFFER_EOL_LF);
		size_t take, skip = 0;
		if (eol.pos >= 0 && (size_t)eol.pos <= LINE_MAX_BYTES) {
			take = (size_t)eol.pos;
			skip = 1;
		} else if (avail >= LINE_MAX_BYTES || at_eof) {
			take = avail < LINE_MAX_BYTES ? avail : LINE_MAX_BYTES;
		} else
			return;
		evbuffer_remove(in, line, take);
		evbuffer_drain(in, skip);
		line[take] = '\0';
		if (cp.job == NULL)
			continue;
		if (is_stdout)
			handle_stdout_line(cp.job, line, take);
		else
			handle_stderr_line(cp.job, line, take);
	}
}

static void maybe_step_done(void);

/* libevent's callback type fixes arg's type. */
static void
/* cppcheck-suppress constParameter */
on_output(struct bufferevent *bev, void *arg)
{
	drain_lines(bev, arg == (void *)1, false);
}

static void
/* cppcheck-suppress constParameter */
on_output_event(struct bufferevent *bev, short what, void *arg)
{
	bool is_stdout = arg == (void *)1;
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	drain_lines(bev, is_stdout, true);
	bufferevent_free(bev);
	if (is_stdout) {
		cp.out = NULL;
		cp.out_done = true;
	} else {
		cp.err = NULL;
		cp.err_done = true;
	}
	maybe_step_done();
}

static void
on_sigchld(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid != cp.pid)
			continue;
		cp.exited = true;
		cp.wait_status = status;
		/* Anything cargo left running (a build script's daemon, say)
		 * goes with it. */
		kill(-cp.pid, SIGKILL);
	}
	maybe_step_done();
}

static void
describe_exit(char *out, size_t len)
{
	if (WIFSIGNALED(cp.wait_status))
		snprintf(out, len, "cargo was killed by signal %d",
		    WTERMSIG(cp.wait_status));
	else
		snprintf(out, len, "cargo exited with status %d",
		    WEXITSTATUS(cp.wait_status));
}

static void
end_job(enum job_status status, const char *error)
{
	struct build_job *job = cp.job;
	char path[1200];
	report_dropped(job);
	if (cp.timeout_ev) {
		event_free(cp.timeout_ev);
		cp.timeout_ev = NULL;
	}
	pgid_path(path, sizeof(path));
	unlink(path);
	cp.job = NULL;
	cp.pid = 0;
	bw.running = NULL;
	job_finish(job, status, error);
	job_free(job);
	jobs_start_next();
}

/* The second half of verify_reproducible: the same build, clean, in a
 * separate target dir, so that nothing of the first can leak into it. */
static void
start_verify(struct build_job *job)
{
	const char *dir = build_verify_target_dir();
	job_emit_log(job, "info", "verify_reproducible: building again from "
	    "clean in a separate target directory");
	if (fs_remove_tree(dir) != 0 || fs_mkdirs(dir, 0750) != 0) {
		char why[256];
		snprintf(why, sizeof(why), "cannot prepare %s for the second "
		    "build: %s", dir, strerror(errno));
		end_job(JOB_FAILED, why);
		return;
	}
	cp.step = STEP_VERIFY_BUILD;
	cp.saw_finished = false;
	if (spawn_step(job) != 0) {
		char why[128];
		snprintf(why, sizeof(why), "could not start cargo: %s",
		    strerror(errno));
		end_job(JOB_FAILED, why);
	}
}

static void
finish_verify(struct build_job *job)
{
	char rel[CONFIG_PATH_MAX], path[2 * CONFIG_PATH_MAX], msg[300];
	if (artifact_cargo_path(job, rel, sizeof(rel)) != 0 ||
	    fs_join(path, sizeof(path), build_verify_target_dir(), rel) != 0 ||
	    artifact_hash_path(path, job->verify_hash) != 0) {
		end_job(JOB_FAILED, "the second build of verify_reproducible "
		    "left no artifact to compare");
		return;
	}
	job->reproducible = strcmp(job->verify_hash, job->artifact.hash) == 0;
	if (job->reproducible)
		snprintf(msg, sizeof(msg), "reproducible: both clean builds "
		    "gave code hash %s", job->verify_hash);
	else
		snprintf(msg, sizeof(msg), "NOT reproducible: the first build "
		    "gave %s, the second %s", job->artifact.hash,
		    job->verify_hash);
	job_emit_log(job, job->reproducible ? "info" : "warning", msg);
	end_job(JOB_SUCCESS, NULL);
}

static void
finish_build(void)
{
	struct build_job *job = cp.job;
	char why[JOB_ERROR_MAX + 128], exitdesc[64], limit[160];
	describe_exit(exitdesc, sizeof(exitdesc));
	bool had_cgroup = cp.cgroup.active;
	jail_cgroup_finish(&cp.cgroup, bw.cfg->build.memory_limit_mb,
	    bw.cfg->build.pids_max, limit, sizeof(limit));
	if (limit[0] == '\0' && cp.saw_alloc_failure && bw.cfg->build.jail)
		snprintf(limit, sizeof(limit), "memory limit %u MiB reached "
		    "(build.memory_limit_mb, enforced per process)",
		    bw.cfg->build.memory_limit_mb);
	else if (limit[0] == '\0' && cp.saw_eagain && bw.cfg->build.jail &&
	    !had_cgroup)
		snprintf(limit, sizeof(limit), "process limit of %u reached "
		    "(build.pids_max, enforced per user)",
		    bw.cfg->build.pids_max);
	bool ok = WIFEXITED(cp.wait_status) &&
	    WEXITSTATUS(cp.wait_status) == 0;
	if (!ok && cp.step == STEP_CLEAN) {
		snprintf(why, sizeof(why), "cargo clean failed (%s)", exitdesc);
		end_job(JOB_FAILED, why);
		return;
	}
	if (!ok) {
		if (limit[0])
			snprintf(why, sizeof(why), "build stopped: %s (%s)",
			    limit, exitdesc);
		else
			snprintf(why, sizeof(why), "build failed: %s%s%s",
			    exitdesc, job->first_compiler_error[0] ? ": " : "",
			    job->first_compiler_error);
		end_job(JOB_FAILED, why);
		return;
	}
	if (cp.step == STEP_VERIFY_BUILD) {
		finish_verify(job);
		return;
	}
	char err[512];
	if (artifact_store(job, err, sizeof(err)) != 0) {
		end_job(JOB_FAILED, err);
		return;
	}
	if (job->verify) {
		start_verify(job);
		return;
	}
	end_job(JOB_SUCCESS, NULL);
}

static void
maybe_step_done(void)
{
	if (cp.job == NULL || !cp.exited || !cp.out_done || !cp.err_done)
		return;
	if (cp.stopping) {
		char limit[160];
		jail_cgroup_finish(&cp.cgroup, 0, 0, limit, sizeof(limit));
		end_job(cp.stop_status, cp.stop_reason);
		return;
	}
	bool ok = WIFEXITED(cp.wait_status) &&
	    WEXITSTATUS(cp.wait_status) == 0;
	if (cp.step == STEP_CLEAN && ok) {
		char limit[160];
		jail_cgroup_finish(&cp.cgroup, 0, 0, limit, sizeof(limit));
		cp.step = STEP_BUILD;
		if (spawn_step(cp.job) != 0) {
			char why[128];
			snprintf(why, sizeof(why), "could not start cargo: %s",
			    strerror(errno));
			end_job(JOB_FAILED, why);
		}
		return;
	}
	finish_build();
}
