#include "timefmt.h"

#include <stdio.h>

void
format_rfc3339(time_t t, char *out, size_t len)
{
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, len, "1970-01-01T00:00:00Z");
}
