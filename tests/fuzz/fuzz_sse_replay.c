/* libFuzzer: SSE replay from an event log whose bytes are arbitrary (a
 * torn or corrupted file), from an arbitrary resume point. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "jobfile.h"
#include "sse_format.h"

static int
to_sse(const struct job_event *ev, void *arg)
{
	sse_format_event(arg, ev->id, ev->name, ev->data, ev->data_len);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128];
	uint64_t from = 0;
	if (size < 1)
		return 0;
	from = data[0];
	int fd = memfd_create("events", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data + 1, size - 1) == (ssize_t)(size - 1)) {
		struct evbuffer *out = evbuffer_new();
		off_t offset = 0;
		while (out && jobfile_read_events(fd, &offset, from, 4096,
		    to_sse, out, err, sizeof(err)) > 0)
			;
		if (out)
			evbuffer_free(out);
	}
	close(fd);
	return 0;
}
