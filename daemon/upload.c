/* POST /api/upgrade/upload: a runtime built elsewhere, as the raw request
 * body (Content-Type: application/wasm, at most 10 MiB). The front never
 * parses those bytes: it copies them into a memfd, seals it against any
 * change, and hands the descriptor to the build worker, which inspects the
 * runtime like a built one and stores it in the artifact store. An
 * optional ?name=<file>.wasm names the stored file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "front.h"
#include "ipc.h"
#include "wasm_inspect.h"

#define UPLOAD_TYPE "application/wasm"
#define UPLOAD_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | \
	F_SEAL_SEAL)
/* Inspection decompresses up to 50 MiB; under sanitizers that takes
 * seconds, so the worker gets longer than the usual deadline. */
#define UPLOAD_WORKER_TIMEOUT 60

/* "application/wasm", any case, with or without parameters. */
static bool
is_wasm_type(const char *type)
{
	const size_t n = sizeof(UPLOAD_TYPE) - 1;
	if (type == NULL)
		return false;
	type += strspn(type, " \t");
	if (strncasecmp(type, UPLOAD_TYPE, n) != 0)
		return false;
	type += n;
	type += strspn(type, " \t");
	return *type == '\0' || *type == ';';
}

/* The file name the client asked for with ?name=, "" without one, or NULL
 * after answering 400. Only its length is checked here: the build worker,
 * which writes the file, checks the characters. */
static char *
requested_name(struct evhttp_request *req)
{
	const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyvalq query;
	TAILQ_INIT(&query);
	if (q && evhttp_parse_query_str(q, &query) != 0) {
		http_reply_error(req, 400, "malformed query string");
		return NULL;
	}
	const char *name = evhttp_find_header(&query, "name");
	char *copy = NULL;
	if (name && (name[0] == '\0' || strlen(name) > IPC_UPLOAD_NAME_MAX))
		http_reply_error(req, 400, "?name= must be a file name of 1 to "
		    "%d bytes ending in .wasm", IPC_UPLOAD_NAME_MAX);
	else if ((copy = strdup(name ? name : "")) == NULL)
		http_reply_error(req, 503, "out of memory; try again");
	evhttp_clear_headers(&query);
	return copy;
}

static int
write_all(int fd, const void *p, size_t len)
{
	const char *c = p;
	while (len > 0) {
		ssize_t n = write(fd, c, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The body in a memfd sealed against writes and resizing, so that what
 * the worker inspects is what it stores. -1 with errno on failure. */
static int
sealed_copy(struct evbuffer *body)
{
	int fd = memfd_create("rtforge-upload", MFD_ALLOW_SEALING |
	    MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	int n = evbuffer_peek(body, -1, NULL, NULL, 0);
	struct evbuffer_iovec *v = n > 0 ? calloc((size_t)n, sizeof(*v)) :
	    NULL;
	int r = v == NULL ? -1 : 0;
	if (r == 0 && evbuffer_peek(body, -1, NULL, v, n) != n)
		r = -1;
	for (int i = 0; r == 0 && i < n; i++)
		r = write_all(fd, v[i].iov_base, v[i].iov_len);
	free(v);
	if (r == 0)
		r = fcntl(fd, F_ADD_SEALS, UPLOAD_SEALS);
	if (r != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void
upload_stored(struct evhttp_request *req, unsigned status, json_t *body,
    void *arg)
{
	(void)arg;
	http_reply_json(req, (int)status, json_incref(body));
}

void
upload_route(struct evhttp_request *req)
{
	if (!front_is_method(req, EVHTTP_REQ_POST, "POST"))
		return;
	const char *type = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Content-Type");
	if (!is_wasm_type(type)) {
		http_reply_error(req, 415, "send the runtime as the raw request "
		    "body with Content-Type: " UPLOAD_TYPE " (got %.80s)",
		    type ? type : "no Content-Type");
		return;
	}
	struct evbuffer *body = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(body);
	if (len == 0) {
		http_reply_error(req, 400, "the body is empty; send the "
		    "runtime's bytes (its .wasm or .compact.compressed.wasm "
		    "file) as the request body");
		return;
	}
	if (len > WASM_MAX_INPUT) {
		http_reply_error(req, 413, "the upload is %zu bytes; a runtime "
		    "may be at most %zu bytes (10 MiB)", len, WASM_MAX_INPUT);
		return;
	}
	char *name = requested_name(req);
	if (name == NULL)
		return;
	int fd = sealed_copy(body);
	if (fd < 0) {
		free(name);
		http_reply_error(req, 503, "cannot hold the upload for the "
		    "build worker (%s); try again", strerror(errno));
		return;
	}
	struct worker_ask ask = { .type = IPC_BUILD_UPLOAD, .json = name,
		.fd = fd, .timeout_seconds = UPLOAD_WORKER_TIMEOUT };
	front_ask_worker_with(&fr.build, req, &ask, upload_stored, NULL);
	free(name);
	close(fd);
}
