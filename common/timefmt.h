#ifndef RTFORGE_TIMEFMT_H
#define RTFORGE_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/* "2026-11-26T15:20:48Z" */
void format_rfc3339(time_t t, char *out, size_t len);
/* The form above, exactly; 0 and *out set, or -1 for anything else
 * (records are outside bytes once on disk). */
int parse_rfc3339(const char *s, time_t *out);

#endif
