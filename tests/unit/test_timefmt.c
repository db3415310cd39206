/* RFC 3339 times as records store them: written and read back exactly, and
 * anything else (a record is outside bytes once on disk) refused. */
#include <string.h>
#include <time.h>

#include "testlib.h"
#include "timefmt.h"

static void
test_round_trip(void)
{
	char text[32];
	time_t back = 0;
	const time_t when[] = { 0, 1700000000, 1796000000, 4102444799 };
	for (size_t i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		format_rfc3339(when[i], text, sizeof(text));
		CHECK(parse_rfc3339(text, &back) == 0);
		CHECK(back == when[i]);
	}
	CHECK(parse_rfc3339("2026-11-26T15:20:48Z", &back) == 0);
	format_rfc3339(back, text, sizeof(text));
	CHECK_STR(text, "2026-11-26T15:20:48Z");
}

static void
test_refused(void)
{
	const char *bad[] = { NULL, "", "2026-11-26", "2026-11-26T15:20:48",
		"2026-11-26T15:20:48+01:00", "2026-11-26T15:20:48Zx",
		"2026-13-26T15:20:48Z", "2026-11-26 15:20:48Z",
		"x026-11-26T15:20:48Z", "2026-11-26T25:20:48Z",
		"2026-02-31T00:00:00Z", "2026-11-26T15:20:60Z",
		"2026-11-26T 5:20:48Z" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		time_t out = 42;
		CHECK(parse_rfc3339(bad[i], &out) == -1);
		CHECK(out == 42);
	}
}

int
main(void)
{
	RUN(test_round_trip);
	RUN(test_refused);
	return testlib_summary();
}
