/* The calls of a runtime upgrade, built from the chain's metadata: the
 * argument names and types come from the registry, the values go through
 * the type-driven encoder (scale_value_encode_call), so a runtime that
 * renames an argument or changes a type such as Weight still gets a call it
 * can decode. Where a call is there but not in a shape we know how to fill,
 * we refuse rather than guess. */
#include "upgrade_call.h"
#include "scale_value.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The largest code we upload (a compressed runtime is a few MiB; srtool
 * refuses past 16 MiB too), and the largest call we wrap or note. */
#define UPGRADE_CODE_MAX ((size_t)16 << 20)
#define UPGRADE_INNER_MAX (UPGRADE_CODE_MAX + 64)
/* Newtypes such as H256 or BoundedVec are single-field composites. */
#define NEWTYPE_DEPTH_MAX 8

/* Why a build failed: bad input from the caller, or the chain lacks (or
 * has in an unknown shape) what the upgrade type needs. Only the second
 * gets a hint about another upgrade type. */
enum why {
	WHY_INPUT = -1,
	WHY_CHAIN = -2,
};

static const char *const type_names[] = {
	[UPGRADE_TYPE_SUDO] = "sudo",
	[UPGRADE_TYPE_AUTHORIZE] = "authorize_upgrade",
	[UPGRADE_TYPE_DEMOCRACY] = "democracy_proposal",
};
#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

int
upgrade_type_parse(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < NTYPES; i++)
		if (strcmp(name, type_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
upgrade_type_name(enum upgrade_type type)
{
	if ((unsigned)type >= NTYPES)
		return "unknown";
	return type_names[type];
}

/* The type behind newtype wrappers (one field, named or not). */
static const struct md_type *
unwrap_newtypes(const struct metadata *md, uint32_t type)
{
	const struct md_type *t = metadata_type(md, type);
	int depth;

	for (depth = 0; t != NULL && depth < NEWTYPE_DEPTH_MAX; depth++) {
		if (t->def != MD_COMPOSITE || t->nfields != 1)
			return t;
		t = metadata_type(md, t->fields[0].type);
	}
	return NULL;
}

static bool
is_u8(const struct metadata *md, uint32_t type)
{
	const struct md_type *t = metadata_type(md, type);

	return t != NULL && t->def == MD_PRIMITIVE && t->prim == MD_U8;
}

/* Vec<u8>, also behind a BoundedVec-style wrapper. */
static bool
is_byte_vec(const struct metadata *md, uint32_t type)
{
	const struct md_type *t = unwrap_newtypes(md, type);

	return t != NULL && t->def == MD_SEQUENCE && is_u8(md, t->elem);
}

/* [u8; 32], also as H256 and other hash newtypes. */
static bool
is_hash32(const struct metadata *md, uint32_t type)
{
	const struct md_type *t = unwrap_newtypes(md, type);

	return t != NULL && t->def == MD_ARRAY && t->array_len == 32 &&
	    is_u8(md, t->elem);
}

/* An unsigned integer wide enough for a u32 length, compact or not. */
static bool
is_len_int(const struct metadata *md, uint32_t type)
{
	const struct md_type *t = unwrap_newtypes(md, type);

	if (t != NULL && t->def == MD_COMPACT)
		t = unwrap_newtypes(md, t->elem);
	return t != NULL && t->def == MD_PRIMITIVE && (t->prim == MD_U32 ||
	    t->prim == MD_U64 || t->prim == MD_U128);
}

static bool
is_call_enum(const struct metadata *md, uint32_t type)
{
	return md->call_enum != METADATA_NO_TYPE && type == md->call_enum;
}

/* "name: TypeName, …" of a call's arguments, for refusals. */
static const char *
describe_fields(const struct md_variant *v, char *buf, size_t buflen)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < v->nfields && used < buflen; i++) {
		int n = snprintf(buf + used, buflen - used, "%s%s: %s",
		    i > 0 ? ", " : "", v->fields[i].name != NULL ?
		    v->fields[i].name : "_", v->fields[i].type_name != NULL ?
		    v->fields[i].type_name : "?");

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

static int
refuse_shape(const char *pallet, const char *call,
    const struct md_variant *v, const char *expected, char *err,
    size_t errlen)
{
	char have[200];

	snprintf(err, errlen, "%s.%s takes (%s) on this chain, not %s: rtforge "
	    "cannot build it for this runtime", pallet, call,
	    describe_fields(v, have, sizeof(have)), expected);
	return WHY_CHAIN;
}

/* The call's variant, or WHY_CHAIN naming the missing pallet or call. */
static int
find_call(const struct metadata *md, const char *pallet, const char *call,
    const struct md_variant **out, char *err, size_t errlen)
{
	const struct md_pallet *p = metadata_pallet(md, pallet);

	*out = NULL;
	if (p == NULL) {
		snprintf(err, errlen, "this chain has no %s pallet", pallet);
		return WHY_CHAIN;
	}
	*out = metadata_call(md, pallet, call);
	if (*out == NULL) {
		snprintf(err, errlen, "this chain has no %s.%s call%s", pallet,
		    call, strcmp(call, "authorize_upgrade") == 0 ? " (older "
		    "runtimes such as Rococo 9140 lack it)" : "");
		return WHY_CHAIN;
	}
	return 0;
}

/* A call whose one argument is a byte string (set_code, note_preimage). */
static int
shape_bytes_call(const struct metadata *md, const char *pallet,
    const char *call, const struct md_variant **v, char *err, size_t errlen)
{
	int rc = find_call(md, pallet, call, v, err, errlen);

	if (rc != 0)
		return rc;
	if ((*v)->nfields != 1 || !is_byte_vec(md, (*v)->fields[0].type))
		return refuse_shape(pallet, call, *v, "one byte string", err,
		    errlen);
	return 0;
}

/* Sudo.sudo(call) or Sudo.sudo_unchecked_weight(call, weight): *call_at
 * is the index of the call argument (the weight is the other one). */
static int
shape_sudo(const struct metadata *md, bool unchecked,
    const struct md_variant **v, size_t *call_at, char *err, size_t errlen)
{
	const char *name = unchecked ? "sudo_unchecked_weight" : "sudo";
	size_t want = unchecked ? 2 : 1, i, ncalls = 0;
	int rc = find_call(md, "Sudo", name, v, err, errlen);

	if (rc != 0)
		return rc;
	*call_at = 0;
	for (i = 0; i < (*v)->nfields; i++)
		if (is_call_enum(md, (*v)->fields[i].type)) {
			*call_at = i;
			ncalls++;
		}
	if ((*v)->nfields != want || ncalls != 1)
		return refuse_shape("Sudo", name, *v, unchecked ? "(call, "
		    "weight)" : "(call)", err, errlen);
	return 0;
}

static int
shape_authorize(const struct metadata *md, const struct md_variant **v,
    char *err, size_t errlen)
{
	int rc = find_call(md, "System", "authorize_upgrade", v, err, errlen);

	if (rc != 0)
		return rc;
	if ((*v)->nfields != 1 || !is_hash32(md, (*v)->fields[0].type))
		return refuse_shape("System", "authorize_upgrade", *v,
		    "(a 32-byte hash)", err, errlen);
	return 0;
}

/* Democracy.propose(proposal: Bounded<Call>, value: Balance): where the
 * proposal is, its Lookup variant and where hash and len go in it. */
struct propose_shape {
	const struct md_variant *call;
	size_t proposal_at;
	const struct md_variant *lookup;
	size_t hash_at;
	size_t len_at;
};

static bool
find_lookup(const struct metadata *md, uint32_t type, struct propose_shape *s)
{
	const struct md_type *t = metadata_type(md, type);
	const struct md_variant *lk;

	if (t == NULL || t->def != MD_VARIANT)
		return false;
	lk = metadata_variant_by_name(t, "Lookup");
	if (lk == NULL || lk->nfields != 2)
		return false;
	if (is_hash32(md, lk->fields[0].type) &&
	    is_len_int(md, lk->fields[1].type)) {
		s->hash_at = 0;
		s->len_at = 1;
	} else if (is_hash32(md, lk->fields[1].type) &&
	    is_len_int(md, lk->fields[0].type)) {
		s->hash_at = 1;
		s->len_at = 0;
	} else {
		return false;
	}
	s->lookup = lk;
	return true;
}

static int
shape_propose(const struct metadata *md, struct propose_shape *s, char *err,
    size_t errlen)
{
	size_t i, found = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = find_call(md, "Democracy", "propose", &s->call, err, errlen);
	if (rc != 0)
		return rc;
	for (i = 0; s->call->nfields == 2 && i < 2; i++)
		if (find_lookup(md, s->call->fields[i].type, s)) {
			s->proposal_at = i;
			found++;
		}
	if (found != 1)
		return refuse_shape("Democracy", "propose", s->call,
		    "(proposal: a Bounded call with Lookup {hash, len}, value)",
		    err, errlen);
	if (metadata_constant(md, "Democracy", "MinimumDeposit") == NULL) {
		snprintf(err, errlen, "this chain has no Democracy."
		    "MinimumDeposit constant");
		return WHY_CHAIN;
	}
	return 0;
}

/* What the type needs, in the order a reader would look for it; 0 or
 * WHY_CHAIN with the first thing missing (no hint). */
static int
check_type(const struct metadata *md, enum upgrade_type type, char *err,
    size_t errlen)
{
	const struct md_variant *v;
	struct propose_shape ps;
	size_t at;
	int rc;

	switch (type) {
	case UPGRADE_TYPE_SUDO:
		if ((rc = shape_sudo(md, false, &v, &at, err, errlen)) != 0)
			return rc;
		return shape_bytes_call(md, "System", "set_code", &v, err,
		    errlen);
	case UPGRADE_TYPE_AUTHORIZE:
		if ((rc = shape_authorize(md, &v, err, errlen)) != 0 ||
		    (rc = shape_bytes_call(md, "System",
		    "apply_authorized_upgrade", &v, err, errlen)) != 0)
			return rc;
		/* authorize_upgrade needs Root: rtforge sends it through Sudo. */
		return shape_sudo(md, false, &v, &at, err, errlen);
	case UPGRADE_TYPE_DEMOCRACY:
		if ((rc = shape_bytes_call(md, "Preimage", "note_preimage", &v,
		    err, errlen)) != 0 ||
		    (rc = shape_propose(md, &ps, err, errlen)) != 0)
			return rc;
		/* The noted preimage is System.set_code(code). */
		return shape_bytes_call(md, "System", "set_code", &v, err,
		    errlen);
	}
	snprintf(err, errlen, "unknown upgrade type %d", (int)type);
	return WHY_INPUT;
}

/* Appends to err what to use instead of `type` on this chain. */
static void
add_hint(const struct metadata *md, enum upgrade_type type, char *err,
    size_t errlen)
{
	char scratch[UPGRADE_CALL_ERR_MAX];
	size_t used = strlen(err), i;

	if (used >= errlen)
		return;
	for (i = 0; i < NTYPES; i++) {
		if (i == (size_t)type || check_type(md, (enum upgrade_type)i,
		    scratch, sizeof(scratch)) != 0)
			continue;
		snprintf(err + used, errlen - used, ": use upgrade_type \"%s\"",
		    type_names[i]);
		return;
	}
	snprintf(err + used, errlen - used, ": no upgrade type rtforge builds "
	    "works on this chain");
}

static int
finish(const struct metadata *md, enum upgrade_type type, int rc, char *err,
    size_t errlen)
{
	if (rc == 0)
		return 0;
	if (rc == WHY_CHAIN)
		add_hint(md, type, err, errlen);
	return -1;
}

int
upgrade_call_supported(const struct metadata *md, enum upgrade_type type,
    char *err, size_t errlen)
{
	if (md == NULL) {
		snprintf(err, errlen, "no metadata");
		return -1;
	}
	return finish(md, type, check_type(md, type, err, errlen), err,
	    errlen);
}

/* The arguments object for a call: by name where the fields have names,
 * the value itself for one unnamed field, else an array in field order.
 * Takes the references in vals (NULL entries make it fail). */
static json_t *
args_of(const struct md_field *fields, size_t n, json_t **vals)
{
	json_t *args;
	size_t i;
	bool ok = true;

	for (i = 0; i < n; i++)
		ok = ok && vals[i] != NULL;
	if (ok && n == 1 && fields[0].name == NULL)
		return vals[0];
	args = n > 0 && fields[0].name != NULL ? json_object() : json_array();
	for (i = 0; i < n; i++) {
		if (!ok || args == NULL) {
			json_decref(vals[i]);
			continue;
		}
		if (json_is_object(args))
			ok = fields[i].name != NULL && json_object_set_new(args,
			    fields[i].name, vals[i]) == 0;
		else
			ok = json_array_append_new(args, vals[i]) == 0;
	}
	if (!ok) {
		json_decref(args);
		return NULL;
	}
	return args;
}

/* Encodes pallet.call with args (a reference it takes). */
static int
encode(const struct metadata *md, const char *pallet, const char *call,
    json_t *args, uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	bool ok;

	if (args == NULL) {
		snprintf(err, errlen, "%s.%s: out of memory", pallet, call);
		return WHY_INPUT;
	}
	ok = scale_value_encode_call(md, pallet, call, args, out, out_len, err,
	    errlen);
	json_decref(args);
	return ok ? 0 : WHY_INPUT;
}

static int
check_out(const struct metadata *md, uint8_t **out, size_t *out_len,
    char *err, size_t errlen)
{
	if (out == NULL || out_len == NULL) {
		snprintf(err, errlen, "no place for the call");
		return WHY_INPUT;
	}
	*out = NULL;
	*out_len = 0;
	if (md == NULL) {
		snprintf(err, errlen, "no metadata");
		return WHY_INPUT;
	}
	return 0;
}

static int
check_bytes(const char *what, const uint8_t *b, size_t len, size_t max,
    char *err, size_t errlen)
{
	if (b == NULL || len == 0) {
		snprintf(err, errlen, "%s is %s", what, b == NULL ? "missing" :
		    "empty");
		return WHY_INPUT;
	}
	if (len > max) {
		snprintf(err, errlen, "%s is %zu bytes, over the %zu-byte limit",
		    what, len, max);
		return WHY_INPUT;
	}
	return 0;
}

/* pallet.call(bytes) for a call whose one argument is a byte string. */
static int
bytes_call(const struct metadata *md, const char *pallet, const char *call,
    const char *what, const uint8_t *b, size_t len, size_t max,
    uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	const struct md_variant *v;
	json_t *val;
	int rc;

	if ((rc = check_out(md, out, out_len, err, errlen)) != 0 ||
	    (rc = check_bytes(what, b, len, max, err, errlen)) != 0 ||
	    (rc = shape_bytes_call(md, pallet, call, &v, err, errlen)) != 0)
		return rc;
	val = scale_value_hex(b, len);
	return encode(md, pallet, call, args_of(v->fields, 1, &val), out,
	    out_len, err, errlen);
}

int
upgrade_call_set_code(const struct metadata *md, const uint8_t *code,
    size_t code_len, uint8_t **out, size_t *out_len, char *err,
    size_t errlen)
{
	return finish(md, UPGRADE_TYPE_SUDO, bytes_call(md, "System",
	    "set_code", "the code", code, code_len, UPGRADE_CODE_MAX, out,
	    out_len, err, errlen), err, errlen);
}

int
upgrade_call_apply_authorized(const struct metadata *md,
    const uint8_t *code, size_t code_len, uint8_t **out, size_t *out_len,
    char *err, size_t errlen)
{
	return finish(md, UPGRADE_TYPE_AUTHORIZE, bytes_call(md, "System",
	    "apply_authorized_upgrade", "the code", code, code_len,
	    UPGRADE_CODE_MAX, out, out_len, err, errlen), err, errlen);
}

int
upgrade_call_note_preimage(const struct metadata *md,
    const uint8_t *bytes, size_t len, uint8_t **out, size_t *out_len,
    char *err, size_t errlen)
{
	return finish(md, UPGRADE_TYPE_DEMOCRACY, bytes_call(md, "Preimage",
	    "note_preimage", "the preimage", bytes, len, UPGRADE_INNER_MAX, out,
	    out_len, err, errlen), err, errlen);
}

static int
sudo_call(const struct metadata *md, const uint8_t *inner, size_t inner_len,
    bool unchecked, uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	const char *name = unchecked ? "sudo_unchecked_weight" : "sudo";
	const struct md_variant *v;
	json_t *vals[2] = { NULL, NULL };
	size_t call_at, i;
	int rc;

	if ((rc = check_out(md, out, out_len, err, errlen)) != 0 ||
	    (rc = check_bytes("the call to wrap", inner, inner_len,
	    UPGRADE_INNER_MAX, err, errlen)) != 0 ||
	    (rc = shape_sudo(md, unchecked, &v, &call_at, err, errlen)) != 0)
		return rc;
	for (i = 0; i < v->nfields; i++) {
		if (i == call_at) {
			vals[i] = scale_value_hex(inner, inner_len);
			continue;
		}
		/* The weight: whatever its type is on this runtime, zero. */
		vals[i] = scale_value_zero(md, v->fields[i].type, err, errlen);
		if (vals[i] == NULL) {
			json_decref(vals[call_at]);
			return refuse_shape("Sudo", name, v, "a weight with a "
			    "zero value", err, errlen);
		}
	}
	return encode(md, "Sudo", name, args_of(v->fields, v->nfields, vals),
	    out, out_len, err, errlen);
}

int
upgrade_call_sudo(const struct metadata *md, const uint8_t *inner,
    size_t inner_len, int unchecked_weight, uint8_t **out, size_t *out_len,
    char *err, size_t errlen)
{
	return finish(md, UPGRADE_TYPE_SUDO, sudo_call(md, inner, inner_len,
	    unchecked_weight != 0, out, out_len, err, errlen), err, errlen);
}

static int
authorize_call(const struct metadata *md, const uint8_t code_hash[32],
    uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	const struct md_variant *v;
	json_t *val;
	int rc;

	if ((rc = check_out(md, out, out_len, err, errlen)) != 0 ||
	    (rc = check_bytes("the code hash", code_hash, 32, 32, err,
	    errlen)) != 0 ||
	    (rc = shape_authorize(md, &v, err, errlen)) != 0)
		return rc;
	val = scale_value_hex(code_hash, 32);
	return encode(md, "System", "authorize_upgrade", args_of(v->fields, 1,
	    &val), out, out_len, err, errlen);
}

int
upgrade_call_authorize(const struct metadata *md,
    const uint8_t code_hash[32], uint8_t **out, size_t *out_len, char *err,
    size_t errlen)
{
	return finish(md, UPGRADE_TYPE_AUTHORIZE, authorize_call(md, code_hash,
	    out, out_len, err, errlen), err, errlen);
}

static int
propose_call(const struct metadata *md, const uint8_t call_hash[32],
    uint32_t call_len, uint8_t **out, size_t *out_len, char *err,
    size_t errlen)
{
	struct propose_shape s;
	json_t *lk[2] = { NULL, NULL }, *vals[2] = { NULL, NULL };
	json_t *lookup;
	char why[UPGRADE_CALL_ERR_MAX];
	int rc;

	if ((rc = check_out(md, out, out_len, err, errlen)) != 0 ||
	    (rc = check_bytes("the proposal hash", call_hash, 32, 32, err,
	    errlen)) != 0)
		return rc;
	if (call_len == 0) {
		snprintf(err, errlen, "the proposal's length is 0");
		return WHY_INPUT;
	}
	if ((rc = shape_propose(md, &s, err, errlen)) != 0)
		return rc;
	lk[s.hash_at] = scale_value_hex(call_hash, 32);
	lk[s.len_at] = json_integer(call_len);
	lookup = args_of(s.lookup->fields, 2, lk);
	vals[s.proposal_at] = lookup != NULL ? json_pack("{s:o}",
	    s.lookup->name, lookup) : NULL;
	vals[1 - s.proposal_at] = scale_value_constant(md, "Democracy",
	    "MinimumDeposit", why, sizeof(why));
	if (vals[1 - s.proposal_at] == NULL) {
		json_decref(vals[s.proposal_at]);
		snprintf(err, errlen, "Democracy.MinimumDeposit: %s", why);
		return WHY_CHAIN;
	}
	return encode(md, "Democracy", "propose", args_of(s.call->fields, 2,
	    vals), out, out_len, err, errlen);
}

int
upgrade_call_democracy_propose(const struct metadata *md,
    const uint8_t call_hash[32], uint32_t call_len, uint8_t **out,
    size_t *out_len, char *err, size_t errlen)
{
	return finish(md, UPGRADE_TYPE_DEMOCRACY, propose_call(md, call_hash,
	    call_len, out, out_len, err, errlen), err, errlen);
}
