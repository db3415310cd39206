#include "chain_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chain_status.h"
#include "log.h"
#include "metadata.h"
#include "rpc_client.h"
#include "scale_value.h"
#include "ss58.h"

#define CHAIN_VIEW_FRESH_SECONDS 3
#define CHAIN_VIEW_WAITERS_MAX 64
#define CHAIN_VIEW_TIMEOUT 4	/* per call; two rounds stay under the front's 10 s */

static struct {
	struct rpc_client *rpc;
	chain_view_reply_fn reply;
	json_t *cached;
	time_t cached_at;
	bool fetching;
	uint32_t waiting[CHAIN_VIEW_WAITERS_MAX];
	size_t waiting_count;
	uint16_t ss58_prefix;
} cv = { .ss58_prefix = SS58_PREFIX_GENERIC };

int
chain_view_init(struct event_base *base, const char *node_url,
    chain_view_reply_fn reply, char *err, size_t errlen)
{
	cv.reply = reply;
	cv.rpc = rpc_client_new(base, node_url, err, errlen);
	return cv.rpc ? 0 : -1;
}

uint16_t
chain_view_ss58_prefix(void)
{
	return cv.ss58_prefix;
}

static void
add_ss58(json_t *status, const char *hex_key)
{
	uint8_t id[SS58_ACCOUNT_ID_LEN];
	char addr[SS58_ADDRESS_MAX];
	if (hex_key == NULL || strlen(hex_key) != 66)
		return;
	for (size_t i = 0; i < sizeof(id); i++) {
		unsigned v;
		if (sscanf(hex_key + 2 + 2 * i, "%2x", &v) != 1)
			return;
		id[i] = (uint8_t)v;
	}
	if (ss58_encode(addr, sizeof(addr), id, cv.ss58_prefix) == SS58_OK)
		json_object_set_new(status, "sudo_key_ss58", json_string(addr));
}

/* What only the metadata tells: Sudo, BlockLength, SS58Prefix. */
static void
add_metadata_facts(json_t *status, const uint8_t *raw, size_t len)
{
	char err[256];
	struct metadata *md = metadata_decode_any(raw, len, err, sizeof(err));
	if (md == NULL) {
		json_object_set_new(status, "metadata_error", json_string(err));
		return;
	}
	json_t *prefix = scale_value_constant(md, "System", "SS58Prefix", err,
	    sizeof(err));
	if (json_is_integer(prefix) && json_integer_value(prefix) >= 0 &&
	    json_integer_value(prefix) < 16384)
		cv.ss58_prefix = (uint16_t)json_integer_value(prefix);
	json_decref(prefix);
	json_object_set_new(status, "ss58_prefix", json_integer(cv.ss58_prefix));
	json_object_set_new(status, "has_sudo", json_boolean(
	    metadata_pallet(md, "Sudo") != NULL));
	json_t *length = scale_value_constant(md, "System", "BlockLength", err,
	    sizeof(err));
	json_t *max = json_object_get(length, "max");
	json_object_set(status, "max_block_length", json_is_object(max) ?
	    json_object_get(max, "normal") : json_null());
	json_object_set(status, "block_length", max ? max : json_null());
	json_decref(length);
	add_ss58(status, json_string_value(json_object_get(status,
	    "sudo_key")));
	uint8_t set_code[2];
	if (metadata_call_index(md, "System", "set_code", set_code))
		json_object_set_new(status, "set_code_call_index",
		    json_pack("[i, i]", set_code[0], set_code[1]));
	metadata_free(md);
}

static void
answer_waiting(unsigned status, const json_t *body)
{
	for (size_t i = 0; i < cv.waiting_count; i++)
		cv.reply(cv.waiting[i], status, json_deep_copy(body));
	cv.waiting_count = 0;
}

static void
status_done(json_t *status, uint8_t *metadata, size_t metadata_len,
    enum rpc_status why, const char *error, void *arg)
{
	(void)arg;
	(void)why;
	cv.fetching = false;
	if (error != NULL) {
		json_t *body = json_pack("{s:s, s:s}", "error", error,
		    "node_url", rpc_client_url(cv.rpc));
		answer_waiting(502, body);
		json_decref(body);
		return;
	}
	add_metadata_facts(status, metadata, metadata_len);
	free(metadata);
	json_decref(cv.cached);
	cv.cached = status;
	cv.cached_at = time(NULL);
	answer_waiting(200, status);
}

void
chain_view_request(uint32_t request_id)
{
	if (cv.cached && time(NULL) - cv.cached_at < CHAIN_VIEW_FRESH_SECONDS) {
		cv.reply(request_id, 200, json_deep_copy(cv.cached));
		return;
	}
	if (cv.rpc == NULL || cv.waiting_count == CHAIN_VIEW_WAITERS_MAX) {
		cv.reply(request_id, 503, json_pack("{s:s}", "error",
		    cv.rpc ? "too many chain requests at once; try again" :
		    "no node client: check node_url in the config"));
		return;
	}
	cv.waiting[cv.waiting_count++] = request_id;
	if (cv.fetching)
		return;
	struct chain_status_options opts = {
		.timeout_seconds = CHAIN_VIEW_TIMEOUT };
	if (chain_status_fetch(cv.rpc, &opts, status_done, NULL) != 0) {
		json_t *body = json_pack("{s:s}", "error", "could not start the "
		    "node queries (out of memory); try again");
		answer_waiting(503, body);
		json_decref(body);
		return;
	}
	cv.fetching = true;
}

void
chain_view_free(void)
{
	rpc_client_free(cv.rpc);
	cv.rpc = NULL;
	json_decref(cv.cached);
	cv.cached = NULL;
}
