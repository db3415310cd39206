/* tool_quantum: a SPHINCS+-signed extrinsic built by rtforge's own code
 * (worker-sign/extrinsic*.c, the key held in custody) against metadata of
 * QuantumHarmony's shape, for tests/integration/quantum.test.mjs to take
 * apart and verify with an independent SPHINCS+ (PQClean).
 *
 *   tool_quantum sign <pair|flat> <scheme> <seed hex> <genesis hex>
 *       <spec> <txver> <nonce> <remark hex>
 *
 * There is no QuantumHarmony metadata on this machine, so the registry is
 * made here in memory, as tests/unit/test_extrinsic.c makes it: a
 * MultiSignature with the one variant SphincsPlus (index 0), which holds
 * either a struct (signature: [u8; 49856], public: [u8; 64]) — "pair" — or
 * one [u8; 49920] — "flat"; MultiAddress Id/Address32; QuantumHarmony's
 * extension list; and a System pallet (index 0) whose only call is
 * remark(Vec<u8>) (index 0), so the call is encoded from the registry.
 *
 * scheme sphincs: seed is 96 bytes (SK.seed ‖ SK.prf ‖ PK.seed, given to
 * sphincs_keypair_from_seed); sr25519 (a 32-byte mini secret) and ed25519
 * (a 32-byte seed) are there to be refused by this metadata. Test-only:
 * it takes throwaway seeds on its command line; inside, the seed and the
 * key live in libsodium guarded memory and custody, as in the worker.
 *
 * Prints one JSON object: extrinsic, tx_hash (keccak-256), scheme,
 * public_key, account_id, call, extensions (identifiers in order),
 * signed_payload (what was signed: call ‖ extra ‖ implicit, or its
 * blake2b-256 when longer than 256 bytes), payload_hashed, and fields:
 * [{name, offset, length}] for length_prefix, version, address_variant,
 * account_id, signature_variant, signature, public_key, extra, call,
 * covering the extrinsic exactly. Any refusal goes to stderr (exit 1);
 * bad usage exits 2. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "custody.h"
#include "ed25519.h"
#include "extrinsic.h"
#include "metadata.h"
#include "scale.h"
#include "scale_value.h"
#include "sphincs.h"
#include "sr25519.h"

/* The registry, in id order. */
enum {
	QH_U8, QH_BYTES32, QH_ACCOUNT, QH_ADDRESS, QH_SIG_BYTES, QH_PK_BYTES,
	QH_SIG_PAIR, QH_SIG_FLAT, QH_SIGNATURE, QH_U32, QH_COMPACT_U32,
	QH_NONCE, QH_EMPTY, QH_UNIT, QH_H256, QH_ERA, QH_CHECK_ERA, QH_U128,
	QH_COMPACT_U128, QH_PAYMENT, QH_VEC_U8, QH_SYSTEM_CALL,
	QH_RUNTIME_CALL, QH_NTYPES
};

#define QH_NEXT 8
#define QH_ERA_VARIANTS 256
#define QH_ERA_NAME_MAX 12

struct qh_registry {
	struct md_type types[QH_NTYPES];
	struct md_field fields[16];
	struct md_variant era_variants[QH_ERA_VARIANTS];
	struct md_field era_fields[QH_ERA_VARIANTS];
	char era_names[QH_ERA_VARIANTS][QH_ERA_NAME_MAX];
	struct md_variant address_variants[2];
	struct md_variant sig_variant;
	struct md_variant system_calls[1];
	struct md_variant runtime_calls[1];
	struct md_pallet pallet;
	struct md_extension ext[QH_NEXT];
	uint8_t version;
	struct metadata md;
};

/* What the tool reports about each part of the extrinsic. */
enum {
	F_PREFIX, F_VERSION, F_ADDRESS_VARIANT, F_ACCOUNT, F_SIG_VARIANT,
	F_SIGNATURE, F_PUBLIC, F_EXTRA, F_CALL, F_COUNT
};

static const char *const field_names[F_COUNT] = { "length_prefix",
    "version", "address_variant", "account_id", "signature_variant",
    "signature", "public_key", "extra", "call" };

struct layout {
	size_t offset[F_COUNT];
	size_t length[F_COUNT];
};

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "%s: %s\n", what, why);
	exit(1);
}

static void
qh_type(struct qh_registry *q, uint32_t id, enum md_def def,
    const char *path)
{
	memset(&q->types[id], 0, sizeof(q->types[id]));
	q->types[id].id = id;
	q->types[id].def = def;
	q->types[id].path = path;
}

static const struct md_field *
qh_field(struct qh_registry *q, size_t slot, const char *name,
    uint32_t type)
{
	q->fields[slot].name = name;
	q->fields[slot].type_name = NULL;
	q->fields[slot].type = type;
	return &q->fields[slot];
}

static void
qh_composite1(struct qh_registry *q, uint32_t id, const char *path,
    size_t slot, uint32_t inner)
{
	qh_type(q, id, MD_COMPOSITE, path);
	q->types[id].fields = qh_field(q, slot, NULL, inner);
	q->types[id].nfields = 1;
}

static void
qh_bytes(struct qh_registry *q, uint32_t id, uint32_t len)
{
	qh_type(q, id, MD_ARRAY, "");
	q->types[id].elem = QH_U8;
	q->types[id].array_len = len;
}

static void
qh_prim(struct qh_registry *q, uint32_t id, enum md_prim prim)
{
	qh_type(q, id, MD_PRIMITIVE, "");
	q->types[id].prim = prim;
}

static void
qh_compact(struct qh_registry *q, uint32_t id, uint32_t inner)
{
	qh_type(q, id, MD_COMPACT, "");
	q->types[id].elem = inner;
}

/* Era as scale-info describes it: Immortal, then Mortal1..255 (u8). */
static void
qh_era(struct qh_registry *q)
{
	size_t i;

	qh_type(q, QH_ERA, MD_VARIANT, "sp_runtime::generic::era::Era");
	for (i = 0; i < QH_ERA_VARIANTS; i++) {
		if (i == 0)
			snprintf(q->era_names[i], QH_ERA_NAME_MAX, "Immortal");
		else
			snprintf(q->era_names[i], QH_ERA_NAME_MAX, "Mortal%zu",
			    i);
		q->era_fields[i] = (struct md_field){ NULL, NULL, QH_U8 };
		q->era_variants[i] = (struct md_variant){ q->era_names[i],
		    (uint8_t)i, &q->era_fields[i], i == 0 ? 0 : 1, "" };
	}
	q->types[QH_ERA].variants = q->era_variants;
	q->types[QH_ERA].nvariants = QH_ERA_VARIANTS;
}

static void
qh_address(struct qh_registry *q)
{
	qh_composite1(q, QH_ACCOUNT, "sp_core::crypto::AccountId32", 0,
	    QH_BYTES32);
	qh_type(q, QH_ADDRESS, MD_VARIANT,
	    "sp_runtime::multiaddress::MultiAddress");
	q->address_variants[0] = (struct md_variant){ "Id", 0,
	    qh_field(q, 1, NULL, QH_ACCOUNT), 1, "" };
	q->address_variants[1] = (struct md_variant){ "Address32", 3,
	    qh_field(q, 2, NULL, QH_BYTES32), 1, "" };
	q->types[QH_ADDRESS].variants = q->address_variants;
	q->types[QH_ADDRESS].nvariants = 2;
}

/* The single-variant MultiSignature; flat: one [u8; 49920]. */
static void
qh_signature(struct qh_registry *q, bool flat)
{
	qh_bytes(q, QH_SIG_BYTES, SPHINCS_SIG_BYTES);
	qh_bytes(q, QH_PK_BYTES, SPHINCS_PK_BYTES);
	qh_type(q, QH_SIG_PAIR, MD_COMPOSITE, "sp_core::sphincs::Signature");
	qh_field(q, 3, "signature", QH_SIG_BYTES);
	qh_field(q, 4, "public", QH_PK_BYTES);
	q->types[QH_SIG_PAIR].fields = &q->fields[3];
	q->types[QH_SIG_PAIR].nfields = 2;
	qh_bytes(q, QH_SIG_FLAT, SPHINCS_SIG_BYTES + SPHINCS_PK_BYTES);
	qh_type(q, QH_SIGNATURE, MD_VARIANT, "sp_runtime::MultiSignature");
	q->sig_variant = (struct md_variant){ "SphincsPlus", 0,
	    qh_field(q, 5, NULL, flat ? QH_SIG_FLAT : QH_SIG_PAIR), 1, "" };
	q->types[QH_SIGNATURE].variants = &q->sig_variant;
	q->types[QH_SIGNATURE].nvariants = 1;
}

/* System (index 0) with remark { remark: Vec<u8> } (index 0), and the
 * outer RuntimeCall holding it. */
static void
qh_calls(struct qh_registry *q)
{
	qh_type(q, QH_VEC_U8, MD_SEQUENCE, "");
	q->types[QH_VEC_U8].elem = QH_U8;
	qh_type(q, QH_SYSTEM_CALL, MD_VARIANT, "frame_system::pallet::Call");
	q->system_calls[0] = (struct md_variant){ "remark", 0,
	    qh_field(q, 10, "remark", QH_VEC_U8), 1, "" };
	q->types[QH_SYSTEM_CALL].variants = q->system_calls;
	q->types[QH_SYSTEM_CALL].nvariants = 1;
	qh_type(q, QH_RUNTIME_CALL, MD_VARIANT,
	    "quantumharmony_runtime::RuntimeCall");
	q->runtime_calls[0] = (struct md_variant){ "System", 0,
	    qh_field(q, 11, NULL, QH_SYSTEM_CALL), 1, "" };
	q->types[QH_RUNTIME_CALL].variants = q->runtime_calls;
	q->types[QH_RUNTIME_CALL].nvariants = 1;
	q->pallet = (struct md_pallet){ .name = "System", .index = 0,
	    .calls = QH_SYSTEM_CALL, .events = METADATA_NO_TYPE,
	    .errors = METADATA_NO_TYPE };
}

static void
qh_extension_types(struct qh_registry *q)
{
	qh_prim(q, QH_U32, MD_U32);
	qh_compact(q, QH_COMPACT_U32, QH_U32);
	qh_composite1(q, QH_NONCE, "frame_system::extensions::check_nonce::"
	    "CheckNonce", 6, QH_COMPACT_U32);
	qh_type(q, QH_EMPTY, MD_COMPOSITE, "frame_system::CheckWeight");
	qh_type(q, QH_UNIT, MD_TUPLE, "");
	qh_composite1(q, QH_H256, "primitive_types::H256", 7, QH_BYTES32);
	qh_era(q);
	qh_composite1(q, QH_CHECK_ERA, "frame_system::CheckEra", 8, QH_ERA);
	qh_prim(q, QH_U128, MD_U128);
	qh_compact(q, QH_COMPACT_U128, QH_U128);
	qh_composite1(q, QH_PAYMENT, "pallet_transaction_payment::"
	    "ChargeTransactionPayment", 9, QH_COMPACT_U128);
}

static void
qh_extensions(struct qh_registry *q)
{
	static const char *const ids[QH_NEXT] = { "CheckNonZeroSender",
	    "CheckSpecVersion", "CheckTxVersion", "CheckGenesis", "CheckEra",
	    "CheckNonce", "CheckWeight", "ChargeTransactionPayment" };
	static const uint32_t types[QH_NEXT][2] = { { QH_EMPTY, QH_UNIT },
	    { QH_EMPTY, QH_U32 }, { QH_EMPTY, QH_U32 },
	    { QH_EMPTY, QH_H256 }, { QH_CHECK_ERA, QH_H256 },
	    { QH_NONCE, QH_UNIT }, { QH_EMPTY, QH_UNIT },
	    { QH_PAYMENT, QH_UNIT } };
	size_t i;

	for (i = 0; i < QH_NEXT; i++)
		q->ext[i] = (struct md_extension){ ids[i], types[i][0],
		    types[i][1] };
}

static void
qh_build(struct qh_registry *q, bool flat)
{
	memset(q, 0, sizeof(*q));
	qh_prim(q, QH_U8, MD_U8);
	qh_bytes(q, QH_BYTES32, 32);
	qh_address(q);
	qh_signature(q, flat);
	qh_extension_types(q);
	qh_calls(q);
	qh_extensions(q);
	q->version = 4;
	q->md.version = 14;
	q->md.types = q->types;
	q->md.ntypes = QH_NTYPES;
	q->md.pallets = &q->pallet;
	q->md.npallets = 1;
	q->md.extrinsic = (struct md_extrinsic){ .version = 4,
	    .versions = &q->version, .nversions = 1,
	    .type = METADATA_NO_TYPE, .address = QH_ADDRESS,
	    .call = QH_RUNTIME_CALL, .signature = QH_SIGNATURE,
	    .extra = METADATA_NO_TYPE, .extensions = q->ext,
	    .nextensions = QH_NEXT };
	q->md.runtime_type = METADATA_NO_TYPE;
	q->md.call_enum = QH_RUNTIME_CALL;
	q->md.event_enum = q->md.error_enum = METADATA_NO_TYPE;
}

/* Hex with or without "0x". */
static const char *
hex_digits(const char *hex)
{
	return strncmp(hex, "0x", 2) == 0 ? hex + 2 : hex;
}

static void
hex32(const char *what, const char *text, uint8_t out[32])
{
	const char *hex = hex_digits(text);
	size_t len;

	if (sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &len, NULL) != 0 ||
	    len != 32)
		die(what, "not 32 bytes of hex");
}

static uint32_t
number(const char *what, const char *text)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || end == text || v > UINT32_MAX)
		die(what, "not a u32");
	return (uint32_t)v;
}

/* The seed, decoded into guarded memory (wipe it with sodium_free). */
static uint8_t *
seed_from_hex(const char *text, size_t want)
{
	const char *hex = hex_digits(text);
	uint8_t *seed = sodium_malloc(want);
	size_t len;

	if (seed == NULL)
		die("seed", "out of memory");
	if (sodium_hex2bin(seed, want, hex, strlen(hex), NULL, &len,
	    NULL) != 0 || len != want) {
		char why[64];

		sodium_free(seed);
		snprintf(why, sizeof(why), "need %zu bytes of hex", want);
		die("seed", why);
	}
	return seed;
}

/* Derives the key from the seed straight into a custody slot; custody
 * recomputes its public key on commit. */
static int
derive_into(struct key_secret *slot, enum key_scheme scheme,
    const uint8_t *seed)
{
	uint8_t pk[SPHINCS_PK_BYTES];

	slot->scheme = scheme;
	switch (scheme) {
	case KEY_SCHEME_SPHINCS:
		return sphincs_keypair_from_seed(pk, slot->key.sphincs, seed);
	case KEY_SCHEME_SR25519:
		return sr25519_keypair_from_mini_secret(&slot->key.sr25519,
		    seed);
	case KEY_SCHEME_ED25519:
		return ed25519_keypair_from_seed(&slot->key.ed25519, seed);
	}
	return -1;
}

static struct custody *
load_key(const char *scheme_name, const char *seed_hex)
{
	enum key_scheme scheme;
	struct custody *c;
	struct key_secret *slot;
	uint8_t *seed;
	char err[CUSTODY_ERR_MAX];
	int rc;

	if (key_scheme_parse(scheme_name, &scheme) != 0)
		die("scheme", "not sphincs, sr25519 or ed25519");
	seed = seed_from_hex(seed_hex, scheme == KEY_SCHEME_SPHINCS ?
	    SPHINCS_SEED_BYTES : 32);
	if (custody_harden_process(err, sizeof(err)) != 0 ||
	    (c = custody_new(err, sizeof(err))) == NULL ||
	    (slot = custody_reserve(c, err, sizeof(err))) == NULL) {
		sodium_free(seed);
		die("custody", err);
	}
	rc = derive_into(slot, scheme, seed);
	sodium_free(seed);
	if (rc != 0) {
		custody_abort(c);
		custody_free(c);
		die("key", "derivation from the seed failed");
	}
	if (custody_commit(c, err, sizeof(err)) < 0) {
		custody_free(c);
		die("key", err);
	}
	return c;
}

/* System.remark(bytes), encoded from the registry. */
static uint8_t *
remark_call(const struct metadata *md, const char *hex, size_t *len)
{
	json_t *args = json_pack("{s:s}", "remark", hex);
	uint8_t *call = NULL;
	char err[512];

	if (args == NULL)
		die("remark", "out of memory");
	if (!scale_value_encode_call(md, "System", "remark", args, &call, len,
	    err, sizeof(err)))
		die("call", err);
	json_decref(args);
	return call;
}

static void
lay(struct layout *l, size_t *at, int field, size_t length)
{
	l->offset[field] = *at;
	l->length[field] = length;
	*at += length;
}

/* Where each part is, from the prefix read back and the lengths of what
 * went in; the parts must cover the extrinsic exactly. */
static void
layout_find(struct layout *l, const uint8_t *xt, size_t len,
    const struct extrinsic_signer *s, size_t extra_len, size_t call_len)
{
	struct scale_reader r;
	uint32_t body;
	size_t at = 0;

	scale_reader_init(&r, xt, len);
	if (!scale_read_compact_u32(&r, &body) || body != scale_remaining(&r))
		die("layout", "the length prefix does not match the body");
	lay(l, &at, F_PREFIX, len - scale_remaining(&r));
	lay(l, &at, F_VERSION, 1);
	lay(l, &at, F_ADDRESS_VARIANT, 1);
	lay(l, &at, F_ACCOUNT, CUSTODY_ACCOUNT_ID_LEN);
	lay(l, &at, F_SIG_VARIANT, 1);
	lay(l, &at, F_SIGNATURE, key_scheme_signature_len(s->scheme));
	lay(l, &at, F_PUBLIC, s->scheme == KEY_SCHEME_SPHINCS ?
	    s->public_len : 0);
	lay(l, &at, F_EXTRA, extra_len);
	lay(l, &at, F_CALL, call_len);
	if (at != len)
		die("layout", "the parts do not add up to the extrinsic");
}

static json_t *
hex_json(const uint8_t *bytes, size_t len)
{
	char *hex = malloc(2 * len + 3);
	json_t *j;

	if (hex == NULL)
		die("output", "out of memory");
	memcpy(hex, "0x", 2);
	sodium_bin2hex(hex + 2, 2 * len + 1, bytes, len);
	j = json_string(hex);
	free(hex);
	if (j == NULL)
		die("output", "out of memory");
	return j;
}

static json_t *
layout_json(const struct layout *l)
{
	json_t *a = json_array();
	int f;

	for (f = 0; a != NULL && f < F_COUNT; f++)
		if (json_array_append_new(a, json_pack("{s:s,s:I,s:I}", "name",
		    field_names[f], "offset", (json_int_t)l->offset[f],
		    "length", (json_int_t)l->length[f])) != 0)
			die("output", "out of memory");
	if (a == NULL)
		die("output", "out of memory");
	return a;
}

static json_t *
extensions_json(const struct metadata *md)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < md->extrinsic.nextensions; i++)
		if (json_array_append_new(a, json_string(
		    md->extrinsic.extensions[i].identifier)) != 0)
			die("output", "out of memory");
	if (a == NULL)
		die("output", "out of memory");
	return a;
}

struct built {
	uint8_t *xt, *call, *payload, *extra, *implicit;
	size_t xt_len, call_len, payload_len, extra_len, implicit_len;
	uint8_t tx_hash[EXTRINSIC_HASH_LEN];
	struct extrinsic_signer signer;
};

static void
print_built(const struct metadata *md, const struct built *b)
{
	struct layout l;
	json_t *o;

	layout_find(&l, b->xt, b->xt_len, &b->signer, b->extra_len,
	    b->call_len);
	o = json_pack("{s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:b,s:o}",
	    "extrinsic", hex_json(b->xt, b->xt_len),
	    "tx_hash", hex_json(b->tx_hash, sizeof(b->tx_hash)),
	    "scheme", key_scheme_name(b->signer.scheme),
	    "public_key", hex_json(b->signer.public_key, b->signer.public_len),
	    "account_id", hex_json(b->signer.account_id,
	    sizeof(b->signer.account_id)),
	    "call", hex_json(b->call, b->call_len),
	    "extensions", extensions_json(md),
	    "signed_payload", hex_json(b->payload, b->payload_len),
	    "payload_hashed", b->call_len + b->extra_len + b->implicit_len >
	    EXTRINSIC_PAYLOAD_HASH_OVER,
	    "fields", layout_json(&l));
	if (o == NULL || json_dumpf(o, stdout, JSON_COMPACT) != 0)
		die("output", "cannot write the JSON");
	putchar('\n');
	json_decref(o);
}

static void
built_free(struct built *b)
{
	free(b->xt);
	free(b->call);
	free(b->payload);
	free(b->extra);
	free(b->implicit);
}

/* argv: shape scheme seed genesis spec txver nonce remark */
static int
cmd_sign(int argc, char **argv)
{
	static struct qh_registry q;
	struct extrinsic_params p = { 0 };
	struct built b = { 0 };
	struct custody *c;
	char err[EXTRINSIC_ERR_MAX];
	int rc;

	if (argc != 8 || (strcmp(argv[0], "pair") != 0 &&
	    strcmp(argv[0], "flat") != 0))
		return 2;
	qh_build(&q, strcmp(argv[0], "flat") == 0);
	hex32("genesis", argv[3], p.genesis_hash);
	p.spec_version = number("spec_version", argv[4]);
	p.transaction_version = number("transaction_version", argv[5]);
	p.nonce = number("nonce", argv[6]);
	p.hasher = EXTRINSIC_HASHER_KECCAK_256;
	b.call = remark_call(&q.md, argv[7], &b.call_len);
	c = load_key(argv[1], argv[2]);
	rc = extrinsic_signer_from_custody(&b.signer, c, 0, err,
	    sizeof(err)) != 0 ||
	    extrinsic_build_signed_with(&q.md, b.call, b.call_len, &p,
	    &b.signer, &b.xt, &b.xt_len, b.tx_hash, err, sizeof(err)) != 0;
	/* The key is done with: wiped before anything can exit early. */
	custody_free(c);
	if (rc == 0 && (extrinsic_signed_payload(&q.md, b.call, b.call_len, &p,
	    &b.payload, &b.payload_len, err, sizeof(err)) != 0 ||
	    extrinsic_extensions_encode(&q.md, &p, &b.extra, &b.extra_len,
	    &b.implicit, &b.implicit_len, err, sizeof(err)) != 0))
		rc = 1;
	if (rc == 0)
		print_built(&q.md, &b);
	else
		fprintf(stderr, "extrinsic: %s\n", err);
	built_free(&b);
	return rc;
}

int
main(int argc, char **argv)
{
	int rc = 2;

	if (sodium_init() < 0)
		die("libsodium", "sodium_init failed");
	if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		rc = cmd_sign(argc - 2, argv + 2);
	if (rc == 2)
		fprintf(stderr, "usage: tool_quantum sign pair|flat "
		    "sphincs|sr25519|ed25519 <seed hex> <genesis hex> <spec> "
		    "<txver> <nonce> <remark hex>\n");
	return rc;
}
