/* The HTTP API: which handler answers which method and path, and the
 * checks on every request body. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "auth.h"
#include "front.h"
#include "ipc.h"
#include "jobfile.h"
#include "metrics.h"
#include "request_check.h"
#include "sse_format.h"

#define JOBS_LIST_DEFAULT 50

bool
front_is_method(struct evhttp_request *req, enum evhttp_cmd_type want,
    const char *allow)
{
	enum evhttp_cmd_type got = evhttp_request_get_command(req);
	if (got == want || (want == EVHTTP_REQ_GET && got == EVHTTP_REQ_HEAD))
		return true;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    allow);
	http_reply_error(req, 405, "method %s is not allowed here; use %s",
	    http_method_name(got), allow);
	return false;
}

static void
build_started(struct evhttp_request *req, unsigned status, json_t *body,
    void *arg)
{
	(void)arg;
	const char *id = json_string_value(json_object_get(body, "job_id"));
	if (status == 202 && id) {
		char endpoint[CONFIG_NAME_MAX + 64];
		json_int_t position = json_integer_value(json_object_get(body,
		    "position"));
		snprintf(endpoint, sizeof(endpoint), "%sapi/build/status/%s",
		    fr.cfg.base_path, id);
		json_object_set_new(body, "sse_endpoint", json_string(endpoint));
		json_object_set_new(body, "message", json_string(position > 1 ?
		    "build queued behind another; follow sse_endpoint" :
		    "build queued; follow sse_endpoint for progress"));
	}
	http_reply_json(req, (int)status, json_incref(body));
}

static void
route_build_start(struct evhttp_request *req, bool node)
{
	char err[512];
	if (!front_is_method(req, EVHTTP_REQ_POST, "POST"))
		return;
	json_t *body = http_read_json_body(req, FRONT_BODY_MAX);
	if (body == NULL)
		return;
	int status = request_check_build(body, node, err, sizeof(err));
	if (status != 0) {
		json_decref(body);
		http_reply_error(req, status, "%s", err);
		return;
	}
	/* "o" takes the reference it is given: a borrowed array is
	 * incref'd, a new one handed over. */
	json_t *features = json_object_get(body, "features");
	json_t *msg = json_pack("{s:s, s:b, s:o}", "kind", node ? "node" :
	    "runtime", "clean", json_is_true(json_object_get(body, "clean")),
	    "features", features ? json_incref(features) : json_array());
	if (msg && node && json_object_get(body, "target"))
		json_object_set(msg, "target", json_object_get(body, "target"));
	if (msg && json_is_true(json_object_get(body, "verify_reproducible")))
		json_object_set_new(msg, "verify_reproducible", json_true());
	json_decref(body);
	char *text = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
	json_decref(msg);
	if (text == NULL) {
		http_reply_error(req, 500, "out of memory; try again");
		return;
	}
	front_ask_worker(&fr.build, req, IPC_BUILD_START, text, NULL,
	    build_started, NULL);
	free(text);
}

int
front_resume_point(struct evhttp_request *req, uint64_t *last_id)
{
	const char *header = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Last-Event-ID");
	struct evkeyvalq query;
	const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	const char *from_query = NULL;
	TAILQ_INIT(&query);
	if (q && evhttp_parse_query_str(q, &query) == 0)
		from_query = evhttp_find_header(&query, "last_event_id");
	int r = sse_resume_point(header, from_query, last_id);
	evhttp_clear_headers(&query);
	if (r != 0)
		http_reply_error(req, 400, "Last-Event-ID (or last_event_id) "
		    "must be a decimal event id");
	return r;
}

static void
route_job_stream(struct evhttp_request *req, uint64_t id)
{
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET"))
		return;
	if (id == 0 || !jobs_view_exists(id)) {
		http_reply_error(req, 404, "no such job; list jobs with GET "
		    "%sapi/build/jobs", fr.cfg.base_path);
		return;
	}
	uint64_t last_id;
	if (front_resume_point(req, &last_id) != 0)
		return;
	sse_subscribe(req, JOBFILE_JOBS, id, last_id);
}

static void
reply_passthrough(struct evhttp_request *req, unsigned status, json_t *body,
    void *arg)
{
	(void)arg;
	http_reply_json(req, (int)status, json_incref(body));
}

static void
route_job(struct evhttp_request *req, uint64_t id)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	if (cmd == EVHTTP_REQ_DELETE) {
		if (id == 0) {
			http_reply_error(req, 404, "no such job");
			return;
		}
		front_ask_worker(&fr.build, req, IPC_BUILD_CANCEL, NULL, &id,
		    reply_passthrough, NULL);
		return;
	}
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET, DELETE"))
		return;
	json_t *job = id ? jobs_view_one(id) : NULL;
	if (job == NULL) {
		http_reply_error(req, 404, "no such job; list jobs with GET "
		    "%sapi/build/jobs", fr.cfg.base_path);
		return;
	}
	http_reply_json(req, 200, job);
}

static void
route_jobs(struct evhttp_request *req)
{
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET"))
		return;
	http_reply_json(req, 200, json_pack("{s:o}", "jobs",
	    jobs_view_list(JOBS_LIST_DEFAULT)));
}

/* Each runtime artifact gets its verdict against the chain's runtime;
 * without a chain answer the list is still served, and says why. */
static void
artifacts_with_chain(struct evhttp_request *req, unsigned status,
    json_t *chain, void *arg)
{
	(void)arg;
	json_t *list = jobs_view_artifacts(JOBS_VIEW_ARTIFACTS_MAX);
	if (list == NULL) {
		http_reply_error(req, 500, "out of memory; try again");
		return;
	}
	if (status == 200) {
		jobs_view_add_verdicts(list, json_object_get(chain, "runtime"));
		proposal_hash_add(list, chain);
	} else
		json_object_set_new(list, "chain_error", json_string(
		    json_string_value(json_object_get(chain, "error")) ?
		    json_string_value(json_object_get(chain, "error")) :
		    "the chain could not be read"));
	json_object_set(list, "chain", status == 200 ?
	    json_object_get(chain, "runtime") : json_null());
	http_reply_json(req, 200, list);
}

static void
route_artifacts(struct evhttp_request *req)
{
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET"))
		return;
	if (fr.sign.chan == NULL) {
		json_t *down = json_pack("{s:s}", "error", "the sign worker, "
		    "which reads the chain, is restarting; try again shortly");
		artifacts_with_chain(req, 503, down, NULL);
		json_decref(down);
		return;
	}
	front_ask_worker(&fr.sign, req, IPC_SIGN_CHAIN_REQUEST, NULL, NULL,
	    artifacts_with_chain, NULL);
}

static void
route_sign_query(struct evhttp_request *req, uint32_t type)
{
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET"))
		return;
	front_ask_worker(&fr.sign, req, type, NULL, NULL, reply_passthrough,
	    NULL);
}

static json_t *
worker_health(const struct worker_link *w)
{
	json_t *o = json_pack("{s:s}", "state", w->chan ? "up" : "down");
	if (w->chan && w->last_status)
		json_object_set(o, "status", w->last_status);
	return o;
}

static void
route_health(struct evhttp_request *req)
{
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET"))
		return;
	bool all_up = fr.build.chan && fr.sign.chan;
	http_reply_json(req, 200, json_pack("{s:s, s:{s:{s:s, s:i, s:i}, s:o, "
	    "s:o}}", "status", all_up ? "ok" : "degraded", "roles", "front",
	    "state", "up", "pid", (int)getpid(), "streams",
	    (int)sse_subscriber_count(), "build", worker_health(&fr.build),
	    "sign", worker_health(&fr.sign)));
}

static bool
starts_with(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);
	if (strncmp(s, prefix, n) != 0)
		return false;
	*rest = s + n;
	return true;
}

static void
route_api(struct evhttp_request *req, const char *path)	/* auth_next_fn */
{
	const char *rest;
	if (strcmp(path, "/api/build/runtime") == 0)
		route_build_start(req, false);
	else if (strcmp(path, "/api/build/node") == 0)
		route_build_start(req, true);
	else if (strcmp(path, "/api/build/jobs") == 0)
		route_jobs(req);
	else if (strcmp(path, "/api/build/artifacts") == 0)
		route_artifacts(req);
	else if (strcmp(path, "/api/upgrade") == 0)
		upgrade_routes_dispatch(req, "");
	else if (starts_with(path, "/api/upgrade/", &rest))
		upgrade_routes_dispatch(req, rest - 1);
	else if (strcmp(path, "/api/chain") == 0)
		route_sign_query(req, IPC_SIGN_CHAIN_REQUEST);
	else if (strcmp(path, "/api/signer") == 0)
		route_sign_query(req, IPC_SIGN_SIGNER_REQUEST);
	else if (starts_with(path, "/api/build/jobs/", &rest))
		route_job(req, jobfile_parse_id(rest));
	else if (starts_with(path, "/api/build/status/", &rest))
		route_job_stream(req, jobfile_parse_id(rest));
	else
		http_reply_error(req, 404, "no such endpoint: %.200s", path);
}

/* /metrics needs a viewer, like the rest of what rtforge tells. */
static void
metrics_gated(struct evhttp_request *req, const char *path)
{
	(void)path;
	metrics_route(req);
}

/* "/rtforge" without its slash would load the page with relative URLs
 * pointing one level up: send the browser to "/rtforge/". */
static bool
redirect_to_base(struct evhttp_request *req)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *raw = uri ? evhttp_uri_get_path(uri) : NULL;
	size_t base_len = strlen(fr.cfg.base_path);
	if (raw == NULL || base_len <= 1 || strlen(raw) != base_len - 1 ||
	    strncmp(raw, fr.cfg.base_path, base_len - 1) != 0)
		return false;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location",
	    fr.cfg.base_path);
	evhttp_send_reply(req, 301, "Moved Permanently", NULL);
	return true;
}

void
routes_dispatch(struct evhttp_request *req, void *arg)
{
	(void)arg;
	conn_guard_request_arrived(req);
	if (redirect_to_base(req))
		return;
	char *path = http_route_path(req);
	if (path == NULL) {
		http_reply_error(req, 404, "not found; rtforge serves under %s",
		    fr.cfg.base_path);
		return;
	}
	if (strcmp(path, "/healthz") == 0)
		route_health(req);
	else if (strcmp(path, "/metrics") == 0)
		auth_gate(req, path, metrics_gated);
	else if (strcmp(path, "/api") == 0 || strncmp(path, "/api/", 5) == 0)
		auth_gate(req, path, route_api);
	else if (front_is_method(req, EVHTTP_REQ_GET, "GET"))
		static_serve(req, path);
	free(path);
}
