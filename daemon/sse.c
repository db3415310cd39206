/* SSE subscribers of build jobs.
 *
 * The job's event log on disk is the source of truth: the build worker
 * appends every event there before it tells us. A subscriber that keeps up
 * gets live events straight from the worker's messages; one that falls
 * behind (a slow client, a gap after a restart) is marked lagging and fed
 * from the file instead, a bounded amount at a time, until it has caught
 * up. So each client sees every event once, in order, and a slow client
 * costs at most SSE_OUTPUT_MAX bytes of memory. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>

#include "auth.h"
#include "front.h"
#include "jobfile.h"
#include "log.h"
#include "sse_format.h"

#define SSE_OUTPUT_MAX (128 * 1024)	/* pending bytes per client */
#define SSE_SUBSCRIBERS_MAX 512
#define SSE_KEEPALIVE_SECONDS 10
#define SSE_CATCHUP_MS 200

struct sse_sub {
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	const char *kind;		/* JOBFILE_JOBS or JOBFILE_UPGRADES */
	uint64_t job_id;
	uint64_t next_id;
	off_t offset;
	int fd;
	bool lagging;
	/* The token it was opened with ("" when auth is off): a reload that
	 * revokes that token ends the stream. */
	char token[CONFIG_TOKEN_NAME_MAX];
	LIST_ENTRY(sse_sub) entry;
};

static LIST_HEAD(, sse_sub) subs = LIST_HEAD_INITIALIZER(subs);
static size_t sub_count;
static struct event *keepalive_ev, *catchup_ev;

size_t
sse_subscriber_count(void)
{
	return sub_count;
}

static size_t
pending_output(const struct sse_sub *s)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(s->evcon);
	return bev ? evbuffer_get_length(bufferevent_get_output(bev)) : 0;
}

static void
sub_free(struct sse_sub *s)
{
	LIST_REMOVE(s, entry);
	sub_count--;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

static void
sub_closed(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	sub_free(arg);
}

static void
sub_finish(struct sse_sub *s)
{
	evhttp_connection_set_closecb(s->evcon, NULL, NULL);
	evhttp_send_reply_end(s->req);
	sub_free(s);
}

/* Returns true when that was the stream's last event. */
static bool
sub_send(struct sse_sub *s, uint64_t id, const char *name, const char *data,
    size_t len)
{
	struct evbuffer *buf = evbuffer_new();
	if (buf == NULL)
		return false;
	if (sse_format_event(buf, id, name, data, len) == 0)
		evhttp_send_reply_chunk(s->req, buf);
	evbuffer_free(buf);
	s->next_id = id + 1;
	return jobfile_event_is_terminal(name);
}

struct catchup_ctx {
	struct sse_sub *sub;
	bool full;
	bool ended;
};

static int
catchup_event(const struct job_event *ev, void *arg)
{
	struct catchup_ctx *ctx = arg;
	if (sub_send(ctx->sub, ev->id, ev->name, ev->data, ev->data_len)) {
		ctx->ended = true;
		return 1;
	}
	if (pending_output(ctx->sub) >= SSE_OUTPUT_MAX) {
		ctx->full = true;
		return 1;
	}
	return 0;
}

static int
sub_open_log(struct sse_sub *s)
{
	char path[1200];
	if (s->fd >= 0)
		return 0;
	if (jobfile_path_in(path, sizeof(path), fr.cfg.state_dir, s->kind,
	    s->job_id, ".events") != 0)
		return -1;
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	return s->fd >= 0 ? 0 : -1;
}

/* Feeds a lagging client from the event log. Returns false when the
 * subscriber is gone (stream ended or the log is unreadable). */
static bool
sub_catch_up(struct sse_sub *s)
{
	char err[128];
	if (pending_output(s) >= SSE_OUTPUT_MAX)
		return true;
	if (sub_open_log(s) != 0) {
		/* No events yet: the job is queued and has said nothing. */
		s->lagging = false;
		return true;
	}
	struct catchup_ctx ctx = { .sub = s };
	int n = jobfile_read_events(s->fd, &s->offset, s->next_id,
	    SSE_OUTPUT_MAX, catchup_event, &ctx, err, sizeof(err));
	if (n < 0) {
		log_warnx("%s/%" PRIu64 ": event log: %s", s->kind, s->job_id,
		    err);
		sub_finish(s);
		return false;
	}
	if (ctx.ended) {
		sub_finish(s);
		return false;
	}
	s->lagging = ctx.full;
	return true;
}

void
sse_on_event(const char *kind, uint64_t job_id, uint64_t event_id,
    const char *name, const char *data, size_t data_len)
{
	struct sse_sub *s, *next;
	for (s = LIST_FIRST(&subs); s != NULL; s = next) {
		next = LIST_NEXT(s, entry);
		if (s->job_id != job_id || strcmp(s->kind, kind) != 0 ||
		    event_id < s->next_id)
			continue;
		if (!s->lagging && event_id == s->next_id &&
		    pending_output(s) < SSE_OUTPUT_MAX) {
			if (sub_send(s, event_id, name, data, data_len))
				sub_finish(s);
			continue;
		}
		s->lagging = true;
		sub_catch_up(s);
	}
}

static void
on_catchup_tick(evutil_socket_t fd, short what, void *arg)
{
	struct sse_sub *s, *next;
	(void)fd;
	(void)what;
	(void)arg;
	for (s = LIST_FIRST(&subs); s != NULL; s = next) {
		next = LIST_NEXT(s, entry);
		if (s->lagging)
			sub_catch_up(s);
	}
}

static void
on_keepalive_tick(evutil_socket_t fd, short what, void *arg)
{
	struct sse_sub *s;
	(void)fd;
	(void)what;
	(void)arg;
	struct evbuffer *buf = evbuffer_new();
	if (buf == NULL)
		return;
	LIST_FOREACH(s, &subs, entry) {
		if (pending_output(s) >= SSE_OUTPUT_MAX)
			continue;
		sse_format_keepalive(buf);
		evhttp_send_reply_chunk(s->req, buf);
	}
	evbuffer_free(buf);
}

void
sse_init(void)
{
	struct timeval keepalive = { .tv_sec = SSE_KEEPALIVE_SECONDS };
	struct timeval catchup = { .tv_usec = SSE_CATCHUP_MS * 1000 };
	keepalive_ev = event_new(fr.base, -1, EV_PERSIST, on_keepalive_tick,
	    NULL);
	catchup_ev = event_new(fr.base, -1, EV_PERSIST, on_catchup_tick, NULL);
	event_add(keepalive_ev, &keepalive);
	event_add(catchup_ev, &catchup);
}

void
sse_subscribe(struct evhttp_request *req, const char *kind, uint64_t job_id,
    uint64_t last_id)
{
	if (sub_count >= SSE_SUBSCRIBERS_MAX) {
		http_reply_error(req, 503, "too many event streams are open "
		    "(%d); close some and try again", SSE_SUBSCRIBERS_MAX);
		return;
	}
	struct sse_sub *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		http_reply_error(req, 503, "out of memory; try again");
		return;
	}
	s->req = req;
	s->evcon = evhttp_request_get_connection(req);
	s->kind = kind;
	s->job_id = job_id;
	s->next_id = last_id + 1;
	s->fd = -1;
	s->lagging = true;
	const struct auth_who *who = auth_current();
	if (who && who->via && strcmp(who->via, "off") != 0)
		snprintf(s->token, sizeof(s->token), "%s", who->name);
	LIST_INSERT_HEAD(&subs, s, entry);
	sub_count++;
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Content-Type", "text/event-stream");
	evhttp_add_header(h, "Cache-Control", "no-cache");
	evhttp_add_header(h, "X-Accel-Buffering", "no");
	evhttp_send_reply_start(req, 200, "OK");
	evhttp_connection_set_closecb(s->evcon, sub_closed, s);
	sub_catch_up(s);
}

void
sse_end_streams_of(const char *token)
{
	struct sse_sub *s, *next;
	for (s = LIST_FIRST(&subs); s != NULL; s = next) {
		next = LIST_NEXT(s, entry);
		if (s->token[0] && strcmp(s->token, token) == 0)
			sub_finish(s);
	}
}
