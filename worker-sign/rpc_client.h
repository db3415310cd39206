/* JSON-RPC 2.0 over HTTP POST to the chain's node, on a libevent loop.
 *
 * The sign worker is single-threaded on an event_base; every call here is
 * asynchronous. Each call gets its own HTTP connection ("Connection: close"),
 * so several calls may be in flight at once and a slow answer never holds
 * up another. Each call has:
 *   - a JSON-RPC id (a counter per client, from 1) that the answer must
 *     echo: the answer is matched to the call, not trusted to be it;
 *   - a deadline (timeout_seconds, from the moment of the call: connect,
 *     send, wait and read together);
 *   - a cap on the answer body (max_answer_bytes), enforced while reading.
 *
 * Node quirks handled (chopsticks and real nodes, see chain-facts.md):
 * errors come as HTTP 200 with an "error" object that may lack "code"; a
 * request without "id" is never answered, so every request has one.
 *
 * Callback contract:
 *   - rpc_call() that returns non-zero leads to exactly one callback, and
 *     never from inside rpc_call() itself (always later, from the loop);
 *   - on success: status RPC_OK, result = the "result" member (borrowed:
 *     valid during the callback only; json_incref() it to keep it; it may
 *     be JSON null, e.g. state_getStorage of an absent key), error = NULL;
 *   - on failure: result = NULL, error = one line of text naming the node
 *     URL, the method and what went wrong (see enum rpc_status);
 *   - rpc_client_free() calls back every call still in flight, right
 *     there, with RPC_ERR_CANCELLED ("<method> cancelled: the RPC client
 *     was closed"). During those callbacks rpc_call() on the closing client
 *     refuses (returns 0, no callback).
 * A callback may call rpc_call() (a chain of calls) and may free the
 * client.
 *
 * The process must ignore SIGPIPE (the sign worker does): libevent writes
 * with write(2), and a node that hangs up must be an error, not a death.
 *
 * Suggested caps: RPC_ANSWER_SMALL for everything but RPC_ANSWER_LARGE for
 * state_getMetadata and state_getStorage of ":code" (hex doubles the size).
 */
#ifndef RTFORGE_RPC_CLIENT_H
#define RTFORGE_RPC_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <jansson.h>

#define RPC_ANSWER_SMALL (1u << 20)		/* 1 MiB */
#define RPC_ANSWER_LARGE (64u << 20)		/* 64 MiB */
/* A node's default max request size (polkadot-sdk: 15 MiB). */
#define RPC_REQUEST_MAX (15u << 20)
#define RPC_TIMEOUT_DEFAULT 30			/* seconds */
#define RPC_TIMEOUT_MAX 3600
#define RPC_METHOD_MAX 128
#define RPC_URL_MAX 512
#define RPC_ERROR_MAX 512			/* with its NUL */
#define RPC_MAX_IN_FLIGHT 64

enum rpc_status {
	RPC_OK = 0,
	RPC_ERR_UNREACHABLE,	/* connection refused or could not connect */
	RPC_ERR_CONNECTION,	/* connected, then dropped or bad HTTP */
	RPC_ERR_TIMEOUT,	/* no full answer within the deadline */
	RPC_ERR_HTTP_STATUS,	/* an HTTP status other than 200 */
	RPC_ERR_TOO_LARGE,	/* answer body over max_answer_bytes */
	RPC_ERR_NOT_JSON,	/* the body does not parse as JSON */
	RPC_ERR_NOT_JSONRPC,	/* JSON, but not a JSON-RPC 2.0 answer */
	RPC_ERR_ID_MISMATCH,	/* an answer to some other request */
	RPC_ERR_REMOTE,		/* the node answered with an "error" object */
	RPC_ERR_BAD_CALL,	/* the caller's method/params/limits refused */
	RPC_ERR_CANCELLED,	/* rpc_client_free() while in flight */
};

struct rpc_client;

typedef void (*rpc_callback)(json_t *result, enum rpc_status status,
    const char *error, void *arg);

/* A client for url = http://host[:port][/path][?query] (port 80 by
 * default, path "/" by default). Any other scheme, credentials in the URL,
 * a fragment, an empty host or an over-long URL is refused: returns NULL
 * with the reason in err. Nothing connects until the first call. */
struct rpc_client *rpc_client_new(struct event_base *base, const char *url,
    char *err, size_t errlen);

/* Cancels every call in flight (see the contract above), then frees. */
void rpc_client_free(struct rpc_client *c);

/* The URL as given (for messages). */
const char *rpc_client_url(const struct rpc_client *c);

/* Calls method with params_json (a JSON array or object as text; NULL
 * means []). timeout_seconds 1..RPC_TIMEOUT_MAX; max_answer_bytes ≥ 64.
 * Returns the call's JSON-RPC id (> 0), or 0 when the client is closing or
 * memory ran out (then there is no callback). Bad arguments (a method
 * that is empty, too long or not printable ASCII, params that are not a
 * JSON array/object, a request over RPC_REQUEST_MAX, limits out of range)
 * are reported through the callback as RPC_ERR_BAD_CALL. */
uint64_t rpc_call(struct rpc_client *c, const char *method,
    const char *params_json, int timeout_seconds, size_t max_answer_bytes,
    rpc_callback cb, void *arg);

/* Calls in flight (started and not yet called back). */
size_t rpc_client_in_flight(const struct rpc_client *c);

/* A stable name for a status ("unreachable", "timeout", ...). */
const char *rpc_status_name(enum rpc_status status);

#endif
