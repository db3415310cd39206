/* rtforge-build: the build worker role. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "build_worker.h"
#include "chan.h"
#include "ipc.h"
#include "jobs.h"
#include "log.h"
#include "role.h"

#define FEATURES_COUNT_MAX 32
#define FEATURE_NAME_MAX 64

struct build_worker bw;
static struct rtforge_config worker_cfg, pending_cfg;
static bool have_pending_cfg;

static const uint32_t front_permits[] = { IPC_BUILD_START, IPC_BUILD_CANCEL,
	IPC_BUILD_UPLOAD, IPC_WORKER_STATUS_REQUEST };

static void
reply(uint32_t request_id, unsigned status, json_t *body)
{
	static struct ipc_msg m;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (bw.front == NULL || text == NULL) {
		free(text);
		return;
	}
	ipc_msg_init(&m, IPC_FRONT_REPLY, request_id);
	if (ipc_add_u32(&m, status) == 0 && ipc_add_string(&m, text) == 0)
		chan_send(bw.front, &m);
	free(text);
}

static void
reply_error(uint32_t request_id, unsigned status, const char *msg)
{
	reply(request_id, status, json_pack("{s:s}", "error", msg));
}

/* Why a job could not be created: almost always its record could not be
 * written. 507 for a full disk, so a client can tell it from a bug. */
static void
reply_create_failed(uint32_t request_id, int err)
{
	char msg[CONFIG_PATH_MAX + 256];
	if (err == ENOMEM) {
		reply_error(request_id, 500, "out of memory; no build was "
		    "started");
		return;
	}
	bool full = err == ENOSPC || err == EDQUOT;
	snprintf(msg, sizeof(msg), "cannot write the job record in %s/jobs "
	    "(%s), so no build was started; %s", bw.cfg->state_dir,
	    strerror(err), full ? "the state directory is full: free some "
	    "space there and start the build again" : "check that directory "
	    "and start the build again");
	reply_error(request_id, full ? 507 : 500, msg);
}

static bool
feature_name_ok(const char *f)
{
	size_t len = strlen(f);
	if (len == 0 || len > FEATURE_NAME_MAX || f[0] == '-' || f[0] == '/')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(f[i] == '-' || f[i] == '_' || f[i] == '/' ||
		    (f[i] >= 'a' && f[i] <= 'z') || (f[i] >= 'A' &&
		    f[i] <= 'Z') || (f[i] >= '0' && f[i] <= '9')))
			return false;
	return true;
}

/* The front validated the request already; this check is ours, so that a
 * compromised front still cannot slip arguments into cargo's command line. */
static int
parse_features(json_t *arr, char *out, size_t outlen)
{
	size_t i;
	json_t *f;
	out[0] = '\0';
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > FEATURES_COUNT_MAX)
		return -1;
	json_array_foreach(arr, i, f) {
		const char *s = json_string_value(f);
		size_t used = strlen(out);
		if (s == NULL || !feature_name_ok(s) || used + strlen(s) + 2 >
		    outlen)
			return -1;
		snprintf(out + used, outlen - used, "%s%s", used ? "," : "", s);
	}
	return 0;
}

static void
handle_start(uint32_t request_id, const char *text, size_t len)
{
	json_t *req = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	const char *kind = json_string_value(json_object_get(req, "kind"));
	const char *target = json_string_value(json_object_get(req, "target"));
	char features[JOB_FEATURES_MAX];
	if (kind == NULL || (strcmp(kind, "runtime") != 0 &&
	    strcmp(kind, "node") != 0) || (target && strcmp(target,
	    "release") != 0 && strcmp(target, "debug") != 0) ||
	    parse_features(json_object_get(req, "features"), features,
	    sizeof(features)) != 0) {
		json_decref(req);
		reply_error(request_id, 400, "the build worker refused the "
		    "request: bad kind, target or features");
		return;
	}
	enum job_kind k = strcmp(kind, "node") == 0 ? JOB_NODE : JOB_RUNTIME;
	struct build_job *job = job_create(k, json_is_true(json_object_get(req,
	    "clean")), json_is_true(json_object_get(req, "verify_reproducible")),
	    features, k == JOB_RUNTIME || target == NULL ? "release" : target);
	int create_errno = errno;
	json_decref(req);
	kind = job_kind_name(k);
	if (job == NULL) {
		reply_create_failed(request_id, create_errno);
		return;
	}
	int position = 0;
	struct build_job *j;
	TAILQ_FOREACH(j, &bw.queue, entry)
		position++;
	position += bw.running ? 1 : 0;
	char id[24];
	snprintf(id, sizeof(id), "%" PRIu64, job->id);
	log_info("job %s queued: %s build%s, position %d", id, kind,
	    job->clean ? " (clean)" : "", position);
	reply(request_id, 202, json_pack("{s:s, s:s, s:s, s:i}", "job_id", id,
	    "kind", kind, "status", "queued", "position", position));
	jobs_start_next();
}

static void
handle_cancel(uint32_t request_id, uint64_t id)
{
	char idtext[24], status[32];
	snprintf(idtext, sizeof(idtext), "%" PRIu64, id);
	if (bw.running && bw.running->id == id) {
		cargo_cancel("cancelled by request");
		reply(request_id, 202, json_pack("{s:s, s:s}", "job_id",
		    idtext, "status", "cancelling"));
		return;
	}
	struct build_job *job;
	TAILQ_FOREACH(job, &bw.queue, entry) {
		if (job->id != id)
			continue;
		TAILQ_REMOVE(&bw.queue, job, entry);
		job_finish(job, JOB_CANCELLED, "cancelled before it started");
		job_free(job);
		reply(request_id, 200, json_pack("{s:s, s:s}", "job_id",
		    idtext, "status", "cancelled"));
		return;
	}
	if (job_lookup_finished(id, status, sizeof(status)) == 0) {
		char msg[160];
		snprintf(msg, sizeof(msg), "job %s already finished (%s); "
		    "there is nothing to cancel", idtext, status);
		reply_error(request_id, 409, msg);
		return;
	}
	reply_error(request_id, 404, "no such job; list jobs with GET "
	    "/api/build/jobs");
}

static void
handle_upload(uint32_t request_id, const char *name, size_t len, int fd)
{
	json_t *body;
	unsigned status = upload_receive(name, len, fd, &body);
	reply(request_id, status, body);
}

static void
handle_status(uint32_t request_id)
{
	static struct ipc_msg m;
	int queued = 0;
	struct build_job *j;
	TAILQ_FOREACH(j, &bw.queue, entry)
		queued++;
	json_t *o = json_pack("{s:s, s:i, s:i}", "state", bw.running ?
	    "building" : "idle", "queued", queued, "pid", (int)getpid());
	if (bw.running) {
		char id[24];
		snprintf(id, sizeof(id), "%" PRIu64, bw.running->id);
		json_object_set_new(o, "running_job", json_string(id));
	}
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	ipc_msg_init(&m, IPC_FRONT_STATUS, request_id);
	if (text && bw.front && ipc_add_string(&m, text) == 0)
		chan_send(bw.front, &m);
	free(text);
}

static int
front_msg(struct chan *c, struct ipc_msg *m, void *arg, char *err,
    size_t errlen)
{
	const char *text;
	size_t len;
	uint64_t id;
	int fd;
	(void)c;
	(void)arg;
	switch (m->hdr.type) {
	case IPC_BUILD_START:
		if (ipc_get_string_ref(m, &text, &len) != 0 ||
		    ipc_get_end(m) != 0)
			break;
		handle_start(m->hdr.request_id, text, len);
		return 0;
	case IPC_BUILD_CANCEL:
		if (ipc_get_u64(m, &id) != 0 || ipc_get_end(m) != 0)
			break;
		handle_cancel(m->hdr.request_id, id);
		return 0;
	case IPC_BUILD_UPLOAD:
		/* The payload first: the descriptor, once taken, is ours to
		 * close on every path. */
		if (ipc_get_string_ref(m, &text, &len) != 0 ||
		    ipc_get_end(m) != 0)
			break;
		if ((fd = ipc_get_fd(m)) < 0)
			break;
		handle_upload(m->hdr.request_id, text, len, fd);
		return 0;
	case IPC_WORKER_STATUS_REQUEST:
		if (ipc_get_end(m) != 0)
			break;
		handle_status(m->hdr.request_id);
		return 0;
	}
	snprintf(err, errlen, "malformed %s", ipc_type_name(m->hdr.type));
	return -1;
}

/* Builds go on without a front: their events are on disk, and the next
 * front replays them. */
static void
front_closed(struct chan *c, const char *reason, void *arg)
{
	(void)arg;
	log_info("front channel closed (%s); builds go on", reason);
	if (bw.front == c)
		bw.front = NULL;
	chan_free(c);
}

static void
on_channel(uint32_t peer, int fd, void *arg)
{
	(void)arg;
	if (peer != IPC_PEER_FRONT) {
		log_warnx("ignoring a channel to an unexpected peer %u", peer);
		close(fd);
		return;
	}
	if (bw.front)
		chan_free(bw.front);
	bw.front = chan_new(bw.base, fd, "front", front_permits,
	    sizeof(front_permits) / sizeof(front_permits[0]), front_msg,
	    front_closed, NULL);
	if (bw.front)
		jobs_front_connected();
}

static int
on_config(const struct rtforge_config *cfg, void *arg)
{
	(void)arg;
	if (bw.cfg != NULL) {
		/* A reload: take it between builds, never under one. */
		pending_cfg = *cfg;
		have_pending_cfg = true;
		return 0;
	}
	worker_cfg = *cfg;
	bw.cfg = &worker_cfg;
	umask(027);
	if (jobs_init_state() != 0)
		return -1;
	cargo_watch_children();
	jobs_recover();
	log_info("ready: workspace %s, runtime %s, node %s",
	    cfg->build.source_dir, cfg->build.runtime_package,
	    cfg->build.node_package);
	jobs_start_next();
	return 0;
}

void
build_apply_pending_config(void)
{
	if (!have_pending_cfg || bw.running)
		return;
	if (strcmp(pending_cfg.state_dir, worker_cfg.state_dir) != 0)
		log_warnx("state_dir changed; restart rtforge to use it");
	else
		worker_cfg = pending_cfg;
	have_pending_cfg = false;
}

static void
supervisor_lost(void *arg)
{
	(void)arg;
	event_base_loopbreak(bw.base);
}

static void
on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(bw.base);
}

/* A build cut short by shutdown ends as failed with the reason on record,
 * so nobody later mistakes it for one that is still running. */
static void
stop_running_build(void)
{
	if (bw.running == NULL)
		return;
	cargo_cancel("rtforge is stopping");
	struct build_job *job = bw.running;
	bw.running = NULL;
	job_finish(job, JOB_FAILED, "rtforge stopped during this build; "
	    "start the build again");
	cargo_kill_leftover();
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	log_init("build", getenv("RTFORGE_DEBUG") != NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0)
		fatalx("libsodium failed to initialise");
	TAILQ_INIT(&bw.queue);
	bw.base = event_base_new();
	if (bw.base == NULL)
		fatalx("cannot create the event loop");
	struct role_hooks hooks = { .on_config = on_config,
		.on_channel = on_channel, .on_supervisor_lost = supervisor_lost };
	if (role_attach_supervisor(bw.base, &hooks) != 0)
		fatalx("no supervisor channel on fd %d", ROLE_SUPERVISOR_FD);
	struct event *term = evsignal_new(bw.base, SIGTERM, on_stop_signal,
	    NULL);
	struct event *intr = evsignal_new(bw.base, SIGINT, on_stop_signal,
	    NULL);
	event_add(term, NULL);
	event_add(intr, NULL);
	event_base_dispatch(bw.base);
	if (bw.cfg)
		stop_running_build();
	log_info("stopped");
	return 0;
}
