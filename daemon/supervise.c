/* The supervisor's life: spawn, watch, restart with backoff, reload, stop. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "cgroup_delegate.h"
#include "chan.h"
#include "fsutil.h"
#include "ipc.h"
#include "log.h"
#include "notify.h"
#include "role.h"
#include "supervise.h"

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 10000
#define STABLE_SECONDS 10	/* a role up this long has its backoff reset */
#define STOP_GRACE_SECONDS 5

enum role_id { ROLE_FRONT, ROLE_BUILD, ROLE_SIGN, ROLE_COUNT };

struct role_proc {
	const char *name;
	uint32_t peer;		/* how the others name it on a channel */
	pid_t pid;
	struct chan *chan;	/* supervisor <-> role */
	struct role_user user;
	time_t started_at;
	unsigned backoff_ms;
	struct event *restart_ev;
};

static struct supervisor {
	struct event_base *base;
	struct rtforge_config *cfg;
	const char *config_path;
	char self_exe[PATH_MAX];
	char libexec[PATH_MAX];
	bool as_root;
	bool stopping;
	int listen_fd;
	struct role_proc roles[ROLE_COUNT];
} sv;

static const uint32_t no_permits[1];

static void spawn_role(enum role_id id);

static int
open_listener(const struct rtforge_config *cfg, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV |
		AI_PASSIVE }, *res = NULL;
	char port[8];
	snprintf(port, sizeof(port), "%u", cfg->listen_port);
	int r = getaddrinfo(cfg->listen_host, port, &hints, &res);
	if (r != 0) {
		snprintf(err, errlen, "cannot resolve listen address %s: %s",
		    cfg->listen_host, gai_strerror(r));
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, 256) != 0) {
		snprintf(err, errlen, "cannot listen on %s:%u: %s (is another "
		    "rtforge or service using the port? pick another with "
		    "--listen or \"listen\" in the config)", cfg->listen_host,
		    cfg->listen_port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int
send_config(struct role_proc *r)
{
	static struct ipc_msg m;
	char *text = config_to_json(sv.cfg);
	int ok = -1;
	ipc_msg_init(&m, IPC_ROLE_CONFIG, 0);
	if (text && ipc_add_string(&m, text) == 0 && r->chan)
		ok = chan_send(r->chan, &m);
	free(text);
	if (ok != 0)
		log_warnx("could not send the config to %s", r->name);
	return ok;
}

static void
send_channel(struct role_proc *to, uint32_t peer, int fd)
{
	static struct ipc_msg m;
	ipc_msg_init(&m, IPC_ROLE_CHANNEL, 0);
	if (ipc_add_u32(&m, peer) != 0 || ipc_add_fd(&m, fd) != 0 ||
	    to->chan == NULL || chan_send(to->chan, &m) != 0)
		log_warnx("could not hand %s its channel", to->name);
	ipc_msg_clear(&m);
}

/* A fresh socketpair between the front and a worker: one end to each. */
static void
connect_front_to(enum role_id worker)
{
	struct role_proc *front = &sv.roles[ROLE_FRONT];
	struct role_proc *w = &sv.roles[worker];
	int fds[2];
	if (front->pid <= 0 || w->pid <= 0)
		return;
	if (ipc_socketpair(fds) != 0) {
		log_warn("socketpair for front <-> %s", w->name);
		return;
	}
	send_channel(w, IPC_PEER_FRONT, fds[0]);
	send_channel(front, w->peer, fds[1]);
	close(fds[0]);
	close(fds[1]);
}

static void
role_chan_closed(struct chan *c, const char *reason, void *arg)
{
	struct role_proc *r = arg;
	log_debug("channel to %s closed: %s", r->name, reason);
	if (r->chan == c)
		r->chan = NULL;
	chan_free(c);
}

/* Only the build worker speaks to the supervisor, and only to say what
 * systemd should show as the service's status. */
static int
role_chan_msg(struct chan *c, struct ipc_msg *m, void *arg, char *err,
    size_t len)
{
	char text[200], line[220];
	(void)c;
	(void)arg;
	if (ipc_get_string(m, text, sizeof(text)) != 0 ||
	    ipc_get_end(m) != 0) {
		snprintf(err, len, "malformed SUPERVISOR_STATUS");
		return -1;
	}
	for (char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	snprintf(line, sizeof(line), "STATUS=%s", text);
	notify_send(line);
	return 0;
}

static const uint32_t build_permits[] = { IPC_SUPERVISOR_STATUS };

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	notify_send("WATCHDOG=1");
}

/* systemd asks for a ping every WATCHDOG_USEC; we send one at half that. */
static void
start_watchdog(void)
{
	const char *usec = getenv("WATCHDOG_USEC");
	unsigned long long us = usec ? strtoull(usec, NULL, 10) : 0;
	if (us == 0)
		return;
	struct timeval tv = { .tv_sec = (time_t)(us / 2000000),
		.tv_usec = (suseconds_t)(us / 2 % 1000000) };
	struct event *ev = event_new(sv.base, -1, EV_PERSIST, on_watchdog,
	    NULL);
	if (ev && event_add(ev, &tv) == 0)
		log_info("systemd watchdog: pinging every %llu ms", us / 2000);
}

static void
role_exec_path(enum role_id id, char *out, size_t len)
{
	if (id == ROLE_FRONT)
		snprintf(out, len, "%s", sv.self_exe);
	else
		snprintf(out, len, "%s/%s", sv.libexec, id == ROLE_BUILD ?
		    "rtforge-build" : "rtforge-sign");
}

/* In the child: put the channel and the listener on their known fds, drop
 * to the role's user, and exec the role. Nothing here returns. */
static void
child_become_role(enum role_id id, int chan_fd)
{
	struct role_proc *r = &sv.roles[id];
	char path[PATH_MAX];
	role_exec_path(id, path, sizeof(path));
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Move both out of the way first, so that neither dup2 can clobber
	 * the other; dup2 onto the known fds then clears close-on-exec. */
	int chan_high = fcntl(chan_fd, F_DUPFD, 64);
	int listen_high = fcntl(sv.listen_fd, F_DUPFD, 64);
	if (chan_high < 0 || listen_high < 0 ||
	    dup2(chan_high, ROLE_SUPERVISOR_FD) < 0)
		_exit(120);
	if (id == ROLE_FRONT && dup2(listen_high, ROLE_LISTEN_FD) < 0)
		_exit(121);
	/* Everything else we hold (other roles' channels) stays behind. */
	int keep = id == ROLE_FRONT ? ROLE_LISTEN_FD : ROLE_SUPERVISOR_FD;
	for (int fd = keep + 1; fd < 1024; fd++)
		close(fd);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* systemd talks to the supervisor only. */
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	if (sv.as_root && privdrop_to(&r->user) != 0) {
		fprintf(stderr, "%s: cannot drop to user %s\n", r->name,
		    r->user.name);
		_exit(122);
	}
	char *const front_argv[] = { path, "--role", "front", NULL };
	char *const worker_argv[] = { path, NULL };
	execv(path, id == ROLE_FRONT ? front_argv : worker_argv);
	fprintf(stderr, "%s: cannot exec %s: %s\n", r->name, path,
	    strerror(errno));
	_exit(127);
}

static void
spawn_role(enum role_id id)
{
	struct role_proc *r = &sv.roles[id];
	int fds[2];
	if (sv.stopping)
		return;
	if (ipc_socketpair(fds) != 0) {
		log_warn("socketpair for %s", r->name);
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("fork for %s", r->name);
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0)
		child_become_role(id, fds[1]);
	close(fds[1]);
	r->pid = pid;
	r->started_at = time(NULL);
	r->chan = chan_new(sv.base, fds[0], r->name, id == ROLE_BUILD ?
	    build_permits : no_permits, id == ROLE_BUILD ? 1 : 0,
	    role_chan_msg, role_chan_closed, r);
	log_info("started %s (pid %d%s%s)", r->name, (int)pid,
	    sv.as_root ? ", user " : "", sv.as_root ? r->user.name : "");
	send_config(r);
	if (id == ROLE_FRONT) {
		connect_front_to(ROLE_BUILD);
		connect_front_to(ROLE_SIGN);
	} else
		connect_front_to(id);
}

static void
on_restart_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	spawn_role((enum role_id)(intptr_t)arg);
}

static void
schedule_restart(enum role_id id)
{
	struct role_proc *r = &sv.roles[id];
	if (time(NULL) - r->started_at >= STABLE_SECONDS)
		r->backoff_ms = 0;
	r->backoff_ms = r->backoff_ms == 0 ? BACKOFF_FIRST_MS :
	    r->backoff_ms * 2;
	if (r->backoff_ms > BACKOFF_MAX_MS)
		r->backoff_ms = BACKOFF_MAX_MS;
	struct timeval tv = { .tv_sec = r->backoff_ms / 1000,
		.tv_usec = (r->backoff_ms % 1000) * 1000 };
	log_info("restarting %s in %u ms", r->name, r->backoff_ms);
	evtimer_add(r->restart_ev, &tv);
}

static void
describe_status(int status, char *out, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(out, len, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(out, len, "exited with status %d",
		    WEXITSTATUS(status));
}

static void
reap_children(void)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < ROLE_COUNT; i++) {
			struct role_proc *r = &sv.roles[i];
			if (r->pid != pid)
				continue;
			char how[64];
			describe_status(status, how, sizeof(how));
			r->pid = 0;
			if (r->chan) {
				chan_free(r->chan);
				r->chan = NULL;
			}
			if (sv.stopping) {
				log_info("%s stopped (%s)", r->name, how);
				break;
			}
			log_warnx("%s (pid %d) %s", r->name, (int)pid, how);
			schedule_restart(i);
		}
	}
}

static void
on_sigchld(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	reap_children();
}

/* Stops one role and waits for it; a role that ignores SIGTERM for
 * STOP_GRACE_SECONDS gets SIGKILL. */
static void
stop_role(struct role_proc *r)
{
	if (r->pid <= 0)
		return;
	kill(r->pid, SIGTERM);
	for (int i = 0; i < STOP_GRACE_SECONDS * 20; i++) {
		int status;
		if (waitpid(r->pid, &status, WNOHANG) == r->pid) {
			char how[64];
			describe_status(status, how, sizeof(how));
			log_info("%s stopped (%s)", r->name, how);
			r->pid = 0;
			return;
		}
		usleep(50 * 1000);
	}
	log_warnx("%s ignored SIGTERM for %d s; killing it", r->name,
	    STOP_GRACE_SECONDS);
	kill(r->pid, SIGKILL);
	waitpid(r->pid, NULL, 0);
	r->pid = 0;
}

static void
on_stop(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	log_info("signal %d: stopping the front, then the workers", (int)sig);
	notify_send("STOPPING=1");
	sv.stopping = true;
	/* The front first, so no new work arrives while workers wind down. */
	stop_role(&sv.roles[ROLE_FRONT]);
	stop_role(&sv.roles[ROLE_BUILD]);
	stop_role(&sv.roles[ROLE_SIGN]);
	event_base_loopbreak(sv.base);
}

static void
restart_role_now(enum role_id id)
{
	struct role_proc *r = &sv.roles[id];
	if (r->pid > 0) {
		stop_role(r);
		if (r->chan) {
			chan_free(r->chan);
			r->chan = NULL;
		}
	}
	r->backoff_ms = 0;
	spawn_role(id);
}

/* What each role opened or became at start: a reload cannot move it. */
static const char *
fixed_at_start(const struct rtforge_config *now,
    const struct rtforge_config *next)
{
	if (strcmp(now->state_dir, next->state_dir) != 0)
		return "state_dir";
	if (strcmp(now->libexec_dir, next->libexec_dir) != 0)
		return "libexec_dir";
	if (strcmp(now->users.web, next->users.web) != 0 ||
	    strcmp(now->users.build, next->users.build) != 0 ||
	    strcmp(now->users.sign, next->users.sign) != 0)
		return "users";
	return NULL;
}

static void
reload(void)
{
	char err[1024];
	struct rtforge_config *next = malloc(sizeof(*next));
	if (next == NULL)
		return;
	/* --dev has no defaults file to start from: its -f file overlays the
	 * running config. */
	if (sv.cfg->dev)
		*next = *sv.cfg;
	else
		config_set_defaults(next);
	if (config_load_file(next, sv.config_path, err, sizeof(err)) != 0) {
		log_warnx("reload refused, keeping the running config: %s",
		    err);
		free(next);
		return;
	}
	const char *fixed = fixed_at_start(sv.cfg, next);
	if (fixed) {
		log_warnx("reload refused, keeping the running config: %s cannot "
		    "change while rtforge runs (the roles hold it open); "
		    "systemctl restart rtforge to change it", fixed);
		free(next);
		return;
	}
	if (strcmp(next->node_url, sv.cfg->node_url) != 0 ||
	    memcmp(&next->sign, &sv.cfg->sign, sizeof(next->sign)) != 0)
		log_warnx("reload: node_url and sign.* are read by the sign "
		    "worker once, at start, so the running upgrades and keys "
		    "are unchanged; systemctl restart rtforge to apply them");
	bool relisten = strcmp(next->listen_host, sv.cfg->listen_host) != 0 ||
	    next->listen_port != sv.cfg->listen_port;
	int fd = -1;
	if (relisten && (fd = open_listener(next, err, sizeof(err))) < 0) {
		log_warnx("reload refused, keeping the running config: %s",
		    err);
		free(next);
		return;
	}
	*sv.cfg = *next;
	free(next);
	if (relisten) {
		close(sv.listen_fd);
		sv.listen_fd = fd;
	}
	/* Every role takes the new config in place, so SSE clients, a build
	 * and an upgrade in flight all go on. Only a new listen address needs
	 * a new front, since it serves on the socket it was started with. */
	send_config(&sv.roles[ROLE_BUILD]);
	send_config(&sv.roles[ROLE_SIGN]);
	if (relisten) {
		log_info("listen address changed: restarting the front, "
		    "which drops its open connections");
		restart_role_now(ROLE_FRONT);
	} else
		send_config(&sv.roles[ROLE_FRONT]);
	log_info("config reloaded from %s", sv.config_path);
}

static void
on_hup(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	if (sv.config_path == NULL) {
		log_info("SIGHUP: --dev mode has no config file to re-read");
		return;
	}
	notify_send("RELOADING=1");
	reload();
	notify_send("READY=1");
}

static int
resolve_users(char *err, size_t errlen)
{
	const char *names[ROLE_COUNT] = { sv.cfg->users.web,
		sv.cfg->users.build, sv.cfg->users.sign };
	for (int i = 0; i < ROLE_COUNT; i++)
		if (privdrop_lookup(names[i], &sv.roles[i].user, err,
		    errlen) != 0)
			return -1;
	return 0;
}

static int
prepare_state(char *err, size_t errlen)
{
	if (!sv.as_root)
		return 0;
	/* Others may traverse (not list) the state directory, so the sign
	 * user reaches upgrades/ and the front audit/, each its own. */
	char upgrades[CONFIG_PATH_MAX + 16], audit[CONFIG_PATH_MAX + 16];
	if (privdrop_prepare_dir_mode(sv.cfg->state_dir,
	    sv.roles[ROLE_BUILD].user.uid, sv.roles[ROLE_FRONT].user.gid,
	    02751) != 0 || fs_join(upgrades, sizeof(upgrades),
	    sv.cfg->state_dir, "upgrades") != 0 || privdrop_prepare_dir(upgrades,
	    sv.roles[ROLE_SIGN].user.uid, sv.roles[ROLE_FRONT].user.gid) != 0 ||
	    fs_join(audit, sizeof(audit), sv.cfg->state_dir, "audit") != 0 ||
	    privdrop_prepare_dir(audit, sv.roles[ROLE_FRONT].user.uid,
	    sv.roles[ROLE_FRONT].user.gid) != 0) {
		snprintf(err, errlen, "cannot prepare the state directory %s "
		    "for users %s, %s and %s: %s", sv.cfg->state_dir,
		    sv.roles[ROLE_BUILD].user.name, sv.roles[ROLE_SIGN].user.name,
		    sv.roles[ROLE_FRONT].user.name, strerror(errno));
		return -1;
	}
	char note[512];
	const struct role_user *b = &sv.roles[ROLE_BUILD].user;
	int delegated = cgroup_delegate_v1(b->uid, b->gid, note, sizeof(note));
	if (delegated == 3)
		log_info("gave %s the memory, pids and cpu cgroups under %s/*/%s",
		    b->name, CGROUP_ROOT, CGROUP_PARENT);
	else
		log_warnx("could not delegate all build cgroups to %s (%s); "
		    "builds fall back to weaker limits", b->name, note);
	const char *extra[] = { sv.cfg->build.target_dir,
		sv.cfg->build.cargo_home };
	for (int i = 0; i < 2; i++)
		if (extra[i][0] && privdrop_prepare_dir(extra[i],
		    sv.roles[ROLE_BUILD].user.uid,
		    sv.roles[ROLE_BUILD].user.gid) != 0) {
			snprintf(err, errlen, "cannot prepare %s: %s",
			    extra[i], strerror(errno));
			return -1;
		}
	return 0;
}

static void
init_roles(void)
{
	const char *names[ROLE_COUNT] = { "front", "build", "sign" };
	const uint32_t peers[ROLE_COUNT] = { IPC_PEER_FRONT, IPC_PEER_BUILD,
		IPC_PEER_SIGN };
	for (int i = 0; i < ROLE_COUNT; i++) {
		sv.roles[i].name = names[i];
		sv.roles[i].peer = peers[i];
		sv.roles[i].restart_ev = evtimer_new(sv.base, on_restart_timer,
		    (void *)(intptr_t)i);
	}
}

static void
set_libexec(const char *self_exe)
{
	if (sv.cfg->libexec_dir[0]) {
		snprintf(sv.libexec, sizeof(sv.libexec), "%s",
		    sv.cfg->libexec_dir);
		return;
	}
	snprintf(sv.libexec, sizeof(sv.libexec), "%s", self_exe);
	char *slash = strrchr(sv.libexec, '/');
	if (slash)
		*slash = '\0';
}

int
supervise(struct rtforge_config *cfg, const char *config_path,
    const char *self_exe)
{
	char err[1024];
	sv.cfg = cfg;
	sv.config_path = config_path;
	snprintf(sv.self_exe, sizeof(sv.self_exe), "%s", self_exe);
	set_libexec(self_exe);
	sv.as_root = geteuid() == 0;
	sv.base = event_base_new();
	if (sv.base == NULL)
		fatalx("cannot create the event loop");
	init_roles();
	if (sv.as_root && resolve_users(err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (!sv.as_root)
		log_warnx("not started as root: every role runs as uid %d; uid "
		    "separation between the roles is OFF", (int)getuid());
	if (prepare_state(err, sizeof(err)) != 0)
		fatalx("%s", err);
	sv.listen_fd = open_listener(cfg, err, sizeof(err));
	if (sv.listen_fd < 0)
		fatalx("%s", err);
	signal(SIGPIPE, SIG_IGN);
	struct event *evs[] = {
		evsignal_new(sv.base, SIGCHLD, on_sigchld, NULL),
		evsignal_new(sv.base, SIGTERM, on_stop, NULL),
		evsignal_new(sv.base, SIGINT, on_stop, NULL),
		evsignal_new(sv.base, SIGHUP, on_hup, NULL),
	};
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		event_add(evs[i], NULL);
	spawn_role(ROLE_BUILD);
	spawn_role(ROLE_SIGN);
	spawn_role(ROLE_FRONT);
	notify_send("READY=1\nSTATUS=idle");
	start_watchdog();
	log_info("rtforge is up: http://%s%s%s:%u%s", strchr(cfg->listen_host,
	    ':') ? "[" : "", cfg->listen_host, strchr(cfg->listen_host, ':') ?
	    "]" : "", cfg->listen_port, cfg->base_path);
	event_base_dispatch(sv.base);
	log_info("stopped");
	return 0;
}
