/* A small HTTP/1.1 load generator for the API throughput benchmark
 * (bench/api.mjs), used where wrk is not installed: CONNECTIONS keep-alive
 * connections to 127.0.0.1:PORT, each sending GET PATH again as soon as the
 * previous answer has fully arrived, for SECONDS, in one epoll loop (one
 * thread, like `wrk -t1`).
 *
 *   bench_http_load PORT PATH CONNECTIONS SECONDS
 *
 * Answers must carry Content-Length (what both rtforge and nginx send for
 * these routes); a chunked or unframed answer counts as an error and its
 * connection is opened again, as is one the server closed. Prints one JSON
 * object on stdout: requests completed, per second, how many were 2xx,
 * errors, reconnections, body bytes of the last answer, latency
 * percentiles (µs) and this program's CPU time. Exit 0, or 1 with the
 * reason on stderr. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONNECTIONS_MAX 10000
#define SECONDS_MAX 3600
#define PATH_MAX_LEN 1024
#define HEAD_MAX 16384		/* a longer response head is an error */
#define READ_BUF (256 * 1024)
#define EVENTS_MAX 1024
#define NS_PER_S 1000000000LL
#define LAT_BUCKETS 100000	/* 10 µs each, up to 1 s; slower ones in the last */
#define LAT_STEP_US 10

struct conn {
	int fd;
	bool connecting;
	size_t head_used;
	bool in_body;
	uint64_t body_left;
	int status;
	int64_t sent_at;
	char head[HEAD_MAX];
};

static struct {
	int epfd;
	struct sockaddr_in addr;
	char request[PATH_MAX_LEN + 128];
	size_t request_len;
	struct conn *conns;
	long count;
	uint64_t done, ok, errors, reconnects, last_body;
	uint64_t lat[LAT_BUCKETS];
	bool measuring;
} g = { .epfd = -1 };

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

static int64_t
lat_percentile(double p)
{
	uint64_t total = 0, seen = 0, rank;

	for (int i = 0; i < LAT_BUCKETS; i++)
		total += g.lat[i];
	if (total == 0)
		return -1;
	rank = (uint64_t)(p / 100.0 * (double)total);
	if (rank >= total)
		rank = total - 1;
	for (int i = 0; i < LAT_BUCKETS; i++) {
		seen += g.lat[i];
		if (seen > rank)
			return (int64_t)i * LAT_STEP_US;
	}
	return -1;
}

static int
send_request(struct conn *c)
{
	c->head_used = 0;
	c->in_body = false;
	c->sent_at = now_ns();
	/* A small request on an idle keep-alive socket: taken whole. */
	return write(c->fd, g.request, g.request_len) ==
	    (ssize_t)g.request_len ? 0 : -1;
}

static void conn_open(struct conn *);

static void
conn_reopen(struct conn *c)
{
	if (c->fd >= 0) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c->fd);
	}
	c->fd = -1;
	if (g.measuring)
		g.reconnects++;
	conn_open(c);
}

static void
conn_open(struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->connecting = true;
	if ((connect(c->fd, (struct sockaddr *)&g.addr, sizeof(g.addr)) != 0 &&
	    errno != EINPROGRESS) ||
	    epoll_ctl(g.epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
		close(c->fd);
		c->fd = -1;
	}
}

static void
conn_connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
	    err != 0 || epoll_ctl(g.epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0 ||
	    send_request(c) != 0) {
		g.errors++;
		conn_reopen(c);
		return;
	}
	c->connecting = false;
}

/* Content-Length from a complete head, or -1 when there is none. */
static long long
content_length(const char *head)
{
	const char *p = head;

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, "content-length:", 15) == 0) {
			char *end;
			long long v = strtoll(p + 15, &end, 10);
			return end == p + 15 || v < 0 ? -1 : v;
		}
	}
	return -1;
}

static void
response_done(struct conn *c)
{
	int64_t us = (now_ns() - c->sent_at) / 1000;

	if (g.measuring) {
		int i = (int)(us / LAT_STEP_US);
		g.lat[i < LAT_BUCKETS ? i : LAT_BUCKETS - 1]++;
		g.done++;
		if (c->status >= 200 && c->status < 300)
			g.ok++;
	}
	if (send_request(c) != 0) {
		g.errors++;
		conn_reopen(c);
	}
}

/* Consumes bytes of the current answer; returns how many it took, or -1
 * when the connection must be opened again. */
static ssize_t
consume(struct conn *c, const char *p, size_t len)
{
	if (c->in_body) {
		size_t take = len < c->body_left ? len : (size_t)c->body_left;
		c->body_left -= take;
		if (c->body_left == 0)
			response_done(c);
		return (ssize_t)take;
	}
	size_t room = sizeof(c->head) - 1 - c->head_used;
	size_t n = len < room ? len : room, old = c->head_used;
	memcpy(c->head + c->head_used, p, n);
	c->head_used += n;
	c->head[c->head_used] = '\0';
	char *end = strstr(c->head, "\r\n\r\n");
	if (end == NULL)
		return c->head_used == sizeof(c->head) - 1 ? -1 : (ssize_t)n;
	*end = '\0';
	long long body = content_length(c->head);
	if (body < 0 || sscanf(c->head, "HTTP/1.%*d %d", &c->status) != 1)
		return -1;
	size_t head_len = (size_t)(end + 4 - c->head);
	g.last_body = (uint64_t)body;
	c->in_body = true;
	c->body_left = (uint64_t)body;
	if (body == 0)
		response_done(c);
	return (ssize_t)(head_len - old);
}

static void
conn_readable(struct conn *c, char *buf)
{
	ssize_t n = read(c->fd, buf, READ_BUF);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_reopen(c);	/* closed by the server: not an answer */
		return;
	}
	for (size_t at = 0; at < (size_t)n;) {
		ssize_t took = consume(c, buf + at, (size_t)n - at);
		if (took < 0) {
			g.errors++;
			conn_reopen(c);
			return;
		}
		at += (size_t)took;
		if (c->fd < 0 || c->connecting)
			return;	/* opened again while answering */
	}
}

static void
run_for(int64_t ns)
{
	static char buf[READ_BUF];
	struct epoll_event evs[EVENTS_MAX];
	int64_t until = now_ns() + ns;

	for (;;) {
		int64_t left = until - now_ns();
		if (left <= 0)
			return;
		int n = epoll_wait(g.epfd, evs, EVENTS_MAX,
		    (int)(left / 1000000 + 1));
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c->fd < 0)
				continue;
			if (c->connecting)
				conn_connected(c);
			else
				conn_readable(c, buf);
		}
	}
}

static int64_t
cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static int
setup(const char *port_arg, const char *path)
{
	long port = parse_count(port_arg, 1, 65535);
	int n;

	if (port < 0 || path[0] != '/' || strlen(path) > PATH_MAX_LEN ||
	    strpbrk(path, " \r\n") != NULL) {
		fprintf(stderr, "bench_http_load: need a port 1..65535 and an "
		    "absolute path without spaces (at most %d bytes)\n",
		    PATH_MAX_LEN);
		return -1;
	}
	g.addr.sin_family = AF_INET;
	g.addr.sin_port = htons((uint16_t)port);
	g.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	n = snprintf(g.request, sizeof(g.request), "GET %s HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%ld\r\n\r\n", path, port);
	if (n < 0 || (size_t)n >= sizeof(g.request))
		return -1;
	g.request_len = (size_t)n;
	g.conns = calloc((size_t)g.count, sizeof(*g.conns));
	g.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (g.conns == NULL || g.epfd < 0) {
		fprintf(stderr, "bench_http_load: cannot set up %ld "
		    "connections: %s\n", g.count, strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	long seconds;
	int64_t t0, cpu0, elapsed;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_http_load PORT PATH CONNECTIONS "
		    "SECONDS\n");
		return 1;
	}
	g.count = parse_count(argv[3], 1, CONNECTIONS_MAX);
	seconds = parse_count(argv[4], 1, SECONDS_MAX);
	if (g.count < 0 || seconds < 0) {
		fprintf(stderr, "bench_http_load: CONNECTIONS must be 1..%d, "
		    "SECONDS 1..%d\n", CONNECTIONS_MAX, SECONDS_MAX);
		return 1;
	}
	if (setup(argv[1], argv[2]) != 0)
		return 1;
	for (long i = 0; i < g.count; i++)
		conn_open(&g.conns[i]);
	run_for(NS_PER_S / 5);	/* connected and warm before counting */
	g.measuring = true;
	t0 = now_ns();
	cpu0 = cpu_us();
	run_for(seconds * NS_PER_S);
	elapsed = now_ns() - t0;
	printf("{\"connections\":%ld,\"seconds\":%.3f,\"requests\":%llu,"
	    "\"requests_per_s\":%.1f,\"ok\":%llu,\"errors\":%llu,"
	    "\"reconnects\":%llu,\"body_bytes\":%llu,\"p50_us\":%lld,"
	    "\"p99_us\":%lld,\"client_cpu_ms\":%.1f}\n", g.count,
	    (double)elapsed / 1e9, (unsigned long long)g.done,
	    (double)g.done * 1e9 / (double)elapsed,
	    (unsigned long long)g.ok, (unsigned long long)g.errors,
	    (unsigned long long)g.reconnects,
	    (unsigned long long)g.last_body, (long long)lat_percentile(50),
	    (long long)lat_percentile(99), (double)(cpu_us() - cpu0) / 1e3);
	for (long i = 0; i < g.count; i++)
		if (g.conns[i].fd >= 0)
			close(g.conns[i].fd);
	free(g.conns);
	close(g.epfd);
	return 0;
}
