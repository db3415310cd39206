/* Server-Sent Events wire format, and reading where a client resumes. */
#ifndef RTFORGE_SSE_FORMAT_H
#define RTFORGE_SSE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;

/* Appends "id: N\nevent: NAME\ndata: DATA\n\n". data must be one line.
 * Returns 0, or -1 when data holds a line break (it is then not sent). */
int sse_format_event(struct evbuffer *out, uint64_t id, const char *name,
    const char *data, size_t data_len);
/* Appends a comment line that keeps proxies and browsers from timing out. */
void sse_format_keepalive(struct evbuffer *out);

/* Where to resume: the Last-Event-ID header wins over ?last_event_id=.
 * Either may be NULL. Returns 0 and sets *last_id (0 = from the start), or
 * -1 when a value is present but not a decimal id. */
int sse_resume_point(const char *header, const char *query_value,
    uint64_t *last_id);

#endif
