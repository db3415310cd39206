/* The front role's life: config from the supervisor, the HTTP server on
 * the inherited listening socket, and the channels to the workers. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/http.h>

#include "chan.h"
#include "auth.h"
#include "front.h"
#include "jobfile.h"
#include "metrics.h"
#include "ipc.h"
#include "log.h"
#include "role.h"
#include "wasm_inspect.h"

#define HTTP_TIMEOUT_SECONDS 30	/* reading a request, writing a reply */
/* libevent's own cap on any request body. evhttp 2.1 calls us only once a
 * body is read whole and offers no hook between a request's headers and
 * its body, so this cap cannot depend on the route: it is the largest body
 * any route takes (an uploaded runtime, 10 MiB) plus room for the upload
 * route to answer a slightly larger one with its own JSON 413. The JSON
 * routes still refuse bodies past FRONT_BODY_MAX with 413 when they read
 * them; past this cap libevent answers 413 itself and closes. */
#define HTTP_BODY_MAX (WASM_MAX_INPUT + 64 * 1024)
#define STATUS_POLL_SECONDS 5

struct front fr;

static const uint32_t worker_permits[] = { IPC_FRONT_REPLY,
	IPC_FRONT_BUILD_EVENT, IPC_FRONT_STATUS };
static const uint32_t sign_permits[] = { IPC_FRONT_REPLY, IPC_FRONT_STATUS,
	IPC_FRONT_BUILD_EVENT };

struct pending {
	uint32_t id;
	struct worker_link *worker;
	struct evhttp_request *req;	/* NULL once the client left */
	struct evhttp_connection *evcon;
	worker_reply_fn fn;
	void *arg;
	struct event *timer;
	int timeout_seconds;
	LIST_ENTRY(pending) entry;
};
static LIST_HEAD(, pending) pendings = LIST_HEAD_INITIALIZER(pendings);

static void
pending_free(struct pending *p)
{
	LIST_REMOVE(p, entry);
	if (p->req)
		evhttp_connection_set_closecb(p->evcon, NULL, NULL);
	if (p->timer)
		event_free(p->timer);
	free(p);
}

static void
pending_client_gone(struct evhttp_connection *evcon, void *arg)
{
	struct pending *p = arg;
	(void)evcon;
	p->req = NULL;
}

static void
pending_fail(struct pending *p, int status, const char *msg)
{
	if (p->req)
		http_reply_error(p->req, status, "%s", msg);
	pending_free(p);
}

static void
pending_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	char msg[160];
	(void)fd;
	(void)what;
	snprintf(msg, sizeof(msg), "the %s worker did not answer within %d s; "
	    "check GET /healthz and try again", p->worker->name,
	    p->timeout_seconds);
	pending_fail(p, 504, msg);
}

static void
worker_unavailable(struct evhttp_request *req, const struct worker_link *w)
{
	http_reply_error(req, 503, "the %s worker is not running right now "
	    "(it is being restarted); try again in a few seconds", w->name);
}

void
front_ask_worker(struct worker_link *w, struct evhttp_request *req,
    uint32_t type, const char *json_payload, const uint64_t *u64_payload,
    worker_reply_fn fn, void *arg)
{
	struct worker_ask ask = { .type = type, .json = json_payload,
		.u64 = u64_payload, .fd = -1,
		.timeout_seconds = FRONT_WORKER_REPLY_TIMEOUT };
	front_ask_worker_with(w, req, &ask, fn, arg);
}

void
front_ask_worker_with(struct worker_link *w, struct evhttp_request *req,
    const struct worker_ask *ask, worker_reply_fn fn, void *arg)
{
	static struct ipc_msg m;
	if (w->chan == NULL) {
		worker_unavailable(req, w);
		return;
	}
	struct pending *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		http_reply_error(req, 503, "out of memory; try again");
		return;
	}
	p->id = ++fr.next_request_id;
	ipc_msg_init(&m, ask->type, p->id);
	int r = 0;
	if (ask->json)
		r |= ipc_add_string(&m, ask->json);
	if (ask->u64)
		r |= ipc_add_u64(&m, *ask->u64);
	if (ask->fd >= 0)
		r |= ipc_add_fd(&m, ask->fd);
	r = r != 0 ? r : chan_send(w->chan, &m) != 0 ? 2 : 0;
	ipc_msg_clear(&m);
	if (r != 0) {
		free(p);
		if (r != 2)
			http_reply_error(req, 413, "request too large");
		else
			worker_unavailable(req, w);
		return;
	}
	p->worker = w;
	p->req = req;
	p->evcon = evhttp_request_get_connection(req);
	p->fn = fn;
	p->arg = arg;
	p->timer = evtimer_new(fr.base, pending_timeout, p);
	if (p->timer == NULL) {
		free(p);
		http_reply_error(req, 503, "out of memory; try again");
		return;
	}
	p->timeout_seconds = ask->timeout_seconds;
	struct timeval tv = { .tv_sec = ask->timeout_seconds };
	evtimer_add(p->timer, &tv);
	evhttp_connection_set_closecb(p->evcon, pending_client_gone, p);
	LIST_INSERT_HEAD(&pendings, p, entry);
}

static int
take_reply(const struct worker_link *w, struct ipc_msg *m, char *err,
    size_t len)
{
	uint32_t status;
	const char *text;
	size_t tlen;
	if (ipc_get_u32(m, &status) != 0 || ipc_get_string_ref(m, &text,
	    &tlen) != 0 || ipc_get_end(m) != 0 || status < 100 ||
	    status > 599) {
		snprintf(err, len, "malformed FRONT_REPLY");
		return -1;
	}
	struct pending *p;
	LIST_FOREACH(p, &pendings, entry)
		if (p->id == m->hdr.request_id && p->worker == w)
			break;
	if (p == NULL)
		return 0;	/* it timed out already */
	json_t *body = json_loadb(text, tlen, 0, NULL);
	if (!json_is_object(body)) {
		json_decref(body);
		snprintf(err, len, "FRONT_REPLY body is not a JSON object");
		pending_fail(p, 502, "the worker answered garbage");
		return -1;
	}
	if (p->req) {
		evhttp_connection_set_closecb(p->evcon, NULL, NULL);
		struct evhttp_request *req = p->req;
		p->req = NULL;
		p->fn(req, status, body, p->arg);
	}
	json_decref(body);
	pending_free(p);
	return 0;
}

static int
take_event(const struct worker_link *w, struct ipc_msg *m, char *err,
    size_t len)
{
	uint64_t job, id;
	const char *name, *data;
	size_t nlen, dlen;
	char namebuf[32];
	if (ipc_get_u64(m, &job) != 0 || ipc_get_u64(m, &id) != 0 ||
	    ipc_get_string_ref(m, &name, &nlen) != 0 ||
	    ipc_get_string_ref(m, &data, &dlen) != 0 || ipc_get_end(m) != 0 ||
	    nlen == 0 || nlen >= sizeof(namebuf)) {
		snprintf(err, len, "malformed FRONT_BUILD_EVENT");
		return -1;
	}
	memcpy(namebuf, name, nlen);
	namebuf[nlen] = '\0';
	sse_on_event(w == &fr.sign ? JOBFILE_UPGRADES : JOBFILE_JOBS, job, id,
	    namebuf, data, dlen);
	if (w == &fr.sign)
		upgrade_routes_on_event(job, namebuf, data, dlen);
	return 0;
}

static int
take_status(struct worker_link *w, struct ipc_msg *m, char *err, size_t len)
{
	const char *text;
	size_t tlen;
	if (ipc_get_string_ref(m, &text, &tlen) != 0 || ipc_get_end(m) != 0) {
		snprintf(err, len, "malformed FRONT_STATUS");
		return -1;
	}
	json_t *o = json_loadb(text, tlen, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		snprintf(err, len, "FRONT_STATUS is not a JSON object");
		return -1;
	}
	json_decref(w->last_status);
	w->last_status = o;
	return 0;
}

static int
worker_msg(struct chan *c, struct ipc_msg *m, void *arg, char *err,
    size_t len)
{
	struct worker_link *w = arg;
	(void)c;
	switch (m->hdr.type) {
	case IPC_FRONT_REPLY:
		return take_reply(w, m, err, len);
	case IPC_FRONT_BUILD_EVENT:
		return take_event(w, m, err, len);
	default:
		return take_status(w, m, err, len);
	}
}

static void
worker_closed(struct chan *c, const char *reason, void *arg)
{
	struct worker_link *w = arg;
	struct pending *p, *next;
	log_info("%s worker channel closed: %s", w->name, reason);
	chan_free(c);
	if (w->chan != c)
		return;
	w->chan = NULL;
	json_decref(w->last_status);
	w->last_status = NULL;
	for (p = LIST_FIRST(&pendings); p != NULL; p = next) {
		next = LIST_NEXT(p, entry);
		if (p->worker == w)
			pending_fail(p, 503, "the worker restarted before it "
			    "answered; check the job list, then try again");
	}
}

static void
ask_status(struct worker_link *w)
{
	static struct ipc_msg m;
	if (w->chan == NULL)
		return;
	ipc_msg_init(&m, IPC_WORKER_STATUS_REQUEST, 0);
	chan_send(w->chan, &m);
}

static void
on_channel(uint32_t peer, int fd, void *arg)
{
	(void)arg;
	struct worker_link *w = peer == IPC_PEER_BUILD ? &fr.build :
	    peer == IPC_PEER_SIGN ? &fr.sign : NULL;
	if (w == NULL) {
		log_warnx("ignoring a channel to unexpected peer %u", peer);
		close(fd);
		return;
	}
	if (w->chan)
		worker_closed(w->chan, "replaced by a new channel", w);
	bool build = w == &fr.build;
	w->chan = chan_new(fr.base, fd, w->name, build ? worker_permits :
	    sign_permits, 3, worker_msg, worker_closed, w);
	w->connected_at = time(NULL);
	metrics_worker_started(w->name);
	ask_status(w);
}

static void
on_status_poll(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	ask_status(&fr.build);
	ask_status(&fr.sign);
}

static int
start_http(void)
{
	fr.http = evhttp_new(fr.base);
	if (fr.http == NULL)
		return -1;
	evhttp_set_max_body_size(fr.http, HTTP_BODY_MAX);
	evhttp_set_max_headers_size(fr.http, 16 * 1024);
	evhttp_set_timeout(fr.http, HTTP_TIMEOUT_SECONDS);
	/* Every method reaches our router, so that a wrong one gets a JSON
	 * 405 instead of libevent's HTML page. */
	evhttp_set_allowed_methods(fr.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_gencb(fr.http, routes_dispatch, NULL);
	conn_guard_install(fr.http);
	/* libevent accepts until EAGAIN: a blocking listener would hang. */
	if (evutil_make_socket_nonblocking(ROLE_LISTEN_FD) != 0 ||
	    evhttp_accept_socket(fr.http, ROLE_LISTEN_FD) != 0) {
		log_warn("cannot serve on the inherited socket");
		return -1;
	}
	return 0;
}

static int
on_config(const struct rtforge_config *cfg, void *arg)
{
	(void)arg;
	char err[256];
	if (fr.configured) {
		log_info("config reloaded by the supervisor");
		fr.cfg = *cfg;
		auth_reload(&fr.cfg);
		return 0;
	}
	fr.cfg = *cfg;
	fr.configured = true;
	if (auth_init(fr.base, &fr.cfg, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return -1;
	}
	if (start_http() != 0)
		return -1;
	sse_init();
	struct timeval tv = { .tv_sec = STATUS_POLL_SECONDS };
	struct event *poll = event_new(fr.base, -1, EV_PERSIST, on_status_poll,
	    NULL);
	event_add(poll, &tv);
	if (cfg->dev && auth_is_off())
		log_warnx("--dev mode: listening on loopback only, with NO "
		    "authentication; never expose this port");
	log_info("serving http://%s:%u%s", cfg->listen_host, cfg->listen_port,
	    cfg->base_path);
	return 0;
}

static void
supervisor_lost(void *arg)
{
	(void)arg;
	event_base_loopbreak(fr.base);
}

static void
on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(fr.base);
}

int
front_main(void)
{
	log_init("front", getenv("RTFORGE_DEBUG") != NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Every client is a descriptor: take all the kernel allows us. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 &&
	    nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	fr.build.name = "build";
	fr.sign.name = "sign";
	fr.started_at = time(NULL);
	fr.base = event_base_new();
	if (fr.base == NULL)
		fatalx("cannot create the event loop");
	struct role_hooks hooks = { .on_config = on_config,
		.on_channel = on_channel, .on_supervisor_lost = supervisor_lost };
	if (role_attach_supervisor(fr.base, &hooks) != 0)
		fatalx("no supervisor channel on fd %d", ROLE_SUPERVISOR_FD);
	struct event *term = evsignal_new(fr.base, SIGTERM, on_stop_signal,
	    NULL);
	event_add(term, NULL);
	event_base_dispatch(fr.base);
	auth_shutdown();
	log_info("stopped");
	return 0;
}
