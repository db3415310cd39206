#include "sse_format.h"

#include <inttypes.h>
#include <string.h>

#include <event2/buffer.h>

#include "jobfile.h"

int
sse_format_event(struct evbuffer *out, uint64_t id, const char *name,
    const char *data, size_t data_len)
{
	if (memchr(data, '\n', data_len) || memchr(data, '\r', data_len))
		return -1;
	evbuffer_add_printf(out, "id: %" PRIu64 "\nevent: %s\ndata: ", id,
	    name);
	evbuffer_add(out, data, data_len);
	evbuffer_add(out, "\n\n", 2);
	return 0;
}

void
sse_format_keepalive(struct evbuffer *out)
{
	evbuffer_add(out, ": keepalive\n\n", 13);
}

static int
parse_one(const char *s, uint64_t *out)
{
	/* An empty header is as good as none, so the query can still say. */
	if (s == NULL || s[0] == '\0')
		return 1;
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	uint64_t v = jobfile_parse_id(s);
	if (v == 0)
		return -1;
	*out = v;
	return 0;
}

int
sse_resume_point(const char *header, const char *query_value,
    uint64_t *last_id)
{
	*last_id = 0;
	int r = parse_one(header, last_id);
	if (r <= 0)
		return r;
	r = parse_one(query_value, last_id);
	return r < 0 ? -1 : 0;
}
