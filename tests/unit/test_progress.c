/* Tests for worker-build/progress.c. */
#include "progress.h"
#include "testlib.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_FILE_MAX (4 * 1024 * 1024)

/* Reads a file under $RTFORGE_TEST_DATA (default tests/unit/data) into an
 * exactly sized, not NUL-terminated buffer, so that reading past len is an
 * ASan error. */
static char *
read_data(const char *name, size_t *lenp)
{
	const char *dir = getenv("RTFORGE_TEST_DATA");
	char path[1024];
	char *buf, *exact;
	size_t len;
	FILE *f;

	if (dir == NULL || *dir == '\0')
		dir = "tests/unit/data";
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	buf = malloc(DATA_FILE_MAX);
	len = buf ? fread(buf, 1, DATA_FILE_MAX, f) : 0;
	fclose(f);
	exact = buf && len > 0 ? malloc(len) : NULL;
	if (exact != NULL)
		memcpy(exact, buf, len);
	free(buf);
	*lenp = len;
	return exact;
}

static void
test_init(void)
{
	struct build_progress p;

	progress_init(&p, 40, 7);
	CHECK(p.expected_units == 40);	/* the last build's count wins */
	CHECK(p.done_units == 0 && p.percent == 0 && !p.finished);
	progress_init(&p, 0, 7);
	CHECK(p.expected_units == 7);
	progress_init(&p, 0, 0);
	CHECK(p.expected_units == PROGRESS_DEFAULT_UNITS);
	progress_init(&p, 4000000000u, 0);
	CHECK(p.expected_units == PROGRESS_UNITS_MAX);
}

static void
test_counts(void)
{
	CHECK(progress_counts(CARGO_MSG_ARTIFACT));
	CHECK(progress_counts(CARGO_MSG_BUILD_SCRIPT));
	CHECK(!progress_counts(CARGO_MSG_FINISHED));
	CHECK(!progress_counts(CARGO_MSG_DIAGNOSTIC));
	CHECK(!progress_counts(CARGO_MSG_OTHER));
	CHECK(!progress_counts(CARGO_MSG_INVALID));
}

/* The captured successful build reported 6 artifacts and 1 build script
 * run: 7 units. A rebuild expecting 7 climbs in sevenths to 99, and to
 * 100 only when cargo says it succeeded. */
static void
test_exact_estimate(void)
{
	static const unsigned want[] = { 14, 28, 42, 57, 71, 85, 99 };
	struct build_progress p;
	size_t i;

	progress_init(&p, 7, 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK(progress_unit_done(&p));
		CHECK(p.percent == want[i]);
	}
	CHECK(p.done_units == 7);
	CHECK(progress_finish(&p, true));
	CHECK(p.percent == 100 && p.finished);
	CHECK(!progress_finish(&p, true));	/* only once */
	CHECK(!progress_unit_done(&p));		/* late units are ignored */
	CHECK(p.percent == 100 && p.done_units == 7);
}

static void
test_unchanged_percent_reports_false(void)
{
	struct build_progress p;

	progress_init(&p, 1000, 0);
	CHECK(!progress_unit_done(&p));		/* 0.1% rounds to 0 */
	CHECK(p.percent == 0 && p.done_units == 1);
	CHECK(!progress_unit_done(&p));
	CHECK(!progress_unit_done(&p));
	CHECK(!progress_unit_done(&p));
	CHECK(!progress_unit_done(&p));
	CHECK(!progress_unit_done(&p));
	CHECK(!progress_unit_done(&p));
	CHECK(!progress_unit_done(&p));
	CHECK(!progress_unit_done(&p));
	CHECK(progress_unit_done(&p));		/* 10/1000 = 1% */
	CHECK(p.percent == 1);
}

/* The estimate is too low: the percentage must never go down nor reach
 * 100 before the end, and the estimate must keep up with the count. */
static void
test_over_count(void)
{
	struct build_progress p;
	unsigned i, last = 0;
	int went_down = 0, over_99 = 0, behind = 0;

	progress_init(&p, 3, 0);
	for (i = 0; i < 50; i++) {
		progress_unit_done(&p);
		went_down += p.percent < last;
		over_99 += p.percent > 99;
		behind += p.expected_units < p.done_units;
		last = p.percent;
	}
	CHECK(went_down == 0);
	CHECK(over_99 == 0);
	CHECK(behind == 0);
	CHECK(p.done_units == 50);
	CHECK(p.percent == 99);
	CHECK(progress_finish(&p, true));
	CHECK(p.percent == 100);
}

static void
test_failure_keeps_percent(void)
{
	struct build_progress p;

	progress_init(&p, 10, 0);
	progress_unit_done(&p);
	progress_unit_done(&p);
	CHECK(p.percent == 20);
	CHECK(!progress_finish(&p, false));
	CHECK(p.percent == 20 && p.finished);
	CHECK(!progress_finish(&p, true));	/* too late to succeed */
	CHECK(p.percent == 20);
	CHECK(!progress_unit_done(&p));
	CHECK(p.percent == 20);

	/* Failing at the cap stays at the cap. */
	progress_init(&p, 1, 0);
	progress_unit_done(&p);
	progress_unit_done(&p);
	CHECK(p.percent == 99);
	CHECK(!progress_finish(&p, false));
	CHECK(p.percent == 99);

	/* Failing before any unit. */
	progress_init(&p, 5, 0);
	CHECK(!progress_finish(&p, false));
	CHECK(p.percent == 0);
}

static void
test_success_without_units(void)
{
	struct build_progress p;

	progress_init(&p, 0, 0);
	CHECK(progress_finish(&p, true));
	CHECK(p.percent == 100);
}

static void
test_count_saturates(void)
{
	struct build_progress p;
	unsigned i;

	progress_init(&p, 10, 0);
	for (i = 0; i < PROGRESS_UNITS_MAX + 10; i++)
		progress_unit_done(&p);
	CHECK(p.done_units == PROGRESS_UNITS_MAX);
	CHECK(p.expected_units >= p.done_units);
	CHECK(p.percent == 99);
}

static unsigned
estimate_str(const char *s)
{
	return progress_estimate_units(s, strlen(s));
}

/* The lock of the workspace the captures came from: 4 packages. */
static void
test_estimate_sample_lock(void)
{
	size_t len = 0;
	char *lock = read_data("cargo-lock-sample.lock", &len);

	CHECK(lock != NULL);
	if (lock == NULL)
		return;
	CHECK(progress_estimate_units(lock, len) == 6);
	/* Not far from the 7 units that build really reported. */
	free(lock);
}

/* The project's demo workspace, if present: compare with a naive count. */
static void
test_estimate_demo_lock(void)
{
	size_t len = 0, packages = 0, i;
	char *lock = read_data("../../demo-workspace/Cargo.lock", &len);
	static const char header[] = "\n[[package]]\n";

	if (lock == NULL) {
		printf("     (no tests/demo-workspace/Cargo.lock, skipped)\n");
		return;
	}
	for (i = 0; i + sizeof(header) - 1 <= len; i++)
		if (memcmp(lock + i, header, sizeof(header) - 1) == 0)
			packages++;
	CHECK(packages > 0);
	CHECK(progress_estimate_units(lock, len) ==
	    packages + (packages + 1) / 2);
	free(lock);
}

static void
test_estimate_hostile(void)
{
	static const char exact[] = "[[package]]\n[[package]]";
	char *buf, *big;
	size_t i, n, big_len;

	CHECK(progress_estimate_units(NULL, 100) == 0);
	CHECK(progress_estimate_units("[[package]]", 0) == 0);
	CHECK(estimate_str("") == 0);
	CHECK(estimate_str("version = 4\n") == 0);
	CHECK(estimate_str("[[package]]") == 2);	/* no final newline */
	CHECK(estimate_str("[[package]]\r\n[[package]]\r\n") == 3);
	CHECK(estimate_str("  [[package]]\t# comment\n") == 2);
	CHECK(estimate_str("[[package]]x\nx[[package]]\n[[packages]]\n"
	    "[[package]\n[package]\nname = \"[[package]]\"\n") == 0);
	CHECK(estimate_str("\n\n\n") == 0);
	CHECK(progress_estimate_units("[[package]]\0\n", 13) == 0);
	CHECK(progress_estimate_units("[[pack\0age]]\n", 13) == 0);

	/* Read only within len, from a buffer with nothing after it. */
	buf = malloc(sizeof(exact) - 1);
	CHECK(buf != NULL);
	if (buf != NULL) {
		memcpy(buf, exact, sizeof(exact) - 1);
		CHECK(progress_estimate_units(buf, 12) == 2);
		CHECK(progress_estimate_units(buf, 11) == 2);
		CHECK(progress_estimate_units(buf, 10) == 0);
		CHECK(progress_estimate_units(buf, sizeof(exact) - 1) == 3);
		free(buf);
	}

	/* Binary noise: any answer, as long as it is bounded and safe. */
	buf = malloc(65536);
	CHECK(buf != NULL);
	if (buf != NULL) {
		srand(42);
		for (i = 0; i < 65536; i++)
			buf[i] = (char)(rand() & 0xff);
		CHECK(progress_estimate_units(buf, 65536) <=
		    PROGRESS_UNITS_MAX);
		free(buf);
	}

	/* Far more packages than any real build: the estimate is capped. */
	n = 2 * PROGRESS_UNITS_MAX;
	big_len = n * 12;
	big = malloc(big_len);
	CHECK(big != NULL);
	if (big != NULL) {
		for (i = 0; i < n; i++)
			memcpy(big + i * 12, "[[package]]\n", 12);
		CHECK(progress_estimate_units(big, big_len) ==
		    PROGRESS_UNITS_MAX);
		free(big);
	}
}

int
main(void)
{
	RUN(test_init);
	RUN(test_counts);
	RUN(test_exact_estimate);
	RUN(test_unchanged_percent_reports_false);
	RUN(test_over_count);
	RUN(test_failure_keeps_percent);
	RUN(test_success_without_units);
	RUN(test_count_saturates);
	RUN(test_estimate_sample_lock);
	RUN(test_estimate_demo_lock);
	RUN(test_estimate_hostile);
	return testlib_summary();
}
