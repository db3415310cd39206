/* JSON-RPC 2.0 over HTTP POST with libevent's HTTP client. See rpc_client.h.
 *
 * Life of a call: rpc_call() opens a connection and sends the request, and
 * arms the call's one event as the deadline. libevent's request callback
 * only records the outcome and makes the event active; the event's
 * callback then frees the connection and calls back. So nothing is freed
 * inside libevent's HTTP callbacks, and the user's callback never runs
 * inside libevent's HTTP code (it may free the client). */
#include "rpc_client.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "textutil.h"

/* Bounds for the pieces of an answer quoted in an error line. */
#define QUOTE_MAX 200
#define HEADERS_MAX (64 * 1024)
#define ANSWER_MIN 64

struct rpc_call {
	TAILQ_ENTRY(rpc_call) entry;
	struct rpc_client *client;
	uint64_t id;
	char method[RPC_METHOD_MAX + 1];
	int timeout_seconds;
	size_t max_answer;
	rpc_callback cb;
	void *arg;

	struct evhttp_connection *conn;
	struct evhttp_request *req;	/* until libevent is done with it */
	struct event *ev;		/* the deadline, then the finish */
	bool done;			/* outcome recorded; ev finishes */

	/* What libevent's error callback said, with errno at that time. */
	bool http_failed;
	enum evhttp_request_error http_error;
	int saved_errno;

	enum rpc_status status;
	json_t *result;			/* owned reference on success */
	json_t *answer;			/* the whole answer, holds result */
	char error[RPC_ERROR_MAX];
};

struct rpc_client {
	struct event_base *base;
	char url[RPC_URL_MAX];
	char host[RPC_URL_MAX];
	int port;
	char target[RPC_URL_MAX];	/* path and query */
	char host_header[RPC_URL_MAX + 8];
	uint64_t next_id;
	size_t in_flight;
	bool closing;
	/* cppcheck-suppress unusedStructMember */
	TAILQ_HEAD(, rpc_call) calls;
};

const char *
rpc_status_name(enum rpc_status status)
{
	switch (status) {
	case RPC_OK: return "ok";
	case RPC_ERR_UNREACHABLE: return "unreachable";
	case RPC_ERR_CONNECTION: return "connection";
	case RPC_ERR_TIMEOUT: return "timeout";
	case RPC_ERR_HTTP_STATUS: return "http_status";
	case RPC_ERR_TOO_LARGE: return "too_large";
	case RPC_ERR_NOT_JSON: return "not_json";
	case RPC_ERR_NOT_JSONRPC: return "not_jsonrpc";
	case RPC_ERR_ID_MISMATCH: return "id_mismatch";
	case RPC_ERR_REMOTE: return "remote";
	case RPC_ERR_BAD_CALL: return "bad_call";
	case RPC_ERR_CANCELLED: return "cancelled";
	}
	return "unknown";
}

/* --- the URL --- */

static int
url_fail(char *err, size_t errlen, const char *url, const char *why)
{
	snprintf(err, errlen, "node URL \"%.*s\": %s", QUOTE_MAX, url, why);
	return -1;
}

/* libevent keeps an IPv6 literal's brackets; connecting wants them off. */
static void
copy_host(char *dst, size_t dstlen, const char *host)
{
	size_t len = strlen(host);
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
		snprintf(dst, dstlen, "%.*s", (int)(len - 2), host + 1);
	else
		snprintf(dst, dstlen, "%s", host);
}

static int
url_parse(struct rpc_client *c, const char *url, char *err, size_t errlen)
{
	struct evhttp_uri *u;
	const char *scheme, *host, *path, *query;
	int rc = -1;

	if (strlen(url) >= sizeof c->url)
		return url_fail(err, errlen, url, "too long");
	if (!utf8_valid((const uint8_t *)url, strlen(url)))
		return url_fail(err, errlen, "?", "not UTF-8");
	u = evhttp_uri_parse_with_flags(url, 0);
	if (u == NULL)
		return url_fail(err, errlen, url, "not a URL (expected "
		    "http://host:port)");
	scheme = evhttp_uri_get_scheme(u);
	host = evhttp_uri_get_host(u);
	path = evhttp_uri_get_path(u);
	query = evhttp_uri_get_query(u);
	if (scheme == NULL || strcasecmp(scheme, "http") != 0)
		url_fail(err, errlen, url, "only http:// is supported (the "
		    "node's JSON-RPC over HTTP POST; put TLS in front with "
		    "a local proxy)");
	else if (host == NULL || host[0] == '\0')
		url_fail(err, errlen, url, "no host");
	else if (evhttp_uri_get_userinfo(u) != NULL)
		url_fail(err, errlen, url, "credentials in the URL are "
		    "not supported");
	else if (evhttp_uri_get_fragment(u) != NULL)
		url_fail(err, errlen, url, "a fragment (#...) has no "
		    "meaning here");
	else {
		snprintf(c->url, sizeof c->url, "%s", url);
		copy_host(c->host, sizeof c->host, host);
		c->port = evhttp_uri_get_port(u) > 0 ?
		    evhttp_uri_get_port(u) : 80;
		snprintf(c->target, sizeof c->target, "%s%s%s",
		    path && path[0] ? path : "/", query ? "?" : "",
		    query ? query : "");
		if (evhttp_uri_get_port(u) > 0)
			snprintf(c->host_header, sizeof c->host_header,
			    "%s:%d", host, c->port);
		else
			snprintf(c->host_header, sizeof c->host_header, "%s",
			    host);
		rc = 0;
	}
	evhttp_uri_free(u);
	return rc;
}

struct rpc_client *
rpc_client_new(struct event_base *base, const char *url, char *err,
    size_t errlen)
{
	struct rpc_client *c;

	if (url == NULL) {
		snprintf(err, errlen, "no node URL");
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (url_parse(c, url, err, errlen) != 0) {
		free(c);
		return NULL;
	}
	c->base = base;
	c->next_id = 1;
	TAILQ_INIT(&c->calls);
	return c;
}

const char *
rpc_client_url(const struct rpc_client *c)
{
	return c->url;
}

size_t
rpc_client_in_flight(const struct rpc_client *c)
{
	return c->in_flight;
}

/* --- errors --- */

static void
call_fail(struct rpc_call *call, enum rpc_status status, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
call_fail(struct rpc_call *call, enum rpc_status status, const char *fmt,
    ...)
{
	va_list ap;

	call->status = status;
	va_start(ap, fmt);
	vsnprintf(call->error, sizeof call->error, fmt, ap);
	va_end(ap);
	/* One line, whatever the node put into its texts. */
	text_clean(call->error, strlen(call->error));
}

/* Untrusted text quoted into an error: cut, one line, valid UTF-8. */
static void
quote(char *dst, size_t dstlen, const char *src)
{
	size_t len = strnlen(src, dstlen - 1);
	/* Do not cut a UTF-8 sequence in half: text_clean would turn the
	 * remains into '?'. Back up to a sequence start. */
	if (len == dstlen - 1)
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	memcpy(dst, src, len);
	dst[len] = '\0';
	text_clean(dst, len);
}

static void
quote_json(char *dst, size_t dstlen, const json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	quote(dst, dstlen, text ? text : "?");
	free(text);
}

static void
format_cap(char *dst, size_t dstlen, size_t bytes)
{
	if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
		snprintf(dst, dstlen, "%zu MiB", bytes >> 20);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(dst, dstlen, "%zu KiB", bytes >> 10);
	else
		snprintf(dst, dstlen, "%zu bytes", bytes);
}

/* --- finishing a call --- */

static void
call_free(struct rpc_call *call)
{
	if (call->req != NULL)
		evhttp_cancel_request(call->req);
	if (call->conn != NULL)
		evhttp_connection_free(call->conn);
	if (call->ev != NULL)
		event_free(call->ev);
	json_decref(call->answer);
	free(call);
}

static void
call_detach(struct rpc_call *call)
{
	struct rpc_client *c = call->client;
	TAILQ_REMOVE(&c->calls, call, entry);
	c->in_flight--;
	call->client = NULL;
}

/* Calls back and frees. The call is off the client's list before the
 * callback runs, so the callback may free the client. */
static void
call_finish(struct rpc_call *call)
{
	rpc_callback cb = call->cb;
	void *arg = call->arg;

	call_detach(call);
	/* Close the connection before the callback: a callback that starts
	 * the next call should not count this one's socket. */
	if (call->req != NULL) {
		evhttp_cancel_request(call->req);
		call->req = NULL;
	}
	if (call->conn != NULL) {
		evhttp_connection_free(call->conn);
		call->conn = NULL;
	}
	if (call->status == RPC_OK)
		cb(call->result, RPC_OK, NULL, arg);
	else
		cb(NULL, call->status, call->error, arg);
	call_free(call);
}

static void
call_event(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_call *call = arg;
	(void)fd;
	(void)what;
	if (!call->done)
		call_fail(call, RPC_ERR_TIMEOUT, "node %s did not answer %s "
		    "within %d s", call->client->url, call->method,
		    call->timeout_seconds);
	call_finish(call);
}

/* Records the outcome and lets the loop finish the call. */
static void
call_done(struct rpc_call *call)
{
	call->done = true;
	event_active(call->ev, EV_TIMEOUT, 0);
}

/* --- reading the answer --- */

static void
answer_remote_error(struct rpc_call *call, json_t *error)
{
	const char *url = call->client->url;
	json_t *message = json_object_get(error, "message");
	json_t *code = json_object_get(error, "code");
	json_t *data = json_object_get(error, "data");
	char msg[QUOTE_MAX + 1] = "(no message)", extra[QUOTE_MAX + 1] = "";
	char codetext[40] = "";

	if (json_is_string(message))
		quote(msg, sizeof msg, json_string_value(message));
	/* Substrate puts the useful half of a refusal into "data", e.g.
	 * "Invalid Transaction" + "Transaction would exhaust the block
	 * limits". */
	if (json_is_string(data))
		quote(extra, sizeof extra, json_string_value(data));
	else if (data != NULL && !json_is_null(data))
		quote_json(extra, sizeof extra, data);
	if (json_is_integer(code))
		snprintf(codetext, sizeof codetext, " (code %" JSON_INTEGER_FORMAT
		    ")", json_integer_value(code));
	call_fail(call, RPC_ERR_REMOTE, "node %s: %s failed: %s%s%s%s", url,
	    call->method, msg, extra[0] ? ": " : "", extra, codetext);
}

static void
not_jsonrpc(struct rpc_call *call, const char *why)
{
	call_fail(call, RPC_ERR_NOT_JSONRPC, "node %s: the answer to %s is "
	    "not a JSON-RPC 2.0 answer (%s)", call->client->url, call->method,
	    why);
}

/* Checks the envelope. On success keeps the result. */
static void
answer_check(struct rpc_call *call, json_t *answer)
{
	const char *url = call->client->url;
	json_t *version = json_object_get(answer, "jsonrpc");
	json_t *id = json_object_get(answer, "id");
	json_t *result = json_object_get(answer, "result");
	json_t *error = json_object_get(answer, "error");

	if (!json_is_object(answer)) {
		not_jsonrpc(call, "not an object");
		return;
	}
	if (!json_is_string(version) ||
	    strcmp(json_string_value(version), "2.0") != 0) {
		not_jsonrpc(call, "\"jsonrpc\" is not \"2.0\"");
		return;
	}
	if ((result == NULL) == (error == NULL)) {
		not_jsonrpc(call, result ? "both \"result\" and \"error\"" :
		    "neither \"result\" nor \"error\"");
		return;
	}
	if (error != NULL && !json_is_object(error)) {
		not_jsonrpc(call, "\"error\" is not an object");
		return;
	}
	/* A node that could not read our request's id answers with id null:
	 * the error is still the answer to this request. */
	if (error != NULL && json_is_null(id)) {
		answer_remote_error(call, error);
		return;
	}
	if (!json_is_integer(id) || json_integer_value(id) < 0 ||
	    (uint64_t)json_integer_value(id) != call->id) {
		char idtext[QUOTE_MAX + 1];
		if (id == NULL)
			snprintf(idtext, sizeof idtext, "no id");
		else {
			char dumped[QUOTE_MAX + 1];
			quote_json(dumped, sizeof dumped, id);
			snprintf(idtext, sizeof idtext, "id %s", dumped);
		}
		call_fail(call, RPC_ERR_ID_MISMATCH, "node %s: the answer to "
		    "%s has %s, expected id %" PRIu64, url, call->method,
		    idtext, call->id);
		return;
	}
	if (error != NULL) {
		answer_remote_error(call, error);
		return;
	}
	call->status = RPC_OK;
	call->answer = json_incref(answer);
	call->result = result;
}

static void
answer_read(struct rpc_call *call, struct evhttp_request *req)
{
	const char *url = call->client->url;
	struct evbuffer *body = evhttp_request_get_input_buffer(req);
	size_t len = body ? evbuffer_get_length(body) : 0;
	int code = evhttp_request_get_response_code(req);
	char why[QUOTE_MAX + 1];
	json_error_t jerr;
	json_t *answer;
	const unsigned char *bytes;

	if (code != 200) {
		const char *line = evhttp_request_get_response_code_line(req);
		quote(why, sizeof why, line ? line : "");
		call_fail(call, RPC_ERR_HTTP_STATUS, "node %s answered %s with "
		    "HTTP %d%s%s", url, call->method, code, why[0] ? " " : "",
		    why);
		return;
	}
	if (len > call->max_answer) {
		char cap[32];
		format_cap(cap, sizeof cap, call->max_answer);
		call_fail(call, RPC_ERR_TOO_LARGE, "node %s: the answer to %s "
		    "is over the %s cap", url, call->method, cap);
		return;
	}
	bytes = len ? evbuffer_pullup(body, -1) : (const unsigned char *)"";
	if (bytes == NULL) {
		call_fail(call, RPC_ERR_CONNECTION, "node %s: out of memory "
		    "reading the answer to %s", url, call->method);
		return;
	}
	answer = json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (answer == NULL) {
		quote(why, sizeof why, jerr.text);
		call_fail(call, RPC_ERR_NOT_JSON, "node %s: the answer to %s is "
		    "not JSON (%s, at byte %d)", url, call->method, why,
		    jerr.position);
		return;
	}
	answer_check(call, answer);
	json_decref(answer);
}

/* Why a request failed before there was an HTTP answer to read.
 * libevent 2.1 reports a refused connect differently from every other
 * failure: it skips the error callback and hands back the request with
 * no status (its connect callback jumps straight to cleanup on
 * ECONNREFUSED, and the cleanup's close overwrites errno). Any other
 * connect error comes through the error callback with errno kept. */
static void
transport_failure(struct rpc_call *call, bool refused)
{
	const char *url = call->client->url;
	int e = call->saved_errno;

	if (refused)
		e = ECONNREFUSED;
	if (call->http_failed && call->http_error == EVREQ_HTTP_DATA_TOO_LONG) {
		char cap[32];
		format_cap(cap, sizeof cap, call->max_answer);
		call_fail(call, RPC_ERR_TOO_LARGE, "node %s: the answer to %s "
		    "is over the %s cap", url, call->method, cap);
	} else if (call->http_failed &&
	    call->http_error == EVREQ_HTTP_TIMEOUT)
		call_fail(call, RPC_ERR_TIMEOUT, "node %s did not answer %s "
		    "within %d s", url, call->method, call->timeout_seconds);
	else if (e == ECONNREFUSED)
		call_fail(call, RPC_ERR_UNREACHABLE, "node %s is not reachable "
		    "(connection refused): start the node or fix node_url in "
		    "the config", url);
	else if (e == EHOSTUNREACH || e == ENETUNREACH || e == EADDRNOTAVAIL ||
	    e == ETIMEDOUT)
		call_fail(call, RPC_ERR_UNREACHABLE, "node %s is not reachable "
		    "(%s): start the node or fix node_url in the config", url,
		    strerror(e));
	else if (call->http_failed &&
	    call->http_error == EVREQ_HTTP_INVALID_HEADER)
		call_fail(call, RPC_ERR_CONNECTION, "node %s sent a malformed "
		    "HTTP answer to %s", url, call->method);
	else
		call_fail(call, RPC_ERR_CONNECTION, "node %s closed the "
		    "connection before answering %s%s%s%s", url, call->method,
		    e ? " (" : "", e ? strerror(e) : "", e ? ")" : "");
}

static void
http_error_cb(enum evhttp_request_error error, void *arg)
{
	struct rpc_call *call = arg;
	call->saved_errno = errno;
	call->http_failed = true;
	call->http_error = error;
}

static void
http_done_cb(struct evhttp_request *req, void *arg)
{
	struct rpc_call *call = arg;
	int e = errno;

	/* libevent frees the request after this returns. */
	call->req = NULL;
	if (call->done)
		return;
	if (!call->http_failed)
		call->saved_errno = e;
	if (req == NULL || evhttp_request_get_response_code(req) == 0)
		transport_failure(call, req != NULL && !call->http_failed);
	else
		answer_read(call, req);
	call_done(call);
}

/* --- starting a call --- */

static bool
method_ok(const char *method)
{
	size_t len = strlen(method);
	if (len == 0 || len > RPC_METHOD_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (method[i] <= ' ' || method[i] > '~' || method[i] == '"' ||
		    method[i] == '\\')
			return false;
	return true;
}

static bool
call_check(struct rpc_call *call, const char *method, const char *params,
    size_t *params_len)
{
	json_error_t jerr;
	json_t *p;

	if (!method_ok(method)) {
		call_fail(call, RPC_ERR_BAD_CALL, "RPC method name refused: "
		    "empty, over %d characters or not printable ASCII",
		    RPC_METHOD_MAX);
		return false;
	}
	if (call->timeout_seconds < 1 ||
	    call->timeout_seconds > RPC_TIMEOUT_MAX) {
		call_fail(call, RPC_ERR_BAD_CALL, "%s: timeout %d s is out of "
		    "range (1..%d)", call->method, call->timeout_seconds,
		    RPC_TIMEOUT_MAX);
		return false;
	}
	if (call->max_answer < ANSWER_MIN) {
		call_fail(call, RPC_ERR_BAD_CALL, "%s: answer cap %zu bytes is "
		    "below %d", call->method, call->max_answer, ANSWER_MIN);
		return false;
	}
	*params_len = strlen(params);
	if (*params_len > RPC_REQUEST_MAX - 256) {
		call_fail(call, RPC_ERR_BAD_CALL, "%s: params are over the "
		    "node's 15 MiB request limit", call->method);
		return false;
	}
	p = json_loadb(params, *params_len, JSON_DECODE_ANY, &jerr);
	if (p == NULL || !(json_is_array(p) || json_is_object(p))) {
		call_fail(call, RPC_ERR_BAD_CALL, "%s: params must be a JSON "
		    "array or object", call->method);
		json_decref(p);
		return false;
	}
	json_decref(p);
	return true;
}

static int
request_send(struct rpc_call *call, const char *params, size_t params_len)
{
	struct rpc_client *c = call->client;
	struct evkeyvalq *headers;
	struct evbuffer *out;

	call->conn = evhttp_connection_base_new(c->base, NULL, c->host,
	    (unsigned short)c->port);
	if (call->conn == NULL)
		return -1;
	/* Our own deadline is the one that counts; libevent's is a backstop
	 * one second later. */
	evhttp_connection_set_timeout(call->conn, call->timeout_seconds + 1);
	evhttp_connection_set_retries(call->conn, 0);
	evhttp_connection_set_max_headers_size(call->conn, HEADERS_MAX);
	evhttp_connection_set_max_body_size(call->conn,
	    (ev_ssize_t)call->max_answer);
	call->req = evhttp_request_new(http_done_cb, call);
	if (call->req == NULL)
		return -1;
	evhttp_request_set_error_cb(call->req, http_error_cb);
	headers = evhttp_request_get_output_headers(call->req);
	out = evhttp_request_get_output_buffer(call->req);
	if (evhttp_add_header(headers, "Host", c->host_header) != 0 ||
	    evhttp_add_header(headers, "Content-Type",
	    "application/json") != 0 ||
	    evhttp_add_header(headers, "Accept", "application/json") != 0 ||
	    evhttp_add_header(headers, "Connection", "close") != 0 ||
	    evbuffer_add_printf(out, "{\"jsonrpc\":\"2.0\",\"id\":%" PRIu64
	    ",\"method\":\"%s\",\"params\":", call->id, call->method) < 0 ||
	    evbuffer_add(out, params, params_len) != 0 ||
	    evbuffer_add(out, "}", 1) != 0) {
		evhttp_request_free(call->req);
		call->req = NULL;
		return -1;
	}
	/* On failure libevent has freed the request. */
	if (evhttp_make_request(call->conn, call->req, EVHTTP_REQ_POST,
	    c->target) != 0) {
		call->req = NULL;
		return -1;
	}
	return 0;
}

uint64_t
rpc_call(struct rpc_client *c, const char *method, const char *params_json,
    int timeout_seconds, size_t max_answer_bytes, rpc_callback cb, void *arg)
{
	struct rpc_call *call;
	struct timeval tv;
	size_t params_len = 0;
	const char *params = params_json ? params_json : "[]";

	if (c == NULL || c->closing || cb == NULL)
		return 0;
	call = calloc(1, sizeof *call);
	if (call == NULL)
		return 0;
	call->ev = event_new(c->base, -1, 0, call_event, call);
	if (call->ev == NULL) {
		free(call);
		return 0;
	}
	call->client = c;
	call->id = c->next_id++;
	call->cb = cb;
	call->arg = arg;
	call->timeout_seconds = timeout_seconds;
	call->max_answer = max_answer_bytes;
	snprintf(call->method, sizeof call->method, "%s",
	    method && method_ok(method) ? method : "(bad method)");
	TAILQ_INSERT_TAIL(&c->calls, call, entry);
	c->in_flight++;

	if (c->in_flight > RPC_MAX_IN_FLIGHT) {
		call_fail(call, RPC_ERR_BAD_CALL, "%s: too many RPC calls in "
		    "flight (the limit is %d)", call->method,
		    RPC_MAX_IN_FLIGHT);
		call_done(call);
	} else if (!call_check(call, method ? method : "", params,
	    &params_len))
		call_done(call);
	else if (request_send(call, params, params_len) != 0) {
		call_fail(call, RPC_ERR_UNREACHABLE, "node %s: could not "
		    "start the request for %s (connection setup failed)",
		    c->url, call->method);
		call_done(call);
	} else {
		tv.tv_sec = timeout_seconds;
		tv.tv_usec = 0;
		event_add(call->ev, &tv);
	}
	return call->id;
}

void
rpc_client_free(struct rpc_client *c)
{
	struct rpc_call *call;

	if (c == NULL)
		return;
	c->closing = true;
	while ((call = TAILQ_FIRST(&c->calls)) != NULL) {
		rpc_callback cb = call->cb;
		void *arg = call->arg;
		char why[RPC_ERROR_MAX];

		call_detach(call);
		snprintf(why, sizeof why, "%s cancelled: the RPC client was "
		    "closed", call->method);
		call_free(call);
		cb(NULL, RPC_ERR_CANCELLED, why, arg);
	}
	free(c);
}
