/* A tiny unit-test harness: each test binary counts its checks and prints
 * "N passed, N failed" so tests/run-all.sh can add the counts up. */
#ifndef RTFORGE_TESTLIB_H
#define RTFORGE_TESTLIB_H

#include <stdio.h>
#include <string.h>

static int testlib_passed;
static int testlib_failed;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (cond) {                                                  \
			testlib_passed++;                                    \
		} else {                                                     \
			testlib_failed++;                                    \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__,        \
			    __LINE__, #cond);                                \
		}                                                            \
	} while (0)

#define CHECK_STR(a, b)                                                      \
	do {                                                                 \
		const char *check_a_ = (a), *check_b_ = (b);                 \
		if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) \
			testlib_passed++;                                    \
		else {                                                       \
			testlib_failed++;                                    \
			fprintf(stderr, "FAIL %s:%d: \"%s\" != \"%s\"\n",   \
			    __FILE__, __LINE__, check_a_ ? check_a_ : "(null)", \
			    check_b_ ? check_b_ : "(null)");                 \
		}                                                            \
	} while (0)

#define RUN(test_fn)                                                         \
	do {                                                                 \
		int failed_before_ = testlib_failed;                         \
		test_fn();                                                   \
		printf("%s %s\n", testlib_failed == failed_before_ ?         \
		    "ok  " : "FAIL", #test_fn);                              \
	} while (0)

static inline int
testlib_summary(void)
{
	printf("%d passed, %d failed\n", testlib_passed, testlib_failed);
	return testlib_failed == 0 ? 0 : 1;
}

#endif
