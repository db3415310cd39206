/* JSON replies and request reading for the API. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "front.h"
#include "request_check.h"

static const char *
status_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 507: return "Insufficient Storage";
	default: return "Status";
	}
}

void
http_reply_json(struct evhttp_request *req, int status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	struct evbuffer *buf = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (text == NULL) {
		status = 500;
		text = strdup("{\"error\":\"out of memory building the "
		    "answer; try again\"}");
	}
	if (buf && text) {
		evbuffer_add(buf, text, strlen(text));
		evbuffer_add(buf, "\n", 1);
	}
	evhttp_send_reply(req, status, status_reason(status), buf);
	if (buf)
		evbuffer_free(buf);
	free(text);
}

void
http_reply_error(struct evhttp_request *req, int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_reply_json(req, status, json_pack("{s:s}", "error", msg));
}

json_t *
http_read_json_body(struct evhttp_request *req, size_t cap)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	char err[512];
	int status;
	/* Over the cap, don't even gather the bytes into one piece. */
	const char *data = len > cap ? "" :
	    (const char *)evbuffer_pullup(in, (ev_ssize_t)len);
	json_t *o = request_parse_json(data, len, cap, &status, err,
	    sizeof(err));
	if (o == NULL)
		http_reply_error(req, status, "%s", err);
	return o;
}

char *
http_route_path(struct evhttp_request *req)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *raw = uri ? evhttp_uri_get_path(uri) : NULL;
	if (raw == NULL || raw[0] == '\0')
		raw = "/";
	size_t base_len = strlen(fr.cfg.base_path);
	/* "/rtforge" without the slash still means the base. */
	if (base_len > 1 && strncmp(raw, fr.cfg.base_path, base_len - 1) == 0 &&
	    raw[base_len - 1] == '\0')
		raw = fr.cfg.base_path;
	if (strncmp(raw, fr.cfg.base_path, base_len) != 0)
		return NULL;
	const char *rest = raw + base_len - 1;	/* keep the leading '/' */
	size_t decoded_len;
	char *decoded = evhttp_uridecode(rest, 0, &decoded_len);
	if (decoded == NULL)
		return NULL;
	if (strlen(decoded) != decoded_len) {	/* %00 inside */
		free(decoded);
		return NULL;
	}
	return decoded;
}

const char *
http_method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	case EVHTTP_REQ_PATCH: return "PATCH";
	default: return "?";
	}
}
