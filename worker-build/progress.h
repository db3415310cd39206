/* Build progress as the percentage of compilation units done.
 *
 * What counts as a unit: every "compiler-artifact" message (fresh or not)
 * and every "build-script-executed" message; see progress_counts(). Build
 * scripts count because running one can be the longest step of a build
 * (a Substrate runtime is compiled to wasm inside one). The count a build
 * reports at its end (done_units) is what the caller should pass as
 * expected_units to the next build of the same kind.
 *
 * The percentage never goes down and reaches 100 only on success. */
#ifndef RTFORGE_PROGRESS_H
#define RTFORGE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "cargo_json.h"

/* Estimates and counts are clamped here, far above any real build (the
 * largest workspaces have a few thousand units), so arithmetic cannot
 * overflow whatever the input. */
#define PROGRESS_UNITS_MAX 1000000u
/* The estimate when nothing better is known. */
#define PROGRESS_DEFAULT_UNITS 100u

struct build_progress {
	unsigned expected_units;	/* estimate of total units, >= 1 */
	unsigned done_units;
	unsigned percent;		/* 0..100, never decreases */
	bool finished;
};

/* expected_units: what the last build of the same kind reported, or 0 if
 * unknown; then fallback_estimate (e.g. from progress_estimate_units()) is
 * used, or PROGRESS_DEFAULT_UNITS if that is 0 too. */
void progress_init(struct build_progress *p, unsigned expected_units,
    unsigned fallback_estimate);

/* True for the cargo messages that mark one unit done. */
bool progress_counts(enum cargo_msg_kind kind);

/* One unit finished. Returns true if percent changed. The percentage is
 * done * 100 / expected, held at 99 until the build finishes. If done
 * passes the estimate, the estimate grows and the percentage waits at
 * where it was. Units reported after progress_finish() are ignored. */
bool progress_unit_done(struct build_progress *p);

/* Success takes percent to 100; failure leaves it where it was. Returns
 * true if percent changed. Only the first call has an effect. */
bool progress_finish(struct build_progress *p, bool success);

/* A first estimate before any build, from Cargo.lock text (untrusted, read
 * only within len, need not be NUL-terminated): counts the "[[package]]"
 * table headers and allows half as many units again, rounded up. Returns
 * 0 if no package is found. See progress.c for the reasoning. */
unsigned progress_estimate_units(const char *cargo_lock, size_t len);

#endif
