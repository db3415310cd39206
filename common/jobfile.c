#include "jobfile.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fsutil.h"

int
jobfile_path_in(char *out, size_t outlen, const char *state_dir,
    const char *kind, uint64_t job_id, const char *suffix)
{
	int n = snprintf(out, outlen, "%s/%s/%" PRIu64 "%s", state_dir, kind,
	    job_id, suffix);
	if (n < 0 || (size_t)n >= outlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
jobfile_record_path(char *out, size_t outlen, const char *state_dir,
    uint64_t job_id)
{
	return jobfile_path_in(out, outlen, state_dir, JOBFILE_JOBS, job_id,
	    ".json");
}

int
jobfile_events_path(char *out, size_t outlen, const char *state_dir,
    uint64_t job_id)
{
	return jobfile_path_in(out, outlen, state_dir, JOBFILE_JOBS, job_id,
	    ".events");
}

/* Strictly decimal, no sign, no leading zero, at most 18 digits so it can
 * never overflow. */
static int
parse_decimal(const char *s, size_t len, uint64_t *out)
{
	if (len == 0 || len > 18 || (s[0] == '0' && len > 1))
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

uint64_t
jobfile_parse_id(const char *s)
{
	uint64_t v = 0;
	if (s == NULL || parse_decimal(s, strlen(s), &v) != 0)
		return 0;
	return v;
}

static bool
valid_event_name(const char *name, size_t len)
{
	if (len == 0 || len >= JOB_EVENT_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || name[i] == '_'))
			return false;
	return true;
}

int
jobfile_format_event(char *out, size_t outlen, uint64_t id, const char *name,
    const char *data)
{
	size_t dlen = strlen(data);
	/* Never write what the parser would refuse: one bad line would end
	 * every later replay of the log. */
	if (id == 0 || id > 999999999999999999ULL || dlen == 0 ||
	    !valid_event_name(name, strlen(name)) || dlen > JOB_EVENT_DATA_MAX ||
	    memchr(data, '\n', dlen) != NULL || memchr(data, '\r', dlen))
		return -1;
	int n = snprintf(out, outlen, "%" PRIu64 " %s %s\n", id, name, data);
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	return n;
}

int
jobfile_parse_event(const char *line, size_t len, struct job_event *ev)
{
	const char *sp1 = memchr(line, ' ', len);
	if (sp1 == NULL || parse_decimal(line, (size_t)(sp1 - line), &ev->id))
		return -1;
	const char *name = sp1 + 1;
	size_t rest = len - (size_t)(name - line);
	const char *sp2 = memchr(name, ' ', rest);
	if (sp2 == NULL || ev->id == 0)
		return -1;
	size_t name_len = (size_t)(sp2 - name);
	if (!valid_event_name(name, name_len))
		return -1;
	memcpy(ev->name, name, name_len);
	ev->name[name_len] = '\0';
	ev->data = sp2 + 1;
	ev->data_len = len - (size_t)(ev->data - line);
	if (ev->data_len == 0 || ev->data_len > JOB_EVENT_DATA_MAX ||
	    memchr(ev->data, '\0', ev->data_len) ||
	    memchr(ev->data, '\r', ev->data_len))
		return -1;
	return 0;
}

bool
jobfile_event_is_terminal(const char *name)
{
	return strcmp(name, "complete") == 0 || strcmp(name, "error") == 0;
}

int
jobfile_read_events(int fd, off_t *offset, uint64_t from_id, size_t max_bytes,
    jobfile_event_fn fn, void *ctx, char *err, size_t errlen)
{
	/* Static to keep a 32 KiB buffer off the stack; this makes the
	 * function non-reentrant, which the single-threaded loop allows. */
	static char buf[JOB_EVENT_LINE_MAX * 2];
	size_t have = 0, delivered_bytes = 0;
	int delivered = 0;
	for (;;) {
		ssize_t n = pread(fd, buf + have, sizeof(buf) - have,
		    *offset + (off_t)have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			return -1;
		}
		have += (size_t)n;
		size_t start = 0;
		char *nl;
		while ((nl = memchr(buf + start, '\n', have - start)) != NULL) {
			size_t len = (size_t)(nl - (buf + start));
			struct job_event ev;
			if (jobfile_parse_event(buf + start, len, &ev) != 0) {
				snprintf(err, errlen, "malformed event line at "
				    "byte %lld", (long long)(*offset));
				return -1;
			}
			*offset += (off_t)(len + 1);
			start += len + 1;
			if (ev.id < from_id)
				continue;
			delivered++;
			delivered_bytes += len;
			if (fn(&ev, ctx) != 0 || delivered_bytes >= max_bytes)
				return delivered;
		}
		/* What is left is a partial line: the writer is mid-append. */
		if (n == 0 || start == 0) {
			if (start == 0 && have == sizeof(buf)) {
				snprintf(err, errlen, "event line longer than "
				    "%d bytes", JOB_EVENT_LINE_MAX);
				return -1;
			}
			if (n == 0)
				return delivered;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
	}
}

static int
compare_ids(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* "<id>.json" gives id; anything else gives 0. */
static uint64_t
record_name_id(const char *name)
{
	char digits[32];
	size_t len = strlen(name);
	if (len < 6 || len >= sizeof(digits) ||
	    strcmp(name + len - 5, ".json") != 0)
		return 0;
	memcpy(digits, name, len - 5);
	digits[len - 5] = '\0';
	return jobfile_parse_id(digits);
}

uint64_t *
jobfile_list_ids(const char *state_dir, size_t *count)
{
	return jobfile_list_ids_in(state_dir, JOBFILE_JOBS, count);
}

uint64_t *
jobfile_list_ids_in(const char *state_dir, const char *kind, size_t *count)
{
	char dir[1200];
	*count = 0;
	if (snprintf(dir, sizeof(dir), "%s/%s", state_dir, kind) >=
	    (int)sizeof(dir))
		return NULL;
	DIR *d = opendir(dir);
	if (d == NULL)
		return NULL;
	size_t cap = 256;
	uint64_t *ids = malloc(cap * sizeof(*ids));
	if (ids == NULL) {
		closedir(d);
		return NULL;
	}
	struct dirent *de;
	while (*count < JOB_IDS_MAX && (de = readdir(d)) != NULL) {
		uint64_t id = record_name_id(de->d_name);
		if (id == 0)
			continue;
		if (*count == cap) {
			uint64_t *bigger = realloc(ids, 2 * cap * sizeof(*ids));
			if (bigger == NULL)
				break;
			ids = bigger;
			cap *= 2;
		}
		ids[(*count)++] = id;
	}
	closedir(d);
	qsort(ids, *count, sizeof(*ids), compare_ids);
	return ids;
}

json_t *
jobfile_load_record(const char *state_dir, uint64_t id)
{
	return jobfile_load_record_in(state_dir, JOBFILE_JOBS, id);
}

json_t *
jobfile_load_record_in(const char *state_dir, const char *kind, uint64_t id)
{
	char path[1200];
	size_t len;
	if (jobfile_path_in(path, sizeof(path), state_dir, kind, id, ".json")
	    != 0)
		return NULL;
	char *text = fs_read_capped(path, JOB_RECORD_MAX, &len);
	if (text == NULL)
		return NULL;
	json_t *o = json_loadb(text, len, 0, NULL);
	free(text);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}
