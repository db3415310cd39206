/* The front role: the only process that listens. It serves the JSON API,
 * the SSE streams and the static page, and turns requests into messages to
 * the workers. It never holds a key and never writes artifacts. */
#ifndef RTFORGE_FRONT_H
#define RTFORGE_FRONT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

#include "config.h"

#define FRONT_BODY_MAX (64 * 1024)	/* JSON bodies on the API */
#define FRONT_WORKER_REPLY_TIMEOUT 10	/* seconds */

struct chan;

struct worker_link {
	const char *name;		/* "build", "sign" */
	struct chan *chan;
	json_t *last_status;		/* from the worker, or NULL */
	time_t connected_at;
};

struct front {
	struct event_base *base;
	struct evhttp *http;
	struct rtforge_config cfg;
	bool configured;
	struct worker_link build;
	struct worker_link sign;
	uint32_t next_request_id;
	time_t started_at;
};

extern struct front fr;

/* front.c */
int front_main(void);
/* Sends a request to a worker and calls back when it replies, or answers
 * the HTTP request itself with 503/504 when the worker cannot. */
typedef void (*worker_reply_fn)(struct evhttp_request *req, unsigned status,
    json_t *body, void *arg);
void front_ask_worker(struct worker_link *w, struct evhttp_request *req,
    uint32_t type, const char *json_payload, const uint64_t *u64_payload,
    worker_reply_fn fn, void *arg);
/* The same with a descriptor to pass (kept by the caller: the frame
 * carries a dup) and its own reply deadline. */
struct worker_ask {
	uint32_t type;
	const char *json;		/* or NULL */
	const uint64_t *u64;		/* or NULL */
	int fd;				/* or -1 */
	int timeout_seconds;
};
void front_ask_worker_with(struct worker_link *w, struct evhttp_request *req,
    const struct worker_ask *ask, worker_reply_fn fn, void *arg);

/* routes.c */
void routes_dispatch(struct evhttp_request *req, void *arg);
/* True when req uses want (GET also takes HEAD); else answers 405. */
bool front_is_method(struct evhttp_request *req, enum evhttp_cmd_type want,
    const char *allow);
/* Where an SSE client resumes (Last-Event-ID or ?last_event_id=); 0, or
 * -1 after answering 400. */
int front_resume_point(struct evhttp_request *req, uint64_t *last_id);

/* upgrade_routes.c: /api/upgrade... (rest starts after "/api/upgrade") */
void upgrade_routes_dispatch(struct evhttp_request *req, const char *rest);
/* Every upgrade event from the sign worker, to answer "wait": true. */
void upgrade_routes_on_event(uint64_t upgrade_id, const char *name,
    const char *data, size_t data_len);

/* upload.c: POST /api/upgrade/upload */
void upload_route(struct evhttp_request *req);

/* http_util.c */
void http_reply_json(struct evhttp_request *req, int status, json_t *body);
void http_reply_error(struct evhttp_request *req, int status,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reads the request body as a JSON object. On failure it has answered the
 * request (400/413) and returns NULL. An empty body gives {}. */
json_t *http_read_json_body(struct evhttp_request *req, size_t cap);
/* The request path with the base path removed, percent-decoded; NULL when
 * the request lies outside the base path or is malformed. */
char *http_route_path(struct evhttp_request *req);
const char *http_method_name(enum evhttp_cmd_type cmd);

/* sse.c */
void sse_init(void);
/* Starts streaming job events to req, beginning after last_id. */
/* kind: JOBFILE_JOBS or JOBFILE_UPGRADES (a static string). */
void sse_subscribe(struct evhttp_request *req, const char *kind,
    uint64_t job_id,
    uint64_t last_id);
/* A live event from the build worker. */
void sse_on_event(const char *kind, uint64_t job_id, uint64_t event_id,
    const char *name,
    const char *data, size_t data_len);
size_t sse_subscriber_count(void);
/* Ends the streams opened with this token (revoked by a reload): the
 * client's reconnect meets the gate again. */
void sse_end_streams_of(const char *token);

/* jobs_view.c */
json_t *jobs_view_list(size_t limit);
json_t *jobs_view_one(uint64_t job_id);
bool jobs_view_exists(uint64_t job_id);
#define JOBS_VIEW_ARTIFACTS_MAX 500
json_t *jobs_view_artifacts(size_t limit);
/* Adds "verdict" and "verdict_reason" to each runtime artifact of a
 * jobs_view_artifacts() answer, against the chain's runtime object. */
void jobs_view_add_verdicts(json_t *artifacts, const json_t *chain_runtime);

/* proposal_hash.c: each runtime artifact's srtool-style proposal hash
 * (blake2b-256 of System.set_code(code)) on the chain GET /api/chain
 * describes, when it names set_code_call_index. */
void proposal_hash_add(json_t *artifacts, const json_t *chain);

/* conn_guard.c */
void conn_guard_install(struct evhttp *http);
void conn_guard_request_arrived(struct evhttp_request *req);

/* static_files.c */
void static_serve(struct evhttp_request *req, const char *path);

#endif
