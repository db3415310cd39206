/* GET /metrics in the Prometheus text format (version 0.0.4).
 *
 * Builds and upgrades are counted from their records on disk, the same
 * files the job list reads, so the figures survive restarts of every role
 * and agree with GET /api/build/jobs. A record that has reached its end
 * (success, failed, ...) never changes again: such records are folded once
 * into a running tally and only the records after the first unfinished one
 * are read again on each scrape. A scrape therefore costs one directory
 * listing plus the few newest records. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "front.h"
#include "jobfile.h"
#include "metrics.h"

/* Seconds: a runtime builds in minutes, a node in up to a few hours. */
static const double duration_bounds[] = { 10, 30, 60, 120, 300, 600, 1200,
	1800, 3600, 7200, 14400 };
#define DURATION_BOUNDS (sizeof(duration_bounds) / sizeof(duration_bounds[0]))

static const char *const build_kinds[] = { "runtime", "node", "upload" };
#define BUILD_KINDS 3
static const char *const build_outcomes[] = { "success", "failed",
	"cancelled" };
#define BUILD_OUTCOMES 3
static const char *const upgrade_outcomes[] = { "success", "failed",
	"unknown", "proposed" };
#define UPGRADE_OUTCOMES 4

struct build_tally {
	uint64_t outcomes[BUILD_KINDS][BUILD_OUTCOMES];
	/* Per bucket, not cumulative; the last slot is above every bound. */
	uint64_t buckets[BUILD_KINDS][DURATION_BOUNDS + 1];
	uint64_t timed[BUILD_KINDS];
	double seconds[BUILD_KINDS];
	uint64_t queued, running;
};

struct upgrade_tally {
	uint64_t outcomes[UPGRADE_OUTCOMES];
	uint64_t running;
};

/* Finished records folded in for good, and the last id they cover. */
static struct build_tally builds_settled;
static uint64_t builds_settled_upto;
static struct upgrade_tally upgrades_settled;
static uint64_t upgrades_settled_upto;

struct worker_starts {
	const char *role;
	uint64_t starts;
};
static struct worker_starts worker_starts[] = { { "build", 0 },
	{ "sign", 0 } };

void
metrics_worker_started(const char *role)
{
	for (size_t i = 0; i < 2; i++)
		if (strcmp(worker_starts[i].role, role) == 0)
			worker_starts[i].starts++;
}

static int
index_of(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* "2026-11-26T15:20:48Z", as timefmt.c writes it; -1 on anything else. */
static time_t
parse_rfc3339(const char *s)
{
	struct tm tm = { 0 };
	char z = 0;
	int n = 0;
	if (s == NULL || strlen(s) != 20 || sscanf(s,
	    "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z, &n) != 7 ||
	    n != 20 || z != 'Z')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static void
add_duration(struct build_tally *t, int kind, const json_t *rec)
{
	time_t from = parse_rfc3339(json_string_value(json_object_get(rec,
	    "started_at")));
	time_t to = parse_rfc3339(json_string_value(json_object_get(rec,
	    "finished_at")));
	if (from < 0 || to < from)
		return;	/* cancelled while queued: it never ran */
	double secs = (double)(to - from);
	size_t b = 0;
	while (b < DURATION_BOUNDS && secs > duration_bounds[b])
		b++;
	t->buckets[kind][b]++;
	t->timed[kind]++;
	t->seconds[kind] += secs;
}

static const char *
status_of(const json_t *rec)
{
	return json_string_value(json_object_get(rec, "status"));
}

/* A record with one of these statuses never changes again. */
static bool
build_finished(const json_t *rec)
{
	return index_of(build_outcomes, BUILD_OUTCOMES, status_of(rec)) >= 0;
}

static bool
upgrade_finished(const json_t *rec)
{
	return index_of(upgrade_outcomes, UPGRADE_OUTCOMES, status_of(rec)) >= 0;
}

static void
fold_build(void *tally, const json_t *rec)
{
	struct build_tally *t = tally;
	const char *status = status_of(rec);
	int kind = index_of(build_kinds, BUILD_KINDS,
	    json_string_value(json_object_get(rec, "kind")));
	int outcome = index_of(build_outcomes, BUILD_OUTCOMES, status);
	if (outcome >= 0 && kind >= 0) {
		t->outcomes[kind][outcome]++;
		add_duration(t, kind, rec);
	} else if (status && strcmp(status, "queued") == 0)
		t->queued++;
	else if (status && strcmp(status, "running") == 0)
		t->running++;
}

static void
fold_upgrade(void *tally, const json_t *rec)
{
	struct upgrade_tally *t = tally;
	const char *status = status_of(rec);
	int outcome = index_of(upgrade_outcomes, UPGRADE_OUTCOMES, status);
	if (outcome >= 0)
		t->outcomes[outcome]++;
	else if (status && strcmp(status, "running") == 0)
		t->running++;
}

struct record_kind {
	const char *dir;		/* JOBFILE_JOBS or JOBFILE_UPGRADES */
	bool (*finished)(const json_t *rec);
	void (*fold)(void *tally, const json_t *rec);
};
static const struct record_kind build_records = { JOBFILE_JOBS,
	build_finished, fold_build };
static const struct record_kind upgrade_records = { JOBFILE_UPGRADES,
	upgrade_finished, fold_upgrade };

/* Folds every record after *settled_upto: finished ones up to the first
 * unfinished one into settled for good as well, all of them into live
 * (which the caller starts as a copy of settled). A record that cannot be
 * read (being replaced right now) counts as unfinished. */
static void
scan(const struct record_kind *k, uint64_t *settled_upto, void *settled,
    void *live)
{
	size_t count;
	uint64_t *ids = jobfile_list_ids_in(fr.cfg.state_dir, k->dir, &count);
	bool settling = true;
	for (size_t i = 0; ids && i < count; i++) {
		if (ids[i] <= *settled_upto)
			continue;
		json_t *rec = jobfile_load_record_in(fr.cfg.state_dir, k->dir,
		    ids[i]);
		settling = settling && rec && k->finished(rec);
		if (settling) {
			k->fold(settled, rec);
			*settled_upto = ids[i];
		}
		if (rec)
			k->fold(live, rec);
		json_decref(rec);
	}
	free(ids);
}

static void
head(struct evbuffer *b, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

static void
write_builds(struct evbuffer *b, const struct build_tally *t)
{
	head(b, "rtforge_builds_total", "counter", "Finished build jobs "
	    "(uploads included) by kind and outcome, from the job records.");
	for (int k = 0; k < BUILD_KINDS; k++)
		for (int o = 0; o < BUILD_OUTCOMES; o++)
			evbuffer_add_printf(b, "rtforge_builds_total{kind=\"%s\","
			    "outcome=\"%s\"} %" PRIu64 "\n", build_kinds[k],
			    build_outcomes[o], t->outcomes[k][o]);
	head(b, "rtforge_build_duration_seconds", "histogram", "Time from "
	    "start to end of each finished build job that ran, by kind.");
	for (int k = 0; k < BUILD_KINDS; k++) {
		uint64_t cum = 0;
		for (size_t i = 0; i <= DURATION_BOUNDS; i++) {
			cum += t->buckets[k][i];
			if (i < DURATION_BOUNDS)
				evbuffer_add_printf(b, "rtforge_build_duration_"
				    "seconds_bucket{kind=\"%s\",le=\"%g\"} %"
				    PRIu64 "\n", build_kinds[k],
				    duration_bounds[i], cum);
			else
				evbuffer_add_printf(b, "rtforge_build_duration_"
				    "seconds_bucket{kind=\"%s\",le=\"+Inf\"} %"
				    PRIu64 "\n", build_kinds[k], cum);
		}
		evbuffer_add_printf(b, "rtforge_build_duration_seconds_sum{kind="
		    "\"%s\"} %.0f\n", build_kinds[k], t->seconds[k]);
		evbuffer_add_printf(b, "rtforge_build_duration_seconds_count{kind="
		    "\"%s\"} %" PRIu64 "\n", build_kinds[k], t->timed[k]);
	}
	head(b, "rtforge_build_queue_length", "gauge", "Build jobs queued "
	    "and not yet started.");
	evbuffer_add_printf(b, "rtforge_build_queue_length %" PRIu64 "\n",
	    t->queued);
	head(b, "rtforge_builds_running", "gauge", "Build jobs running now "
	    "(0 or 1).");
	evbuffer_add_printf(b, "rtforge_builds_running %" PRIu64 "\n",
	    t->running);
}

static void
write_upgrades(struct evbuffer *b, const struct upgrade_tally *t)
{
	head(b, "rtforge_upgrades_total", "counter", "Finished runtime "
	    "upgrades by outcome (unknown: sent, then the node or the sign "
	    "worker was lost, so it may or may not be on chain), from the upgrade records. Upgrades refused by a "
	    "pre-flight check leave no record and are not counted.");
	for (int o = 0; o < UPGRADE_OUTCOMES; o++)
		evbuffer_add_printf(b, "rtforge_upgrades_total{outcome=\"%s\"} %"
		    PRIu64 "\n", upgrade_outcomes[o], t->outcomes[o]);
	head(b, "rtforge_upgrades_running", "gauge", "Upgrades in flight "
	    "(0 or 1).");
	evbuffer_add_printf(b, "rtforge_upgrades_running %" PRIu64 "\n",
	    t->running);
}

static void
write_roles(struct evbuffer *b)
{
	const struct worker_link *links[] = { &fr.build, &fr.sign };
	head(b, "rtforge_sse_clients", "gauge", "Open server-sent event "
	    "streams (build and upgrade).");
	evbuffer_add_printf(b, "rtforge_sse_clients %zu\n",
	    sse_subscriber_count());
	head(b, "rtforge_worker_up", "gauge", "1 while the front holds a "
	    "channel to the worker.");
	for (size_t i = 0; i < 2; i++)
		evbuffer_add_printf(b, "rtforge_worker_up{role=\"%s\"} %d\n",
		    links[i]->name, links[i]->chan ? 1 : 0);
	head(b, "rtforge_worker_start_time_seconds", "gauge", "Unix time the "
	    "worker's current channel reached the front (0 while down).");
	for (size_t i = 0; i < 2; i++)
		evbuffer_add_printf(b, "rtforge_worker_start_time_seconds{role="
		    "\"%s\"} %lld\n", links[i]->name, links[i]->chan ?
		    (long long)links[i]->connected_at : 0LL);
	head(b, "rtforge_worker_restarts_total", "counter", "Worker restarts "
	    "seen by this front (a front restarted after a crash or a new "
	    "listen address counts from zero again: see "
	    "rtforge_front_start_time_seconds).");
	for (size_t i = 0; i < 2; i++)
		evbuffer_add_printf(b, "rtforge_worker_restarts_total{role=\"%s\"}"
		    " %" PRIu64 "\n", worker_starts[i].role,
		    worker_starts[i].starts > 1 ? worker_starts[i].starts - 1 : 0);
	head(b, "rtforge_front_start_time_seconds", "gauge", "Unix time this "
	    "front process started.");
	evbuffer_add_printf(b, "rtforge_front_start_time_seconds %lld\n",
	    (long long)fr.started_at);
}

void
metrics_route(struct evhttp_request *req)
{
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET"))
		return;
	struct build_tally builds = builds_settled;
	struct upgrade_tally upgrades = upgrades_settled;
	scan(&build_records, &builds_settled_upto, &builds_settled, &builds);
	scan(&upgrade_records, &upgrades_settled_upto, &upgrades_settled,
	    &upgrades);
	struct evbuffer *b = evbuffer_new();
	if (b == NULL) {
		http_reply_error(req, 503, "out of memory; try again");
		return;
	}
	write_builds(b, &builds);
	write_upgrades(b, &upgrades);
	write_roles(b);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}
