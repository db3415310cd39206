/* The upgrade's life: the request read and its artifact re-hashed and
 * inspected here, then pre-flight (upgrade_preflight.c), then submission
 * and the post-check (upgrade_follow.c); the answer, events, record and
 * audit lines are written from here. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"
#include "timefmt.h"
#include "upgrade_int.h"
#include "upgrade_store.h"

struct upgrade_context uctx;
static struct upgrade *current;
/* Read once, at start, like the keys: a reload frees the role's copy. */
static struct rtforge_config cfg_at_start;

int
upgrade_init(struct event_base *base, const struct rtforge_config *cfg,
    struct signer *signer, upgrade_reply_fn reply, upgrade_event_fn event,
    char *err, size_t errlen)
{
	cfg_at_start = *cfg;
	uctx.base = base;
	uctx.cfg = &cfg_at_start;
	uctx.signer = signer;
	uctx.reply = reply;
	uctx.event = event;
	if (upgrade_store_open(cfg_at_start.state_dir, err, errlen) != 0 ||
	    (uctx.rpc = rpc_client_new(base, cfg->node_url, err, errlen)) ==
	    NULL) {
		snprintf(uctx.init_error, sizeof(uctx.init_error), "%s", err);
		return -1;
	}
	return 0;
}

const char *
upgrade_state(void)
{
	return current ? "upgrading" : "idle";
}

static void
upgrade_free(struct upgrade *u)
{
	if (u == NULL)
		return;
	if (u->timer)
		event_free(u->timer);
	json_decref(u->record);
	json_decref(u->artifact);
	json_decref(u->chain);
	json_decref(u->fee);
	json_decref(u->events);
	json_decref(u->events_all);
	json_decref(u->outcome);
	metadata_free(u->md);
	if (u->report_valid)
		wasm_report_free(&u->report);
	free(u->code);
	free(u->call);
	free(u->call2);
	free(u->xt);
	if (current == u)
		current = NULL;
	free(u);
}

static void
emit(struct upgrade *u, const char *name, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text == NULL || !u->accepted) {
		free(text);
		return;
	}
	uint64_t id = u->next_event_id;
	if (upgrade_store_event(u->id, id, name, text) == 0) {
		u->next_event_id++;
		json_object_set_new(u->record, "next_event_id",
		    json_integer((json_int_t)u->next_event_id));
		uctx.event(u->id, id, name, text);
	}
	free(text);
}

void
upgrade_save(struct upgrade *u)
{
	if (u->accepted)
		upgrade_store_save(u->id, u->record);
}

/* Ids go to upgrades that sign something, not to refusals. */
static void
ensure_id(struct upgrade *u)
{
	if (u->id == 0)
		u->id = upgrade_store_take_id();
}

static void
audit(struct upgrade *u, const char *what, json_t *extra)
{
	ensure_id(u);
	char hash[67] = "";
	if (u->report_valid)
		snprintf(hash, sizeof(hash), "%s", u->report.code_hash_hex);
	json_t *line = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "what",
	    what, "upgrade_id", (json_int_t)u->id, "who", u->who, "code_hash",
	    hash, "upgrade_type", upgrade_type_name(u->type), "signer",
	    u->ss58, "scheme", key_scheme_name(u->scheme));
	if (line && extra)
		json_object_update(line, extra);
	json_decref(extra);
	if (line)
		upgrade_store_audit(line);
}

void
upgrade_step(struct upgrade *u, const char *step, json_t *fields)
{
	json_t *o = fields ? fields : json_object();
	json_object_set_new(o, "step", json_string(step));
	json_object_set_new(o, "upgrade_id", json_integer((json_int_t)u->id));
	json_object_set(u->record, "step", json_object_get(o, "step"));
	upgrade_save(u);
	emit(u, "step", o);
}

static void
set_time(json_t *o, const char *key)
{
	char at[32];
	format_rfc3339(time(NULL), at, sizeof(at));
	json_object_set_new(o, key, json_string(at));
}

static json_t *
event_names(const json_t *events)
{
	json_t *names = json_array(), *e;
	size_t i;
	json_array_foreach(events, i, e) {
		json_array_append(names, json_object_get(e, "event"));
	}
	return names;
}

/* The seed's shape: {tx_hash, block_hash, success, events: ["sudo.Sudid",
 * …]} plus what an operator needs to act on it. */
static json_t *
result_json(struct upgrade *u, const char *status, const char *error)
{
	char *tx = u->signed_for_real ? upgrade_hex(u->tx_hash, 32) : NULL;
	bool success = strcmp(status, "success") == 0 ||
	    strcmp(status, "proposed") == 0;
	json_t *o = json_pack("{s:s, s:s?, s:s?, s:b, s:o}", "status", status,
	    "tx_hash", tx, "block_hash", u->block_hash[0] ? u->block_hash : NULL,
	    "success", success, "events", event_names(u->events_all));
	free(tx);
	if (o == NULL)
		return NULL;
	if (u->block_hash[0])
		json_object_set_new(o, "block_number",
		    json_integer(u->block_number));
	if (error)
		json_object_set_new(o, "error", json_string(error));
	if (u->outcome)
		json_object_update(o, u->outcome);
	if (u->events_all)
		json_object_set(o, "events_detail", u->events_all);
	return o;
}

static void
finish_as(struct upgrade *u, const char *status, const char *error)
{
	json_t *res = result_json(u, status, error);
	bool success = json_is_true(json_object_get(res, "success"));
	if (res) {
		json_object_update(u->record, res);
		json_object_del(u->record, "step");
	}
	set_time(u->record, "finished_at");
	upgrade_save(u);
	audit(u, "upgrade_result", json_pack("{s:s, s:O?, s:O?, s:O?, s:O?}",
	    "result", success ? "success" : status, "tx_hash",
	    json_object_get(res, "tx_hash"), "block_hash",
	    json_object_get(res, "block_hash"), "events",
	    json_object_get(res, "events"), "error",
	    json_object_get(res, "error")));
	log_info("upgrade %" PRIu64 ": %s%s%s", u->id, status,
	    error ? ": " : "", error ? error : "");
	emit(u, success ? "complete" : "error", res);
	upgrade_free(u);
}

void
upgrade_finish(struct upgrade *u, bool success, const char *error)
{
	finish_as(u, !success ? "failed" : u->type == UPGRADE_TYPE_DEMOCRACY ?
	    "proposed" : "success", error);
}

void
upgrade_lost(struct upgrade *u, const char *error)
{
	char msg[UPGRADE_ERR_MAX];
	const char *why = error ? error : "rtforge lost track of the upgrade";
	if (!u->sent && u->part > 1) {
		snprintf(msg, sizeof(msg), "%s; the second extrinsic was not "
		    "taken by the node, so the code is unchanged; the first (%s) "
		    "is in block "
		    "#%u", why, u->type == UPGRADE_TYPE_AUTHORIZE ?
		    "the authorization" : "the preimage", u->best_number);
		upgrade_finish(u, false, msg);
		return;
	}
	if (!u->sent) {
		upgrade_finish(u, false, why);
		return;
	}
	char *tx = upgrade_hex(u->tx_hash, 32);
	if (u->block_hash[0])
		snprintf(msg, sizeof(msg), "%s; the extrinsic %s is in block "
		    "#%u (%s), but rtforge could not finish checking it: look "
		    "at that block's events and GET /api/chain before retrying",
		    why, tx ? tx : "(hash unknown)", u->block_number,
		    u->block_hash);
	else
		snprintf(msg, sizeof(msg), "%s; the extrinsic %s was sent to "
		    "the node and may or may not be on chain: look for it in "
		    "the blocks after #%u (GET /api/chain shows the runtime the "
		    "chain runs) before retrying", why, tx ? tx :
		    "(hash unknown)", u->best_number);
	free(tx);
	finish_as(u, "unknown", msg);
}

void
upgrade_refuse(struct upgrade *u, unsigned status, const char *check,
    const char *fmt, ...)
{
	char msg[UPGRADE_ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (u->accepted) {
		json_object_set_new(u->record, "check", json_string(check));
		upgrade_finish(u, false, msg);
		return;
	}
	if (u->signed_for_real)
		audit(u, "upgrade_result", json_pack("{s:s, s:s, s:s}", "result",
		    "refused", "check", check, "error", msg));
	log_info("upgrade refused (%s): %s", check, msg);
	uctx.reply(u->request_id, status ? status : 422, json_pack("{s:s, s:s}",
	    "error", msg, "check", check));
	upgrade_free(u);
}

static json_t *
record_json(struct upgrade *u)
{
	json_t *runtime = json_object_get(u->chain, "runtime");
	json_t *o = json_pack("{s:I, s:s, s:s, s:b, s:{s:s, s:s?, s:I}, "
	    "s:{s:O?, s:O?}, s:{s:s, s:s, s:I}, s:b, s:I}",
	    "upgrade_id", (json_int_t)u->id, "status", "running",
	    "upgrade_type", upgrade_type_name(u->type), "success", 0,
	    "artifact", "hash", u->report.code_hash_hex, "spec_name",
	    u->report.has_version ? u->report.spec_name : NULL, "spec_version",
	    (json_int_t)u->report.spec_version,
	    "from", "spec_name", json_object_get(runtime, "spec_name"),
	    "spec_version", json_object_get(runtime, "spec_version"),
	    "signer", "ss58", u->ss58, "scheme", key_scheme_name(u->scheme),
	    "key_index", (json_int_t)u->account_index,
	    "unchecked_weight", u->unchecked_weight,
	    "next_event_id", (json_int_t)u->next_event_id);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "who", json_string(u->who));
	set_time(o, "created_at");
	json_object_set(o, "fee", u->fee ? u->fee : json_null());
	if (json_is_string(json_object_get(u->artifact, "path")))
		json_object_set(json_object_get(o, "artifact"), "path",
		    json_object_get(u->artifact, "path"));
	return o;
}

void
upgrade_accept(struct upgrade *u)
{
	u->next_event_id = 1;
	ensure_id(u);
	u->record = record_json(u);
	if (u->record == NULL) {
		upgrade_refuse(u, 500, "memory", "out of memory; nothing was "
		    "sent, try again");
		return;
	}
	char *tx = upgrade_hex(u->tx_hash, 32);
	json_object_set_new(u->record, "tx_hash", tx ? json_string(tx) :
	    json_null());
	free(tx);
	u->accepted = true;
	if (upgrade_store_save(u->id, u->record) != 0) {
		u->accepted = false;
		upgrade_refuse(u, 500, "storage", "cannot write the upgrade's "
		    "record under %s/upgrades (%s); nothing was sent",
		    uctx.cfg->state_dir, strerror(errno));
		return;
	}
	u->answered = true;
	uctx.reply(u->request_id, 202, json_pack("{s:I, s:s}", "upgrade_id",
	    (json_int_t)u->id, "status", "running"));
}

void
upgrade_dry_run_answer(struct upgrade *u, json_t *body)
{
	uctx.reply(u->request_id, body ? 200 : 500, body ? body :
	    json_pack("{s:s}", "error", "out of memory"));
	upgrade_free(u);
}

void
upgrade_audit_sign(struct upgrade *u)
{
	audit(u, "upgrade_sign", json_pack("{s:b, s:I}", "unchecked_weight",
	    u->unchecked_weight, "nonce", (json_int_t)u->nonce));
}

static int
read_artifact(struct upgrade *u, int fd, char *err, size_t errlen)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "the artifact is not a regular file");
		return -1;
	}
	if (st.st_size <= 0 || (uint64_t)st.st_size > UPGRADE_CODE_MAX) {
		snprintf(err, errlen, "the artifact is %lld bytes; a runtime is "
		    "1 byte to %zu MiB", (long long)st.st_size,
		    UPGRADE_CODE_MAX >> 20);
		return -1;
	}
	u->code_len = (size_t)st.st_size;
	u->code = malloc(u->code_len);
	size_t got = 0;
	while (u->code && got < u->code_len) {
		ssize_t n = pread(fd, u->code + got, u->code_len - got,
		    (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (u->code == NULL || got != u->code_len) {
		snprintf(err, errlen, "cannot read the artifact (%s)",
		    u->code ? "short read" : "out of memory");
		return -1;
	}
	return 0;
}

static int
parse_request(struct upgrade *u, json_t *req, char *err, size_t errlen)
{
	const char *type = json_string_value(json_object_get(req,
	    "upgrade_type"));
	const char *hash = json_string_value(json_object_get(req,
	    "expected_hash"));
	json_t *index = json_object_get(req, "account_index");
	const char *who = json_string_value(json_object_get(req, "who"));
	int t = upgrade_type_parse(type ? type : "sudo");
	if (t < 0) {
		snprintf(err, errlen, "upgrade_type must be \"sudo\", "
		    "\"authorize_upgrade\" or \"democracy_proposal\"");
		return -1;
	}
	u->type = (enum upgrade_type)t;
	if (hash == NULL || strlen(hash) != 66) {
		snprintf(err, errlen, "expected_hash must be the 0x-hex "
		    "blake2b-256 code hash the operator confirmed");
		return -1;
	}
	snprintf(u->expected_hash, sizeof(u->expected_hash), "%s", hash);
	u->account_index = json_is_integer(index) ?
	    (unsigned)json_integer_value(index) : uctx.cfg->sign.account_index;
	json_t *period = json_object_get(req, "mortal_period");
	if (json_is_integer(period) && (json_integer_value(period) < 4 ||
	    json_integer_value(period) > 65536 || (json_integer_value(period) &
	    (json_integer_value(period) - 1)) != 0)) {
		snprintf(err, errlen, "mortal_period must be a power of two "
		    "from 4 to 65536 (blocks)");
		return -1;
	}
	u->mortal_period = json_is_integer(period) ?
	    (uint32_t)json_integer_value(period) : 0;
	u->dry_run = json_is_true(json_object_get(req, "dry_run"));
	u->use_quantum_sig = json_is_true(json_object_get(req,
	    "use_quantum_sig"));
	snprintf(u->who, sizeof(u->who), "%s", who ? who : "api");
	u->artifact = json_incref(json_object_get(req, "artifact"));
	return 0;
}

/* The operator confirmed a hash: the bytes handed over must have it, and
 * must be a runtime. */
static bool
check_artifact(struct upgrade *u)
{
	char why[256] = "";
	int status = wasm_inspect(u->code, u->code_len, &u->report, why,
	    sizeof(why));
	u->report_valid = true;
	if (strcasecmp(u->report.code_hash_hex, u->expected_hash) != 0) {
		upgrade_refuse(u, 422, "expected_hash", "the artifact's code "
		    "hash is %s, not the expected %s: the bytes are not the ones "
		    "you confirmed; nothing was signed", u->report.code_hash_hex,
		    u->expected_hash);
		return false;
	}
	if (status != WASM_OK) {
		upgrade_refuse(u, 422, "valid_runtime", "the artifact is not a "
		    "runtime whose version can be checked (%s): %s",
		    wasm_status_name(status), why[0] ? why : "no reason given");
		return false;
	}
	return true;
}

void
upgrade_start(uint32_t request_id, const char *json, size_t len, int fd)
{
	char err[UPGRADE_ERR_MAX];
	struct upgrade *u = calloc(1, sizeof(*u));
	json_t *req = json_loadb(json, len, 0, NULL);
	if (u == NULL || !json_is_object(req)) {
		uctx.reply(request_id, u ? 400 : 500, json_pack("{s:s, s:s}",
		    "error", u ? "the upgrade request is not a JSON object" :
		    "out of memory", "check", "request"));
		free(u);
		json_decref(req);
		if (fd >= 0)
			close(fd);
		return;
	}
	u->request_id = request_id;
	u->xt_index = -1;
	u->part = 1;
	int parsed = parse_request(u, req, err, sizeof(err));
	json_decref(req);
	if (current != NULL) {
		if (fd >= 0)
			close(fd);
		if (current->id)
			upgrade_refuse(u, 409, "one_at_a_time", "upgrade %" PRIu64
			    " is still running; follow it, and submit again when "
			    "it ends", current->id);
		else
			upgrade_refuse(u, 409, "one_at_a_time", "another upgrade "
			    "is in its pre-flight checks; submit again in a few "
			    "seconds");
		return;
	}
	if (parsed != 0 || fd < 0 || uctx.init_error[0]) {
		if (fd >= 0)
			close(fd);
		if (uctx.init_error[0])
			upgrade_refuse(u, 503, "sign_worker", "the sign worker "
			    "cannot upgrade: %s", uctx.init_error);
		else
			upgrade_refuse(u, 400, "request", "%s", parsed ? err :
			    "no artifact descriptor came with the request");
		return;
	}
	int r = read_artifact(u, fd, err, sizeof(err));
	close(fd);
	if (r != 0) {
		upgrade_refuse(u, 422, "artifact_known", "%s", err);
		return;
	}
	current = u;
	if (check_artifact(u))
		upgrade_preflight_start(u);
}

void
upgrade_shutdown(void)
{
	if (current && current->accepted)
		upgrade_lost(current, "rtforge stopped during the upgrade");
	else if (current)
		upgrade_refuse(current, 503, "stopping", "rtforge is stopping; "
		    "nothing was sent");
	upgrade_store_close();
}
