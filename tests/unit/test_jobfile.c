/* Unit tests for common/jobfile.c: paths, ids, the event-line format both
 * ways, and replay of an event log with jobfile_read_events (from an id,
 * in chunks, across a writer's half-written line, and on bad input). */
#include "jobfile.h"
#include "testlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EVENT_COUNT 1000
#define BIG_PAD 9000	/* some lines cross the reader's buffer boundary */

static char tmpdir[64];
static char err[256];

/* ---- fixtures ---- */

static void
make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rtforge-test-jobfile-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
}

/* The directory holds only plain files this test made. */
static void
remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

static void
tmp_path(char *out, size_t outlen, const char *name)
{
	snprintf(out, outlen, "%s/%s", tmpdir, name);
}

static const char *
event_name(uint64_t id)
{
	static const char *const names[] = { "log", "progress", "step" };
	return id == EVENT_COUNT ? "complete" : names[id % 3];
}

/* The data of event id: compact JSON of a length that varies with id. */
static void
event_data(uint64_t id, char *out, size_t outlen)
{
	static char pad[BIG_PAD + 1];
	size_t padlen = id % 97 == 0 ? BIG_PAD : (size_t)(id * 37 % 200);

	memset(pad, 'p', padlen);
	pad[padlen] = '\0';
	snprintf(out, outlen, "{\"n\":%" PRIu64 ",\"pad\":\"%s\"}", id, pad);
}

static void
append_bytes(const char *path, const char *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, bytes, len) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
}

static void
append_events(const char *path, uint64_t first, uint64_t last)
{
	static char data[JOB_EVENT_DATA_MAX];
	static char line[JOB_EVENT_LINE_MAX];

	for (uint64_t id = first; id <= last; id++) {
		event_data(id, data, sizeof(data));
		int n = jobfile_format_event(line, sizeof(line), id,
		    event_name(id), data);
		if (n < 0) {
			fprintf(stderr, "cannot format event %" PRIu64 "\n", id);
			exit(2);
		}
		append_bytes(path, line, (size_t)n);
	}
}

static off_t
file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static int
open_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

/* What a replay delivered, checked against what was written. */
struct collected {
	uint64_t ids[2 * EVENT_COUNT];
	size_t n;
	unsigned seen[EVENT_COUNT + 2];	/* deliveries per id */
	bool content_ok;
	size_t stop_after;	/* return 1 after this many; 0 = never */
};

static void
collected_reset(struct collected *c)
{
	memset(c, 0, sizeof(*c));
	c->content_ok = true;
}

static int
collect_event(const struct job_event *ev, void *arg)
{
	static char want[JOB_EVENT_DATA_MAX];
	struct collected *c = arg;

	if (c->n < sizeof(c->ids) / sizeof(c->ids[0]))
		c->ids[c->n] = ev->id;
	c->n++;
	if (ev->id <= EVENT_COUNT)
		c->seen[ev->id]++;
	event_data(ev->id, want, sizeof(want));
	if (strcmp(ev->name, event_name(ev->id)) != 0 ||
	    ev->data_len != strlen(want) ||
	    memcmp(ev->data, want, ev->data_len) != 0)
		c->content_ok = false;
	return c->stop_after != 0 && c->n >= c->stop_after;
}

/* True when c holds exactly first..last, in order, once each. */
static bool
collected_exactly(const struct collected *c, uint64_t first, uint64_t last)
{
	if (last < first)
		return c->n == 0;
	if (c->n != last - first + 1)
		return false;
	for (size_t i = 0; i < c->n; i++)
		if (c->ids[i] != first + i)
			return false;
	return true;
}

static struct collected got;

/* ---- paths and ids ---- */

static void
test_paths(void)
{
	char path[64];
	char tiny[16];

	CHECK(jobfile_record_path(path, sizeof(path), "/var/lib/rtforge",
	    42) == 0);
	CHECK_STR(path, "/var/lib/rtforge/jobs/42.json");
	CHECK(jobfile_events_path(path, sizeof(path), "state", 7) == 0);
	CHECK_STR(path, "state/jobs/7.events");
	errno = 0;
	CHECK(jobfile_events_path(tiny, sizeof(tiny), "/var/lib/rtforge",
	    7) == -1);
	CHECK(errno == ENAMETOOLONG);
	/* Exactly fits: "s/jobs/1.json" is 13 bytes + NUL. */
	CHECK(jobfile_record_path(tiny, 14, "s", 1) == 0);
	CHECK(jobfile_record_path(tiny, 13, "s", 1) == -1);
}

static void
test_parse_id(void)
{
	CHECK(jobfile_parse_id("1") == 1);
	CHECK(jobfile_parse_id("42") == 42);
	CHECK(jobfile_parse_id("999999999999999999") ==
	    UINT64_C(999999999999999999));
	CHECK(jobfile_parse_id("1000000000000000000") == 0);	/* 19 digits */
	CHECK(jobfile_parse_id("18446744073709551616") == 0);
	CHECK(jobfile_parse_id("0") == 0);
	CHECK(jobfile_parse_id("") == 0);
	CHECK(jobfile_parse_id(NULL) == 0);
	CHECK(jobfile_parse_id("01") == 0);
	CHECK(jobfile_parse_id("-1") == 0);
	CHECK(jobfile_parse_id("+1") == 0);
	CHECK(jobfile_parse_id(" 1") == 0);
	CHECK(jobfile_parse_id("1 ") == 0);
	CHECK(jobfile_parse_id("4a") == 0);
	CHECK(jobfile_parse_id("1e3") == 0);
	CHECK(jobfile_parse_id("0x10") == 0);
}

/* ---- one line ---- */

static void
test_format_exact_bytes(void)
{
	char line[64];

	CHECK(jobfile_format_event(line, sizeof(line), 42, "log",
	    "{\"a\":1}") == 15);
	CHECK_STR(line, "42 log {\"a\":1}\n");
	CHECK(jobfile_format_event(line, sizeof(line), 1, "build_started",
	    "{}") == 19);
	CHECK_STR(line, "1 build_started {}\n");
	/* The output buffer must hold the line and a NUL. */
	CHECK(jobfile_format_event(line, 16, 42, "log", "{\"a\":1}") == 15);
	CHECK(jobfile_format_event(line, 15, 42, "log", "{\"a\":1}") == -1);
	CHECK(jobfile_format_event(line, 1, 42, "log", "{}") == -1);
}

static void
test_format_rejects(void)
{
	static char big[JOB_EVENT_DATA_MAX + 2];
	static char line[JOB_EVENT_LINE_MAX];

	CHECK(jobfile_format_event(line, sizeof(line), 1, "Log", "{}") == -1);
	CHECK(jobfile_format_event(line, sizeof(line), 1, "a.b", "{}") == -1);
	CHECK(jobfile_format_event(line, sizeof(line), 1, "a b", "{}") == -1);
	CHECK(jobfile_format_event(line, sizeof(line), 1, "log2", "{}") == -1);
	CHECK(jobfile_format_event(line, sizeof(line), 1, "", "{}") == -1);
	CHECK(jobfile_format_event(line, sizeof(line), 1, "a\nb", "{}") == -1);
	CHECK(jobfile_format_event(line, sizeof(line), 1,
	    "abcdefghijklmnop", "{}") == -1);	/* 16 chars */
	CHECK(jobfile_format_event(line, sizeof(line), 1,
	    "abcdefghijklmno", "{}") > 0);	/* 15 chars */
	CHECK(jobfile_format_event(line, sizeof(line), 1, "log",
	    "{\"a\":\n1}") == -1);
	CHECK(jobfile_format_event(line, sizeof(line), 1, "log",
	    "{\"a\":\r1}") == -1);
	memset(big, 'x', JOB_EVENT_DATA_MAX + 1);
	big[JOB_EVENT_DATA_MAX + 1] = '\0';
	CHECK(jobfile_format_event(line, sizeof(line), 1, "log", big) == -1);
	big[JOB_EVENT_DATA_MAX] = '\0';
	CHECK(jobfile_format_event(line, sizeof(line), 1, "log", big) ==
	    (int)(strlen("1 log ") + JOB_EVENT_DATA_MAX + 1));
}

/* Whatever the writer puts in the log, the reader must take back:
 * a line the parser refuses makes the rest of the log unreadable. */
static void
test_format_writes_only_parseable_lines(void)
{
	static const struct {
		uint64_t id;
		const char *data;
	} cases[] = {
		{ 0, "{}" },			/* id 0: no event has it */
		{ 1, "" },			/* empty data */
		{ UINT64_MAX, "{}" },		/* 20 digits */
		{ UINT64_C(1000000000000000000), "{}" },	/* 19 */
	};
	char line[64];
	struct job_event ev;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = jobfile_format_event(line, sizeof(line), cases[i].id,
		    "log", cases[i].data);
		bool parses = n > 0 && jobfile_parse_event(line,
		    (size_t)n - 1, &ev) == 0;
		if (n >= 0 && !parses)
			fprintf(stderr, "  formatted but unparseable: \"%.*s\"\n",
			    n - 1, line);
		CHECK(n < 0 || parses);
	}
}

static void
test_parse_roundtrip(void)
{
	static const char *const datas[] = {
		"{}", "{\"a\":1}", "{\"msg\": \"two words\", \"x\": [1, 2]}",
		"\"caf\xc3\xa9\"", "x",
	};
	static const char *const names[] = { "log", "complete", "error",
		"step", "build_started", "_" };
	char line[256];
	struct job_event ev;

	for (size_t d = 0; d < sizeof(datas) / sizeof(datas[0]); d++) {
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			uint64_t id = 1 + d * 1000 + k;
			int n = jobfile_format_event(line, sizeof(line), id,
			    names[k], datas[d]);
			CHECK(n > 0 && line[n - 1] == '\n');
			if (n <= 0)
				continue;
			memset(&ev, 0, sizeof(ev));
			CHECK(jobfile_parse_event(line, (size_t)n - 1,
			    &ev) == 0);
			CHECK(ev.id == id);
			CHECK_STR(ev.name, names[k]);
			CHECK(ev.data_len == strlen(datas[d]));
			CHECK(ev.data >= line && ev.data < line + n);
			CHECK(memcmp(ev.data, datas[d], ev.data_len) == 0);
		}
	}
	/* The largest id the parser takes. */
	CHECK(jobfile_parse_event("999999999999999999 log {}", 25, &ev) == 0);
	CHECK(ev.id == UINT64_C(999999999999999999));
}

static int
parse_str(const char *s)
{
	struct job_event ev;
	return jobfile_parse_event(s, strlen(s), &ev);
}

static void
test_parse_rejects(void)
{
	static char big[JOB_EVENT_LINE_MAX + 16];
	struct job_event ev;

	CHECK(parse_str("") == -1);
	CHECK(parse_str("1") == -1);
	CHECK(parse_str("1 ") == -1);
	CHECK(parse_str("1 log") == -1);
	CHECK(parse_str("1 log ") == -1);	/* no data */
	CHECK(parse_str(" log {}") == -1);	/* no id */
	CHECK(parse_str("0 log {}") == -1);
	CHECK(parse_str("01 log {}") == -1);
	CHECK(parse_str("-1 log {}") == -1);
	CHECK(parse_str("+1 log {}") == -1);
	CHECK(parse_str("x log {}") == -1);
	CHECK(parse_str("1e3 log {}") == -1);
	CHECK(parse_str("1000000000000000000 log {}") == -1);	/* 19 */
	CHECK(parse_str("1  {}") == -1);	/* empty name */
	CHECK(parse_str("1 Log {}") == -1);
	CHECK(parse_str("1 a.b {}") == -1);
	CHECK(parse_str("1 log2 {}") == -1);
	CHECK(parse_str("1 abcdefghijklmnop {}") == -1);	/* 16 */
	CHECK(parse_str("1 abcdefghijklmno {}") == 0);		/* 15 */
	CHECK(parse_str("1\tlog {}") == -1);
	/* NUL bytes, counted in len. */
	CHECK(jobfile_parse_event("1 log {\0}", 9, &ev) == -1);
	CHECK(jobfile_parse_event("1 l\0g {}", 8, &ev) == -1);
	CHECK(jobfile_parse_event("1\0 log {}", 9, &ev) == -1);
	/* len is honoured: the same bytes cut short fail, whole pass. */
	CHECK(jobfile_parse_event("1 log {}", 6, &ev) == -1);
	CHECK(jobfile_parse_event("1 log {}", 8, &ev) == 0);
	CHECK(ev.data_len == 2);
	/* Data past the cap. */
	memcpy(big, "1 log ", 6);
	memset(big + 6, 'x', JOB_EVENT_DATA_MAX + 1);
	CHECK(jobfile_parse_event(big, 6 + JOB_EVENT_DATA_MAX + 1, &ev) == -1);
	CHECK(jobfile_parse_event(big, 6 + JOB_EVENT_DATA_MAX, &ev) == 0);
	CHECK(ev.data_len == JOB_EVENT_DATA_MAX);
}

static void
test_terminal_names(void)
{
	CHECK(jobfile_event_is_terminal("complete"));
	CHECK(jobfile_event_is_terminal("error"));
	CHECK(!jobfile_event_is_terminal("completed"));
	CHECK(!jobfile_event_is_terminal("errors"));
	CHECK(!jobfile_event_is_terminal("log"));
	CHECK(!jobfile_event_is_terminal("progress"));
	CHECK(!jobfile_event_is_terminal(""));
}

/* ---- replay ---- */

static char log_path[256];

static void
make_full_log(void)
{
	tmp_path(log_path, sizeof(log_path), "full.events");
	unlink(log_path);
	append_events(log_path, 1, EVENT_COUNT);
}

static int
replay(int fd, off_t *offset, uint64_t from_id, size_t max_bytes)
{
	err[0] = '\0';
	return jobfile_read_events(fd, offset, from_id, max_bytes,
	    collect_event, &got, err, sizeof(err));
}

static void
test_replay_from_start(void)
{
	int fd = open_read(log_path);
	off_t offset = 0;

	collected_reset(&got);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == EVENT_COUNT);
	CHECK(collected_exactly(&got, 1, EVENT_COUNT));
	CHECK(got.content_ok);
	CHECK(offset == file_size(log_path));
	/* Nothing new: a second call delivers nothing, moves nothing. */
	collected_reset(&got);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == 0);
	CHECK(got.n == 0);
	CHECK(offset == file_size(log_path));
	/* from_id 0 means everything too. */
	offset = 0;
	collected_reset(&got);
	CHECK(replay(fd, &offset, 0, SIZE_MAX) == EVENT_COUNT);
	CHECK(collected_exactly(&got, 1, EVENT_COUNT));
	close(fd);
}

static void
test_replay_from_middle(void)
{
	static const uint64_t starts[] = { 2, 97, 98, 501, 999, 1000 };
	int fd = open_read(log_path);

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		off_t offset = 0;
		collected_reset(&got);
		CHECK(replay(fd, &offset, starts[i], SIZE_MAX) ==
		    (int)(EVENT_COUNT - starts[i] + 1));
		CHECK(collected_exactly(&got, starts[i], EVENT_COUNT));
		CHECK(got.content_ok);
		CHECK(offset == file_size(log_path));
	}
	close(fd);
}

static void
test_replay_past_end(void)
{
	int fd = open_read(log_path);
	off_t offset = 0;

	collected_reset(&got);
	CHECK(replay(fd, &offset, EVENT_COUNT + 1, SIZE_MAX) == 0);
	CHECK(got.n == 0);
	CHECK(offset == file_size(log_path));
	offset = 0;
	CHECK(replay(fd, &offset, UINT64_MAX, SIZE_MAX) == 0);
	CHECK(got.n == 0);
	close(fd);
}

/* Resuming from the returned offset in small chunks delivers every event
 * exactly once, in order. */
static void
check_chunked_replay(uint64_t from_id, size_t max_bytes)
{
	int fd = open_read(log_path);
	off_t offset = 0, last_offset = 0;
	int calls = 0, n;
	bool progressed = true;

	collected_reset(&got);
	while ((n = replay(fd, &offset, from_id, max_bytes)) > 0 &&
	    calls < 100000) {
		calls++;
		if (offset <= last_offset)
			progressed = false;
		last_offset = offset;
	}
	CHECK(n == 0);
	CHECK(progressed);
	CHECK(calls > 1);
	CHECK(collected_exactly(&got, from_id, EVENT_COUNT));
	CHECK(got.content_ok);
	for (uint64_t id = from_id; id <= EVENT_COUNT; id++)
		if (got.seen[id] != 1) {
			CHECK(got.seen[id] == 1);
			break;
		}
	CHECK(offset == file_size(log_path));
	close(fd);
}

static void
test_replay_in_chunks(void)
{
	check_chunked_replay(1, 700);
	check_chunked_replay(1, 1);	/* one event a call */
	check_chunked_replay(1, 0);
	check_chunked_replay(400, 5000);
	check_chunked_replay(1, 20000);
}

/* max_bytes 1 delivers exactly one event per call. */
static void
test_replay_one_per_call(void)
{
	int fd = open_read(log_path);
	off_t offset = 0;

	collected_reset(&got);
	for (uint64_t id = 1; id <= 5; id++)
		CHECK(replay(fd, &offset, 1, 1) == 1);
	CHECK(collected_exactly(&got, 1, 5));
	close(fd);
}

static void
test_replay_callback_stops(void)
{
	int fd = open_read(log_path);
	off_t offset = 0;

	collected_reset(&got);
	got.stop_after = 3;
	CHECK(replay(fd, &offset, 10, SIZE_MAX) == 3);
	CHECK(collected_exactly(&got, 10, 12));
	/* The next call goes on after the event that said stop. */
	got.stop_after = 0;
	CHECK(replay(fd, &offset, 10, SIZE_MAX) == EVENT_COUNT - 12);
	CHECK(collected_exactly(&got, 10, EVENT_COUNT));
	close(fd);
}

/* A writer mid-append leaves a line without its newline: it is not an
 * event yet, and the offset stays before it. */
static void
test_replay_partial_last_line(void)
{
	char path[256], data[512], line[600];
	int fd, n;
	size_t head;
	off_t offset = 0, before_partial;

	tmp_path(path, sizeof(path), "partial.events");
	append_events(path, 1, 10);
	before_partial = file_size(path);
	event_data(11, data, sizeof(data));
	n = jobfile_format_event(line, sizeof(line), 11, event_name(11), data);
	CHECK(n > 20);
	if (n <= 20)
		return;
	head = (size_t)n / 2;
	append_bytes(path, line, head);
	fd = open_read(path);

	collected_reset(&got);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == 10);
	CHECK(collected_exactly(&got, 1, 10));
	CHECK(offset == before_partial);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == 0);
	CHECK(offset == before_partial);
	/* All but the newline is still not a line. */
	append_bytes(path, line + head, (size_t)n - 1 - head);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == 0);
	CHECK(offset == before_partial);

	/* The writer finishes the line. */
	append_bytes(path, "\n", 1);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == 1);
	CHECK(collected_exactly(&got, 1, 11));
	CHECK(offset == file_size(path));
	/* And more events follow. */
	append_events(path, 12, 20);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == 9);
	CHECK(collected_exactly(&got, 1, 20));
	CHECK(got.content_ok);
	close(fd);
}

/* A partial line long enough to cross the reader's buffer is also held
 * back until it completes. */
static void
test_replay_partial_big_line(void)
{
	char path[256];
	static char data[JOB_EVENT_DATA_MAX];
	static char line[JOB_EVENT_LINE_MAX];
	int fd, n;
	off_t offset = 0, before_partial;

	tmp_path(path, sizeof(path), "partial-big.events");
	append_events(path, 1, 96);
	before_partial = file_size(path);
	event_data(97, data, sizeof(data));	/* BIG_PAD */
	n = jobfile_format_event(line, sizeof(line), 97, event_name(97), data);
	CHECK(n > BIG_PAD);
	append_bytes(path, line, (size_t)n - 100);
	fd = open_read(path);
	collected_reset(&got);
	CHECK(replay(fd, &offset, 90, SIZE_MAX) == 7);
	CHECK(offset == before_partial);
	append_bytes(path, line + n - 100, 100);
	CHECK(replay(fd, &offset, 90, SIZE_MAX) == 1);
	CHECK(collected_exactly(&got, 90, 97));
	CHECK(got.content_ok);
	close(fd);
}

static void
test_replay_malformed_line(void)
{
	char path[256], where[32];
	int fd;
	off_t offset = 0, bad_at;

	tmp_path(path, sizeof(path), "malformed.events");
	append_events(path, 1, 5);
	bad_at = file_size(path);
	append_bytes(path, "6 Bad {}\n", 9);
	append_events(path, 7, 8);
	fd = open_read(path);

	collected_reset(&got);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == -1);
	CHECK(strstr(err, "malformed") != NULL);
	snprintf(where, sizeof(where), "%lld", (long long)bad_at);
	CHECK(strstr(err, where) != NULL);
	CHECK(collected_exactly(&got, 1, 5));
	CHECK(offset == bad_at);
	/* Skipped events are still checked: from 7 it fails the same way. */
	offset = 0;
	collected_reset(&got);
	CHECK(replay(fd, &offset, 7, SIZE_MAX) == -1);
	CHECK(got.n == 0);
	close(fd);

	/* A bare newline is a malformed (empty) line too. */
	tmp_path(path, sizeof(path), "empty-line.events");
	append_events(path, 1, 2);
	append_bytes(path, "\n", 1);
	fd = open_read(path);
	offset = 0;
	collected_reset(&got);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == -1);
	CHECK(collected_exactly(&got, 1, 2));
	close(fd);
}

static void
check_long_line_refused(const char *name, size_t len, bool newline)
{
	static char junk[3 * JOB_EVENT_LINE_MAX];
	char path[256];
	int fd;
	off_t offset = 0;

	tmp_path(path, sizeof(path), name);
	append_events(path, 1, 3);
	memcpy(junk, "4 log ", 6);
	memset(junk + 6, 'x', len - 6);
	if (newline)
		junk[len - 1] = '\n';
	append_bytes(path, junk, len);
	if (newline)
		append_events(path, 5, 6);
	fd = open_read(path);
	collected_reset(&got);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == -1);
	CHECK(err[0] != '\0');
	CHECK(collected_exactly(&got, 1, 3));
	close(fd);
}

static void
test_replay_line_too_long(void)
{
	check_long_line_refused("long1.events", JOB_EVENT_LINE_MAX + 10, true);
	check_long_line_refused("long2.events", 2 * JOB_EVENT_LINE_MAX + 10,
	    true);
	check_long_line_refused("long3.events", 3 * JOB_EVENT_LINE_MAX, false);
	CHECK(strstr(err, "longer than") != NULL);
}

/* The largest event the writer allows replays whole. */
static void
test_replay_largest_event(void)
{
	static char data[JOB_EVENT_DATA_MAX + 1];
	static char line[JOB_EVENT_LINE_MAX];
	char path[256];
	int fd;
	off_t offset = 0;
	struct collected *c = &got;

	tmp_path(path, sizeof(path), "largest.events");
	memset(data, 'y', JOB_EVENT_DATA_MAX);
	data[0] = '"';
	data[JOB_EVENT_DATA_MAX - 1] = '"';
	data[JOB_EVENT_DATA_MAX] = '\0';
	for (uint64_t id = 1; id <= 5; id++) {
		int n = jobfile_format_event(line, sizeof(line), id, "log",
		    data);
		CHECK(n > 0);
		if (n > 0)
			append_bytes(path, line, (size_t)n);
	}
	fd = open_read(path);
	collected_reset(c);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == 5);
	CHECK(c->n == 5 && c->ids[0] == 1 && c->ids[4] == 5);
	CHECK(offset == file_size(path));
	close(fd);
}

static void
test_replay_read_error(void)
{
	int fd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	off_t offset = 0;

	CHECK(fd >= 0);
	collected_reset(&got);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == -1);
	CHECK(strncmp(err, "read:", 5) == 0);
	CHECK(offset == 0);
	close(fd);
}

static void
test_replay_empty_file(void)
{
	char path[256];
	int fd;
	off_t offset = 0;

	tmp_path(path, sizeof(path), "empty.events");
	append_bytes(path, "", 0);
	fd = open_read(path);
	collected_reset(&got);
	CHECK(replay(fd, &offset, 1, SIZE_MAX) == 0);
	CHECK(offset == 0 && got.n == 0);
	close(fd);
}

int
main(void)
{
	make_tmpdir();
	RUN(test_paths);
	RUN(test_parse_id);
	RUN(test_format_exact_bytes);
	RUN(test_format_rejects);
	RUN(test_format_writes_only_parseable_lines);
	RUN(test_parse_roundtrip);
	RUN(test_parse_rejects);
	RUN(test_terminal_names);
	make_full_log();
	RUN(test_replay_from_start);
	RUN(test_replay_from_middle);
	RUN(test_replay_past_end);
	RUN(test_replay_in_chunks);
	RUN(test_replay_one_per_call);
	RUN(test_replay_callback_stops);
	RUN(test_replay_partial_last_line);
	RUN(test_replay_partial_big_line);
	RUN(test_replay_malformed_line);
	RUN(test_replay_line_too_long);
	RUN(test_replay_largest_event);
	RUN(test_replay_read_error);
	RUN(test_replay_empty_file);
	remove_tmpdir();
	return testlib_summary();
}
