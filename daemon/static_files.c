/* The wallet page's static files from web_dir. Only plain names are
 * served: no "..", no hidden files, no symlinks out of the directory. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "front.h"

#define STATIC_FILE_MAX (8 * 1024 * 1024)

static const char *
content_type(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static bool
safe_static_path(const char *path)
{
	if (path[0] != '/' || strlen(path) > 255)
		return false;
	for (const char *p = path; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '/' || c == '.' ||
		    c == '-' || c == '_'))
			return false;
		/* A segment may not start with a dot: no "..", no ".git". */
		if (c == '/' && p[1] == '.')
			return false;
		if (c == '/' && p[1] == '/')
			return false;
	}
	return true;
}

void
static_serve(struct evhttp_request *req, const char *path)
{
	char full[CONFIG_PATH_MAX + 300];
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	if (!safe_static_path(path)) {
		http_reply_error(req, 404, "no such file");
		return;
	}
	snprintf(full, sizeof(full), "%s%s", fr.cfg.web_dir, path);
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > STATIC_FILE_MAX) {
		if (fd >= 0)
			close(fd);
		http_reply_error(req, 404, "no such file: %s", path);
		return;
	}
	struct evbuffer *buf = evbuffer_new();
	if (buf == NULL || evbuffer_add_file(buf, fd, 0, st.st_size) != 0) {
		if (buf)
			evbuffer_free(buf);
		else
			close(fd);
		http_reply_error(req, 500, "cannot read %s", path);
		return;
	}
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Content-Type", content_type(path));
	evhttp_add_header(h, "Cache-Control", "no-cache");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Content-Security-Policy", "default-src 'self'; "
	    "frame-ancestors 'none'");
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}
