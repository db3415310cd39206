/* The fake cargo of the SSE fan-out benchmark (bench/sse.mjs): it waits
 * until a go file exists, then prints COUNT lines on stderr at RATE lines
 * per second, each shaped like the line cargo prints for a build script's
 * cargo:warning= and carrying the CLOCK_MONOTONIC time (ns) at which it
 * was written:
 *
 *   warning: sse-bench@0.1.0: sse-bench seq=17 t=123456789012
 *
 * bench/sse_client.c reads seq and t back from every event it receives;
 * both run on this machine, so they share the clock. rtforge's build
 * worker runs this program as its build.cargo (through a two-line sh
 * wrapper that fixes the arguments); the Node.js baseline spawns it itself,
 * so both sides fan out the same lines from the same kind of pipe.
 *
 *   bench_sse_emit RATE COUNT GOFILE [WAIT_SECONDS]
 *
 * RATE is lines per second (1..100000), COUNT lines in all (1..10000000).
 * The schedule is absolute: a line that is late (a full pipe) is written
 * as soon as it can be, with the time of that write, and the ones after it
 * keep to the original schedule. Exits 0 after the last line, or 1 with
 * the reason on stderr: bad arguments, or no go file within WAIT_SECONDS
 * (default 60). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RATE_MAX 100000
#define COUNT_MAX 10000000
#define WAIT_DEFAULT 60
#define WAIT_MAX 3600
#define GO_POLL_NS (2 * 1000 * 1000)
#define NS_PER_S 1000000000LL

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static void
sleep_until(int64_t when)
{
	struct timespec ts = { .tv_sec = when / NS_PER_S,
	    .tv_nsec = when % NS_PER_S };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

/* A whole number in [min, max], or -1. */
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
wait_for_go(const char *path, long wait_seconds)
{
	int64_t until = now_ns() + wait_seconds * NS_PER_S;

	while (access(path, F_OK) != 0) {
		if (now_ns() > until) {
			fprintf(stderr, "bench_sse_emit: no go file %s after "
			    "%ld s\n", path, wait_seconds);
			return -1;
		}
		sleep_until(now_ns() + GO_POLL_NS);
	}
	return 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
emit(long rate, long count)
{
	char line[128];
	int64_t period = NS_PER_S / rate;
	int64_t start = now_ns();

	for (long seq = 1; seq <= count; seq++) {
		sleep_until(start + (seq - 1) * period);
		int n = snprintf(line, sizeof(line), "warning: sse-bench@0.1.0: "
		    "sse-bench seq=%ld t=%lld\n", seq, (long long)now_ns());
		if (n < 0 || (size_t)n >= sizeof(line) ||
		    write_all(STDERR_FILENO, line, (size_t)n) != 0)
			return -1;	/* the reader is gone: nothing to say */
	}
	return 0;
}

int
main(int argc, char **argv)
{
	long rate, count, wait_seconds = WAIT_DEFAULT;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: bench_sse_emit RATE COUNT GOFILE "
		    "[WAIT_SECONDS]\n");
		return 1;
	}
	rate = parse_count(argv[1], 1, RATE_MAX);
	count = parse_count(argv[2], 1, COUNT_MAX);
	if (argc == 5)
		wait_seconds = parse_count(argv[4], 1, WAIT_MAX);
	if (rate < 0 || count < 0 || wait_seconds < 0) {
		fprintf(stderr, "bench_sse_emit: RATE must be 1..%d, COUNT "
		    "1..%d, WAIT_SECONDS 1..%d\n", RATE_MAX, COUNT_MAX,
		    WAIT_MAX);
		return 1;
	}
	if (wait_for_go(argv[3], wait_seconds) != 0)
		return 1;
	return emit(rate, count) == 0 ? 0 : 1;
}
