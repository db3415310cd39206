/* Build jobs: creation, the FIFO, their records and event logs on disk,
 * and recovery after a restart. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "build_worker.h"
#include "chan.h"
#include "fsutil.h"
#include "ipc.h"
#include "jobfile.h"
#include "jobs.h"
#include "log.h"
#include "role.h"
#include "timefmt.h"

#define PROGRESS_SAVE_INTERVAL 1	/* seconds between non-durable saves */

const char *
job_kind_name(enum job_kind kind)
{
	return kind == JOB_NODE ? "node" : "runtime";
}

const char *
job_status_name(enum job_status status)
{
	static const char *names[] = { "queued", "running", "success",
		"failed", "cancelled" };
	return names[status];
}

static int
status_from_name(const char *s, enum job_status *out)
{
	for (int i = JOB_QUEUED; i <= JOB_CANCELLED; i++)
		if (strcmp(s, job_status_name(i)) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

int
jobs_init_state(void)
{
	const char *state = bw.cfg->state_dir;
	char path[1200];
	const char *subdirs[] = { "jobs", "artifacts" };
	if (fs_mkdirs(state, 0750) != 0) {
		log_warn("cannot create state directory %s", state);
		return -1;
	}
	for (size_t i = 0; i < 2; i++) {
		if (fs_join(path, sizeof(path), state, subdirs[i]) != 0 ||
		    fs_mkdirs(path, 0750) != 0) {
			log_warn("cannot create %s", path);
			return -1;
		}
	}
	if (fs_mkdirs(build_target_dir(), 0750) != 0 ||
	    fs_mkdirs(build_cargo_home(), 0750) != 0) {
		log_warn("cannot create the target dir %s or cargo home %s",
		    build_target_dir(), build_cargo_home());
		return -1;
	}
	return 0;
}

/* An upload is a runtime job whose artifact says where it came from. */
static bool
job_is_upload(const struct build_job *job)
{
	const char *source = json_string_value(json_object_get(
	    job->artifact_extra, "source"));
	return source != NULL && strcmp(source, "upload") == 0;
}

static const char *
job_record_kind(const struct build_job *job)
{
	return job_is_upload(job) ? "upload" : job_kind_name(job->kind);
}

static json_t *
artifact_json(const struct build_job *job)
{
	const struct artifact_info *a = &job->artifact;
	char id[24];
	snprintf(id, sizeof(id), "%" PRIu64, job->id);
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "path", a->path,
	    "size", (json_int_t)a->size, "hash", a->hash, "built_at",
	    a->built_at, "job_id", id, "kind", job_kind_name(job->kind));
	if (o && job->kind == JOB_NODE)
		json_object_set_new(o, "sha256", json_string(a->sha256));
	if (o && job->artifact_extra)
		json_object_update(o, job->artifact_extra);
	return o;
}

void
job_free(struct build_job *job)
{
	if (job == NULL)
		return;
	json_decref(job->artifact_extra);
	free(job);
}

static json_t *
features_json(const char *features)
{
	json_t *arr = json_array();
	char copy[JOB_FEATURES_MAX];
	snprintf(copy, sizeof(copy), "%s", features);
	char *save = NULL;
	for (char *f = strtok_r(copy, ",", &save); f && arr;
	    f = strtok_r(NULL, ",", &save))
		json_array_append_new(arr, json_string(f));
	return arr;
}

static void
set_time(json_t *o, const char *key, time_t t)
{
	char buf[32];
	if (t == 0) {
		json_object_set_new(o, key, json_null());
		return;
	}
	format_rfc3339(t, buf, sizeof(buf));
	json_object_set_new(o, key, json_string(buf));
}

static json_t *
job_record_json(const struct build_job *job)
{
	char id[24];
	snprintf(id, sizeof(id), "%" PRIu64, job->id);
	json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:s, s:b, s:o, s:s, s:i, "
	    "s:I}", "job_id", id, "kind", job_record_kind(job), "status",
	    job_status_name(job->status), "percent", (int)job->progress.percent,
	    "message", job->current_crate, "clean", job->clean, "features",
	    features_json(job->features), "target", job->profile, "units",
	    (int)job->progress.done_units, "next_event_id",
	    (json_int_t)job->next_event_id);
	if (o == NULL)
		return NULL;
	set_time(o, "created_at", job->created_at);
	set_time(o, "started_at", job->started_at);
	set_time(o, "finished_at", job->finished_at);
	json_object_set_new(o, "error", job->error[0] ?
	    json_string(job->error) : json_null());
	json_object_set_new(o, "artifact", job->has_artifact ?
	    artifact_json(job) : json_null());
	if (job_is_upload(job))
		json_object_set_new(o, "target", json_null());
	if (job->verify) {
		json_object_set_new(o, "verify_reproducible", json_true());
		json_object_set_new(o, "reproducible", job->reproducible < 0 ?
		    json_null() : json_boolean(job->reproducible));
		json_object_set_new(o, "verify_hash", job->verify_hash[0] ?
		    json_string(job->verify_hash) : json_null());
	}
	return o;
}

/* The job whose record or event log could not be written last: warned
 * about once, not at every line of a build on a full disk. */
static uint64_t record_failing, events_failing;

/* Returns -1 with errno set when the record could not be replaced; the
 * old record, if any, is then still whole (temp file and rename). */
static int
job_write(struct build_job *job, bool durable)
{
	char path[1200];
	json_t *o = job_record_json(job);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text == NULL || jobfile_record_path(path, sizeof(path),
	    bw.cfg->state_dir, job->id) != 0) {
		log_warnx("job %" PRIu64 ": cannot serialise its record",
		    job->id);
		free(text);
		errno = ENOMEM;
		return -1;
	}
	int r = durable ?
	    fs_write_atomic(path, text, strlen(text), 0640) :
	    fs_write_replace(path, text, strlen(text), 0640);
	int saved = errno;
	/* Once per streak: a full disk fails every progress save. */
	if (r != 0 && record_failing != job->id) {
		errno = saved;
		log_warn("job %" PRIu64 ": cannot write %s", job->id, path);
		record_failing = job->id;
	} else if (r == 0 && record_failing == job->id) {
		log_info("job %" PRIu64 ": its record is written again", job->id);
		record_failing = 0;
	}
	free(text);
	job->progress_saved_at = time(NULL);
	errno = saved;
	return r;
}

void
job_save(struct build_job *job, bool durable)
{
	(void)job_write(job, durable);
}

static void
send_to_front(uint64_t job_id, uint64_t id, const char *name,
    const char *json)
{
	static struct ipc_msg m;
	ipc_msg_init(&m, IPC_FRONT_BUILD_EVENT, 0);
	if (ipc_add_u64(&m, job_id) != 0 || ipc_add_u64(&m, id) != 0 ||
	    ipc_add_string(&m, name) != 0 || ipc_add_string(&m, json) != 0)
		return;
	chan_send(bw.front, &m);
}

/* Ends written while the front was not connected (at recovery, after a
 * restart of this worker): the front's live streams of those jobs wait for
 * them, so they are told once it connects. Other events they read from
 * disk when they catch up. */
#define ENDS_UNTOLD_MAX 16
static struct untold_end {
	uint64_t job_id, event_id;
	char *name, *json;
} untold[ENDS_UNTOLD_MAX];
static size_t untold_count;

static void
keep_untold_end(uint64_t job_id, uint64_t id, const char *name,
    const char *json)
{
	if (untold_count == ENDS_UNTOLD_MAX)
		return;	/* a client that reconnects still reads it from disk */
	struct untold_end *u = &untold[untold_count];
	u->name = strdup(name);
	u->json = strdup(json);
	if (u->name == NULL || u->json == NULL) {
		free(u->name);
		free(u->json);
		return;
	}
	u->job_id = job_id;
	u->event_id = id;
	untold_count++;
}

void
jobs_front_connected(void)
{
	for (size_t i = 0; i < untold_count; i++) {
		send_to_front(untold[i].job_id, untold[i].event_id,
		    untold[i].name, untold[i].json);
		free(untold[i].name);
		free(untold[i].json);
	}
	untold_count = 0;
}

static void
job_send_live(struct build_job *job, uint64_t id, const char *name,
    const char *json)
{
	if (bw.front != NULL)
		send_to_front(job->id, id, name, json);
	else if (jobfile_event_is_terminal(name))
		keep_untold_end(job->id, id, name, json);
}

/* The event is on disk before anyone hears of it, so a client that
 * replays from the file can never miss one it was told about. */
void
job_emit(struct build_job *job, const char *name, const char *json)
{
	static char line[JOB_EVENT_LINE_MAX];
	char path[1200];
	int len = jobfile_format_event(line, sizeof(line), job->next_event_id,
	    name, json);
	if (len < 0) {
		log_warnx("job %" PRIu64 ": event %s not representable",
		    job->id, name);
		return;
	}
	if (jobfile_events_path(path, sizeof(path), bw.cfg->state_dir,
	    job->id) != 0)
		return;
	struct stat st;
	ssize_t n = -1;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd >= 0 && fstat(fd, &st) == 0)
		n = write(fd, line, (size_t)len);
	if (n != len) {
		int saved = errno;
		/* A short write (a full disk) leaves half a line, and the next
		 * line glued to it would end every replay: take it back. */
		if (n > 0 && ftruncate(fd, st.st_size) != 0)
			log_warn("job %" PRIu64 ": cannot take back a partial "
			    "event in %s", job->id, path);
		if (events_failing != job->id) {
			errno = n >= 0 ? ENOSPC : saved;
			log_warn("job %" PRIu64 ": cannot append to %s; events "
			    "are dropped until it works again", job->id, path);
			events_failing = job->id;
		}
		if (fd >= 0)
			close(fd);
		return;
	}
	if (events_failing == job->id) {
		log_info("job %" PRIu64 ": its event log takes events again",
		    job->id);
		events_failing = 0;
	}
	if (jobfile_event_is_terminal(name))
		fsync(fd);
	close(fd);
	job_send_live(job, job->next_event_id++, name, json);
}

static void
emit_object(struct build_job *job, const char *name, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text)
		job_emit(job, name, text);
	free(text);
}

void
job_emit_log(struct build_job *job, const char *level, const char *msg)
{
	emit_object(job, "log", json_pack("{s:s, s:s}", "level", level,
	    "message", msg));
}

void
job_emit_progress(struct build_job *job, const char *msg)
{
	emit_object(job, "progress", json_pack("{s:i, s:s}", "percent",
	    (int)job->progress.percent, "message", msg));
	if (time(NULL) - job->progress_saved_at >= PROGRESS_SAVE_INTERVAL)
		job_save(job, false);
}

static void
emit_terminal(struct build_job *job)
{
	char id[24];
	snprintf(id, sizeof(id), "%" PRIu64, job->id);
	if (job->status == JOB_SUCCESS) {
		json_t *o = artifact_json(job);
		json_object_set_new(o, "status", json_string("success"));
		json_object_set_new(o, job->kind == JOB_RUNTIME ? "wasm_path" :
		    "binary_path", json_string(job->artifact.path));
		if (job->verify) {
			json_object_set_new(o, "reproducible",
			    json_boolean(job->reproducible == 1));
			json_object_set_new(o, "verify_hash",
			    json_string(job->verify_hash));
		}
		emit_object(job, "complete", o);
		return;
	}
	emit_object(job, "error", json_pack("{s:s, s:s, s:s, s:s}", "status",
	    "failed", "job_status", job_status_name(job->status), "error",
	    job->error, "job_id", id));
}

/* Finished jobs whose final record or end event could not be written (a
 * full disk): the record on disk still says "running" and the stream has
 * no end. Both are retried every few seconds, so the job ends truthfully
 * once there is space again. */
#define UNSAVED_MAX 16
#define UNSAVED_RETRY_SECONDS 2

static struct unsaved {
	struct build_job *job;		/* a copy; the caller frees its own */
	bool record, end;		/* still to write */
} unsaved[UNSAVED_MAX];
static size_t unsaved_count;
static struct event *unsaved_timer;

static void retry_unsaved(evutil_socket_t fd, short what, void *arg);

static void
arm_retry(void)
{
	struct timeval tv = { .tv_sec = UNSAVED_RETRY_SECONDS };
	if (unsaved_timer == NULL)
		unsaved_timer = evtimer_new(bw.base, retry_unsaved, NULL);
	if (unsaved_timer != NULL)
		evtimer_add(unsaved_timer, &tv);
}

/* Writes what is missing, record first (as job_finish does). */
static bool
write_unsaved(struct unsaved *u)
{
	if (u->record)
		u->record = job_write(u->job, true) != 0;
	if (!u->record && u->end) {
		uint64_t before = u->job->next_event_id;
		emit_terminal(u->job);
		u->end = u->job->next_event_id == before;
	}
	return !u->record && !u->end;
}

static void
retry_unsaved(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	size_t kept = 0;
	for (size_t i = 0; i < unsaved_count; i++) {
		if (!write_unsaved(&unsaved[i])) {
			unsaved[kept++] = unsaved[i];
			continue;
		}
		log_info("job %" PRIu64 ": its final record and end are written "
		    "now (%s)", unsaved[i].job->id,
		    job_status_name(unsaved[i].job->status));
		job_free(unsaved[i].job);
	}
	unsaved_count = kept;
	if (unsaved_count > 0)
		arm_retry();
}

static void
keep_unsaved(const struct build_job *job, bool record, bool end)
{
	struct build_job *copy = malloc(sizeof(*copy));
	if (copy == NULL || unsaved_count == UNSAVED_MAX) {
		free(copy);
		log_warnx("job %" PRIu64 ": its end could not be written and "
		    "will not be retried (too many); its record may say running "
		    "until rtforge restarts", job->id);
		return;
	}
	*copy = *job;
	json_incref(copy->artifact_extra);
	unsaved[unsaved_count++] = (struct unsaved){ copy, record, end };
	log_warnx("job %" PRIu64 " ended (%s) but its %s could not be written; "
	    "retrying every %d s until there is space", job->id,
	    job_status_name(job->status), record ? "record" : "end event",
	    UNSAVED_RETRY_SECONDS);
	arm_retry();
}

void
job_finish(struct build_job *job, enum job_status status, const char *error)
{
	job->status = status;
	job->finished_at = time(NULL);
	if (error)
		snprintf(job->error, sizeof(job->error), "%s", error);
	if (status == JOB_SUCCESS && progress_finish(&job->progress, true))
		job_emit_progress(job, "build complete");
	/* The record first: a client that reads the terminal event and then
	 * asks for the job must see it finished. */
	bool record = job_write(job, true) != 0;
	uint64_t before = job->next_event_id;
	if (!record)
		emit_terminal(job);
	if (record || job->next_event_id == before)
		keep_unsaved(job, record, true);
	char when[32];
	format_rfc3339(job->finished_at, when, sizeof(when));
	role_report_status("idle; last build %s (job %" PRIu64 ", %s) %s",
	    status == JOB_SUCCESS ? "ok" : job_status_name(status), job->id,
	    job_kind_name(job->kind), when + 11);
	log_info("job %" PRIu64 " (%s) %s%s%s", job->id,
	    job_kind_name(job->kind), job_status_name(status),
	    error ? ": " : "", error ? error : "");
}

json_t *
job_artifact_json(const struct build_job *job)
{
	return job->has_artifact ? artifact_json(job) : NULL;
}

struct build_job *
job_record_upload(const struct artifact_info *a, json_t *runtime,
    const char *note)
{
	if (runtime == NULL)
		return NULL;
	struct build_job *job = calloc(1, sizeof(*job));
	json_t *extra = json_pack("{s:o, s:s}", "runtime", runtime, "source",
	    "upload");
	if (job == NULL || extra == NULL) {
		free(job);
		json_decref(extra);
		return NULL;
	}
	job->id = ++bw.last_job_id;
	job->kind = JOB_RUNTIME;
	job->status = JOB_SUCCESS;
	job->reproducible = -1;
	job->git_dirty = -1;
	job->created_at = job->started_at = job->finished_at = time(NULL);
	job->progress.percent = 100;
	job->progress.finished = true;
	job->next_event_id = 1;
	job->has_artifact = true;
	job->artifact = *a;
	job->artifact_extra = extra;
	const char *base = strrchr(a->path, '/');
	snprintf(job->current_crate, sizeof(job->current_crate),
	    "uploaded %s", base ? base + 1 : a->path);
	job_emit_log(job, "info", note);
	/* The record before the terminal event, as in job_finish: whoever
	 * reads that event and then asks for the job finds it finished. */
	job_save(job, true);
	emit_terminal(job);
	log_info("job %" PRIu64 " (upload) stored %s", job->id, a->path);
	return job;
}

struct build_job *
job_create(enum job_kind kind, bool clean, bool verify, const char *features,
    const char *profile)
{
	struct build_job *job = calloc(1, sizeof(*job));
	if (job == NULL)
		return NULL;
	job->id = ++bw.last_job_id;
	job->kind = kind;
	job->status = JOB_QUEUED;
	job->clean = clean || verify;
	job->verify = verify;
	job->reproducible = -1;
	job->git_dirty = -1;
	snprintf(job->features, sizeof(job->features), "%s", features);
	snprintf(job->profile, sizeof(job->profile), "%s", profile);
	job->created_at = time(NULL);
	job->next_event_id = 1;
	snprintf(job->current_crate, sizeof(job->current_crate), "queued");
	/* No record, no job: a build nobody can look up must not run (a
	 * full disk says so here, to the caller, through errno). */
	if (job_write(job, true) != 0) {
		int saved = errno;
		bw.last_job_id--;
		record_failing = 0;	/* the id is free again */
		job_free(job);
		errno = saved;
		return NULL;
	}
	TAILQ_INSERT_TAIL(&bw.queue, job, entry);
	return job;
}

static json_t *
load_record(uint64_t id)
{
	return jobfile_load_record(bw.cfg->state_dir, id);
}

/* Units of the last successful build of this kind: the best estimate of
 * how many the next one compiles. */
unsigned
job_units_learned(enum job_kind kind)
{
	for (uint64_t id = bw.last_job_id; id > 0 &&
	    bw.last_job_id - id < 200; id--) {
		json_t *o = load_record(id);
		const char *k = json_string_value(json_object_get(o, "kind"));
		const char *s = json_string_value(json_object_get(o, "status"));
		json_int_t units = json_integer_value(json_object_get(o,
		    "units"));
		bool match = k && s && strcmp(k, job_kind_name(kind)) == 0 &&
		    strcmp(s, "success") == 0 && units > 0 && units < 1000000;
		json_decref(o);
		if (match)
			return (unsigned)units;
	}
	return 0;
}

int
job_lookup_finished(uint64_t id, char *status, size_t len)
{
	json_t *o = load_record(id);
	const char *s = json_string_value(json_object_get(o, "status"));
	int r = s ? 0 : -1;
	if (s)
		snprintf(status, len, "%s", s);
	json_decref(o);
	return r;
}

/* Counts the events already in a job's log, dropping a torn last line
 * that a crash mid-append may have left. */
static uint64_t
recover_event_count(uint64_t id)
{
	char path[1200];
	if (jobfile_events_path(path, sizeof(path), bw.cfg->state_dir, id))
		return 0;
	size_t len;
	char *text = fs_read_capped(path, 512 * 1024 * 1024, &len);
	if (text == NULL)
		return 0;
	uint64_t count = 0;
	size_t good = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n') {
			count++;
			good = i + 1;
		}
	if (good < len) {
		log_warnx("job %" PRIu64 ": dropping a torn last event line",
		    id);
		if (truncate(path, (off_t)good) != 0)
			log_warn("truncate %s", path);
	}
	free(text);
	return count;
}

/* What the record knew of a job cut short stays true after recovery: when
 * it was asked for and started, how far it got and on what crate. */
static void
restore_progress(struct build_job *job, json_t *o)
{
	if (parse_rfc3339(json_string_value(json_object_get(o, "created_at")),
	    &job->created_at) != 0)
		job->created_at = time(NULL);
	if (parse_rfc3339(json_string_value(json_object_get(o, "started_at")),
	    &job->started_at) != 0)
		job->started_at = 0;
	json_int_t percent = json_integer_value(json_object_get(o, "percent"));
	json_int_t units = json_integer_value(json_object_get(o, "units"));
	if (percent > 0 && percent <= 100)
		job->progress.percent = (unsigned)percent;
	if (units > 0 && units <= UINT_MAX)
		job->progress.done_units = (unsigned)units;
	const char *message = json_string_value(json_object_get(o, "message"));
	snprintf(job->current_crate, sizeof(job->current_crate), "%s",
	    message && job->started_at ? message : "queued");
}

static struct build_job *
job_from_record(uint64_t id, json_t *o)
{
	struct build_job *job = calloc(1, sizeof(*job));
	if (job == NULL)
		return NULL;
	job->id = id;
	const char *kind = json_string_value(json_object_get(o, "kind"));
	job->kind = (kind && strcmp(kind, "node") == 0) ? JOB_NODE :
	    JOB_RUNTIME;
	job->clean = json_is_true(json_object_get(o, "clean"));
	job->verify = json_is_true(json_object_get(o, "verify_reproducible"));
	job->reproducible = -1;
	job->git_dirty = -1;
	const char *profile = json_string_value(json_object_get(o, "target"));
	snprintf(job->profile, sizeof(job->profile), "%s",
	    profile && strcmp(profile, "debug") == 0 ? "debug" : "release");
	json_t *features = json_object_get(o, "features");
	size_t i;
	json_t *f;
	json_array_foreach(features, i, f) {
		size_t used = strlen(job->features);
		const char *s = json_string_value(f);
		if (s)
			snprintf(job->features + used, sizeof(job->features) -
			    used, "%s%s", used ? "," : "", s);
	}
	job->next_event_id = recover_event_count(id) + 1;
	restore_progress(job, o);
	return job;
}

/* The last event of a job's log (after recover_event_count dropped a torn
 * tail): its name, and its data parsed. Reads only the tail. */
static json_t *
last_event(uint64_t id, char *name, size_t namelen)
{
	static char buf[JOB_EVENT_LINE_MAX + 1];
	char path[1200];
	struct stat st;
	struct job_event ev;
	if (jobfile_events_path(path, sizeof(path), bw.cfg->state_dir, id))
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	off_t from = 0;
	ssize_t n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if (st.st_size > (off_t)sizeof(buf))
			from = st.st_size - (off_t)sizeof(buf);
		n = pread(fd, buf, (size_t)(st.st_size - from), from);
	}
	close(fd);
	if (n < 2 || buf[n - 1] != '\n')
		return NULL;
	size_t end = (size_t)n - 1, start = end;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	/* A line cut by the window's start is not a whole event. */
	if ((start == 0 && from > 0) ||
	    jobfile_parse_event(buf + start, end - start, &ev) != 0)
		return NULL;
	snprintf(name, namelen, "%s", ev.name);
	return json_loadb(ev.data, ev.data_len, 0, NULL);
}

/* The outcome a torn record's log tells: a "complete" event carries the
 * artifact, an "error" event the status and reason. */
static bool
outcome_from_log(json_t *rec, const char *name, json_t *data)
{
	const char *js = json_string_value(json_object_get(data, "job_status"));
	if (strcmp(name, "error") == 0 && js && (strcmp(js, "failed") == 0 ||
	    strcmp(js, "cancelled") == 0)) {
		json_object_set_new(rec, "status", json_string(js));
		json_object_set(rec, "error", json_object_get(data, "error"));
		return true;
	}
	if (strcmp(name, "complete") != 0 || !json_is_string(json_object_get(
	    data, "hash")) || !json_is_string(json_object_get(data, "path")))
		return false;
	json_t *art = json_deep_copy(data);
	const char *terminal_only[] = { "status", "wasm_path", "binary_path",
		"reproducible", "verify_hash" };
	for (size_t i = 0; art && i < 5; i++)
		json_object_del(art, terminal_only[i]);
	const char *source = json_string_value(json_object_get(art, "source"));
	if (source && strcmp(source, "upload") == 0)
		json_object_set_new(rec, "kind", json_string("upload"));
	else
		json_object_set(rec, "kind", json_object_get(art, "kind"));
	json_object_set_new(rec, "status", json_string("success"));
	json_object_set_new(rec, "percent", json_integer(100));
	json_object_set(rec, "finished_at", json_object_get(art, "built_at"));
	if (json_object_get(data, "reproducible")) {
		json_object_set_new(rec, "verify_reproducible", json_true());
		json_object_set(rec, "reproducible", json_object_get(data,
		    "reproducible"));
		json_object_set(rec, "verify_hash", json_object_get(data,
		    "verify_hash"));
	}
	json_object_set_new(rec, "artifact", art ? art : json_null());
	return true;
}

/* A rebuilt record: what the torn one held is unknown (null) unless the
 * log tells it. */
static json_t *
rebuilt_record(const char *idtext, uint64_t next_event_id, const char *note)
{
	return json_pack("{s:s, s:n, s:s, s:i, s:s, s:n, s:[], s:n, s:i, s:I, "
	    "s:n, s:n, s:n, s:n, s:n, s:s}", "job_id", idtext, "kind",
	    "status", "failed", "percent", 0, "message", "record rebuilt at "
	    "start", "clean", "features", "target", "units", 0,
	    "next_event_id", (json_int_t)next_event_id, "created_at",
	    "started_at", "finished_at", "error", "artifact", "record_error",
	    note);
}

/* A record that is not JSON was cut mid-write (a crash, a copy gone
 * wrong). It is reported, kept beside as <id>.json.torn, and replaced by
 * one rebuilt from the job's event log, or, when the log has no end
 * either, by a failed one whose stream is ended, so that no client waits
 * on it forever. */
static void
recover_torn(uint64_t id, size_t size, const json_error_t *jerr)
{
	char path[1200], torn[1210], note[JOB_ERROR_MAX];
	char name[JOB_EVENT_NAME_MAX], idtext[24];
	if (jobfile_record_path(path, sizeof(path), bw.cfg->state_dir, id))
		return;
	snprintf(torn, sizeof(torn), "%s.torn", path);
	snprintf(idtext, sizeof(idtext), "%" PRIu64, id);
	snprintf(note, sizeof(note), "the job record jobs/%s.json was torn "
	    "(%zu bytes, not JSON: %s at byte %d), as a crash mid-write leaves "
	    "it; it is kept as jobs/%s.json.torn", idtext, size, jerr->text,
	    jerr->position, idtext);
	struct build_job end = { .id = id };
	end.next_event_id = recover_event_count(id) + 1;
	json_t *data = last_event(id, name, sizeof(name));
	json_t *rec = rebuilt_record(idtext, end.next_event_id, note);
	bool told = rec && data && outcome_from_log(rec, name, data);
	json_decref(data);
	if (!told) {
		char why[JOB_ERROR_MAX + 128];
		snprintf(why, sizeof(why), "%s; its event log has no end either, "
		    "so the job's outcome is lost: start the build again", note);
		/* The stream's end first, so its readers stop waiting. */
		emit_object(&end, "error", json_pack("{s:s, s:s, s:s, s:s}",
		    "status", "failed", "job_status", "failed", "error", why,
		    "job_id", idtext));
		json_object_set_new(rec, "error", json_string(why));
		json_object_set_new(rec, "next_event_id",
		    json_integer((json_int_t)end.next_event_id));
	}
	char *text = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
	json_decref(rec);
	/* The torn bytes are evidence: no copy, no replacement. */
	if (text == NULL || fs_copy_file(path, torn, 0640) != 0 ||
	    fs_write_atomic(path, text, strlen(text), 0640) != 0) {
		log_warn("job %s: %s; could not replace it", idtext, note);
		free(text);
		return;
	}
	free(text);
	log_warnx("job %s: %s; rebuilt from %s", idtext, note, told ?
	    "its event log" : "nothing (marked failed)");
}

/* Loads a record at start; a torn one is rebuilt (NULL returned), one that
 * cannot be read at all is left for the operator. */
static json_t *
load_for_recovery(uint64_t id)
{
	char path[1200];
	size_t len = 0;
	json_error_t jerr;
	if (jobfile_record_path(path, sizeof(path), bw.cfg->state_dir, id))
		return NULL;
	char *text = fs_read_capped(path, JOB_RECORD_MAX, &len);
	if (text == NULL) {
		log_warn("job %" PRIu64 ": cannot read its record %s; left as "
		    "it is", id, path);
		return NULL;
	}
	json_t *o = json_loadb(text, len, 0, &jerr);
	free(text);
	if (json_is_object(o))
		return o;
	if (o != NULL) {
		json_decref(o);
		snprintf(jerr.text, sizeof(jerr.text), "not an object");
		jerr.position = 0;
	}
	recover_torn(id, len, &jerr);
	return NULL;
}

/* The end event a finished record promises, made from the record. */
static json_t *
terminal_from_record(json_t *rec, enum job_status status, const char **name)
{
	if (status == JOB_SUCCESS) {
		json_t *art = json_object_get(rec, "artifact");
		const char *kind = json_string_value(json_object_get(rec,
		    "kind"));
		if (!json_is_object(art))
			return NULL;
		json_t *o = json_deep_copy(art);
		json_object_set_new(o, "status", json_string("success"));
		json_object_set(o, kind && strcmp(kind, "node") == 0 ?
		    "binary_path" : "wasm_path", json_object_get(art, "path"));
		if (json_is_true(json_object_get(rec, "verify_reproducible"))) {
			/* As emit_terminal() says it: a boolean and a string. */
			const char *vh = json_string_value(json_object_get(rec,
			    "verify_hash"));
			json_object_set_new(o, "reproducible", json_boolean(
			    json_is_true(json_object_get(rec, "reproducible"))));
			json_object_set_new(o, "verify_hash", json_string(vh ?
			    vh : ""));
		}
		*name = "complete";
		return o;
	}
	*name = "error";
	return json_pack("{s:s, s:s, s:O?, s:O?}", "status", "failed",
	    "job_status", job_status_name(status), "error",
	    json_object_get(rec, "error"), "job_id", json_object_get(rec,
	    "job_id"));
}

/* job_finish writes the record before the end event, so a kill between the
 * two leaves a finished job whose stream never ends: append the end now. */
static void
end_log_of_finished(uint64_t id, json_t *rec, enum job_status status)
{
	char name[32] = "";
	/* A torn tail first, so the last whole line is what is judged. */
	uint64_t next = recover_event_count(id) + 1;
	json_decref(last_event(id, name, sizeof(name)));
	if (name[0] && jobfile_event_is_terminal(name))
		return;
	const char *end_name = NULL;
	json_t *end = terminal_from_record(rec, status, &end_name);
	char *text = end ? json_dumps(end, JSON_COMPACT) : NULL;
	json_decref(end);
	if (text == NULL) {
		log_warnx("job %" PRIu64 ": its event log has no end and its "
		    "record cannot make one; left as it is", id);
		return;
	}
	struct build_job job = { .id = id, .next_event_id = next };
	log_warnx("job %" PRIu64 ": finished (%s) but its event log had no "
	    "end (stopped between the two writes); end event added", id,
	    job_status_name(status));
	job_emit(&job, end_name, text);
	free(text);
}

static void
recover_one(uint64_t id)
{
	json_t *o = load_for_recovery(id);
	enum job_status status;
	const char *s = json_string_value(json_object_get(o, "status"));
	if (o == NULL)
		return;
	if (s == NULL || status_from_name(s, &status) != 0) {
		log_warnx("job %" PRIu64 ": its record has no known status; "
		    "left as it is for inspection", id);
		json_decref(o);
		return;
	}
	if (status != JOB_QUEUED && status != JOB_RUNNING) {
		end_log_of_finished(id, o, status);
		json_decref(o);
		return;
	}
	struct build_job *job = job_from_record(id, o);
	json_decref(o);
	if (job == NULL)
		return;
	if (status == JOB_RUNNING) {
		job_finish(job, JOB_FAILED, "the build worker stopped during "
		    "this build (it was killed or crashed); start the build "
		    "again");
		job_free(job);
		return;
	}
	job->status = JOB_QUEUED;
	TAILQ_INSERT_TAIL(&bw.queue, job, entry);
	log_info("job %" PRIu64 " is still queued; it will run", id);
}

void
jobs_recover(void)
{
	size_t count;
	uint64_t *ids = jobfile_list_ids(bw.cfg->state_dir, &count);
	if (count > 0 && ids[count - 1] > bw.last_job_id)
		bw.last_job_id = ids[count - 1];
	cargo_kill_leftover();
	for (size_t i = 0; i < count; i++)
		recover_one(ids[i]);
	free(ids);
}

void
jobs_start_next(void)
{
	build_apply_pending_config();
	while (bw.running == NULL && !TAILQ_EMPTY(&bw.queue)) {
		struct build_job *job = TAILQ_FIRST(&bw.queue);
		TAILQ_REMOVE(&bw.queue, job, entry);
		job->status = JOB_RUNNING;
		job->started_at = time(NULL);
		bw.running = job;
		/* A verified build compiles everything twice. */
		unsigned times = job->verify ? 2 : 1;
		progress_init(&job->progress, times * job_units_learned(job->kind),
		    times * progress_estimate_from_workspace(
		    bw.cfg->build.source_dir));
		job_save(job, true);
		role_report_status("building job %" PRIu64 " (%s)", job->id,
		    job_kind_name(job->kind));
		if (cargo_start(job) != 0) {
			bw.running = NULL;
			job_finish(job, JOB_FAILED, job->error[0] ? job->error :
			    "could not start cargo");
			job_free(job);
		}
	}
}
