/* Gathers GET /api/chain's facts from the node. See chain_status.h.
 *
 * One fetch is one op: six calls start at once, two more follow the
 * answers they need. The first failure is reported at once; the op lives
 * on until its last call has come back, then frees itself. Every answer is
 * checked for the shape the step needs: a node that answers the wrong
 * thing is an error that says which step and what was wrong. */
#include "chain_status.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "textutil.h"
#include "twox.h"

#define HASH_LEN 32
/* Account ids are 32 bytes (20 on Ethereum-style chains). */
#define ACCOUNT_MAX 64
#define META_MAGIC "meta"

enum step {
	STEP_GENESIS,
	STEP_RUNTIME,
	STEP_BEST_HASH,
	STEP_BEST_HEADER,
	STEP_FINALIZED_HASH,
	STEP_FINALIZED_HEADER,
	STEP_SUDO,
	STEP_METADATA,
	STEP_COUNT
};

static const char *const step_names[STEP_COUNT] = {
	[STEP_GENESIS] = "genesis hash (chain_getBlockHash [0])",
	[STEP_RUNTIME] = "runtime version (state_getRuntimeVersion)",
	[STEP_BEST_HASH] = "best block (chain_getBlockHash)",
	[STEP_BEST_HEADER] = "best block (chain_getHeader)",
	[STEP_FINALIZED_HASH] = "finalized block (chain_getFinalizedHead)",
	[STEP_FINALIZED_HEADER] = "finalized block (chain_getHeader)",
	[STEP_SUDO] = "Sudo key (state_getStorage Sudo.Key)",
	[STEP_METADATA] = "metadata (state_getMetadata)",
};

struct chain_op;

struct step_ctx {
	struct chain_op *op;
	enum step step;
};

struct chain_op {
	struct rpc_client *rpc;
	struct chain_status_options opts;
	chain_status_cb cb;
	void *arg;
	struct step_ctx ctx[STEP_COUNT];
	int pending;		/* calls started and not yet back */
	bool failed;
	bool reported;
	bool settling;		/* inside the user's callback */
	enum rpc_status why;
	char error[RPC_ERROR_MAX + 128];
	json_t *status;
	json_t *best;
	json_t *finalized;
	uint8_t *metadata;
	size_t metadata_len;
};

/* --- errors --- */

static void
op_fail(struct chain_op *op, enum step step, enum rpc_status why,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
op_fail(struct chain_op *op, enum step step, enum rpc_status why,
    const char *fmt, ...)
{
	char detail[RPC_ERROR_MAX];
	va_list ap;

	if (op->failed)
		return;
	op->failed = true;
	op->why = why;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	/* The node being down is not the fault of any one step. */
	if (why == RPC_ERR_UNREACHABLE)
		snprintf(op->error, sizeof op->error, "%s", detail);
	else
		snprintf(op->error, sizeof op->error, "%s: %s",
		    step_names[step], detail);
	text_clean(op->error, strlen(op->error));
}

/* An answer of the wrong shape. */
static void
op_bad_answer(struct chain_op *op, enum step step, const char *what)
{
	op_fail(op, step, RPC_ERR_NOT_JSONRPC, "node %s answered %s",
	    rpc_client_url(op->rpc), what);
}

/* Reports once, frees when nothing is in flight any more. The user's
 * callback may free the RPC client, which calls back the calls still in
 * flight, which settle again: only the outermost settle may free. */
static void
op_settle(struct chain_op *op)
{
	if (op->settling)
		return;
	if (!op->reported && (op->failed || op->pending == 0)) {
		op->reported = true;
		op->settling = true;
		if (op->failed)
			op->cb(NULL, NULL, 0, op->why, op->error, op->arg);
		else {
			op->cb(op->status, op->metadata, op->metadata_len,
			    RPC_OK, NULL, op->arg);
			op->status = NULL;
			op->metadata = NULL;
		}
		op->settling = false;
	}
	if (op->pending > 0)
		return;
	json_decref(op->status);
	json_decref(op->best);
	json_decref(op->finalized);
	free(op->metadata);
	free(op);
}

/* --- checking answers --- */

/* "0x" and exactly bytes*2 hex digits (bytes 0: any even count up to
 * max_bytes). Writes the lower-case form to out (2 + 2 * max + 1). */
static bool
hex_ok(const json_t *v, size_t bytes, size_t max_bytes, char *out,
    size_t outlen)
{
	const char *s = json_string_value(v);
	size_t len = s ? strlen(s) : 0;
	if (s == NULL || len < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	len -= 2;
	if (len % 2 != 0 || (bytes && len != 2 * bytes) ||
	    len > 2 * max_bytes || len + 3 > outlen)
		return false;
	out[0] = '0';
	out[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[2 + i]))
			return false;
		out[2 + i] = (char)tolower((unsigned char)s[2 + i]);
	}
	out[2 + len] = '\0';
	return true;
}

/* A block number: "0x…" (1..16 hex digits, as nodes send it) or a plain
 * non-negative integer. */
static bool
block_number(const json_t *v, json_int_t *out)
{
	const char *s = json_string_value(v);
	uint64_t n = 0;
	size_t len;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = json_integer_value(v);
		return true;
	}
	if (s == NULL || strncmp(s, "0x", 2) != 0)
		return false;
	len = strlen(s + 2);
	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = tolower((unsigned char)s[2 + i]);
		if (!isxdigit(c))
			return false;
		n = (n << 4) | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	if (n > INT64_MAX)
		return false;
	*out = (json_int_t)n;
	return true;
}

static bool
u32_field(json_t *out, const char *out_name, json_t *in, const char *name)
{
	json_t *v = json_object_get(in, name);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > UINT32_MAX)
		return false;
	json_object_set_new(out, out_name, json_integer(json_integer_value(v)));
	return true;
}

static bool
str_field(json_t *out, const char *out_name, json_t *in, const char *name)
{
	json_t *v = json_object_get(in, name);
	char text[128];
	size_t len;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) >= sizeof text)
		return false;
	len = json_string_length(v);
	memcpy(text, json_string_value(v), len);
	text[len] = '\0';
	text_clean(text, len);
	json_object_set_new(out, out_name, json_string(text));
	return true;
}

static void
take_genesis(struct chain_op *op, json_t *result)
{
	char hash[2 + 2 * HASH_LEN + 1];
	if (!hex_ok(result, HASH_LEN, HASH_LEN, hash, sizeof hash))
		op_bad_answer(op, STEP_GENESIS, "something that is not a "
		    "32-byte 0x hash");
	else
		json_object_set_new(op->status, "genesis_hash",
		    json_string(hash));
}

static void
take_runtime(struct chain_op *op, json_t *result)
{
	json_t *rt = json_object();
	if (!json_is_object(result) ||
	    !str_field(rt, "spec_name", result, "specName") ||
	    !str_field(rt, "impl_name", result, "implName") ||
	    !u32_field(rt, "spec_version", result, "specVersion") ||
	    !u32_field(rt, "impl_version", result, "implVersion") ||
	    !u32_field(rt, "transaction_version", result,
	    "transactionVersion") ||
	    !u32_field(rt, "authoring_version", result, "authoringVersion")) {
		json_decref(rt);
		op_bad_answer(op, STEP_RUNTIME, "a runtime version without "
		    "specName, implName and u32 specVersion, implVersion, "
		    "transactionVersion and authoringVersion");
		return;
	}
	json_object_set_new(op->status, "runtime", rt);
}

static void
take_sudo(struct chain_op *op, json_t *result)
{
	char key[2 + 2 * ACCOUNT_MAX + 1];
	if (json_is_null(result))
		json_object_set_new(op->status, "sudo_key", json_null());
	else if (!hex_ok(result, 0, ACCOUNT_MAX, key, sizeof key) ||
	    strlen(key) == 2)
		op_bad_answer(op, STEP_SUDO, "a value that is not 0x hex of "
		    "an account id");
	else
		json_object_set_new(op->status, "sudo_key", json_string(key));
}

static void
take_metadata(struct chain_op *op, json_t *result)
{
	const char *hex = json_string_value(result);
	size_t hexlen = hex ? strlen(hex) : 0, len = 0;

	if (hex == NULL || hexlen < 2 || strncmp(hex, "0x", 2) != 0 ||
	    hexlen % 2 != 0) {
		op_bad_answer(op, STEP_METADATA, "something that is not 0x hex");
		return;
	}
	if ((hexlen - 2) / 2 > op->opts.metadata_max) {
		op_fail(op, STEP_METADATA, RPC_ERR_TOO_LARGE, "node %s sent "
		    "%zu bytes of metadata, over the %zu-byte cap",
		    rpc_client_url(op->rpc), (hexlen - 2) / 2,
		    op->opts.metadata_max);
		return;
	}
	op->metadata = malloc((hexlen - 2) / 2 + 1);
	if (op->metadata == NULL) {
		op_fail(op, STEP_METADATA, RPC_ERR_TOO_LARGE, "out of memory "
		    "for %zu bytes of metadata", (hexlen - 2) / 2);
		return;
	}
	if (sodium_hex2bin(op->metadata, (hexlen - 2) / 2, hex + 2,
	    hexlen - 2, NULL, &len, NULL) != 0 || len != (hexlen - 2) / 2) {
		op_bad_answer(op, STEP_METADATA, "metadata with a character "
		    "that is not hex");
		return;
	}
	op->metadata_len = len;
	if (len < 5 || memcmp(op->metadata, META_MAGIC, 4) != 0) {
		op_bad_answer(op, STEP_METADATA, "metadata that does not start "
		    "with the \"meta\" magic");
		return;
	}
	json_object_set_new(op->status, "metadata_version",
	    json_integer(op->metadata[4]));
}

/* --- the calls --- */

static void step_done(json_t *result, enum rpc_status status,
    const char *error, void *arg);

static void
step_start(struct chain_op *op, enum step step, const char *method,
    const char *params, size_t cap)
{
	if (rpc_call(op->rpc, method, params, op->opts.timeout_seconds, cap,
	    step_done, &op->ctx[step]) == 0) {
		op_fail(op, step, RPC_ERR_CANCELLED, "could not start the call "
		    "(the RPC client is closing or out of memory)");
		return;
	}
	op->pending++;
}

/* The hash of a block, then its header for the number. */
static void
take_block_hash(struct chain_op *op, enum step step, json_t *result,
    json_t **block)
{
	char hash[2 + 2 * HASH_LEN + 1], params[2 + sizeof hash + 2];
	if (!hex_ok(result, HASH_LEN, HASH_LEN, hash, sizeof hash)) {
		op_bad_answer(op, step, "something that is not a 32-byte 0x "
		    "hash");
		return;
	}
	*block = json_pack("{s:s}", "hash", hash);
	snprintf(params, sizeof params, "[\"%s\"]", hash);
	step_start(op, step + 1, "chain_getHeader", params, RPC_ANSWER_SMALL);
}

static void
take_header(struct chain_op *op, enum step step, json_t *result,
    json_t *block, const char *name)
{
	json_int_t number;
	if (!json_is_object(result) ||
	    !block_number(json_object_get(result, "number"), &number)) {
		op_bad_answer(op, step, "a header without a block number");
		return;
	}
	json_object_set_new(block, "number", json_integer(number));
	json_object_set(op->status, name, block);
}

static void
step_take(struct chain_op *op, enum step step, json_t *result)
{
	switch (step) {
	case STEP_GENESIS: take_genesis(op, result); break;
	case STEP_RUNTIME: take_runtime(op, result); break;
	case STEP_BEST_HASH:
		take_block_hash(op, step, result, &op->best);
		break;
	case STEP_BEST_HEADER:
		take_header(op, step, result, op->best, "best");
		break;
	case STEP_FINALIZED_HASH:
		take_block_hash(op, step, result, &op->finalized);
		break;
	case STEP_FINALIZED_HEADER:
		take_header(op, step, result, op->finalized, "finalized");
		break;
	case STEP_SUDO: take_sudo(op, result); break;
	case STEP_METADATA: take_metadata(op, result); break;
	case STEP_COUNT: break;
	}
}

static void
step_done(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct step_ctx *ctx = arg;
	struct chain_op *op = ctx->op;

	op->pending--;
	if (status != RPC_OK)
		op_fail(op, ctx->step, status, "%s", error);
	else if (!op->failed)
		step_take(op, ctx->step, result);
	op_settle(op);
}

int
chain_status_fetch(struct rpc_client *rpc,
    const struct chain_status_options *opts, chain_status_cb cb, void *arg)
{
	struct chain_op *op;
	uint8_t key[TWOX_STORAGE_PREFIX_LEN];
	char params[2 + 2 + 2 * sizeof key + 2 + 1];

	if (rpc == NULL || cb == NULL)
		return -1;
	op = calloc(1, sizeof *op);
	if (op == NULL || (op->status = json_object()) == NULL) {
		free(op);
		return -1;
	}
	op->rpc = rpc;
	op->cb = cb;
	op->arg = arg;
	if (opts)
		op->opts = *opts;
	if (op->opts.timeout_seconds <= 0)
		op->opts.timeout_seconds = CHAIN_STATUS_TIMEOUT;
	if (op->opts.metadata_max == 0)
		op->opts.metadata_max = CHAIN_METADATA_MAX;
	for (int i = 0; i < STEP_COUNT; i++) {
		op->ctx[i].op = op;
		op->ctx[i].step = (enum step)i;
	}
	json_object_set_new(op->status, "node_url",
	    json_string(rpc_client_url(rpc)));

	step_start(op, STEP_GENESIS, "chain_getBlockHash", "[0]",
	    RPC_ANSWER_SMALL);
	if (op->pending == 0) {
		/* Nothing started: no callback will ever come. */
		json_decref(op->status);
		free(op);
		return -1;
	}
	step_start(op, STEP_RUNTIME, "state_getRuntimeVersion", "[]",
	    RPC_ANSWER_SMALL);
	step_start(op, STEP_BEST_HASH, "chain_getBlockHash", "[]",
	    RPC_ANSWER_SMALL);
	step_start(op, STEP_FINALIZED_HASH, "chain_getFinalizedHead", "[]",
	    RPC_ANSWER_SMALL);
	twox_storage_prefix(key, "Sudo", "Key");
	memcpy(params, "[\"0x", 4);
	for (size_t i = 0; i < sizeof key; i++)
		snprintf(params + 4 + 2 * i, 3, "%02x", key[i]);
	memcpy(params + 4 + 2 * sizeof key, "\"]", 3);
	step_start(op, STEP_SUDO, "state_getStorage", params,
	    RPC_ANSWER_SMALL);
	if (!op->opts.skip_metadata) {
		/* Hex doubles it; the envelope is small. */
		size_t meta_cap = op->opts.metadata_max > (RPC_ANSWER_LARGE - 4096) / 2 ?
		    RPC_ANSWER_LARGE : 2 * op->opts.metadata_max + 4096;
		step_start(op, STEP_METADATA, "state_getMetadata", "[]",
		    meta_cap);
	}
	return 0;
}
