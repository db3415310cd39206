/* Pre-flight: every check that can refuse an upgrade runs before a real
 * signature exists. The extrinsic is first built with a zero signature of
 * the right length (its size, fee and the signer's balance do not depend
 * on the signature); only then is it signed for real and checked by the
 * chain's own TaggedTransactionQueue_validate_transaction. A dry run stops
 * before the real signature. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "chain_status.h"
#include "config.h"
#include "log.h"
#include "scale.h"
#include "scale_value.h"
#include "scale_value_int.h"
#include "upgrade_int.h"
#include "verdict.h"

#define VALIDATE_SOURCE_EXTERNAL 2
#define INVALID_EXHAUSTS_RESOURCES 6

static void build_and_price(struct upgrade *u);
static void sign_and_validate(struct upgrade *u);

/* ---- checks that need no node ---- */

/* "http://host:port/…" → host, without brackets. */
static void
url_host(const char *url, char *host, size_t len)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = 0;
	if (*p == '[') {
		p++;
		while (p[n] && p[n] != ']')
			n++;
	} else
		while (p[n] && p[n] != ':' && p[n] != '/' && p[n] != '?')
			n++;
	snprintf(host, len, "%.*s", (int)n, p);
}

static bool
check_config(struct upgrade *u)
{
	const struct rtforge_config *cfg = uctx.cfg;
	char host[256];
	url_host(cfg->node_url, host, sizeof(host));
	if (!cfg->sign.allow_remote_node && !config_host_is_loopback(host)) {
		upgrade_refuse(u, 409, "node_url", "node_url %s is not on "
		    "loopback; a remote node could lie about the chain. Run the "
		    "node on this host, or set sign.allow_remote_node to true "
		    "if you trust the path to it", cfg->node_url);
		return false;
	}
	if (!cfg->dev && cfg->sign.genesis_hash[0] == '\0') {
		upgrade_refuse(u, 409, "genesis", "sign.genesis_hash is not set: "
		    "pin the chain this host upgrades (GET /api/chain shows "
		    "the node's genesis_hash) and reload");
		return false;
	}
	return true;
}

static bool
check_signer(struct upgrade *u)
{
	const struct signer *s = uctx.signer;
	if (s->custody == NULL) {
		upgrade_refuse(u, 409, "signer", "no signing key is loaded: %s",
		    s->error[0] ? s->error : "sign.keys is empty");
		return false;
	}
	if (u->account_index >= custody_count(s->custody)) {
		upgrade_refuse(u, 422, "account_index", "account_index %u does "
		    "not exist: %zu key(s) are configured (GET /api/signer)",
		    u->account_index, custody_count(s->custody));
		return false;
	}
	custody_scheme(s->custody, u->account_index, &u->scheme);
	custody_account_id(s->custody, u->account_index, u->account);
	if (u->use_quantum_sig && u->scheme != KEY_SCHEME_SPHINCS) {
		upgrade_refuse(u, 422, "use_quantum_sig", "use_quantum_sig needs "
		    "a SPHINCS+ key, but key %u is %s; pick a SPHINCS+ key with "
		    "account_index", u->account_index,
		    key_scheme_name(u->scheme));
		return false;
	}
	u->hasher = u->scheme == KEY_SCHEME_SPHINCS ?
	    EXTRINSIC_HASHER_KECCAK_256 : EXTRINSIC_HASHER_BLAKE2_256;
	return true;
}

/* ---- the chain's state ---- */

static uint16_t
chain_prefix(const struct metadata *md)
{
	char err[128];
	json_t *p = scale_value_constant(md, "System", "SS58Prefix", err,
	    sizeof(err));
	json_int_t v = json_is_integer(p) ? json_integer_value(p) : 42;
	json_decref(p);
	return v >= 0 && v <= SS58_PREFIX_MAX ? (uint16_t)v : 42;
}

static bool
check_chain_identity(struct upgrade *u)
{
	const char *genesis = json_string_value(json_object_get(u->chain,
	    "genesis_hash"));
	const char *pin = uctx.cfg->sign.genesis_hash;
	if (upgrade_unhex32(genesis, u->genesis) != 0) {
		upgrade_refuse(u, 502, "node", "the node gave no usable genesis "
		    "hash");
		return false;
	}
	if (pin[0] && strcasecmp(pin, genesis) != 0) {
		upgrade_refuse(u, 409, "genesis", "the node at %s runs chain %s, "
		    "not the pinned %s (sign.genesis_hash): wrong node_url, or "
		    "the wrong chain; nothing was signed", uctx.cfg->node_url,
		    genesis, pin);
		return false;
	}
	json_t *best = json_object_get(u->chain, "best");
	json_int_t number = json_integer_value(json_object_get(best, "number"));
	if (upgrade_unhex32(json_string_value(json_object_get(best, "hash")),
	    u->best_hash) != 0 || number < 0 || number > UINT32_MAX) {
		upgrade_refuse(u, 502, "node", "the node gave no usable best "
		    "block");
		return false;
	}
	u->best_number = (uint32_t)number;
	return true;
}

static bool
check_versions(struct upgrade *u)
{
	json_t *chain_rt = json_object_get(u->chain, "runtime");
	json_t *art = json_pack("{s:s, s:I}", "spec_name", u->report.spec_name,
	    "spec_version", (json_int_t)u->report.spec_version);
	json_t *v = verdict_for(art, chain_rt);
	json_decref(art);
	const char *verdict = json_string_value(json_object_get(v, "verdict"));
	if (verdict && strcmp(verdict, "ready") == 0) {
		json_decref(v);
		return true;
	}
	const char *chain_name = json_string_value(json_object_get(chain_rt,
	    "spec_name"));
	bool name_differs = chain_name == NULL ||
	    strcmp(chain_name, u->report.spec_name) != 0;
	upgrade_refuse(u, 409, name_differs ? "spec_name" : "spec_version",
	    "%s; nothing was signed", json_string_value(json_object_get(v,
	    "reason")) ? json_string_value(json_object_get(v, "reason")) :
	    "the artifact's runtime version cannot replace the chain's");
	json_decref(v);
	return false;
}

static bool
check_sudo(struct upgrade *u)
{
	const char *key = json_string_value(json_object_get(u->chain,
	    "sudo_key"));
	char mine[67];
	uint16_t prefix = chain_prefix(u->md);
	ss58_encode(u->ss58, sizeof(u->ss58), u->account, prefix);
	if (u->type == UPGRADE_TYPE_DEMOCRACY)
		return true;
	if (key == NULL) {
		upgrade_refuse(u, 422, "sudo_key", "the chain has no Sudo key, so "
		    "upgrade_type \"%s\" cannot work; use democracy_proposal on "
		    "a chain with Democracy", upgrade_type_name(u->type));
		return false;
	}
	sodium_bin2hex(mine + 2, sizeof(mine) - 2, u->account, 32);
	mine[0] = '0';
	mine[1] = 'x';
	if (strcasecmp(key, mine) != 0) {
		char sudo_ss58[SS58_ADDRESS_MAX] = "";
		uint8_t sudo_id[32];
		if (upgrade_unhex32(key, sudo_id) == 0)
			ss58_encode(sudo_ss58, sizeof(sudo_ss58), sudo_id, prefix);
		upgrade_refuse(u, 409, "sudo_key", "the signer %s (key %u) is not "
		    "the chain's Sudo key %s; configure that key in sign.keys or "
		    "pick it with account_index; nothing was signed", u->ss58,
		    u->account_index, sudo_ss58[0] ? sudo_ss58 : key);
		return false;
	}
	return true;
}

static bool
call_failed(struct upgrade *u, const char *err)
{
	upgrade_refuse(u, 422, "call", "cannot build the call from the chain's "
	    "metadata: %s", err);
	return false;
}

/* sudo: Sudo.sudo(set_code) or sudo_unchecked_weight(set_code, 0);
 * authorize_upgrade: Sudo.sudo(authorize_upgrade(hash)), then
 * apply_authorized_upgrade(code); democracy_proposal:
 * note_preimage(set_code), then propose(Lookup{hash, len}). */
bool
upgrade_build_calls(struct upgrade *u)
{
	char err[UPGRADE_CALL_ERR_MAX];
	uint8_t *set_code = NULL, *inner = NULL;
	size_t set_code_len = 0, inner_len = 0;
	int r;
	free(u->call);
	free(u->call2);
	u->call = u->call2 = NULL;
	if (upgrade_call_set_code(u->md, u->code, u->code_len, &set_code,
	    &set_code_len, err, sizeof(err)) != 0)
		return call_failed(u, err);
	crypto_generichash(u->proposal_hash, 32, set_code, set_code_len, NULL,
	    0);
	switch (u->type) {
	case UPGRADE_TYPE_SUDO:
		r = upgrade_call_sudo(u->md, set_code, set_code_len,
		    u->unchecked_weight, &u->call, &u->call_len, err,
		    sizeof(err));
		break;
	case UPGRADE_TYPE_AUTHORIZE:
		r = upgrade_call_authorize(u->md, u->report.code_hash, &inner,
		    &inner_len, err, sizeof(err));
		if (r == 0)
			r = upgrade_call_sudo(u->md, inner, inner_len, 0, &u->call,
			    &u->call_len, err, sizeof(err));
		if (r == 0)
			r = upgrade_call_apply_authorized(u->md, u->code,
			    u->code_len, &u->call2, &u->call2_len, err,
			    sizeof(err));
		break;
	default:
		r = upgrade_call_note_preimage(u->md, set_code, set_code_len,
		    &u->call, &u->call_len, err, sizeof(err));
		if (r == 0)
			r = upgrade_call_democracy_propose(u->md, u->proposal_hash,
			    (uint32_t)set_code_len, &u->call2, &u->call2_len, err,
			    sizeof(err));
	}
	free(set_code);
	free(inner);
	return r == 0 ? true : call_failed(u, err);
}

static bool
check_type(struct upgrade *u)
{
	char err[UPGRADE_CALL_ERR_MAX];
	if (upgrade_call_supported(u->md, u->type, err, sizeof(err)) != 0) {
		upgrade_refuse(u, 422, "upgrade_type", "%s", err);
		return false;
	}
	return true;
}

static void
nonce_fetched(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	if (status != RPC_OK) {
		upgrade_refuse(u, 502, "node", "%s", error);
		return;
	}
	if (!json_is_integer(result) || json_integer_value(result) < 0 ||
	    json_integer_value(result) > UINT32_MAX) {
		upgrade_refuse(u, 502, "node", "system_accountNextIndex answered "
		    "something that is not a u32 nonce");
		return;
	}
	u->nonce = (uint32_t)json_integer_value(result);
	build_and_price(u);
}

static void
ask_nonce(struct upgrade *u)
{
	if (upgrade_rpc("system_accountNextIndex", json_pack("[s]", u->ss58),
	    RPC_ANSWER_SMALL, nonce_fetched, u) == 0)
		upgrade_refuse(u, 503, "node", "cannot ask the node for the "
		    "nonce (out of memory or stopping)");
}

/* A mortal era signs the hash of the block it is born at. */
static void
birth_fetched(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	if (status != RPC_OK || upgrade_unhex32(json_string_value(result),
	    u->birth_hash) != 0) {
		upgrade_refuse(u, 502, "node", "%s", error ? error :
		    "chain_getBlockHash answered no hash for the era's birth "
		    "block");
		return;
	}
	ask_nonce(u);
}

static void
chain_fetched(json_t *status, uint8_t *metadata, size_t metadata_len,
    enum rpc_status why, const char *error, void *arg)
{
	struct upgrade *u = arg;
	char err[512];
	(void)why;
	if (error != NULL) {
		upgrade_refuse(u, 502, "node", "%s; nothing was signed", error);
		return;
	}
	u->chain = status;
	u->md = metadata_decode_any(metadata, metadata_len, err, sizeof(err));
	free(metadata);
	if (u->md == NULL) {
		upgrade_refuse(u, 502, "metadata", "the chain's metadata cannot "
		    "be read: %s", err);
		return;
	}
	if (!check_chain_identity(u) || !check_versions(u) || !check_sudo(u) ||
	    !check_type(u) || !upgrade_build_calls(u))
		return;
	if (u->mortal_period == 0) {
		ask_nonce(u);
		return;
	}
	uint32_t birth = extrinsic_era_birth(u->mortal_period, u->best_number);
	if (upgrade_rpc("chain_getBlockHash", json_pack("[I]",
	    (json_int_t)birth), RPC_ANSWER_SMALL, birth_fetched, u) == 0)
		upgrade_refuse(u, 503, "node", "cannot ask the node for the "
		    "era's birth block (out of memory or stopping)");
}

void
upgrade_preflight_start(struct upgrade *u)
{
	struct chain_status_options opts = {
		.timeout_seconds = UPGRADE_RPC_TIMEOUT,
	};
	if (!check_config(u) || !check_signer(u))
		return;
	if (chain_status_fetch(uctx.rpc, &opts, chain_fetched, u) != 0)
		upgrade_refuse(u, 503, "node", "cannot ask the node (out of "
		    "memory or stopping)");
}

/* ---- the extrinsic ---- */

static int
zero_sign(void *arg, size_t index, const uint8_t *msg, size_t len,
    uint8_t *sig, size_t sig_cap, size_t *sig_len, char *err, size_t errlen)
{
	const struct upgrade *u = arg;
	size_t n = key_scheme_signature_len(u->scheme);
	(void)index;
	(void)msg;
	(void)len;
	if (n > sig_cap) {
		snprintf(err, errlen, "signature buffer too small");
		return -1;
	}
	memset(sig, 0, n);
	*sig_len = n;
	return 0;
}

bool
upgrade_build_extrinsic(struct upgrade *u, bool for_real)
{
	char err[EXTRINSIC_ERR_MAX];
	json_t *rt = json_object_get(u->chain, "runtime");
	struct extrinsic_params p = {
		.spec_version = (uint32_t)json_integer_value(json_object_get(rt,
		    "spec_version")),
		.transaction_version = (uint32_t)json_integer_value(
		    json_object_get(rt, "transaction_version")),
		.nonce = u->nonce,
		.hasher = u->hasher,
		.era = { .mortal = u->mortal_period != 0,
			.period = u->mortal_period, .current = u->best_number },
	};
	struct extrinsic_signer s;
	int r;
	memcpy(p.genesis_hash, u->genesis, 32);
	memcpy(p.era.birth_hash, u->birth_hash, 32);
	free(u->xt);
	u->xt = NULL;
	const uint8_t *call = u->part == 2 ? u->call2 : u->call;
	size_t call_len = u->part == 2 ? u->call2_len : u->call_len;
	if (u->part == 2 && u->type == UPGRADE_TYPE_AUTHORIZE) {
		/* The big blob goes unsigned: anyone may apply an authorized
		 * upgrade. */
		if (extrinsic_build_unsigned(u->md, call, call_len, u->hasher,
		    &u->xt, &u->xt_len, u->tx_hash, err, sizeof(err)) == 0)
			return true;
		upgrade_refuse(u, 422, "extrinsic", "cannot build the unsigned "
		    "apply_authorized_upgrade: %s", err);
		return false;
	}
	if (extrinsic_signer_from_custody(&s, uctx.signer->custody,
	    u->account_index, err, sizeof(err)) != 0) {
		upgrade_refuse(u, 500, "signer", "%s", err);
		return false;
	}
	if (for_real)
		r = extrinsic_build_signed(u->md, call, call_len, &p,
		    uctx.signer->custody, u->account_index, &u->xt, &u->xt_len,
		    u->tx_hash, err, sizeof(err));
	else {
		s.sign = zero_sign;
		s.arg = u;
		r = extrinsic_build_signed_with(u->md, call, call_len, &p,
		    &s, &u->xt, &u->xt_len, u->tx_hash, err, sizeof(err));
	}
	if (r != 0) {
		upgrade_refuse(u, 422, u->use_quantum_sig ? "use_quantum_sig" :
		    "extrinsic", "cannot build the extrinsic for this chain: %s",
		    err);
		return false;
	}
	u->signed_for_real = for_real;
	return true;
}

static bool
check_block_length(struct upgrade *u)
{
	json_t *max = json_object_get(u->chain, "max_block_length");
	/* apply_authorized_upgrade goes unsigned: its call, a prefix and the
	 * version byte. */
	size_t biggest = u->xt_len;
	if (u->type == UPGRADE_TYPE_AUTHORIZE && u->call2_len + 6 > biggest)
		biggest = u->call2_len + 6;
	if (json_is_integer(max) && biggest > (size_t)json_integer_value(max)) {
		upgrade_refuse(u, 422, "block_length", "the extrinsic is %zu "
		    "bytes, over the chain's %lld-byte limit for a normal "
		    "block; a compressed runtime is smaller", biggest,
		    (long long)json_integer_value(max));
		return false;
	}
	return true;
}

/* state_call's data: the extrinsic, then its length as u32 LE. */
static char *
query_info_params(const struct upgrade *u)
{
	uint8_t *buf = malloc(u->xt_len + 4);
	if (buf == NULL)
		return NULL;
	memcpy(buf, u->xt, u->xt_len);
	for (int i = 0; i < 4; i++)
		buf[u->xt_len + (size_t)i] = (uint8_t)(u->xt_len >> (8 * i));
	char *hex = upgrade_hex(buf, u->xt_len + 4);
	free(buf);
	return hex;
}

/* Weight V1 is a bare u64; V2 is {ref_time, proof_size} as compacts. The
 * chain's own BlockWeights constant says which, and its limits. */
static bool
weight_is_v2(const struct metadata *md, json_t **limits)
{
	char err[128];
	json_t *bw = scale_value_constant(md, "System", "BlockWeights", err,
	    sizeof(err));
	*limits = bw;
	return json_is_object(json_object_get(bw, "max_block"));
}

static json_t *
weight_max_extrinsic(json_t *limits)
{
	json_t *normal = json_object_get(json_object_get(limits, "per_class"),
	    "normal");
	json_t *max = json_object_get(normal, "max_extrinsic");
	if (json_is_object(max) && json_object_get(max, "Some"))
		return json_object_get(max, "Some");
	return json_object_get(limits, "max_block");
}

static uint64_t
weight_ref_time(json_t *w)
{
	json_t *v = json_is_object(w) ? json_object_get(w, "ref_time") : w;
	if (json_is_integer(v))
		return (uint64_t)json_integer_value(v);
	return json_is_string(v) ? strtoull(json_string_value(v), NULL, 10) : 0;
}

static bool
decode_fee(struct upgrade *u, const uint8_t *b, size_t len, char *err,
    size_t errlen)
{
	json_t *limits = NULL;
	bool v2 = weight_is_v2(u->md, &limits);
	struct scale_reader r;
	uint64_t ref = 0, proof = 0;
	uint8_t class = 0, fee[16] = { 0 };
	const uint8_t *rest;
	char fee_text[48];
	scale_reader_init(&r, b, len);
	if (v2) {
		scale_read_compact(&r, &ref);
		scale_read_compact(&r, &proof);
	} else
		scale_read_u64(&r, &ref);
	scale_read_u8(&r, &class);
	size_t left = scale_remaining(&r);
	if (!scale_ok(&r) || (left != 16 && left != 8) ||
	    !scale_read_view(&r, &rest, left)) {
		json_decref(limits);
		snprintf(err, errlen, "TransactionPaymentApi_query_info answered "
		    "%zu bytes that are not a RuntimeDispatchInfo", len);
		return false;
	}
	memcpy(fee, rest, left);
	sv_le_to_decimal(fee, 16, false, fee_text);
	json_decref(u->fee);
	u->fee = json_pack("{s:s, s:{s:I, s:I}, s:s}", "partial_fee", fee_text,
	    "weight", "ref_time", (json_int_t)ref, "proof_size",
	    (json_int_t)proof, "class", class == 0 ? "normal" : class == 1 ?
	    "operational" : "mandatory");
	uint64_t max = weight_ref_time(weight_max_extrinsic(limits));
	if (u->type == UPGRADE_TYPE_SUDO && !u->unchecked_weight && max > 0 &&
	    ref > max) {
		u->unchecked_weight = true;
		snprintf(u->unchecked_reason, sizeof(u->unchecked_reason),
		    "set_code weighs %" PRIu64 " (ref_time), over the %" PRIu64
		    " a normal extrinsic may use", ref, max);
	}
	json_decref(limits);
	return true;
}

static unsigned __int128
u128_of(const json_t *v)
{
	unsigned __int128 x = 0;
	if (json_is_integer(v))
		return json_integer_value(v) > 0 ?
		    (unsigned __int128)json_integer_value(v) : 0;
	const char *s = json_string_value(v);
	for (; s && *s >= '0' && *s <= '9'; s++)
		x = x * 10 + (unsigned)(*s - '0');
	return x;
}

static void
balance_fetched(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	if (status != RPC_OK) {
		upgrade_refuse(u, 502, "node", "%s", error);
		return;
	}
	unsigned __int128 free_balance = 0;
	if (!json_is_null(result)) {
		char err[256];
		const struct md_storage_entry *e = metadata_storage(u->md,
		    "System", "Account");
		size_t len;
		uint8_t *b = upgrade_unhex(result, 4096, &len, err, sizeof(err));
		json_t *info = b && e ? scale_value_decode_bytes(u->md, e->value,
		    b, len, err, sizeof(err)) : NULL;
		free(b);
		free_balance = u128_of(json_object_get(json_object_get(info,
		    "data"), "free"));
		json_decref(info);
	}
	unsigned __int128 fee = u128_of(json_object_get(u->fee, "partial_fee"));
	if (fee > free_balance) {
		upgrade_refuse(u, 409, "balance", "the signer %s cannot pay the "
		    "fee of %s (smallest units): its free balance is lower; fund "
		    "it and try again", u->ss58, json_string_value(
		    json_object_get(u->fee, "partial_fee")));
		return;
	}
	if (u->dry_run) {
		uint8_t call_hash[32];
		crypto_generichash(call_hash, 32, u->call, u->call_len, NULL, 0);
		char *hash = upgrade_hex(call_hash, 32);
		char *proposal = upgrade_hex(u->proposal_hash, 32);
		json_t *o = json_pack("{s:b, s:s, s:b, s:s?, s:O, s:s?, s:I, s:I, "
		    "s:I, s:s, s:s}", "dry_run", 1, "upgrade_type",
		    upgrade_type_name(u->type), "unchecked_weight",
		    u->unchecked_weight, "unchecked_reason",
		    u->unchecked_weight ? u->unchecked_reason : NULL, "fee", u->fee,
		    "call_hash", hash, "call_size", (json_int_t)u->call_len,
		    "extrinsic_size", (json_int_t)u->xt_len, "nonce",
		    (json_int_t)u->nonce, "signer", u->ss58, "validate_transaction",
		    "not run: it needs a real signature, and a dry run signs "
		    "nothing");
		json_object_set_new(o, "proposal_hash", proposal ?
		    json_string(proposal) : json_null());
		free(hash);
		free(proposal);
		upgrade_dry_run_answer(u, o);
		return;
	}
	sign_and_validate(u);
}

static void
fee_fetched(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	char err[256];
	size_t len;
	if (status != RPC_OK) {
		upgrade_refuse(u, 502, "fee", "the fee query failed: %s", error);
		return;
	}
	bool was_unchecked = u->unchecked_weight;
	uint8_t *b = upgrade_unhex(result, 4096, &len, err, sizeof(err));
	bool ok = b && decode_fee(u, b, len, err, sizeof(err));
	free(b);
	if (!ok) {
		upgrade_refuse(u, 502, "fee", "%s", err);
		return;
	}
	if (u->unchecked_weight != was_unchecked) {
		/* Rebuilt as sudo_unchecked_weight, which declares less weight
		 * and so pays less: the fee just quoted is an upper bound, good
		 * enough for the balance check, and the chain need not run
		 * the multi-megabyte query twice. */
		if (!upgrade_build_calls(u) || !upgrade_build_extrinsic(u, false) ||
		    !check_block_length(u))
			return;
		json_object_set_new(u->fee, "upper_bound", json_true());
	}
	char *key = upgrade_storage_key("System", "Account", u->account, 32);
	if (key == NULL || upgrade_rpc("state_getStorage", json_pack("[s]",
	    key), RPC_ANSWER_SMALL, balance_fetched, u) == 0)
		upgrade_refuse(u, 503, "node", "cannot ask the node for the "
		    "signer's balance");
	free(key);
}

static void
build_and_price(struct upgrade *u)
{
	if (!upgrade_build_calls(u) || !upgrade_build_extrinsic(u, false) ||
	    !check_block_length(u))
		return;
	char *data = query_info_params(u);
	if (data == NULL || upgrade_rpc_hex("state_call",
	    "TransactionPaymentApi_query_info", data, RPC_ANSWER_SMALL,
	    fee_fetched, u) == 0)
		upgrade_refuse(u, 503, "fee", "cannot ask the node for the fee "
		    "(out of memory or stopping)");
	free(data);
}

/* ---- the real signature and the chain's own check ---- */

static const char *const invalid_names[] = {
	"Call", "Payment (the signer cannot pay the fee)", "Future (nonce too "
	"high)", "Stale (nonce already used)", "BadProof (bad signature)",
	"AncientBirthBlock", "ExhaustsResources (the block cannot hold it)",
	"Custom", "BadMandatory", "MandatoryValidation", "BadSigner",
};
static const char *const unknown_names[] = {
	"CannotLookup", "NoUnsignedValidator", "Custom",
};

static const char *
validity_name(uint8_t kind, uint8_t which)
{
	if (kind == 0 && which < sizeof(invalid_names) / sizeof(invalid_names[0]))
		return invalid_names[which];
	if (kind == 1 && which < sizeof(unknown_names) / sizeof(unknown_names[0]))
		return unknown_names[which];
	return "unknown";
}

static void
validated(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct upgrade *u = arg;
	char err[256];
	size_t len;
	if (status != RPC_OK) {
		upgrade_refuse(u, 502, "validate_transaction", "the chain's "
		    "validation call failed: %s", error);
		return;
	}
	uint8_t *b = upgrade_unhex(result, 4096, &len, err, sizeof(err));
	if (b == NULL || len < 1) {
		free(b);
		upgrade_refuse(u, 502, "validate_transaction", "the chain's "
		    "validation answer is unreadable");
		return;
	}
	uint8_t ok = b[0], kind = len > 1 ? b[1] : 0xff, which = len > 2 ?
	    b[2] : 0xff;
	free(b);
	if (ok == 0) {
		upgrade_accept(u);
		if (u->accepted)
			upgrade_follow_start(u);
		return;
	}
	if (kind == 0 && which == INVALID_EXHAUSTS_RESOURCES &&
	    u->type == UPGRADE_TYPE_SUDO && !u->unchecked_weight) {
		u->unchecked_weight = true;
		snprintf(u->unchecked_reason, sizeof(u->unchecked_reason),
		    "the chain says Sudo.sudo(System.set_code) exhausts the "
		    "block's resources");
		build_and_price(u);
		return;
	}
	upgrade_refuse(u, 409, "validate_transaction", "the chain would "
	    "refuse the extrinsic: %s transaction, %s; nothing was sent",
	    kind == 0 ? "invalid" : "unknown", validity_name(kind, which));
}

static void
sign_and_validate(struct upgrade *u)
{
	upgrade_audit_sign(u);
	if (!upgrade_build_extrinsic(u, true))
		return;
	uint8_t *buf = malloc(u->xt_len + 33);
	if (buf == NULL) {
		upgrade_refuse(u, 500, "memory", "out of memory");
		return;
	}
	buf[0] = VALIDATE_SOURCE_EXTERNAL;
	memcpy(buf + 1, u->xt, u->xt_len);
	memcpy(buf + 1 + u->xt_len, u->best_hash, 32);
	char *data = upgrade_hex(buf, u->xt_len + 33);
	free(buf);
	if (data == NULL || upgrade_rpc_hex("state_call",
	    "TaggedTransactionQueue_validate_transaction", data,
	    RPC_ANSWER_SMALL, validated, u) == 0)
		upgrade_refuse(u, 503, "validate_transaction", "cannot ask the "
		    "node to validate (out of memory or stopping)");
	free(data);
}
