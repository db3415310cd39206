#include "upgrade_store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "jobfile.h"
#include "log.h"
#include "timefmt.h"

#define STORE_NAME_MAX 64

#define RECOVERED_MAX 8

static int dirfd_ = -1;
/* Events written at start for interrupted upgrades, told to the front
 * once it is connected: its open streams and "wait" requests end. */
static struct recovered {
	uint64_t id, event_id;
	const char *name;	/* "error" or "complete" */
	char *text;
} recovered[RECOVERED_MAX];
static size_t recovered_count;
static char dir_path[1200];
static uint64_t next_id = 1;

int
upgrade_store_dirfd(void)
{
	return dirfd_;
}

uint64_t
upgrade_store_take_id(void)
{
	return next_id++;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* temp file, fsync, rename, fsync of the directory: the old content stays
 * whole on any failure, and the new one survives a power cut. */
static int
replace_file(const char *name, const void *data, size_t len)
{
	char tmp[STORE_NAME_MAX + 16];
	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	(void)unlinkat(dirfd_, tmp, 0);
	/* O_APPEND on a fresh file changes nothing, and keeps this open
	 * inside the seccomp filter's one rule for creating files. */
	int fd = openat(dirfd_, tmp, O_WRONLY | O_APPEND | O_CREAT | O_EXCL |
	    O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		int saved = errno;
		close(fd);
		(void)unlinkat(dirfd_, tmp, 0);
		errno = saved;
		return -1;
	}
	if (close(fd) != 0 || renameat(dirfd_, tmp, dirfd_, name) != 0) {
		int saved = errno;
		(void)unlinkat(dirfd_, tmp, 0);
		errno = saved;
		return -1;
	}
	return fsync(dirfd_);
}

/* A failed append (disk full mid-line) is taken back, so the file never
 * holds half a line that the next append would be glued to. */
static int
append_line(const char *name, const char *line, size_t len, int durable)
{
	int fd = openat(dirfd_, name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0640);
	if (fd < 0)
		return -1;
	struct stat st;
	int r = fstat(fd, &st);
	if (r == 0 && (r = write_all(fd, line, len)) != 0 &&
	    ftruncate(fd, st.st_size) != 0)
		log_warn("%s: cannot take back a partial line", name);
	if (r == 0 && durable)
		r = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return r;
}

int
upgrade_store_save(uint64_t id, const json_t *record)
{
	char name[STORE_NAME_MAX];
	char *text = json_dumps(record, JSON_COMPACT);
	if (text == NULL || dirfd_ < 0) {
		free(text);
		errno = ENOMEM;
		return -1;
	}
	snprintf(name, sizeof(name), "%" PRIu64 ".json", id);
	int r = replace_file(name, text, strlen(text));
	if (r != 0)
		log_warn("upgrade %" PRIu64 ": cannot write its record", id);
	free(text);
	return r;
}

int
upgrade_store_event(uint64_t id, uint64_t event_id, const char *name,
    const char *json)
{
	static char line[JOB_EVENT_LINE_MAX];
	char file[STORE_NAME_MAX];
	int len = jobfile_format_event(line, sizeof(line), event_id, name, json);
	if (len < 0 || dirfd_ < 0) {
		log_warnx("upgrade %" PRIu64 ": event %s not representable", id,
		    name);
		return -1;
	}
	snprintf(file, sizeof(file), "%" PRIu64 ".events", id);
	if (append_line(file, line, (size_t)len,
	    jobfile_event_is_terminal(name)) != 0) {
		log_warn("upgrade %" PRIu64 ": cannot append event %s", id,
		    name);
		return -1;
	}
	return 0;
}

int
upgrade_store_audit(json_t *line)
{
	char at[32];
	format_rfc3339(time(NULL), at, sizeof(at));
	json_object_set_new(line, "at", json_string(at));
	char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
	json_decref(line);
	size_t len = text ? strlen(text) : 0;
	char *nl = text ? realloc(text, len + 2) : NULL;
	if (nl == NULL || dirfd_ < 0) {
		free(nl ? nl : text);
		return -1;
	}
	nl[len] = '\n';
	nl[len + 1] = '\0';
	int r = append_line(UPGRADE_AUDIT_FILE, nl, len + 1, 1);
	if (r != 0)
		log_warn("cannot append to the audit log %s/%s", dir_path,
		    UPGRADE_AUDIT_FILE);
	free(nl);
	return r;
}

int
upgrade_store_blob(uint64_t id, const char *suffix, const uint8_t *data,
    size_t len)
{
	char name[STORE_NAME_MAX];
	if (dirfd_ < 0 || strchr(suffix, '/') != NULL ||
	    snprintf(name, sizeof(name), "%" PRIu64 "%s", id, suffix) >=
	    (int)sizeof(name)) {
		errno = EINVAL;
		return -1;
	}
	return replace_file(name, data, len);
}

struct log_end {
	uint64_t last;
	bool terminal;		/* the last event ends the stream */
};

static int
note_event_id(const struct job_event *ev, void *ctx)
{
	struct log_end *end = ctx;
	if (ev->id > end->last)
		end->last = ev->id;
	end->terminal = jobfile_event_is_terminal(ev->name);
	return 0;
}

/* The id after the last event in <id>.events. The record is saved before
 * each event is appended, so a crash can leave it one event behind; a torn
 * last line is cut off here, before anything is appended after it. */
static uint64_t
events_next_id(uint64_t id, uint64_t from_record, bool *ended)
{
	char file[STORE_NAME_MAX], err[128];
	struct log_end seen = { 0, false };
	off_t end = 0;
	snprintf(file, sizeof(file), "%" PRIu64 ".events", id);
	*ended = false;
	int fd = openat(dirfd_, file, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return from_record;
	struct stat st;
	int r;
	while ((r = jobfile_read_events(fd, &end, 0, JOB_EVENT_LINE_MAX,
	    note_event_id, &seen, err, sizeof(err))) > 0)
		;
	/* A malformed whole line is left as it is (the front reports it);
	 * only a tail with no newline is an append cut short. */
	if (r < 0)
		log_warnx("upgrade %" PRIu64 ": its event log: %s", id, err);
	else if (fstat(fd, &st) == 0 && st.st_size > end) {
		log_warnx("upgrade %" PRIu64 ": its event log ends in a torn "
		    "line (%lld bytes), cut off", id,
		    (long long)(st.st_size - end));
		if (ftruncate(fd, end) != 0)
			log_warn("upgrade %" PRIu64 ": cannot cut the torn line",
			    id);
	}
	close(fd);
	*ended = r >= 0 && seen.terminal;
	return seen.last + 1 > from_record ? seen.last + 1 : from_record;
}

/* A record a crash left mid-flight: whether its extrinsic landed is not
 * known here, so say exactly that, and never "failed". */
static void
end_interrupted(uint64_t id, json_t *rec)
{
	const char *status = json_string_value(json_object_get(rec, "status"));
	if (status == NULL || strcmp(status, "running") != 0)
		return;
	const char *tx = json_is_true(json_object_get(rec, "submitted")) ?
	    json_string_value(json_object_get(rec, "tx_hash")) : NULL;
	char msg[512];
	snprintf(msg, sizeof(msg), "the sign worker stopped during this "
	    "upgrade (crash or restart); %s%s%s", tx ? "the extrinsic " : "",
	    tx ? tx : "nothing had been submitted yet",
	    tx ? " may or may not be on chain: check GET /api/chain and the "
	    "chain's blocks before retrying" : ", so it is safe to retry");
	json_int_t stored = json_integer_value(json_object_get(rec,
	    "next_event_id"));
	bool ended;
	json_int_t next = stored > 0 ? (json_int_t)events_next_id(id,
	    (uint64_t)stored, &ended) : 0;
	json_object_set_new(rec, "status", json_string(tx ? "unknown" :
	    "failed"));
	json_object_set_new(rec, "success", json_false());
	json_object_set_new(rec, "error", json_string(msg));
	json_t *ev = json_pack("{s:s, s:s, s:b, s:O?, s:O?, s:[]}", "status",
	    tx ? "unknown" : "failed", "error", msg, "success", 0, "tx_hash",
	    json_object_get(rec, "tx_hash"), "block_hash",
	    json_object_get(rec, "block_hash"), "events");
	char *text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	if (text && next > 0 && upgrade_store_event(id, (uint64_t)next, "error",
	    text) == 0) {
		json_object_set_new(rec, "next_event_id", json_integer(next + 1));
		if (recovered_count < RECOVERED_MAX) {
			recovered[recovered_count++] = (struct recovered){ id,
			    (uint64_t)next, "error", text };
			text = NULL;
		}
	}
	free(text);
	upgrade_store_save(id, rec);
	upgrade_store_audit(json_pack("{s:s, s:I, s:s, s:s}", "what",
	    "upgrade_interrupted", "upgrade_id", (json_int_t)id, "status",
	    tx ? "unknown" : "failed", "detail", msg));
	log_warnx("upgrade %" PRIu64 ": %s", id, msg);
}

/* finish_as() saves the record before it appends the end event: a crash
 * between the two leaves a finished upgrade whose stream never ends. The
 * end is made from the record, in the shape the live one has. */
static void
end_log_of_finished(uint64_t id, json_t *rec)
{
	const char *status = json_string_value(json_object_get(rec, "status"));
	json_int_t stored = json_integer_value(json_object_get(rec,
	    "next_event_id"));
	bool ended = false;
	if (status == NULL || strcmp(status, "running") == 0 || stored <= 0)
		return;
	uint64_t next = events_next_id(id, (uint64_t)stored, &ended);
	if (ended)
		return;
	bool success = json_is_true(json_object_get(rec, "success"));
	json_t *ev = json_pack("{s:s, s:O?, s:O?, s:b, s:O?, s:O?, s:O?}",
	    "status", status, "tx_hash", json_object_get(rec, "tx_hash"),
	    "block_hash", json_object_get(rec, "block_hash"), "success",
	    success, "events", json_object_get(rec, "events"), "error",
	    json_object_get(rec, "error"), "block_number",
	    json_object_get(rec, "block_number"));
	char *text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	if (text && upgrade_store_event(id, next, success ? "complete" : "error",
	    text) == 0) {
		log_warnx("upgrade %" PRIu64 ": finished (%s) but its event log "
		    "had no end (stopped between the two writes); end event "
		    "added", id, status);
		json_object_set_new(rec, "next_event_id", json_integer(
		    (json_int_t)next + 1));
		upgrade_store_save(id, rec);
		if (recovered_count < RECOVERED_MAX) {
			recovered[recovered_count++] = (struct recovered){ id,
			    next, success ? "complete" : "error", text };
			text = NULL;
		}
	}
	free(text);
}

int
upgrade_store_open(const char *state_dir, char *err, size_t errlen)
{
	size_t count = 0;
	next_id = 1;
	if (fs_join(dir_path, sizeof(dir_path), state_dir,
	    JOBFILE_UPGRADES) != 0 || (fs_mkdirs(dir_path, 0750) != 0 &&
	    errno != EEXIST)) {
		snprintf(err, errlen, "cannot create %s: %s", dir_path,
		    strerror(errno));
		return -1;
	}
	dirfd_ = open(dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_ < 0) {
		snprintf(err, errlen, "cannot open %s: %s", dir_path,
		    strerror(errno));
		return -1;
	}
	uint64_t *ids = jobfile_list_ids_in(state_dir, JOBFILE_UPGRADES, &count);
	for (size_t i = 0; i < count; i++) {
		json_t *rec = jobfile_load_record_in(state_dir, JOBFILE_UPGRADES,
		    ids[i]);
		if (rec == NULL)
			log_warnx("upgrade %" PRIu64 ": its record is unreadable "
			    "or torn; left as it is", ids[i]);
		else {
			end_interrupted(ids[i], rec);
			end_log_of_finished(ids[i], rec);
		}
		json_decref(rec);
	}
	if (count > 0)
		next_id = ids[count - 1] + 1;
	free(ids);
	return 0;
}

void
upgrade_store_replay_recovered(void (*fn)(uint64_t upgrade_id,
    uint64_t event_id, const char *name, const char *json))
{
	for (size_t i = 0; i < recovered_count; i++) {
		fn(recovered[i].id, recovered[i].event_id, recovered[i].name,
		    recovered[i].text);
		free(recovered[i].text);
	}
	recovered_count = 0;
}

void
upgrade_store_close(void)
{
	for (size_t i = 0; i < recovered_count; i++)
		free(recovered[i].text);
	recovered_count = 0;
	if (dirfd_ >= 0)
		close(dirfd_);
	dirfd_ = -1;
}
