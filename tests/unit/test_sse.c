/* Unit tests for daemon/sse_format.c: the exact bytes of an event and a
 * keepalive, where a client resumes (Last-Event-ID or ?last_event_id=),
 * and end-to-end replay: events from a job's log file, formatted as SSE
 * into one buffer, parsed back, must be contiguous from last_id + 1. */
#include "jobfile.h"
#include "sse_format.h"
#include "testlib.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>

#define LOG_EVENTS 300
#define PARSED_MAX 1024

static char tmpdir[64];
static char log_path[256];

/* ---- helpers ---- */

static struct evbuffer *
new_buffer(void)
{
	struct evbuffer *b = evbuffer_new();
	if (b == NULL) {
		fprintf(stderr, "evbuffer_new failed\n");
		exit(2);
	}
	return b;
}

/* The buffer's bytes as a malloc'd NUL-terminated string. */
static char *
buffer_text(struct evbuffer *b)
{
	size_t len = evbuffer_get_length(b);
	char *s = malloc(len + 1);

	if (s == NULL)
		exit(2);
	evbuffer_copyout(b, s, len);
	s[len] = '\0';
	return s;
}

static bool
buffer_equals(struct evbuffer *b, const char *want)
{
	char *got = buffer_text(b);
	bool same = strcmp(got, want) == 0;

	if (!same)
		fprintf(stderr, "  got \"%s\"\n  want \"%s\"\n", got, want);
	free(got);
	return same;
}

/* ---- the wire format ---- */

static void
test_event_exact_bytes(void)
{
	struct evbuffer *b = new_buffer();
	const char *data = "{\"percent\":57}";

	CHECK(sse_format_event(b, 12, "progress", data, strlen(data)) == 0);
	CHECK(buffer_equals(b,
	    "id: 12\nevent: progress\ndata: {\"percent\":57}\n\n"));
	/* A second event appends. */
	CHECK(sse_format_event(b, 13, "complete", "{}", 2) == 0);
	CHECK(buffer_equals(b,
	    "id: 12\nevent: progress\ndata: {\"percent\":57}\n\n"
	    "id: 13\nevent: complete\ndata: {}\n\n"));
	evbuffer_free(b);
}

static void
test_event_edge_values(void)
{
	struct evbuffer *b = new_buffer();

	CHECK(sse_format_event(b, UINT64_MAX, "log", "x", 1) == 0);
	CHECK(buffer_equals(b,
	    "id: 18446744073709551615\nevent: log\ndata: x\n\n"));
	evbuffer_drain(b, evbuffer_get_length(b));
	/* Only data_len bytes are sent, even if more follow in memory. */
	CHECK(sse_format_event(b, 1, "log", "ab\ncd", 2) == 0);
	CHECK(buffer_equals(b, "id: 1\nevent: log\ndata: ab\n\n"));
	evbuffer_drain(b, evbuffer_get_length(b));
	CHECK(sse_format_event(b, 1, "log", "", 0) == 0);
	CHECK(buffer_equals(b, "id: 1\nevent: log\ndata: \n\n"));
	evbuffer_drain(b, evbuffer_get_length(b));
	/* UTF-8 passes through untouched. */
	CHECK(sse_format_event(b, 2, "log", "\"caf\xc3\xa9\"", 7) == 0);
	CHECK(buffer_equals(b, "id: 2\nevent: log\ndata: \"caf\xc3\xa9\"\n\n"));
	evbuffer_free(b);
}

static void
test_event_refuses_line_breaks(void)
{
	static const char *const bad[] = {
		"a\nb", "a\rb", "\n", "\r", "{}\r\n", "abc\n",
	};
	struct evbuffer *b = new_buffer();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(sse_format_event(b, 5, "log", bad[i], strlen(bad[i])) ==
		    -1);
		CHECK(evbuffer_get_length(b) == 0);	/* nothing sent */
	}
	/* A refusal does not disturb what was already queued. */
	CHECK(sse_format_event(b, 6, "log", "ok", 2) == 0);
	CHECK(sse_format_event(b, 7, "log", "x\ny", 3) == -1);
	CHECK(buffer_equals(b, "id: 6\nevent: log\ndata: ok\n\n"));
	evbuffer_free(b);
}

static void
test_keepalive(void)
{
	struct evbuffer *b = new_buffer();

	sse_format_keepalive(b);
	CHECK(buffer_equals(b, ": keepalive\n\n"));
	CHECK(sse_format_event(b, 1, "log", "{}", 2) == 0);
	sse_format_keepalive(b);
	CHECK(buffer_equals(b, ": keepalive\n\nid: 1\nevent: log\ndata: {}\n\n"
	    ": keepalive\n\n"));
	evbuffer_free(b);
}

/* ---- resume point ---- */

/* -2 when the call fails, else the id it gave. */
static int64_t
resume(const char *header, const char *query)
{
	uint64_t last = 12345;
	if (sse_resume_point(header, query, &last) != 0)
		return -2;
	return (int64_t)last;
}

static void
test_resume_valid(void)
{
	CHECK(resume(NULL, NULL) == 0);
	CHECK(resume("", NULL) == 0);
	CHECK(resume("0", NULL) == 0);
	CHECK(resume(NULL, "") == 0);
	CHECK(resume(NULL, "0") == 0);
	CHECK(resume("1", NULL) == 1);
	CHECK(resume("42", NULL) == 42);
	CHECK(resume(NULL, "42") == 42);
	CHECK(resume("999999999999999999", NULL) == 999999999999999999LL);
	/* The header wins over the query. */
	CHECK(resume("7", "5") == 7);
	CHECK(resume("0", "5") == 0);
	CHECK(resume("7", "junk") == 7);
}

static void
test_resume_invalid(void)
{
	static const char *const bad[] = {
		"-1", "01", "00", "1e3", " 5", "5 ", "+5", "0x10", "abc",
		"1000000000000000000", "18446744073709551615",
		"99999999999999999999", "5\n", "1.0",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (resume(bad[i], NULL) != -2 || resume(NULL, bad[i]) != -2)
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
		CHECK(resume(bad[i], NULL) == -2);
		CHECK(resume(NULL, bad[i]) == -2);
	}
	/* A bad header is not rescued by a good query. */
	CHECK(resume("01", "5") == -2);
	CHECK(resume("x", "5") == -2);
}

/* ---- end-to-end replay ---- */

struct sse_event {
	uint64_t id;
	char name[32];
	char data[512];
};

static struct sse_event parsed[PARSED_MAX];

/* Parses SSE text into parsed[]: blocks separated by a blank line, lines
 * "id: ", "event: ", "data: ", comments starting with ':'. Returns the
 * event count, or -1 on anything unexpected. */
static int
parse_sse(const char *text)
{
	int count = 0;
	bool in_event = false;
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		if (nl == NULL)
			return -1;	/* unterminated line */
		size_t len = (size_t)(nl - p);
		struct sse_event *ev = &parsed[count];
		if (len == 0) {
			if (in_event)
				count++;
			in_event = false;
		} else if (p[0] == ':') {
			if (in_event)
				return -1;	/* comment inside an event */
		} else {
			if (count >= PARSED_MAX)
				return -1;
			if (!in_event)
				memset(ev, 0, sizeof(*ev));
			in_event = true;
			if (len > 4 && strncmp(p, "id: ", 4) == 0) {
				char num[32];
				if (len - 4 >= sizeof(num))
					return -1;
				memcpy(num, p + 4, len - 4);
				num[len - 4] = '\0';
				ev->id = jobfile_parse_id(num);
			} else if (len > 7 && strncmp(p, "event: ", 7) == 0 &&
			    len - 7 < sizeof(ev->name)) {
				memcpy(ev->name, p + 7, len - 7);
			} else if (len >= 6 && strncmp(p, "data: ", 6) == 0 &&
			    len - 6 < sizeof(ev->data)) {
				memcpy(ev->data, p + 6, len - 6);
			} else {
				return -1;
			}
		}
		p = nl + 1;
	}
	return in_event ? -1 : count;
}

static const char *
log_event_name(uint64_t id)
{
	static const char *const names[] = { "log", "progress", "step" };
	return id == LOG_EVENTS ? "complete" : names[id % 3];
}

static void
log_event_data(uint64_t id, char *out, size_t outlen)
{
	snprintf(out, outlen, "{\"n\":%" PRIu64 ",\"text\":\"line %" PRIu64
	    " of the build\"}", id, id);
}

static void
append_log_events(uint64_t first, uint64_t last)
{
	char data[256], line[512];
	int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600);

	if (fd < 0) {
		perror(log_path);
		exit(2);
	}
	for (uint64_t id = first; id <= last; id++) {
		log_event_data(id, data, sizeof(data));
		int n = jobfile_format_event(line, sizeof(line), id,
		    log_event_name(id), data);
		if (n < 0 || write(fd, line, (size_t)n) != n) {
			fprintf(stderr, "cannot write event %" PRIu64 "\n", id);
			exit(2);
		}
	}
	close(fd);
}

/* One subscriber: its stream, where it is in the log, whether it ended. */
struct stream {
	struct evbuffer *out;
	int fd;
	off_t offset;
	uint64_t next_id;
	bool ended;
	int format_failures;
};

static int
stream_event(const struct job_event *ev, void *arg)
{
	struct stream *s = arg;

	if (sse_format_event(s->out, ev->id, ev->name, ev->data,
	    ev->data_len) != 0)
		s->format_failures++;
	s->next_id = ev->id + 1;
	if (jobfile_event_is_terminal(ev->name)) {
		s->ended = true;
		return 1;
	}
	return 0;
}

static void
stream_open(struct stream *s, uint64_t last_id)
{
	memset(s, 0, sizeof(*s));
	s->out = new_buffer();
	s->fd = open(log_path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		perror(log_path);
		exit(2);
	}
	s->next_id = last_id + 1;
}

static void
stream_close(struct stream *s)
{
	evbuffer_free(s->out);
	close(s->fd);
}

/* Feeds the stream from the log in chunks of about max_bytes, with a
 * keepalive between chunks, until the log has nothing more. */
static int
stream_catch_up(struct stream *s, size_t max_bytes)
{
	char err[128];
	int total = 0;

	while (!s->ended) {
		int n = jobfile_read_events(s->fd, &s->offset, s->next_id,
		    max_bytes, stream_event, s, err, sizeof(err));
		if (n < 0) {
			fprintf(stderr, "  replay: %s\n", err);
			return -1;
		}
		if (n == 0)
			break;
		total += n;
		sse_format_keepalive(s->out);
	}
	return total;
}

/* The parsed stream holds exactly first..last, contiguous, each with the
 * name and data that were written. */
static bool
parsed_matches(int count, uint64_t first, uint64_t last)
{
	char want[256];

	if (last < first)
		return count == 0;
	if (count < 0 || (uint64_t)count != last - first + 1)
		return false;
	for (int i = 0; i < count; i++) {
		uint64_t id = first + (uint64_t)i;
		log_event_data(id, want, sizeof(want));
		if (parsed[i].id != id ||
		    strcmp(parsed[i].name, log_event_name(id)) != 0 ||
		    strcmp(parsed[i].data, want) != 0)
			return false;
	}
	return true;
}

/* Resumes from the given header/query, replays, parses, checks. */
static void
check_replay(const char *header, const char *query, uint64_t want_last,
    size_t max_bytes)
{
	struct stream s;
	uint64_t last_id = 99999;
	char *text;
	int count;

	CHECK(sse_resume_point(header, query, &last_id) == 0);
	CHECK(last_id == want_last);
	stream_open(&s, last_id);
	CHECK(stream_catch_up(&s, max_bytes) == (want_last < LOG_EVENTS ?
	    (int)(LOG_EVENTS - want_last) : 0));
	CHECK(s.format_failures == 0);
	CHECK(s.ended == (want_last < LOG_EVENTS));
	text = buffer_text(s.out);
	count = parse_sse(text);
	CHECK(parsed_matches(count, want_last + 1, LOG_EVENTS));
	if (count > 0)
		CHECK_STR(parsed[count - 1].name, "complete");
	free(text);
	stream_close(&s);
}

static void
test_replay_from_resume_points(void)
{
	check_replay(NULL, NULL, 0, SIZE_MAX);
	check_replay("0", NULL, 0, 700);
	check_replay("", NULL, 0, 700);
	check_replay("57", NULL, 57, 1);
	check_replay(NULL, "120", 120, 4096);
	check_replay("200", "5", 200, 300);
	check_replay("299", NULL, 299, SIZE_MAX);
	check_replay(NULL, "300", 300, SIZE_MAX);	/* nothing left */
	check_replay("1000", NULL, 1000, SIZE_MAX);
}

/* A client drops after some events and comes back with Last-Event-ID set
 * to the last id it saw: nothing is lost, nothing repeated. */
static void
test_replay_reconnect(void)
{
	struct stream s;
	char *text, header[32], err[128];
	int first_count, second_count;
	uint64_t last_id;
	static struct sse_event first_part[PARSED_MAX];

	stream_open(&s, 0);
	CHECK(jobfile_read_events(s.fd, &s.offset, s.next_id, 2000,
	    stream_event, &s, err, sizeof(err)) > 0);
	text = buffer_text(s.out);
	first_count = parse_sse(text);
	free(text);
	stream_close(&s);
	CHECK(first_count > 0 && first_count < LOG_EVENTS);
	if (first_count <= 0 || first_count >= LOG_EVENTS)
		return;
	CHECK(parsed_matches(first_count, 1, (uint64_t)first_count));
	memcpy(first_part, parsed, sizeof(first_part));

	snprintf(header, sizeof(header), "%" PRIu64,
	    first_part[first_count - 1].id);
	CHECK(sse_resume_point(header, NULL, &last_id) == 0);
	CHECK(last_id == (uint64_t)first_count);
	stream_open(&s, last_id);
	CHECK(stream_catch_up(&s, 1500) == LOG_EVENTS - first_count);
	text = buffer_text(s.out);
	second_count = parse_sse(text);
	free(text);
	stream_close(&s);
	CHECK(first_count + second_count == LOG_EVENTS);
	CHECK(parsed_matches(second_count, last_id + 1, LOG_EVENTS));
}

/* A live job: the stream catches up, the writer appends more, the same
 * stream goes on from its offset with no gap and no repeat. */
static void
test_replay_follows_appends(void)
{
	char *text;
	int count;
	struct stream s;

	unlink(log_path);
	append_log_events(1, 100);
	stream_open(&s, 40);
	CHECK(stream_catch_up(&s, 512) == 60);
	CHECK(!s.ended);
	append_log_events(101, 250);
	CHECK(stream_catch_up(&s, 512) == 150);
	append_log_events(251, LOG_EVENTS);
	CHECK(stream_catch_up(&s, 512) == LOG_EVENTS - 250);
	CHECK(s.ended);
	text = buffer_text(s.out);
	count = parse_sse(text);
	CHECK(parsed_matches(count, 41, LOG_EVENTS));
	free(text);
	stream_close(&s);
}

static void
remove_tmpdir(void)
{
	unlink(log_path);
	rmdir(tmpdir);
}

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rtforge-test-sse-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(log_path, sizeof(log_path), "%s/1.events", tmpdir);
	append_log_events(1, LOG_EVENTS);

	RUN(test_event_exact_bytes);
	RUN(test_event_edge_values);
	RUN(test_event_refuses_line_breaks);
	RUN(test_keepalive);
	RUN(test_resume_valid);
	RUN(test_resume_invalid);
	RUN(test_replay_from_resume_points);
	RUN(test_replay_reconnect);
	RUN(test_replay_follows_appends);
	remove_tmpdir();
	return testlib_summary();
}
