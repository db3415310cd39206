#include "progress.h"

#include <string.h>

static unsigned
clamp_units(unsigned n)
{
	return n > PROGRESS_UNITS_MAX ? PROGRESS_UNITS_MAX : n;
}

void
progress_init(struct build_progress *p, unsigned expected_units,
    unsigned fallback_estimate)
{
	unsigned expected = expected_units;

	if (expected == 0)
		expected = fallback_estimate;
	if (expected == 0)
		expected = PROGRESS_DEFAULT_UNITS;
	memset(p, 0, sizeof(*p));
	p->expected_units = clamp_units(expected);
}

bool
progress_counts(enum cargo_msg_kind kind)
{
	return kind == CARGO_MSG_ARTIFACT || kind == CARGO_MSG_BUILD_SCRIPT;
}

/* Raises percent to the given value, never lowers it. */
static bool
raise_percent(struct build_progress *p, unsigned percent)
{
	if (percent <= p->percent)
		return false;
	p->percent = percent;
	return true;
}

bool
progress_unit_done(struct build_progress *p)
{
	unsigned long long percent;

	if (p->finished)
		return false;
	if (p->done_units < PROGRESS_UNITS_MAX)
		p->done_units++;
	/* Past the estimate, the build is bigger than we thought, by an
	 * amount nobody knows: the estimate follows the count, and the
	 * percentage waits at the cap below. */
	if (p->done_units > p->expected_units)
		p->expected_units = p->done_units;
	percent = (unsigned long long)p->done_units * 100 / p->expected_units;
	/* 100 means "finished successfully"; a counted unit is not that. */
	if (percent > 99)
		percent = 99;
	return raise_percent(p, (unsigned)percent);
}

bool
progress_finish(struct build_progress *p, bool success)
{
	if (p->finished)
		return false;
	p->finished = true;
	return success ? raise_percent(p, 100) : false;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A TOML table header line "[[package]]": leading blanks, then the header,
 * then only blanks, a comment or the CR of a CRLF. */
static bool
is_package_header(const char *line, size_t len)
{
	static const char header[] = "[[package]]";
	const size_t header_len = sizeof(header) - 1;
	size_t start = 0, i;

	while (start < len && is_blank(line[start]))
		start++;
	if (start + header_len > len ||
	    memcmp(line + start, header, header_len) != 0)
		return false;
	for (i = start + header_len; i < len; i++) {
		if (line[i] == '#')
			return true;
		if (!is_blank(line[i]) && line[i] != '\r')
			return false;
	}
	return true;
}

/*
 * Why packages * 3 / 2: each package in the lock is about one lib or bin
 * unit. Many are not built at all on a given host (platform-specific
 * dependencies such as windows-sys), but workspace members often have a
 * lib and a bin, proc macros used by both build scripts and normal code are
 * built twice, and the packages with a build script add two units each
 * (compiling it and running it) - about one package in four does. Erring
 * high is on purpose: a bar that jumps from 70% to 100% at the end looks
 * better than one stuck at 99%. The estimate is only used until a real
 * build has reported its count.
 */
unsigned
progress_estimate_units(const char *cargo_lock, size_t len)
{
	const char *line = cargo_lock, *end, *nl;
	unsigned packages = 0, units;

	if (cargo_lock == NULL)
		return 0;
	end = cargo_lock + len;
	while (line < end && packages < PROGRESS_UNITS_MAX) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			nl = end;
		if (is_package_header(line, (size_t)(nl - line)))
			packages++;
		if (nl == end)
			break;
		line = nl + 1;
	}
	/* packages is at most PROGRESS_UNITS_MAX, so this cannot overflow. */
	units = packages + (packages + 1) / 2;
	return clamp_units(units);
}
