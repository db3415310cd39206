/* The node RPC client against a fake node: an evhttp server on 127.0.0.1
 * (port 0) inside this process that misbehaves on purpose, the way a real
 * chain cannot be made to (slow, garbage, huge, wrong ids, HTTP errors),
 * plus raw TCP fakes for broken HTTP. The path of the URL picks the fake's
 * behaviour. The real chain is tested in tests/integration/chain.test.mjs.
 * Error texts are checked exactly: they are what an operator reads. */
#include "chain_status.h"
#include "rpc_client.h"
#include "testlib.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#define MAX_RESULTS 16

static struct event_base *base;
static struct evhttp *fake_node;
static int fake_port;
static int fake_raw_port;	/* answers garbage that is not HTTP */
static int fake_hangup_port;	/* accepts and closes at once */
static struct evconnlistener *raw_listener, *hangup_listener;

struct outcome {
	bool called;
	enum rpc_status status;
	char error[RPC_ERROR_MAX];
	char *result;		/* the result as compact JSON */
};

static struct outcome results[MAX_RESULTS];
static int expected_callbacks;
static int callbacks;

/* --- the fake node --- */

/* The id of the request (echoed in most answers), or -1. */
static json_int_t
request_id(struct evhttp_request *req, json_t **request)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	json_t *r = json_loadb((const char *)evbuffer_pullup(in, -1), len, 0,
	    NULL);
	json_t *idv = json_object_get(r, "id");
	json_int_t id = json_is_integer(idv) ? json_integer_value(idv) : -1;
	if (request)
		*request = r;
	else
		json_decref(r);
	return id;
}

static void
fake_reply(struct evhttp_request *req, int code, const char *body)
{
	struct evbuffer *b = evbuffer_new();
	evbuffer_add(b, body, strlen(body));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evhttp_send_reply(req, code, code == 200 ? "OK" : code == 404 ?
	    "Not Found" : "Internal Server Error", b);
	evbuffer_free(b);
}

static void
fake_replyf(struct evhttp_request *req, const char *fmt, json_int_t id)
{
	char body[512];
	snprintf(body, sizeof body, fmt, id);
	fake_reply(req, 200, body);
}

/* {"result": {"method": m, "params": p}}: proves what was sent. */
static void
fake_valid(struct evhttp_request *req)
{
	json_t *request = NULL;
	json_int_t id = request_id(req, &request);
	json_t *answer = json_pack("{s:s, s:I, s:{s:O, s:O, s:O}}",
	    "jsonrpc", "2.0", "id", id, "result",
	    "method", json_object_get(request, "method"),
	    "params", json_object_get(request, "params"),
	    "jsonrpc", json_object_get(request, "jsonrpc"));
	char *text = json_dumps(answer, JSON_COMPACT);
	fake_reply(req, 200, text);
	free(text);
	json_decref(answer);
	json_decref(request);
}

/* A valid answer padded with spaces to exactly n bytes. */
static void
fake_sized(struct evhttp_request *req, size_t n)
{
	char head[128];
	struct evbuffer *b = evbuffer_new();
	int len = snprintf(head, sizeof head, "{\"jsonrpc\":\"2.0\",\"id\":%"
	    JSON_INTEGER_FORMAT ",\"result\":\"ok\"", request_id(req, NULL));
	evbuffer_add(b, head, (size_t)len);
	for (size_t i = (size_t)len; i + 1 < n; i++)
		evbuffer_add(b, " ", 1);
	evbuffer_add(b, "}", 1);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

/* A huge body sent in chunks, with no Content-Length to refuse early. */
static void
fake_chunked_huge(struct evhttp_request *req)
{
	struct evbuffer *b = evbuffer_new();
	static char block[64 * 1024];
	memset(block, ' ', sizeof block);
	evhttp_send_reply_start(req, 200, "OK");
	for (int i = 0; i < 40; i++) {
		evbuffer_add(b, block, sizeof block);
		evhttp_send_reply_chunk(req, b);
	}
	evhttp_send_reply_end(req);
	evbuffer_free(b);
}

/* A small well-behaved chain for chain_status: answers by method. The
 * path picks one flaw: "/chain" has none (and no Sudo), "/chain-sudo" has
 * a Sudo key, "/chain-bad-runtime" lacks specVersion, "/chain-bad-meta"
 * sends metadata without the magic, "/chain-bad-hash" a short hash. */
static void
fake_chain(struct evhttp_request *req, const char *path)
{
	json_t *request = NULL, *result = NULL, *answer;
	json_int_t id = request_id(req, &request);
	const char *method = json_string_value(json_object_get(request,
	    "method"));
	json_t *params = json_object_get(request, "params");
	char *text;

	if (method == NULL)
		method = "";
	if (strcmp(method, "chain_getBlockHash") == 0)
		result = json_string(json_array_size(params) == 1 ?
		    "0x4545454545454545454545454545454545454545454545454545454545454545" :
		    strcmp(path, "/chain-bad-hash") == 0 ? "0x1234" :
		    "0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	else if (strcmp(method, "chain_getFinalizedHead") == 0)
		result = json_string("0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	else if (strcmp(method, "chain_getHeader") == 0)
		/* The finalized block is #41, the best #42. */
		result = json_pack("{s:s}", "number", strncmp(json_string_value(
		    json_array_get(params, 0)), "0xbb", 4) == 0 ? "0x29" :
		    "0x0000002a");
	else if (strcmp(method, "state_getRuntimeVersion") == 0)
		result = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "specName",
		    "rococo", "implName", "parity-rococo-v2.0", "implVersion", 0,
		    strcmp(path, "/chain-bad-runtime") == 0 ? "specVersionX" :
		    "specVersion", 9140, "transactionVersion", 0,
		    "authoringVersion", 0);
	else if (strcmp(method, "state_getStorage") == 0)
		result = strcmp(path, "/chain-sudo") == 0 ? json_string(
		    "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d") :
		    json_null();
	else if (strcmp(method, "state_getMetadata") == 0)
		result = json_string(strcmp(path, "/chain-bad-meta") == 0 ?
		    "0x6e6f7065" "0e00" : "0x6d657461" "0e" "0102030405");
	answer = result ? json_pack("{s:s, s:I, s:o}", "jsonrpc", "2.0", "id",
	    id, "result", result) : json_pack("{s:s, s:I, s:{s:s}}", "jsonrpc",
	    "2.0", "id", id, "error", "message", "Method not found");
	text = json_dumps(answer, JSON_COMPACT);
	fake_reply(req, 200, text);
	free(text);
	json_decref(answer);
	json_decref(request);
}

static void
fake_node_handle(struct evhttp_request *req, void *arg)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(
	    req));
	(void)arg;
	if (strncmp(path, "/chain", 6) == 0)
		fake_chain(req, path);
	else if (strcmp(path, "/valid") == 0)
		fake_valid(req);
	else if (strcmp(path, "/slow") == 0)
		; /* never answers; evhttp_free() cleans up */
	else if (strcmp(path, "/garbage") == 0)
		fake_reply(req, 200, "<html>oops</html>");
	else if (strcmp(path, "/empty") == 0)
		fake_reply(req, 200, "");
	else if (strcmp(path, "/huge") == 0)
		fake_sized(req, 2u << 20);
	else if (strcmp(path, "/at-cap") == 0)
		fake_sized(req, 4096);
	else if (strcmp(path, "/chunked-huge") == 0)
		fake_chunked_huge(req);
	else if (strcmp(path, "/500") == 0)
		fake_reply(req, 500, "{\"error\":\"boom\"}");
	else if (strcmp(path, "/wrong-id") == 0)
		fake_replyf(req, "{\"jsonrpc\":\"2.0\",\"id\":%" JSON_INTEGER_FORMAT
		    ",\"result\":1}", request_id(req, NULL) + 1000);
	else if (strcmp(path, "/string-id") == 0)
		fake_replyf(req, "{\"jsonrpc\":\"2.0\",\"id\":\"%"
		    JSON_INTEGER_FORMAT "\",\"result\":1}", request_id(req,
		    NULL));
	else if (strcmp(path, "/no-id") == 0)
		fake_reply(req, 200, "{\"jsonrpc\":\"2.0\",\"result\":1}");
	else if (strcmp(path, "/error-code") == 0)
		fake_replyf(req, "{\"jsonrpc\":\"2.0\",\"id\":%" JSON_INTEGER_FORMAT
		    ",\"error\":{\"code\":1010,\"message\":\"Invalid "
		    "Transaction\",\"data\":\"Transaction would exhaust the "
		    "block limits\"}}", request_id(req, NULL));
	else if (strcmp(path, "/error-nocode") == 0)
		fake_replyf(req, "{\"jsonrpc\":\"2.0\",\"id\":%" JSON_INTEGER_FORMAT
		    ",\"error\":{\"message\":\"Method not found: nope\"}}",
		    request_id(req, NULL));
	else if (strcmp(path, "/error-null-id") == 0)
		fake_reply(req, 200, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
		    "{\"code\":-32700,\"message\":\"Parse error\"}}");
	else if (strcmp(path, "/error-multiline") == 0)
		fake_replyf(req, "{\"jsonrpc\":\"2.0\",\"id\":%" JSON_INTEGER_FORMAT
		    ",\"error\":{\"message\":\"line one\\nline two\\u001b[31m\"}}",
		    request_id(req, NULL));
	else if (strcmp(path, "/array") == 0)
		fake_reply(req, 200, "[1,2,3]");
	else if (strcmp(path, "/no-version") == 0)
		fake_replyf(req, "{\"id\":%" JSON_INTEGER_FORMAT ",\"result\":1}",
		    request_id(req, NULL));
	else if (strcmp(path, "/both") == 0)
		fake_replyf(req, "{\"jsonrpc\":\"2.0\",\"id\":%" JSON_INTEGER_FORMAT
		    ",\"result\":1,\"error\":{\"message\":\"x\"}}",
		    request_id(req, NULL));
	else if (strcmp(path, "/neither") == 0)
		fake_replyf(req, "{\"jsonrpc\":\"2.0\",\"id\":%" JSON_INTEGER_FORMAT
		    "}", request_id(req, NULL));
	else if (strcmp(path, "/null-result") == 0)
		fake_replyf(req, "{\"jsonrpc\":\"2.0\",\"id\":%" JSON_INTEGER_FORMAT
		    ",\"result\":null}", request_id(req, NULL));
	else if (strcmp(path, "/deep") == 0) {
		/* Nesting far past jansson's depth limit. */
		struct evbuffer *b = evbuffer_new();
		for (int i = 0; i < 100000; i++)
			evbuffer_add(b, "[", 1);
		evhttp_send_reply(req, 200, "OK", b);
		evbuffer_free(b);
	} else
		fake_reply(req, 404, "{}");
}

static void
fake_raw_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	static const char garbage[] = "NOT HTTP AT ALL\r\n\r\n";
	(void)l;
	(void)sa;
	(void)socklen;
	if (arg != NULL) {
		ssize_t n = write(fd, garbage, sizeof garbage - 1);
		(void)n;
	}
	close(fd);
}

static int
listener_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		return -1;
	return ntohs(sin.sin_port);
}

static struct evconnlistener *
raw_listen(int *port, void *arg)
{
	struct sockaddr_in sin;
	struct evconnlistener *l;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = evconnlistener_new_bind(base, fake_raw_accept, arg,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
	    (struct sockaddr *)&sin, sizeof sin);
	*port = l ? listener_port(evconnlistener_get_fd(l)) : -1;
	return l;
}

static int
fake_node_start(void)
{
	struct evhttp_bound_socket *s;

	fake_node = evhttp_new(base);
	if (fake_node == NULL)
		return -1;
	evhttp_set_gencb(fake_node, fake_node_handle, NULL);
	s = evhttp_bind_socket_with_handle(fake_node, "127.0.0.1", 0);
	if (s == NULL)
		return -1;
	fake_port = listener_port(evhttp_bound_socket_get_fd(s));
	raw_listener = raw_listen(&fake_raw_port, (void *)1);
	hangup_listener = raw_listen(&fake_hangup_port, NULL);
	return fake_port > 0 && fake_raw_port > 0 && fake_hangup_port > 0 ?
	    0 : -1;
}

/* A port nobody listens on: bind, read the port, close. */
static int
closed_port(void)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	port = listener_port(fd);
	close(fd);
	return port;
}

/* --- running calls --- */

static void
reset_results(void)
{
	for (int i = 0; i < MAX_RESULTS; i++) {
		free(results[i].result);
		memset(&results[i], 0, sizeof results[i]);
	}
	callbacks = 0;
}

static void
record(json_t *result, enum rpc_status status, const char *error, void *arg)
{
	struct outcome *o = arg;
	CHECK(!o->called);	/* exactly one callback per call */
	o->called = true;
	o->status = status;
	CHECK((status == RPC_OK) == (error == NULL));
	CHECK((status == RPC_OK) == (result != NULL));
	if (error) {
		snprintf(o->error, sizeof o->error, "%s", error);
		CHECK(strchr(error, '\n') == NULL);
	}
	if (result)
		o->result = json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY |
		    JSON_SORT_KEYS);
	if (++callbacks >= expected_callbacks)
		event_base_loopbreak(base);
}

static void
give_up(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	fprintf(stderr, "test loop: callbacks did not come in time\n");
	event_base_loopbreak(base);
}

/* Runs the loop until n callbacks came (or 10 s passed). */
static void
run_until(int n)
{
	struct timeval tv = { 10, 0 };
	struct event *guard = evtimer_new(base, give_up, NULL);
	expected_callbacks = n;
	if (callbacks < n) {
		evtimer_add(guard, &tv);
		event_base_dispatch(base);
	}
	event_free(guard);
	CHECK(callbacks == n);
}

static struct rpc_client *
client_for(const char *path, int port, char *url, size_t urllen)
{
	char err[256];
	struct rpc_client *c;
	snprintf(url, urllen, "http://127.0.0.1:%d%s", port, path);
	c = rpc_client_new(base, url, err, sizeof err);
	CHECK(c != NULL);
	return c;
}

/* One call to the fake at path; its outcome lands in results[0]. */
static struct outcome *
call_once(const char *path, const char *method, const char *params,
    int timeout, size_t cap, char *url, size_t urllen)
{
	struct rpc_client *c = client_for(path, fake_port, url, urllen);
	reset_results();
	if (c == NULL)
		return &results[0];
	CHECK(rpc_call(c, method, params, timeout, cap, record,
	    &results[0]) == 1);
	run_until(1);
	CHECK(rpc_client_in_flight(c) == 0);
	rpc_client_free(c);
	return &results[0];
}

static void
expect_error(const char *path, int timeout, size_t cap,
    enum rpc_status status, const char *fmt)
{
	char url[128], want[RPC_ERROR_MAX];
	struct outcome *o = call_once(path, "chain_getBlockHash", "[0]",
	    timeout, cap, url, sizeof url);
	snprintf(want, sizeof want, fmt, url);
	CHECK(o->status == status);
	CHECK_STR(o->error, want);
}

/* --- tests --- */

static void
test_valid_answer(void)
{
	char url[128];
	struct outcome *o = call_once("/valid", "chain_getBlockHash", "[0]",
	    5, RPC_ANSWER_SMALL, url, sizeof url);
	CHECK(o->status == RPC_OK);
	CHECK_STR(o->result, "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"chain_getBlockHash\",\"params\":[0]}");
	o = call_once("/valid", "state_getRuntimeVersion", NULL, 5,
	    RPC_ANSWER_SMALL, url, sizeof url);
	CHECK_STR(o->result, "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"state_getRuntimeVersion\",\"params\":[]}");
	o = call_once("/valid", "m", "{\"a\":[1,\"x\"]}", 5, RPC_ANSWER_SMALL,
	    url, sizeof url);
	CHECK_STR(o->result, "{\"jsonrpc\":\"2.0\",\"method\":\"m\","
	    "\"params\":{\"a\":[1,\"x\"]}}");
	o = call_once("/null-result", "state_getStorage", "[\"0x00\"]", 5,
	    RPC_ANSWER_SMALL, url, sizeof url);
	CHECK(o->status == RPC_OK);
	CHECK_STR(o->result, "null");
	/* An answer of exactly the cap is fine. */
	o = call_once("/at-cap", "x", NULL, 5, 4096, url, sizeof url);
	CHECK(o->status == RPC_OK);
	CHECK_STR(o->result, "\"ok\"");
}

static void
test_connection_refused(void)
{
	char url[128], want[RPC_ERROR_MAX];
	int port = closed_port();
	struct rpc_client *c = client_for("", port, url, sizeof url);
	reset_results();
	CHECK(port > 0);
	if (c == NULL)
		return;
	rpc_call(c, "chain_getBlockHash", "[0]", 5, RPC_ANSWER_SMALL,
	    record, &results[0]);
	run_until(1);
	snprintf(want, sizeof want, "node %s is not reachable (connection "
	    "refused): start the node or fix node_url in the config", url);
	CHECK(results[0].status == RPC_ERR_UNREACHABLE);
	CHECK_STR(results[0].error, want);
	rpc_client_free(c);
}

static void
test_timeout(void)
{
	expect_error("/slow", 1, RPC_ANSWER_SMALL, RPC_ERR_TIMEOUT,
	    "node %s did not answer chain_getBlockHash within 1 s");
}

static void
test_garbage(void)
{
	expect_error("/garbage", 5, RPC_ANSWER_SMALL, RPC_ERR_NOT_JSON,
	    "node %s: the answer to chain_getBlockHash is not JSON ("
	    "'[' or '{' expected near '<', at byte 1)");
	expect_error("/empty", 5, RPC_ANSWER_SMALL, RPC_ERR_NOT_JSON,
	    "node %s: the answer to chain_getBlockHash is not JSON ("
	    "'[' or '{' expected near end of file, at byte 0)");
	expect_error("/deep", 5, RPC_ANSWER_SMALL, RPC_ERR_NOT_JSON,
	    "node %s: the answer to chain_getBlockHash is not JSON ("
	    "maximum parsing depth reached near '[', at byte 2049)");
}

static void
test_not_jsonrpc(void)
{
	expect_error("/array", 5, RPC_ANSWER_SMALL, RPC_ERR_NOT_JSONRPC,
	    "node %s: the answer to chain_getBlockHash is not a JSON-RPC 2.0 "
	    "answer (not an object)");
	expect_error("/no-version", 5, RPC_ANSWER_SMALL, RPC_ERR_NOT_JSONRPC,
	    "node %s: the answer to chain_getBlockHash is not a JSON-RPC 2.0 "
	    "answer (\"jsonrpc\" is not \"2.0\")");
	expect_error("/both", 5, RPC_ANSWER_SMALL, RPC_ERR_NOT_JSONRPC,
	    "node %s: the answer to chain_getBlockHash is not a JSON-RPC 2.0 "
	    "answer (both \"result\" and \"error\")");
	expect_error("/neither", 5, RPC_ANSWER_SMALL, RPC_ERR_NOT_JSONRPC,
	    "node %s: the answer to chain_getBlockHash is not a JSON-RPC 2.0 "
	    "answer (neither \"result\" nor \"error\")");
}

static void
test_too_large(void)
{
	expect_error("/huge", 5, RPC_ANSWER_SMALL, RPC_ERR_TOO_LARGE,
	    "node %s: the answer to chain_getBlockHash is over the 1 MiB cap");
	expect_error("/chunked-huge", 5, RPC_ANSWER_SMALL, RPC_ERR_TOO_LARGE,
	    "node %s: the answer to chain_getBlockHash is over the 1 MiB cap");
	expect_error("/at-cap", 5, 4095, RPC_ERR_TOO_LARGE,
	    "node %s: the answer to chain_getBlockHash is over the 4095 "
	    "bytes cap");
}

static void
test_http_status(void)
{
	expect_error("/500", 5, RPC_ANSWER_SMALL, RPC_ERR_HTTP_STATUS,
	    "node %s answered chain_getBlockHash with HTTP 500 Internal "
	    "Server Error");
	expect_error("/nowhere", 5, RPC_ANSWER_SMALL, RPC_ERR_HTTP_STATUS,
	    "node %s answered chain_getBlockHash with HTTP 404 Not Found");
}

static void
test_wrong_id(void)
{
	expect_error("/wrong-id", 5, RPC_ANSWER_SMALL, RPC_ERR_ID_MISMATCH,
	    "node %s: the answer to chain_getBlockHash has id 1001, expected "
	    "id 1");
	expect_error("/string-id", 5, RPC_ANSWER_SMALL, RPC_ERR_ID_MISMATCH,
	    "node %s: the answer to chain_getBlockHash has id \"1\", expected "
	    "id 1");
	expect_error("/no-id", 5, RPC_ANSWER_SMALL, RPC_ERR_ID_MISMATCH,
	    "node %s: the answer to chain_getBlockHash has no id, expected "
	    "id 1");
}

static void
test_error_objects(void)
{
	expect_error("/error-code", 5, RPC_ANSWER_SMALL, RPC_ERR_REMOTE,
	    "node %s: chain_getBlockHash failed: Invalid Transaction: "
	    "Transaction would exhaust the block limits (code 1010)");
	expect_error("/error-nocode", 5, RPC_ANSWER_SMALL, RPC_ERR_REMOTE,
	    "node %s: chain_getBlockHash failed: Method not found: nope");
	expect_error("/error-null-id", 5, RPC_ANSWER_SMALL, RPC_ERR_REMOTE,
	    "node %s: chain_getBlockHash failed: Parse error (code -32700)");
	/* The node's text cannot break the line or smuggle escapes. */
	expect_error("/error-multiline", 5, RPC_ANSWER_SMALL, RPC_ERR_REMOTE,
	    "node %s: chain_getBlockHash failed: line oneline two[31m");
}

static void
test_broken_http(void)
{
	char url[128], want[RPC_ERROR_MAX];
	struct rpc_client *c;

	c = client_for("", fake_raw_port, url, sizeof url);
	reset_results();
	rpc_call(c, "chain_getHeader", NULL, 5, RPC_ANSWER_SMALL, record,
	    &results[0]);
	run_until(1);
	snprintf(want, sizeof want, "node %s sent a malformed HTTP answer to "
	    "chain_getHeader", url);
	CHECK(results[0].status == RPC_ERR_CONNECTION);
	CHECK_STR(results[0].error, want);
	rpc_client_free(c);

	c = client_for("", fake_hangup_port, url, sizeof url);
	reset_results();
	rpc_call(c, "chain_getHeader", NULL, 5, RPC_ANSWER_SMALL, record,
	    &results[0]);
	run_until(1);
	snprintf(want, sizeof want, "node %s closed the connection before "
	    "answering chain_getHeader", url);
	CHECK(results[0].status == RPC_ERR_CONNECTION);
	CHECK(strncmp(results[0].error, want, strlen(want)) == 0);
	rpc_client_free(c);
}

/* Calls in flight at once, answered out of order, each to its caller. */
static void
test_many_in_flight(void)
{
	char url[128], params[32], want[160];
	struct rpc_client *valid = client_for("/valid", fake_port, url,
	    sizeof url);
	struct rpc_client *slow = client_for("/slow", fake_port, url,
	    sizeof url);
	reset_results();
	CHECK(rpc_call(slow, "s", NULL, 1, RPC_ANSWER_SMALL, record,
	    &results[0]) == 1);
	for (int i = 1; i <= 6; i++) {
		snprintf(params, sizeof params, "[%d]", i);
		CHECK(rpc_call(valid, "v", params, 5, RPC_ANSWER_SMALL, record,
		    &results[i]) == (uint64_t)i);
	}
	CHECK(rpc_client_in_flight(valid) == 6);
	run_until(7);
	for (int i = 1; i <= 6; i++) {
		snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"method\":"
		    "\"v\",\"params\":[%d]}", i);
		CHECK(results[i].status == RPC_OK);
		CHECK_STR(results[i].result, want);
	}
	CHECK(results[0].status == RPC_ERR_TIMEOUT);
	rpc_client_free(valid);
	rpc_client_free(slow);
}

static void
test_cancel_on_free(void)
{
	char url[128];
	struct rpc_client *c = client_for("/slow", fake_port, url, sizeof url);
	reset_results();
	rpc_call(c, "author_submitExtrinsic", "[\"0x00\"]", 30,
	    RPC_ANSWER_SMALL, record, &results[0]);
	rpc_call(c, "chain_getHeader", NULL, 30, RPC_ANSWER_SMALL, record,
	    &results[1]);
	rpc_client_free(c);
	CHECK(callbacks == 2);
	CHECK(results[0].status == RPC_ERR_CANCELLED);
	CHECK_STR(results[0].error, "author_submitExtrinsic cancelled: the "
	    "RPC client was closed");
	CHECK_STR(results[1].error, "chain_getHeader cancelled: the RPC "
	    "client was closed");
}

/* A callback that starts the next call, and one that frees the client. */
static struct rpc_client *chain_client;
static int chain_steps;

static void
chain_next(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	(void)error;
	(void)arg;
	CHECK(status == RPC_OK && result != NULL);
	if (++chain_steps < 3)
		CHECK(rpc_call(chain_client, "next", NULL, 5, RPC_ANSWER_SMALL,
		    chain_next, NULL) != 0);
	else {
		rpc_client_free(chain_client);
		chain_client = NULL;
		event_base_loopbreak(base);
	}
}

static void
test_callback_chains_and_frees(void)
{
	char url[128];
	struct timeval tv = { 10, 0 };
	struct event *guard = evtimer_new(base, give_up, NULL);
	chain_client = client_for("/valid", fake_port, url, sizeof url);
	chain_steps = 0;
	rpc_call(chain_client, "first", NULL, 5, RPC_ANSWER_SMALL, chain_next,
	    NULL);
	evtimer_add(guard, &tv);
	event_base_dispatch(base);
	event_free(guard);
	CHECK(chain_steps == 3);
	CHECK(chain_client == NULL);
}

static void
test_bad_calls(void)
{
	char url[128];
	struct rpc_client *c = client_for("/valid", fake_port, url, sizeof url);
	reset_results();
	/* Refused, but through the callback, and never synchronously. */
	rpc_call(c, "", NULL, 5, RPC_ANSWER_SMALL, record, &results[0]);
	rpc_call(c, "a\"b", NULL, 5, RPC_ANSWER_SMALL, record, &results[1]);
	rpc_call(c, "m", "{bad", 5, RPC_ANSWER_SMALL, record, &results[2]);
	rpc_call(c, "m", "5", 5, RPC_ANSWER_SMALL, record, &results[3]);
	rpc_call(c, "m", NULL, 0, RPC_ANSWER_SMALL, record, &results[4]);
	rpc_call(c, "m", NULL, 5, 10, record, &results[5]);
	CHECK(callbacks == 0);
	run_until(6);
	for (int i = 0; i < 6; i++)
		CHECK(results[i].status == RPC_ERR_BAD_CALL);
	CHECK_STR(results[0].error, "RPC method name refused: empty, over 128 "
	    "characters or not printable ASCII");
	CHECK_STR(results[2].error, "m: params must be a JSON array or "
	    "object");
	CHECK_STR(results[3].error, "m: params must be a JSON array or "
	    "object");
	CHECK_STR(results[4].error, "m: timeout 0 s is out of range "
	    "(1..3600)");
	CHECK_STR(results[5].error, "m: answer cap 10 bytes is below 64");
	CHECK(rpc_call(c, "m", NULL, 5, RPC_ANSWER_SMALL, NULL, NULL) == 0);
	rpc_client_free(c);
}

static void
expect_url_refused(const char *url, const char *want)
{
	char err[256] = "";
	struct rpc_client *c = rpc_client_new(base, url, err, sizeof err);
	CHECK(c == NULL);
	CHECK_STR(err, want);
	rpc_client_free(c);
}

static void
test_urls(void)
{
	char err[256], long_url[700];
	struct rpc_client *c;

	expect_url_refused("https://node.example:9944", "node URL "
	    "\"https://node.example:9944\": only http:// is supported (the "
	    "node's JSON-RPC over HTTP POST; put TLS in front with a local "
	    "proxy)");
	expect_url_refused("ws://127.0.0.1:9944", "node URL "
	    "\"ws://127.0.0.1:9944\": only http:// is supported (the node's "
	    "JSON-RPC over HTTP POST; put TLS in front with a local proxy)");
	expect_url_refused("127.0.0.1:9944", "node URL \"127.0.0.1:9944\": "
	    "not a URL (expected http://host:port)");
	expect_url_refused("http://user:pw@127.0.0.1:9944", "node URL "
	    "\"http://user:pw@127.0.0.1:9944\": credentials in the URL are not "
	    "supported");
	expect_url_refused("http://127.0.0.1:9944/#x", "node URL "
	    "\"http://127.0.0.1:9944/#x\": a fragment (#...) has no meaning "
	    "here");
	expect_url_refused("http:///x", "node URL \"http:///x\": no host");
	expect_url_refused("http://bad host/", "node URL \"http://bad host/\": "
	    "not a URL (expected http://host:port)");
	memset(long_url, 'a', sizeof long_url - 1);
	long_url[sizeof long_url - 1] = '\0';
	memcpy(long_url, "http://", 7);
	c = rpc_client_new(base, long_url, err, sizeof err);
	CHECK(c == NULL);
	CHECK(strstr(err, "too long") != NULL);
	c = rpc_client_new(base, NULL, err, sizeof err);
	CHECK(c == NULL);
	CHECK_STR(err, "no node URL");
	c = rpc_client_new(base, "HTTP://localhost", err, sizeof err);
	CHECK(c != NULL);
	CHECK_STR(c ? rpc_client_url(c) : NULL, "HTTP://localhost");
	rpc_client_free(c);
}

/* A URL with a path and a query reaches the node with both. */
static void
test_path_and_host_name(void)
{
	char url[128];
	struct outcome *o;
	struct rpc_client *c;
	char err[256];

	snprintf(url, sizeof url, "http://localhost:%d/valid?x=1", fake_port);
	c = rpc_client_new(base, url, err, sizeof err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	reset_results();
	o = &results[0];
	rpc_call(c, "via_name", NULL, 5, RPC_ANSWER_SMALL, record, o);
	run_until(1);
	CHECK(o->status == RPC_OK);
	rpc_client_free(c);
}

/* --- chain_status against the fake chain --- */

static struct {
	bool called;
	char *status;
	uint8_t *metadata;
	size_t metadata_len;
	enum rpc_status why;
	char error[RPC_ERROR_MAX + 128];
	struct rpc_client *free_me;	/* freed from inside the callback */
} cs;

static void
cs_reset(void)
{
	free(cs.status);
	free(cs.metadata);
	memset(&cs, 0, sizeof cs);
}

static void
cs_done(json_t *status, uint8_t *md, size_t md_len, enum rpc_status why,
    const char *error, void *arg)
{
	(void)arg;
	CHECK(!cs.called);
	cs.called = true;
	cs.why = why;
	CHECK((error == NULL) == (status != NULL));
	if (status) {
		cs.status = json_dumps(status, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(status);
	}
	cs.metadata = md;
	cs.metadata_len = md_len;
	if (error)
		snprintf(cs.error, sizeof cs.error, "%s", error);
	if (cs.free_me) {
		rpc_client_free(cs.free_me);
		cs.free_me = NULL;
	}
	event_base_loopbreak(base);
}

static void
cs_run(const char *path, int port, const struct chain_status_options *o,
    char *url, size_t urllen, bool free_in_callback)
{
	struct timeval tv = { 10, 0 };
	struct event *guard = evtimer_new(base, give_up, NULL);
	struct rpc_client *c = client_for(path, port, url, urllen);
	cs_reset();
	if (free_in_callback)
		cs.free_me = c;
	CHECK(chain_status_fetch(c, o, cs_done, NULL) == 0);
	CHECK(!cs.called);
	evtimer_add(guard, &tv);
	event_base_dispatch(base);
	event_free(guard);
	CHECK(cs.called);
	if (!free_in_callback)
		rpc_client_free(c);
}

static void
test_chain_status(void)
{
	char url[128], want[1024];
	static const uint8_t md[] = { 'm', 'e', 't', 'a', 14, 1, 2, 3, 4, 5 };

	cs_run("/chain", fake_port, NULL, url, sizeof url, false);
	snprintf(want, sizeof want, "{\"best\":{\"hash\":\"0x%s\",\"number\":42},"
	    "\"finalized\":{\"hash\":\"0x%s\",\"number\":41},"
	    "\"genesis_hash\":\"0x%s\",\"metadata_version\":14,"
	    "\"node_url\":\"%s\",\"runtime\":{\"authoring_version\":0,"
	    "\"impl_name\":\"parity-rococo-v2.0\",\"impl_version\":0,"
	    "\"spec_name\":\"rococo\",\"spec_version\":9140,"
	    "\"transaction_version\":0},\"sudo_key\":null}",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	    "4545454545454545454545454545454545454545454545454545454545454545",
	    url);
	CHECK(cs.why == RPC_OK);
	CHECK_STR(cs.status, want);
	CHECK(cs.metadata_len == sizeof md);
	CHECK(cs.metadata && memcmp(cs.metadata, md, sizeof md) == 0);

	cs_run("/chain-sudo", fake_port, NULL, url, sizeof url, true);
	CHECK(cs.status && strstr(cs.status, "\"sudo_key\":\"0xd43593c715fdd31c"
	    "61141abd04a99fd6822c8558854ccde39a5684e7a56da27d\"") != NULL);
	cs_reset();
}

static void
test_chain_status_errors(void)
{
	char url[128], want[RPC_ERROR_MAX + 128];
	struct chain_status_options small = { .metadata_max = 8 };
	struct chain_status_options none = { .skip_metadata = 1 };
	int port = closed_port();

	cs_run("", port, NULL, url, sizeof url, false);
	snprintf(want, sizeof want, "node %s is not reachable (connection "
	    "refused): start the node or fix node_url in the config", url);
	CHECK(cs.why == RPC_ERR_UNREACHABLE);
	CHECK_STR(cs.error, want);

	cs_run("/chain-bad-runtime", fake_port, NULL, url, sizeof url, false);
	snprintf(want, sizeof want, "runtime version (state_getRuntimeVersion)"
	    ": node %s answered a runtime version without specName, implName "
	    "and u32 specVersion, implVersion, transactionVersion and "
	    "authoringVersion", url);
	CHECK(cs.why == RPC_ERR_NOT_JSONRPC);
	CHECK_STR(cs.error, want);

	cs_run("/chain-bad-hash", fake_port, NULL, url, sizeof url, false);
	snprintf(want, sizeof want, "best block (chain_getBlockHash): node %s "
	    "answered something that is not a 32-byte 0x hash", url);
	CHECK_STR(cs.error, want);

	cs_run("/chain-bad-meta", fake_port, NULL, url, sizeof url, false);
	snprintf(want, sizeof want, "metadata (state_getMetadata): node %s "
	    "answered metadata that does not start with the \"meta\" magic",
	    url);
	CHECK_STR(cs.error, want);

	cs_run("/chain", fake_port, &small, url, sizeof url, false);
	snprintf(want, sizeof want, "metadata (state_getMetadata): node %s "
	    "sent 10 bytes of metadata, over the 8-byte cap", url);
	CHECK(cs.why == RPC_ERR_TOO_LARGE);
	CHECK_STR(cs.error, want);

	cs_run("/chain", fake_port, &none, url, sizeof url, false);
	CHECK(cs.why == RPC_OK);
	CHECK(cs.metadata == NULL && cs.metadata_len == 0);
	CHECK(cs.status && strstr(cs.status, "metadata_version") == NULL);

	/* A node that never answers: the first call's timeout is reported. */
	{
		struct chain_status_options quick = { .timeout_seconds = 1 };
		cs_run("/slow", fake_port, &quick, url, sizeof url, false);
		CHECK(cs.why == RPC_ERR_TIMEOUT);
		snprintf(want, sizeof want, "genesis hash (chain_getBlockHash "
		    "[0]): node %s did not answer chain_getBlockHash within "
		    "1 s", url);
		CHECK_STR(cs.error, want);
	}
	cs_reset();
}

/* Freeing the client mid-fetch: one callback, "cancelled", no leak. */
static void
test_chain_status_cancel(void)
{
	char url[128];
	struct rpc_client *c = client_for("/slow", fake_port, url, sizeof url);
	cs_reset();
	CHECK(chain_status_fetch(c, NULL, cs_done, NULL) == 0);
	rpc_client_free(c);
	CHECK(cs.called);
	CHECK(cs.why == RPC_ERR_CANCELLED);
	CHECK_STR(cs.error, "genesis hash (chain_getBlockHash [0]): "
	    "chain_getBlockHash cancelled: the RPC client was closed");
	CHECK(chain_status_fetch(NULL, NULL, cs_done, NULL) == -1);
	cs_reset();
}

int
main(void)
{
	/* Writes to a peer that has gone must fail, not kill (as in the
	 * sign worker). */
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (base == NULL || fake_node_start() != 0) {
		fprintf(stderr, "cannot start the fake node\n");
		return 1;
	}
	RUN(test_urls);
	RUN(test_valid_answer);
	RUN(test_connection_refused);
	RUN(test_timeout);
	RUN(test_garbage);
	RUN(test_not_jsonrpc);
	RUN(test_too_large);
	RUN(test_http_status);
	RUN(test_wrong_id);
	RUN(test_error_objects);
	RUN(test_broken_http);
	RUN(test_many_in_flight);
	RUN(test_cancel_on_free);
	RUN(test_callback_chains_and_frees);
	RUN(test_bad_calls);
	RUN(test_path_and_host_name);
	RUN(test_chain_status);
	RUN(test_chain_status_errors);
	RUN(test_chain_status_cancel);
	reset_results();
	evconnlistener_free(raw_listener);
	evconnlistener_free(hangup_listener);
	evhttp_free(fake_node);
	event_base_free(base);
	return testlib_summary();
}
