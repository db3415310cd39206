/* The upgrade API in the front: it checks the request's shape, finds the
 * artifact among the ones it knows, opens it and hands the descriptor to
 * the sign worker, which re-reads and re-hashes the bytes itself. The front
 * never signs, never talks to the node and never trusts a path from the
 * client: only an artifact's own "path" from the store is opened. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "auth.h"
#include "front.h"
#include "fsutil.h"
#include "ipc.h"
#include "jobfile.h"
#include "request_check.h"
#include "sse_format.h"

#define UPGRADE_START_TIMEOUT 180	/* pre-flight: metadata, :code, fee */
#define UPGRADE_WAIT_MAX 1800		/* "wait": true, at most */
#define UPGRADES_LIST_MAX 100

/* A "wait": true request, answered when its upgrade's stream ends. */
struct waiter {
	struct evhttp_request *req;	/* NULL once the client left */
	struct evhttp_connection *evcon;
	uint64_t upgrade_id;
	struct event *timer;
	LIST_ENTRY(waiter) entry;
};
static LIST_HEAD(, waiter) waiters = LIST_HEAD_INITIALIZER(waiters);

static void
reply_check_error(struct evhttp_request *req, int status, const char *check,
    const char *msg)
{
	http_reply_json(req, status, json_pack("{s:s, s:s}", "error", msg,
	    "check", check));
}

static bool
artifact_matches(json_t *a, const char *path, const char *hash)
{
	const char *kind = json_string_value(json_object_get(a, "kind"));
	const char *apath = json_string_value(json_object_get(a, "path"));
	const char *ahash = json_string_value(json_object_get(a, "hash"));
	if (kind == NULL || strcmp(kind, "runtime") != 0 || apath == NULL ||
	    ahash == NULL)
		return false;
	return path ? strcmp(apath, path) == 0 : strcasecmp(ahash, hash) == 0;
}

/* The newest runtime artifact with that path or hash, or NULL. */
static json_t *
find_artifact(const char *path, const char *hash)
{
	json_t *all = jobs_view_artifacts(JOBS_VIEW_ARTIFACTS_MAX), *a, *found =
	    NULL;
	size_t i;
	json_t *history = json_object_get(all, "history");
	json_array_foreach(history, i, a) {
		if (artifact_matches(a, path, hash)) {
			found = json_incref(a);
			break;
		}
	}
	json_decref(all);
	return found;
}

/* Store paths are "artifacts/<hash>/<file>", written by the build worker;
 * checked again here because the record is a file on disk. */
static int
open_artifact(json_t *artifact)
{
	const char *rel = json_string_value(json_object_get(artifact, "path"));
	char path[1200];
	if (rel == NULL || strncmp(rel, "artifacts/", 10) != 0 ||
	    strstr(rel, "..") != NULL || fs_join(path, sizeof(path),
	    fr.cfg.state_dir, rel) != 0) {
		errno = EINVAL;
		return -1;
	}
	return open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
}

static void
waiter_free(struct waiter *w)
{
	LIST_REMOVE(w, entry);
	if (w->req)
		evhttp_connection_set_closecb(w->evcon, NULL, NULL);
	if (w->timer)
		event_free(w->timer);
	free(w);
}

static void
waiter_client_gone(struct evhttp_connection *evcon, void *arg)
{
	struct waiter *w = arg;
	(void)evcon;
	w->req = NULL;
	waiter_free(w);
}

static void
waiter_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct waiter *w = arg;
	(void)fd;
	(void)what;
	if (w->req)
		http_reply_error(w->req, 504, "upgrade %" PRIu64 " is still "
		    "running after %d s; follow %sapi/upgrade/status/%" PRIu64,
		    w->upgrade_id, UPGRADE_WAIT_MAX, fr.cfg.base_path,
		    w->upgrade_id);
	waiter_free(w);
}

static void
wait_for_end(struct evhttp_request *req, uint64_t upgrade_id)
{
	struct waiter *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		http_reply_error(req, 503, "out of memory; follow "
		    "%sapi/upgrade/status/%" PRIu64, fr.cfg.base_path,
		    upgrade_id);
		return;
	}
	w->req = req;
	w->evcon = evhttp_request_get_connection(req);
	w->upgrade_id = upgrade_id;
	w->timer = evtimer_new(fr.base, waiter_timeout, w);
	if (w->timer == NULL) {
		free(w);
		http_reply_error(req, 503, "out of memory; follow "
		    "%sapi/upgrade/status/%" PRIu64, fr.cfg.base_path,
		    upgrade_id);
		return;
	}
	struct timeval tv = { .tv_sec = UPGRADE_WAIT_MAX };
	evtimer_add(w->timer, &tv);
	evhttp_connection_set_closecb(w->evcon, waiter_client_gone, w);
	LIST_INSERT_HEAD(&waiters, w, entry);
}

void
upgrade_routes_on_event(uint64_t upgrade_id, const char *name,
    const char *data, size_t data_len)
{
	struct waiter *w, *next;
	if (!jobfile_event_is_terminal(name))
		return;
	for (w = LIST_FIRST(&waiters); w != NULL; w = next) {
		next = LIST_NEXT(w, entry);
		if (w->upgrade_id != upgrade_id)
			continue;
		json_t *body = json_loadb(data, data_len, 0, NULL);
		if (!json_is_object(body)) {
			json_decref(body);
			body = json_pack("{s:s}", "error", "the upgrade's final "
			    "event could not be read; see GET /api/upgrade/:id");
		}
		json_object_set_new(body, "upgrade_id", json_integer(
		    (json_int_t)upgrade_id));
		if (w->req)
			http_reply_json(w->req, strcmp(name, "complete") == 0 ?
			    200 : json_is_string(json_object_get(body, "check")) ?
			    422 : 200, body);
		else
			json_decref(body);
		waiter_free(w);
	}
}

static void
upgrade_started(struct evhttp_request *req, unsigned status, json_t *body,
    void *arg)	/* cppcheck-suppress constParameter */
{
	bool wait = arg != NULL;
	json_int_t id = json_integer_value(json_object_get(body, "upgrade_id"));
	if (status == 202 && id > 0) {
		char endpoint[CONFIG_NAME_MAX + 64];
		snprintf(endpoint, sizeof(endpoint), "%sapi/upgrade/status/%lld",
		    fr.cfg.base_path, (long long)id);
		json_object_set_new(body, "sse_endpoint", json_string(endpoint));
		if (wait) {
			wait_for_end(req, (uint64_t)id);
			return;
		}
	}
	http_reply_json(req, (int)status, json_incref(body));
}

static char *
start_message(json_t *body, json_t *artifact)
{
	json_t *msg = json_deep_copy(body);
	if (msg == NULL)
		return NULL;
	json_object_set(msg, "artifact", artifact);
	json_object_del(msg, "wasm_path");
	/* Who asked, for the sign worker's audit line. */
	const struct auth_who *who = auth_current();
	json_object_set_new(msg, "who", json_string(who ? who->name : "-"));
	char *text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	return text;
}

static void
submit_with_artifact(struct evhttp_request *req, json_t *body,
    json_t *artifact)
{
	int fd = open_artifact(artifact);
	if (fd < 0) {
		reply_check_error(req, 409, "artifact_known", "the artifact is "
		    "listed but its file cannot be opened; rebuild it");
		return;
	}
	char *text = start_message(body, artifact);
	if (text == NULL) {
		close(fd);
		http_reply_error(req, 500, "out of memory; try again");
		return;
	}
	struct worker_ask ask = { .type = IPC_SIGN_UPGRADE_START, .json = text,
		.fd = fd, .timeout_seconds = UPGRADE_START_TIMEOUT };
	bool wait = json_is_true(json_object_get(body, "wait")) &&
	    !json_is_true(json_object_get(body, "dry_run"));
	front_ask_worker_with(&fr.sign, req, &ask, upgrade_started,
	    wait ? (void *)req : NULL);
	free(text);
	close(fd);
}

static void
route_submit(struct evhttp_request *req)
{
	char err[512];
	if (!front_is_method(req, EVHTTP_REQ_POST, "POST"))
		return;
	json_t *body = http_read_json_body(req, FRONT_BODY_MAX);
	if (body == NULL)
		return;
	if (request_check_upgrade(body, err, sizeof(err)) != 0) {
		json_decref(body);
		http_reply_error(req, 400, "%s", err);
		return;
	}
	const char *path = json_string_value(json_object_get(body,
	    "wasm_path"));
	const char *hash = json_string_value(json_object_get(body, "artifact"));
	json_t *artifact = find_artifact(path, hash);
	if (artifact == NULL) {
		snprintf(err, sizeof(err), "%s is not a runtime artifact rtforge "
		    "built or stored; pick one from GET %sapi/build/artifacts",
		    path ? "wasm_path" : "artifact", fr.cfg.base_path);
		reply_check_error(req, 422, "artifact_known", err);
	} else
		submit_with_artifact(req, body, artifact);
	json_decref(artifact);
	json_decref(body);
}

static bool
upgrade_exists(uint64_t id)
{
	char path[1200];
	return id != 0 && jobfile_path_in(path, sizeof(path), fr.cfg.state_dir,
	    JOBFILE_UPGRADES, id, ".json") == 0 && access(path, F_OK) == 0;
}

static void
route_record(struct evhttp_request *req, uint64_t id)
{
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET"))
		return;
	json_t *o = id ? jobfile_load_record_in(fr.cfg.state_dir,
	    JOBFILE_UPGRADES, id) : NULL;
	if (o == NULL) {
		http_reply_error(req, 404, "no such upgrade; list them with GET "
		    "%sapi/upgrade", fr.cfg.base_path);
		return;
	}
	json_object_del(o, "next_event_id");
	http_reply_json(req, 200, o);
}

static void
route_list(struct evhttp_request *req)
{
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET"))
		return;
	size_t count;
	uint64_t *ids = jobfile_list_ids_in(fr.cfg.state_dir, JOBFILE_UPGRADES,
	    &count);
	json_t *list = json_array();
	for (size_t i = count; ids && list && i > 0 &&
	    json_array_size(list) < UPGRADES_LIST_MAX; i--) {
		json_t *o = jobfile_load_record_in(fr.cfg.state_dir,
		    JOBFILE_UPGRADES, ids[i - 1]);
		if (o) {
			json_object_del(o, "next_event_id");
			json_array_append_new(list, o);
		}
	}
	free(ids);
	http_reply_json(req, 200, json_pack("{s:o}", "upgrades", list ? list :
	    json_array()));
}

static void
route_stream(struct evhttp_request *req, uint64_t id)
{
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET"))
		return;
	if (!upgrade_exists(id)) {
		http_reply_error(req, 404, "no such upgrade; list them with GET "
		    "%sapi/upgrade", fr.cfg.base_path);
		return;
	}
	uint64_t last_id;
	if (front_resume_point(req, &last_id) != 0)
		return;
	sse_subscribe(req, JOBFILE_UPGRADES, id, last_id);
}

void
upgrade_routes_dispatch(struct evhttp_request *req, const char *rest)
{
	if (strcmp(rest, "") == 0 || strcmp(rest, "/") == 0)
		route_list(req);
	else if (strcmp(rest, "/submit") == 0)
		route_submit(req);
	else if (strcmp(rest, "/upload") == 0)
		upload_route(req);
	else if (strncmp(rest, "/status/", 8) == 0)
		route_stream(req, jobfile_parse_id(rest + 8));
	else if (rest[0] == '/')
		route_record(req, jobfile_parse_id(rest + 1));
	else
		http_reply_error(req, 404, "no such endpoint: /api/upgrade%.200s",
		    rest);
}
