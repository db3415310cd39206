#include "timefmt.h"

#include <stdio.h>
#include <string.h>

void
format_rfc3339(time_t t, char *out, size_t len)
{
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, len, "1970-01-01T00:00:00Z");
}

int
parse_rfc3339(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strlen(s) != 20)
		return -1;
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	/* strptime takes Feb 31 or a 60th second and timegm moves them on:
	 * only a time that prints back the same is the time it says. */
	char back[32];
	format_rfc3339(t, back, sizeof(back));
	if (strcmp(back, s) != 0)
		return -1;
	*out = t;
	return 0;
}
