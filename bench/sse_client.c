/* Load generator of the SSE fan-out benchmark (bench/sse.mjs): opens
 * CLIENTS connections to one SSE stream on 127.0.0.1, reads every event on
 * all of them with epoll, and times each line that bench/sse_emit.c wrote
 * ("sse-bench seq=N t=NS" inside the event's data) from the emitter's write
 * to its arrival here, on the shared CLOCK_MONOTONIC.
 *
 *   bench_sse_client PORT PATH CLIENTS EXPECTED TIMEOUT_SECONDS
 *
 * The request is HTTP/1.0, so the stream is the body as it comes and ends
 * when the server closes it (chunk-size lines, should a server chunk
 * anyway, are lines this reader does not know and skips). A stream also
 * ends here after its `complete` or `error` event. Every socket is closed
 * with a reset, so that thousands of connections leave no TIME_WAIT behind
 * to exhaust the ports of the next run.
 *
 * Output on stdout: first the line "ready ACCEPTED REFUSED FAILED" once
 * every connection has its response headers (or failed), so the caller can
 * start the lines; then, once every stream has ended or TIMEOUT_SECONDS
 * passed since "ready", one JSON object: connection counts, the first
 * refusal's status, latency percentiles (µs), streams that got all EXPECTED
 * lines in order, lines missing, and this program's own CPU time while it
 * read. Exit 0, or 1 with the reason on stderr. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CLIENTS_MAX 100000
#define EXPECTED_MAX 10000000
#define TIMEOUT_MAX 3600
#define PATH_MAX_LEN 1024
#define LINE_MAX_LEN 4096	/* headers, and one SSE line; longer ones are skipped */
#define CONNECT_WINDOW 256	/* connections waiting for their headers at once */
#define READ_BUF (64 * 1024)
#define EVENTS_MAX 1024
#define NS_PER_S 1000000000LL
#define MARK "sse-bench seq="

/* Latencies in µs, log-linear: exact below 2048 µs, then 1024 buckets per
 * power of two (0.1 % resolution) up to 2^41 µs. */
#define HIST_SUB 1024
#define HIST_SHIFTS 32
#define HIST_BUCKETS (HIST_SUB * (HIST_SHIFTS + 1))

enum conn_state { C_IDLE, C_CONNECTING, C_HEADERS, C_STREAMING, C_DONE };

struct conn {
	int fd;
	enum conn_state state;
	bool skipping;		/* inside a line too long to keep */
	bool terminal;		/* saw the complete/error event name */
	bool ended_ok;		/* the stream ended after that event */
	bool accepted;		/* answered 200 */
	size_t used;
	long lines;
	long last_seq;
	char line[LINE_MAX_LEN];
};

static struct {
	int epfd;
	struct sockaddr_in addr;
	char request[PATH_MAX_LEN + 128];
	size_t request_len;
	struct conn *conns;
	long clients, expected;
	long next_to_start, pending, open;
	long accepted, refused, failed;
	int first_refusal;
	char first_failure[160];
	long out_of_order;
	uint64_t hist[HIST_BUCKETS];
	uint64_t samples;
	int64_t sum_us, min_us, max_us;
	int64_t first_line_at, last_line_at;
} b = { .epfd = -1, .min_us = INT64_MAX };

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static long
parse_count(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

static int
hist_index(int64_t us)
{
	int shift = 0;

	if (us < 2 * HIST_SUB)
		return (int)us;
	while ((us >> shift) >= 2 * HIST_SUB && shift < HIST_SHIFTS)
		shift++;
	if ((us >> shift) >= 2 * HIST_SUB)
		return HIST_BUCKETS - 1;
	return HIST_SUB * shift + (int)(us >> shift);
}

/* The lowest value that falls in bucket i. */
static int64_t
hist_value(int i)
{
	int shift;

	if (i < 2 * HIST_SUB)
		return i;
	shift = i / HIST_SUB - 1;
	return (int64_t)(i - HIST_SUB * shift) << shift;
}

static void
hist_add(int64_t us)
{
	if (us < 0)
		us = 0;
	b.hist[hist_index(us)]++;
	b.samples++;
	b.sum_us += us;
	if (us < b.min_us)
		b.min_us = us;
	if (us > b.max_us)
		b.max_us = us;
}

static int64_t
percentile(double p)
{
	uint64_t rank, seen = 0;

	if (b.samples == 0)
		return -1;
	rank = (uint64_t)(p / 100.0 * (double)b.samples);
	if (rank >= b.samples)
		rank = b.samples - 1;
	for (int i = 0; i < HIST_BUCKETS; i++) {
		seen += b.hist[i];
		if (seen > rank)
			return hist_value(i);
	}
	return b.max_us;
}

static void
note_failure(const char *what, int err)
{
	b.failed++;
	if (b.first_failure[0] == '\0')
		snprintf(b.first_failure, sizeof(b.first_failure), "%s: %s",
		    what, strerror(err));
}

/* A reset, not a FIN: no TIME_WAIT is left on either side. */
static void
conn_close(struct conn *c)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (c->fd < 0)
		return;
	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c->fd);
	c->fd = -1;
	if (c->state == C_STREAMING)
		b.open--;
	if (c->state == C_CONNECTING || c->state == C_HEADERS)
		b.pending--;
	c->state = C_DONE;
}

static void
conn_start(long i)
{
	struct conn *c = &b.conns[i];
	struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = (uint64_t)i };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		note_failure("socket", errno);
		c->state = C_DONE;
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->state = C_CONNECTING;
	b.pending++;
	if (connect(c->fd, (struct sockaddr *)&b.addr, sizeof(b.addr)) != 0 &&
	    errno != EINPROGRESS) {
		note_failure("connect", errno);
		conn_close(c);
		return;
	}
	if (epoll_ctl(b.epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
		note_failure("epoll_ctl", errno);
		conn_close(c);
	}
}

static void
start_more(void)
{
	while (b.next_to_start < b.clients && b.pending < CONNECT_WINDOW)
		conn_start(b.next_to_start++);
}

static void
conn_connected(struct conn *c, long i)
{
	int err = 0;
	socklen_t len = sizeof(err);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)i };

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err != 0) {
		note_failure("connect", err);
		conn_close(c);
		return;
	}
	/* A small request on a fresh socket: the kernel takes it whole. */
	if (write(c->fd, b.request, b.request_len) !=
	    (ssize_t)b.request_len) {
		note_failure("sending the request", errno ? errno : EIO);
		conn_close(c);
		return;
	}
	c->state = C_HEADERS;
	if (epoll_ctl(b.epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
		note_failure("epoll_ctl", errno);
		conn_close(c);
	}
}

static void
handle_data_line(const char *line, struct conn *c, int64_t now)
{
	const char *m = strstr(line, MARK);
	const char *t;
	char *end;
	long seq;
	long long sent;

	if (m == NULL)
		return;
	seq = strtol(m + sizeof(MARK) - 1, &end, 10);
	t = strstr(end, " t=");
	if (t == NULL)
		return;
	sent = strtoll(t + 3, &end, 10);
	if (end == t + 3 || seq <= 0)
		return;
	hist_add((now - (int64_t)sent) / 1000);
	if (seq != c->last_seq + 1)
		b.out_of_order++;
	c->last_seq = seq;
	c->lines++;
	if (b.first_line_at == 0)
		b.first_line_at = now;
	b.last_line_at = now;
}

static void
handle_line(struct conn *c, char *line, size_t len, int64_t now)
{
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len == 0) {
		if (c->terminal) {
			c->ended_ok = true;
			conn_close(c);
		}
		return;
	}
	if (strncmp(line, "data: ", 6) == 0)
		handle_data_line(line + 6, c, now);
	else if (strcmp(line, "event: complete") == 0 ||
	    strcmp(line, "event: error") == 0)
		c->terminal = true;
}

/* Splits bytes into lines; stops when the stream ended on its own. */
static void
feed(struct conn *c, const char *p, size_t len, int64_t now)
{
	while (len > 0 && c->state == C_STREAMING) {
		const char *nl = memchr(p, '\n', len);
		size_t take = nl ? (size_t)(nl - p) : len;

		if (!c->skipping && c->used + take < sizeof(c->line)) {
			memcpy(c->line + c->used, p, take);
			c->used += take;
		} else
			c->skipping = true;
		if (nl == NULL)
			return;
		p += take + 1;
		len -= take + 1;
		if (!c->skipping) {
			c->line[c->used] = '\0';
			handle_line(c, c->line, c->used, now);
		}
		c->used = 0;
		c->skipping = false;
	}
}

/* Collects the response head; the body bytes that came with it go on to
 * feed(). A refusal (any status but 200) is counted and closed. */
static void
read_head(struct conn *c, const char *p, size_t len, int64_t now)
{
	size_t old = c->used, room = sizeof(c->line) - 1 - c->used;
	size_t n = len < room ? len : room, head_len;
	const char *end;
	int status = 0;

	memcpy(c->line + c->used, p, n);
	c->used += n;
	c->line[c->used] = '\0';
	end = strstr(c->line, "\r\n\r\n");
	if (end == NULL) {
		if (c->used == sizeof(c->line) - 1) {
			note_failure("response headers", E2BIG);
			conn_close(c);
		}
		return;
	}
	if (sscanf(c->line, "HTTP/1.%*d %d", &status) != 1 || status != 200) {
		b.refused++;
		if (b.first_refusal == 0)
			b.first_refusal = status ? status : -1;
		conn_close(c);
		return;
	}
	b.pending--;
	b.accepted++;
	b.open++;
	c->accepted = true;
	c->state = C_STREAMING;
	c->used = 0;
	/* The head's last byte came in this read, so it ends inside p. */
	head_len = (size_t)(end + 4 - c->line);
	feed(c, p + (head_len - old), len - (head_len - old), now);
}

static void
conn_readable(struct conn *c, char *buf)
{
	ssize_t n = read(c->fd, buf, READ_BUF);
	int64_t now = now_ns();

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (c->state == C_HEADERS)
			note_failure("reading the response", n < 0 ? errno :
			    ECONNRESET);
		conn_close(c);
		return;
	}
	if (c->state == C_HEADERS)
		read_head(c, buf, (size_t)n, now);
	else
		feed(c, buf, (size_t)n, now);
}

static int
raise_nofile(long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	if (rl.rlim_cur >= (rlim_t)need)
		return 0;
	if (rl.rlim_max < (rlim_t)need)
		rl.rlim_max = (rlim_t)need;	/* works as root */
	rl.rlim_cur = (rlim_t)need;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

static int64_t
cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/* Runs the loop until done() or the deadline; returns -1 on timeout. */
static int
run_until(bool (*done)(void), int64_t deadline)
{
	static char buf[READ_BUF];
	struct epoll_event evs[EVENTS_MAX];

	while (!done()) {
		int64_t left = deadline - now_ns();
		if (left <= 0)
			return -1;
		int n = epoll_wait(b.epfd, evs, EVENTS_MAX,
		    (int)(left / 1000000 + 1));
		if (n < 0 && errno != EINTR)
			return -1;
		for (int i = 0; i < n; i++) {
			struct conn *c = &b.conns[evs[i].data.u64];
			if (c->state == C_CONNECTING)
				conn_connected(c, (long)evs[i].data.u64);
			else if (c->state == C_HEADERS ||
			    c->state == C_STREAMING)
				conn_readable(c, buf);
		}
		start_more();
	}
	return 0;
}

static bool
all_ready(void)
{
	return b.next_to_start == b.clients && b.pending == 0;
}

static bool
all_ended(void)
{
	return b.open == 0;
}

static void
report(int64_t stream_ns, int64_t client_cpu_us, bool timed_out)
{
	long complete = 0, ended = 0, missing = 0;

	for (long i = 0; i < b.clients; i++) {
		const struct conn *c = &b.conns[i];
		if (!c->accepted)
			continue;
		if (c->ended_ok)
			ended++;
		if (c->lines == b.expected && c->last_seq == b.expected)
			complete++;
		if (c->lines < b.expected)
			missing += b.expected - c->lines;
	}
	printf("{\"clients\":%ld,\"accepted\":%ld,\"refused\":%ld,"
	    "\"failed\":%ld,\"first_refusal_status\":%d,"
	    "\"first_failure\":\"%s\",\"expected_lines\":%ld,"
	    "\"lines\":%llu,\"streams_complete\":%ld,\"streams_ended\":%ld,"
	    "\"lines_missing\":%ld,\"out_of_order\":%ld,\"timed_out\":%s,"
	    "\"p50_us\":%lld,\"p90_us\":%lld,\"p99_us\":%lld,"
	    "\"p999_us\":%lld,\"min_us\":%lld,\"max_us\":%lld,"
	    "\"mean_us\":%lld,\"lines_span_ms\":%.1f,\"stream_ms\":%.1f,"
	    "\"client_cpu_ms\":%.1f}\n",
	    b.clients, b.accepted, b.refused, b.failed, b.first_refusal,
	    b.first_failure, b.expected, (unsigned long long)b.samples,
	    complete, ended, missing, b.out_of_order,
	    timed_out ? "true" : "false", (long long)percentile(50),
	    (long long)percentile(90), (long long)percentile(99),
	    (long long)percentile(99.9),
	    (long long)(b.samples ? b.min_us : -1), (long long)b.max_us,
	    (long long)(b.samples ? b.sum_us / (int64_t)b.samples : -1),
	    (double)(b.last_line_at - b.first_line_at) / 1e6,
	    (double)stream_ns / 1e6, (double)client_cpu_us / 1e3);
}

static int
setup(const char *port_arg, const char *path)
{
	long port = parse_count(port_arg, 1, 65535);
	int n;

	if (port < 0 || path[0] != '/' || strlen(path) > PATH_MAX_LEN ||
	    strpbrk(path, " \r\n") != NULL) {
		fprintf(stderr, "bench_sse_client: need a port 1..65535 and an "
		    "absolute path without spaces (at most %d bytes)\n",
		    PATH_MAX_LEN);
		return -1;
	}
	b.addr.sin_family = AF_INET;
	b.addr.sin_port = htons((uint16_t)port);
	b.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	n = snprintf(b.request, sizeof(b.request), "GET %s HTTP/1.0\r\n"
	    "Host: 127.0.0.1:%ld\r\nAccept: text/event-stream\r\n\r\n", path,
	    port);
	if (n < 0 || (size_t)n >= sizeof(b.request))
		return -1;
	b.request_len = (size_t)n;
	b.conns = calloc((size_t)b.clients, sizeof(*b.conns));
	if (b.conns == NULL) {
		fprintf(stderr, "bench_sse_client: out of memory for %ld "
		    "connections\n", b.clients);
		return -1;
	}
	for (long i = 0; i < b.clients; i++)
		b.conns[i].fd = -1;
	if (raise_nofile(b.clients + 64) != 0) {
		fprintf(stderr, "bench_sse_client: cannot raise RLIMIT_NOFILE "
		    "to %ld: %s\n", b.clients + 64, strerror(errno));
		return -1;
	}
	b.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b.epfd < 0) {
		fprintf(stderr, "bench_sse_client: epoll: %s\n",
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	long timeout;
	int64_t ready_at, cpu_at_ready;
	bool timed_out;

	if (argc != 6) {
		fprintf(stderr, "usage: bench_sse_client PORT PATH CLIENTS "
		    "EXPECTED TIMEOUT_SECONDS\n");
		return 1;
	}
	b.clients = parse_count(argv[3], 1, CLIENTS_MAX);
	b.expected = parse_count(argv[4], 0, EXPECTED_MAX);
	timeout = parse_count(argv[5], 1, TIMEOUT_MAX);
	if (b.clients < 0 || b.expected < 0 || timeout < 0) {
		fprintf(stderr, "bench_sse_client: CLIENTS must be 1..%d, "
		    "EXPECTED 0..%d, TIMEOUT_SECONDS 1..%d\n", CLIENTS_MAX,
		    EXPECTED_MAX, TIMEOUT_MAX);
		return 1;
	}
	if (setup(argv[1], argv[2]) != 0)
		return 1;
	start_more();
	if (run_until(all_ready, now_ns() + timeout * NS_PER_S) != 0) {
		fprintf(stderr, "bench_sse_client: only %ld of %ld connections "
		    "had their headers after %ld s\n", b.accepted + b.refused +
		    b.failed, b.clients, timeout);
		return 1;
	}
	printf("ready %ld %ld %ld\n", b.accepted, b.refused, b.failed);
	fflush(stdout);
	ready_at = now_ns();
	cpu_at_ready = cpu_us();
	timed_out = run_until(all_ended, ready_at + timeout * NS_PER_S) != 0;
	report(now_ns() - ready_at, cpu_us() - cpu_at_ready, timed_out);
	for (long i = 0; i < b.clients; i++)
		conn_close(&b.conns[i]);
	free(b.conns);
	close(b.epfd);
	return 0;
}
