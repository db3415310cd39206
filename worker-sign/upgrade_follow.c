/* After the checks: keep the chain's current code as a rollback artifact,
 * submit, find the extrinsic in a block, read its events, wait for
 * finality, and check that the chain now runs exactly the artifact.
 * Over HTTP there are no subscriptions: blocks are polled, each one from
 * the last searched up to the best, so none is skipped. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "log.h"
#include "scale_value.h"
#include "upgrade_int.h"
#include "upgrade_store.h"

#define CODE_KEY "0x3a636f6465"	/* ":code" */

static void poll_best(struct upgrade *u);
static void scan_next(struct upgrade *u);
static void wait_finality(struct upgrade *u);
static void start_part2(struct upgrade *u);
static void submit(struct upgrade *u);

/* Each extrinsic sent, in the record: an operator sees both steps of a
 * two-step upgrade. */
static void
remember_part(struct upgrade *u)
{
	json_t *parts = json_object_get(u->record, "extrinsics");
	char *tx = upgrade_hex(u->tx_hash, 32);
	if (!json_is_array(parts)) {
		parts = json_array();
		json_object_set_new(u->record, "extrinsics", parts);
	}
	json_array_append_new(parts, json_pack("{s:i, s:s?, s:s, s:I, s:O}",
	    "part", u->part, "tx_hash", tx, "block_hash", u->block_hash,
	    "block_number", (json_int_t)u->block_number, "events", u->events));
	free(tx);
	upgrade_save(u);
}

static bool
call_or_fail(struct upgrade *u, const char *method, json_t *params,
    size_t cap, rpc_callback cb)
{
	if (upgrade_rpc(method, params, cap, cb, u) != 0)
		return true;
	upgrade_lost(u, "cannot ask the node (out of memory or "
	    "stopping)");
	return false;
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct upgrade *u = arg;
	(void)fd;
	(void)what;
	if (u->block_hash[0])
		wait_finality(u);
	else
		poll_best(u);
}

static void
later(struct upgrade *u)
{
	struct timeval tv = { 0, UPGRADE_POLL_MS * 1000 };
	if (u->timer == NULL)
		u->timer = evtimer_new(uctx.base, on_timer, u);
	if (u->timer == NULL || evtimer_add(u->timer, &tv) != 0)
		upgrade_lost(u, "cannot wait for the next block (out "
		    "of memory)");
}

/* ---- the outcome, from the events ---- */

static json_t *
first_field(json_t *event)
{
	json_t *f = json_object_get(event, "fields");
	if (json_is_array(f))
		return json_array_get(f, 0);
	const char *key;
	json_t *v;
	json_object_foreach(f, key, v) {
		return v;
	}
	return NULL;
}

static json_t *
events_of_ours(struct upgrade *u, json_t *all)
{
	json_t *mine = json_array(), *e;
	size_t i;
	json_array_foreach(all, i, e) {
		json_t *phase = json_object_get(e, "phase");
		json_t *at = json_object_get(phase, "ApplyExtrinsic");
		if (json_is_integer(at) && json_integer_value(at) == u->xt_index)
			json_array_append(mine, e);
	}
	return mine;
}

/* What went wrong, in plain words: "Sudid(Err): System.
 * SpecVersionNeedsToIncrease: <docs>". */
static void
describe_error(struct upgrade *u, const char *where, json_t *dispatch_error,
    char *out, size_t outlen)
{
	char err[256];
	json_t *d = scale_value_dispatch_error(u->md, dispatch_error, err,
	    sizeof(err));
	const char *pallet = json_string_value(json_object_get(d, "pallet"));
	const char *name = json_string_value(json_object_get(d, "error"));
	const char *docs = json_string_value(json_object_get(d, "docs"));
	snprintf(out, outlen, "%s: %s%s%s%s%s", where, pallet ? pallet : "",
	    pallet ? "." : "", name ? name : "an undecodable error",
	    docs && docs[0] ? ": " : "", docs ? docs : "");
	if (d)
		json_object_set_new(u->outcome, "dispatch_error", d);
}

/* What a good outcome of the current extrinsic emits, besides
 * system.ExtrinsicSuccess. */
static void
expected_events(const struct upgrade *u, const char **first,
    const char **second)
{
	*second = NULL;
	if (u->type == UPGRADE_TYPE_DEMOCRACY)
		*first = u->part == 1 ? "preimage.Noted" : "democracy.Proposed";
	else if (u->type == UPGRADE_TYPE_AUTHORIZE && u->part == 1) {
		*first = "sudo.Sudid";
		*second = "system.UpgradeAuthorized";
	} else if (u->type == UPGRADE_TYPE_AUTHORIZE)
		*first = "system.CodeUpdated";
	else {
		*first = "sudo.Sudid";
		*second = "system.CodeUpdated";
	}
}

static bool
has_event(const json_t *events, const char *name)
{
	json_t *e;
	size_t i;
	json_array_foreach(events, i, e) {
		const char *n = json_string_value(json_object_get(e, "event"));
		if (n && strcmp(n, name) == 0)
			return true;
	}
	return false;
}

/* Sudid(Err) and ExtrinsicFailed are explained; a missing event is named. */
static bool
judge_events(struct upgrade *u, char *why, size_t whylen)
{
	const char *first, *second;
	json_t *e;
	size_t i;
	why[0] = '\0';
	json_array_foreach(u->events, i, e) {
		const char *name = json_string_value(json_object_get(e,
		    "event"));
		json_t *res = first_field(e);
		if (name && strcmp(name, "sudo.Sudid") == 0 &&
		    json_object_get(res, "Err"))
			describe_error(u, "Sudid(Err)", json_object_get(res, "Err"),
			    why, whylen);
		else if (name && strcmp(name, "system.ExtrinsicFailed") == 0)
			describe_error(u, "ExtrinsicFailed", res, why, whylen);
		else if (name && strcmp(name, "democracy.Proposed") == 0)
			json_object_set(u->outcome, "proposal_index",
			    json_is_object(json_object_get(e, "fields")) ?
			    json_object_get(json_object_get(e, "fields"),
			    "proposal_index") : res);
	}
	if (why[0] != '\0')
		return false;
	expected_events(u, &first, &second);
	const char *missing = !has_event(u->events, "system.ExtrinsicSuccess") ?
	    "system.ExtrinsicSuccess" : !has_event(u->events, first) ? first :
	    second && !has_event(u->events, second) ? second : NULL;
	if (missing)
		snprintf(why, whylen, "the block holds the extrinsic but not "
		    "%s: the %s did not take effect", missing, u->part == 1 &&
		    u->call2 ? "first step" : "upgrade");
	if (has_event(u->events, "system.CodeUpdated"))
		json_object_set_new(u->outcome, "code_updated", json_true());
	return missing == NULL;
}

/* ---- the post-check ---- */

static void
version_read(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	if (status != RPC_OK) {
		upgrade_lost(u, error);
		return;
	}
	json_t *spec = json_object_get(result, "specVersion");
	bool same = json_is_integer(spec) && json_integer_value(spec) ==
	    (json_int_t)u->report.spec_version;
	json_object_set(u->outcome, "spec_version", spec ? spec : json_null());
	bool code_ok = json_is_true(json_object_get(u->outcome,
	    "code_matches"));
	upgrade_step(u, "verified", json_pack("{s:b, s:O?, s:b}",
	    "code_matches", code_ok, "spec_version", spec, "version_matches",
	    same));
	char why[UPGRADE_ERR_MAX];
	if (!code_ok)
		snprintf(why, sizeof(why), "the chain's :code after block %s is "
		    "not the artifact %s", u->block_hash,
		    u->report.code_hash_hex);
	else if (!same)
		snprintf(why, sizeof(why), "the chain reports spec_version "
		    "%lld after the upgrade, not the artifact's %u",
		    (long long)json_integer_value(spec), u->report.spec_version);
	upgrade_finish(u, code_ok && same, code_ok && same ? NULL : why);
}

static void
code_read(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	char err[256];
	size_t len;
	if (status != RPC_OK) {
		upgrade_lost(u, error);
		return;
	}
	uint8_t *code = upgrade_unhex(result, UPGRADE_CODE_MAX * 2, &len, err,
	    sizeof(err));
	bool same = false;
	if (code) {
		uint8_t hash[32];
		crypto_generichash(hash, 32, code, len, NULL, 0);
		same = memcmp(hash, u->report.code_hash, 32) == 0;
	}
	free(code);
	json_object_set_new(u->outcome, "code_matches", json_boolean(same));
	call_or_fail(u, "state_getRuntimeVersion", json_pack("[s]",
	    u->block_hash), RPC_ANSWER_SMALL, version_read);
}

static void
post_check(struct upgrade *u)
{
	if (u->type == UPGRADE_TYPE_DEMOCRACY) {
		/* The code changes only if the referendum passes. */
		upgrade_finish(u, true, NULL);
		return;
	}
	call_or_fail(u, "state_getStorage", json_pack("[s, s]", CODE_KEY,
	    u->block_hash), RPC_ANSWER_LARGE, code_read);
}

/* ---- finality ---- */

static void
finalized_header(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	if (status != RPC_OK) {
		upgrade_lost(u, error);
		return;
	}
	const char *num = json_string_value(json_object_get(result, "number"));
	unsigned long n = num ? strtoul(num, NULL, 16) : 0;
	if (num && n >= u->block_number) {
		u->finalized = true;
		json_object_set_new(u->outcome, "finalized", json_true());
		upgrade_step(u, "finalized", json_pack("{s:s, s:I}",
		    "block_hash", u->block_hash, "finalized_number",
		    (json_int_t)n));
		post_check(u);
	} else if (time(NULL) > u->deadline) {
		json_object_set_new(u->outcome, "finalized", json_false());
		log_warnx("upgrade %" PRIu64 ": block %u not finalized after "
		    "%d s; checking the code anyway", u->id, u->block_number,
		    UPGRADE_FINALITY_TIMEOUT);
		post_check(u);
	} else
		later(u);
}

static void
finalized_head(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	if (status != RPC_OK || !json_is_string(result)) {
		upgrade_lost(u, error ? error : "chain_getFinalizedHead "
		    "answered no hash");
		return;
	}
	call_or_fail(u, "chain_getHeader", json_pack("[O]", result),
	    RPC_ANSWER_SMALL, finalized_header);
}

static void
wait_finality(struct upgrade *u)
{
	call_or_fail(u, "chain_getFinalizedHead", json_array(),
	    RPC_ANSWER_SMALL, finalized_head);
}

static void
events_read(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	char err[512];
	size_t len;
	if (status != RPC_OK) {
		upgrade_lost(u, error);
		return;
	}
	uint8_t *raw = upgrade_unhex(result, RPC_ANSWER_LARGE, &len, err,
	    sizeof(err));
	json_t *all = raw ? scale_value_events(u->md, raw, len, err,
	    sizeof(err)) : NULL;
	free(raw);
	if (all == NULL) {
		upgrade_lost(u, err);
		return;
	}
	json_decref(u->events);
	u->events = events_of_ours(u, all);
	json_decref(all);
	if (u->events_all == NULL)
		u->events_all = json_array();
	json_array_extend(u->events_all, u->events);
	remember_part(u);
	char why[UPGRADE_ERR_MAX];
	if (!judge_events(u, why, sizeof(why))) {
		upgrade_finish(u, false, why);
		return;
	}
	if (u->part == 1 && u->call2 != NULL) {
		start_part2(u);
		return;
	}
	u->deadline = time(NULL) + UPGRADE_FINALITY_TIMEOUT;
	wait_finality(u);
}

/* ---- inclusion ---- */

static bool
block_holds_ours(struct upgrade *u, json_t *block)
{
	json_t *xts = json_object_get(json_object_get(block, "block"),
	    "extrinsics"), *x;
	size_t i;
	char *mine = upgrade_hex(u->xt, u->xt_len);
	bool found = false;
	json_array_foreach(xts, i, x) {
		if (mine && json_string_length(x) == strlen(mine) &&
		    strcasecmp(json_string_value(x), mine) == 0) {
			u->xt_index = (int)i;
			found = true;
			break;
		}
	}
	free(mine);
	return found;
}

static void
block_read(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	if (status != RPC_OK) {
		upgrade_lost(u, error);
		return;
	}
	u->scanned_number++;
	if (!block_holds_ours(u, result)) {
		scan_next(u);
		return;
	}
	u->block_number = u->scanned_number;
	json_object_set_new(u->record, "block_hash", json_string(u->block_hash));
	json_object_set_new(u->record, "block_number",
	    json_integer(u->block_number));
	upgrade_step(u, "in_block", json_pack("{s:s, s:I, s:i, s:i}",
	    "block_hash", u->block_hash, "block_number",
	    (json_int_t)u->block_number, "index", u->xt_index, "part",
	    u->part));
	char *key = upgrade_storage_key("System", "Events", NULL, 0);
	if (key)
		call_or_fail(u, "state_getStorage", json_pack("[s, s]", key,
		    u->block_hash), RPC_ANSWER_LARGE, events_read);
	else
		upgrade_lost(u, "out of memory");
	free(key);
}

static void
hash_read(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	uint8_t h[32];
	if (status != RPC_OK || upgrade_unhex32(json_string_value(result), h)) {
		upgrade_lost(u, error ? error : "chain_getBlockHash "
		    "answered no hash");
		return;
	}
	snprintf(u->block_hash, sizeof(u->block_hash), "%s",
	    json_string_value(result));
	call_or_fail(u, "chain_getBlock", json_pack("[s]", u->block_hash),
	    RPC_ANSWER_LARGE, block_read);
}

static void
scan_next(struct upgrade *u)
{
	u->block_hash[0] = '\0';
	if (u->scanned_number >= u->scan_target) {
		if (time(NULL) > u->deadline)
			upgrade_lost(u, "the extrinsic was submitted but "
			    "is not in a block after the timeout; it may still be "
			    "in the node's pool: check the chain before retrying");
		else
			later(u);
		return;
	}
	call_or_fail(u, "chain_getBlockHash", json_pack("[I]",
	    (json_int_t)u->scanned_number + 1), RPC_ANSWER_SMALL, hash_read);
}

static void
best_read(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	const char *num = json_string_value(json_object_get(result, "number"));
	if (status != RPC_OK || num == NULL) {
		upgrade_lost(u, error ? error : "chain_getHeader "
		    "answered no block number");
		return;
	}
	u->scan_target = (uint32_t)strtoul(num, NULL, 16);
	scan_next(u);
}

static void
poll_best(struct upgrade *u)
{
	call_or_fail(u, "chain_getHeader", json_array(), RPC_ANSWER_SMALL,
	    best_read);
}

/* ---- the second extrinsic ---- */

/* authorize_upgrade: the code goes unsigned, now that it is authorized;
 * democracy_proposal: the proposal, signed with the next nonce. */
static void
start_part2(struct upgrade *u)
{
	uint32_t after = u->block_number;
	u->part = 2;
	if (u->type == UPGRADE_TYPE_DEMOCRACY) {
		u->nonce++;
		upgrade_audit_sign(u);
	}
	if (!upgrade_build_extrinsic(u, u->type == UPGRADE_TYPE_DEMOCRACY))
		return;
	char *tx = upgrade_hex(u->tx_hash, 32);
	upgrade_step(u, "signed", json_pack("{s:i, s:s?, s:b}", "part", 2,
	    "tx_hash", tx, "unsigned", u->type == UPGRADE_TYPE_AUTHORIZE));
	free(tx);
	u->block_hash[0] = '\0';
	u->xt_index = -1;
	u->best_number = after;
	/* Until the second goes out, the first is all that is on chain, and
	 * it does not change the code. */
	u->sent = false;
	submit(u);
}

/* ---- submission ---- */

static void
submitted(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	char *mine = upgrade_hex(u->tx_hash, 32);
	if (status != RPC_OK) {
		free(mine);
		json_object_set_new(u->record, "check", json_string("submit"));
		/* The node's own refusal, a node that could not be reached or
		 * a call refused before it left: its pool does not hold it. A
		 * lost answer means it may. */
		if (status == RPC_ERR_REMOTE || status == RPC_ERR_UNREACHABLE ||
		    status == RPC_ERR_BAD_CALL) {
			u->sent = false;
			json_object_del(u->record, "submitted");
			upgrade_lost(u, error);
		} else
			upgrade_lost(u, error);
		return;
	}
	if (mine && json_is_string(result) &&
	    strcasecmp(json_string_value(result), mine) != 0)
		log_warnx("upgrade %" PRIu64 ": the node names the extrinsic %s, "
		    "rtforge computed %s", u->id, json_string_value(result), mine);
	free(mine);
	upgrade_step(u, "submitted", json_pack("{s:O, s:i}", "tx_hash", result,
	    "part", u->part));
	u->deadline = time(NULL) + UPGRADE_INCLUSION_TIMEOUT;
	u->scanned_number = u->best_number;
	poll_best(u);
}

static void
submit(struct upgrade *u)
{
	char *hex = upgrade_hex(u->xt, u->xt_len);
	bool before = u->sent;
	json_object_set_new(u->record, "submitted", json_true());
	upgrade_save(u);
	u->sent = true;
	if (hex == NULL || upgrade_rpc_hex("author_submitExtrinsic", NULL, hex,
	    RPC_ANSWER_SMALL, submitted, u) == 0) {
		u->sent = before;
		if (!before)
			json_object_del(u->record, "submitted");
		upgrade_lost(u, hex == NULL ? "out of memory before submitting "
		    "it; it was not sent" : "cannot ask the node (out of memory "
		    "or stopping); it was not sent");
	}
	free(hex);
}

static void
rollback_read(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	char err[256], path[96];
	size_t len;
	uint8_t *code = status == RPC_OK ? upgrade_unhex(result,
	    UPGRADE_CODE_MAX * 2, &len, err, sizeof(err)) : NULL;
	if (code == NULL || upgrade_store_blob(u->id, ".rollback.wasm", code,
	    len) != 0) {
		free(code);
		json_object_set_new(u->record, "check", json_string("rollback"));
		upgrade_lost(u, status != RPC_OK ? error : "cannot keep "
		    "the chain's current code as a rollback artifact; nothing "
		    "was sent");
		return;
	}
	uint8_t hash[32];
	crypto_generichash(hash, 32, code, len, NULL, 0);
	free(code);
	char *hex = upgrade_hex(hash, 32);
	json_t *rt = json_object_get(u->chain, "runtime");
	snprintf(path, sizeof(path), "upgrades/%" PRIu64 ".rollback.wasm", u->id);
	json_object_set_new(u->record, "rollback", json_pack("{s:s, s:s?, s:I, "
	    "s:O?, s:O?}", "path", path, "hash", hex, "size", (json_int_t)len,
	    "spec_name", json_object_get(rt, "spec_name"), "spec_version",
	    json_object_get(rt, "spec_version")));
	free(hex);
	submit(u);
}

void
upgrade_follow_start(struct upgrade *u)
{
	json_t *rt = json_object_get(u->chain, "runtime");
	char *proposal = upgrade_hex(u->proposal_hash, 32);
	char *tx = upgrade_hex(u->tx_hash, 32);
	u->outcome = json_object();
	upgrade_step(u, "checks", json_pack("{s:O?, s:I, s:O?, s:b, s:s?, s:I, "
	    "s:s?, s:I}", "from", json_object_get(rt, "spec_version"), "to",
	    (json_int_t)u->report.spec_version, "fee", u->fee,
	    "unchecked_weight", u->unchecked_weight, "unchecked_reason",
	    u->unchecked_weight ? u->unchecked_reason : NULL, "nonce",
	    (json_int_t)u->nonce, "proposal_hash", proposal, "extrinsic_size",
	    (json_int_t)u->xt_len));
	upgrade_step(u, "signed", json_pack("{s:s?, s:s, s:s}", "tx_hash", tx,
	    "signer", u->ss58, "scheme", key_scheme_name(u->scheme)));
	free(proposal);
	free(tx);
	call_or_fail(u, "state_getStorage", json_pack("[s]", CODE_KEY),
	    RPC_ANSWER_LARGE, rollback_read);
}
