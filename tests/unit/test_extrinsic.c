/* Unit tests for worker-sign/extrinsic*.c.
 *
 * Expected bytes come from @polkadot/types 16.5.6 and @polkadot/keyring
 * 14.0.3 reading the same shipped metadata (v14/substrate, v15/substrate,
 * v14/kusama from @polkadot/types-support, read here at test time): for a
 * System.remark("hello") call, createType('ExtrinsicPayload', {method,
 * era, nonce: 5, tip: 0, genesisHash, blockHash, specVersion: 268,
 * transactionVersion: 2, mode: 0}, {version: 4}).toU8a({method: true})
 * gave the payloads, and createType('Extrinsic', call).sign(pair, same)
 * with Keyring({type: 'ed25519'}).addFromSeed(0x0102…20) gave the whole
 * extrinsics (ed25519 signatures are deterministic, so they match byte for
 * byte). Eras: createType('ExtrinsicEra', {current, period}).toHex().
 * The printing script was run once during development; nothing of it is
 * committed.
 *
 * The QuantumHarmony case has no shipped metadata: an in-memory registry
 * of its shape (MultiSignature with one SphincsPlus variant, keccak-256
 * account ids, its extension list) stands in for it. */
#include "extrinsic.h"
#include "keccak.h"
#include "metadata.h"
#include "sphincs.h"
#include "sr25519.h"
#include "testlib.h"
#include "test_metadata_blobs.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS \
    "91b171bb158e2d3848fa23a9f1c25182fb8e20313b2c1eb49219da7a70ce90c3"
#define BIRTH \
    "abababababababababababababababababababababababababababababababab"
#define REMARK_HELLO "00001468656c6c6f"	/* System.remark("hello") */
#define ED25519_PUBLIC \
    "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664"

/* Kitchensink (v14/substrate and v15/substrate give the same bytes; v15
 * adds WeightReclaim, which is empty): extra is era ‖ Compact nonce ‖
 * Compact tip ‖ asset None ‖ mode Disabled; implicit is spec ‖ tx ‖
 * genesis ‖ birth ‖ metadata hash None. */
#define KS_EXTRA_IMMORTAL "0014000000"
#define KS_EXTRA_MORTAL "a50214000000"
#define KS_IMPLICIT_IMMORTAL "0c01000002000000" GENESIS GENESIS "00"
#define KS_IMPLICIT_MORTAL "0c01000002000000" GENESIS BIRTH "00"
/* Kusama: ChargeTransactionPayment (no asset). */
#define KSM_PAYLOAD_IMMORTAL REMARK_HELLO "001400000c01000002000000" \
    GENESIS GENESIS "00"
#define KSM_PAYLOAD_MORTAL REMARK_HELLO "a5021400000c01000002000000" \
    GENESIS BIRTH "00"
/* Extrinsic.sign by the ed25519 key from seed 01..20. */
#define KS_XT_IMMORTAL "c101840079b5562e8fe654f94078b112e8a98ba7901f853a" \
    "e695bed7e0e3910bad04966400f90aee09da9cd0b74289b5f398013a7622c19ee9" \
    "d1a46f26cca7c3a3df8f07c2f78dd9dc81495fd608f5d8fa4ba5fb032cbda0fd3d" \
    "a9373d7ade5693fe80a30e001400000000001468656c6c6f"
#define KS_XT_IMMORTAL_HASH \
    "2a61bbae64742b9f87416a18624a8f4243f96c22770996a19642e049c5ef78e6"
#define KS_XT_MORTAL "c501840079b5562e8fe654f94078b112e8a98ba7901f853ae6" \
    "95bed7e0e3910bad04966400142b07208ee7a6d12700ea7129f278774fe98e2b0f" \
    "1f4605801ea5e7b7b86c28f9dc5b333ef4d8ac37afb75c1a5338a8a23678d5307b" \
    "0ad520ad9b1596884f04a5021400000000001468656c6c6f"
#define KS_XT_MORTAL_HASH \
    "2bbb0af91c9324c7bbe5c622b4676f6945518a790f304d1048e08ee5c564c6a9"

static uint8_t *
unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	uint8_t *out = malloc(n / 2 + 1);

	if (out == NULL || sodium_hex2bin(out, n / 2 + 1, hex, n, NULL, len,
	    NULL) != 0)
		exit(2);
	return out;
}

static void
unhex_into(uint8_t *out, size_t len, const char *hex)
{
	size_t got;
	uint8_t *b = unhex(hex, &got);

	if (got != len)
		exit(2);
	memcpy(out, b, len);
	free(b);
}

static bool
bytes_are(const uint8_t *b, size_t len, const char *hex)
{
	size_t n;
	uint8_t *want = unhex(hex, &n);
	bool same = n == len && (len == 0 || memcmp(b, want, len) == 0);

	if (!same) {
		char *got = malloc(2 * len + 1);

		if (got == NULL)
			exit(2);
		sodium_bin2hex(got, 2 * len + 1, b, len);
		fprintf(stderr, "  got  %s\n  want %s\n", got, hex);
		free(got);
	}
	free(want);
	return same;
}

static struct metadata *
load(const char *name)
{
	size_t len;
	uint8_t *bin = support_metadata(name, &len);
	struct metadata *md;
	char err[512];

	if (bin == NULL)
		return NULL;
	md = metadata_decode_any(bin, len, err, sizeof(err));
	if (md == NULL)
		printf("skip: decode %s: %s\n", name, err);
	free(bin);
	return md;
}

static void
params_init(struct extrinsic_params *p, bool mortal)
{
	memset(p, 0, sizeof(*p));
	unhex_into(p->genesis_hash, 32, GENESIS);
	p->spec_version = 268;
	p->transaction_version = 2;
	p->nonce = 5;
	if (mortal) {
		p->era.mortal = true;
		p->era.period = 64;
		p->era.current = 42;
		unhex_into(p->era.birth_hash, 32, BIRTH);
	}
}

/* Signers for tests: a bare keypair behind the callback; arg points to
 * one of the three key variables below. */
static struct ed25519_keypair ed_kp;
static struct sr25519_keypair sr_kp;
static uint8_t qh_sk[SPHINCS_SK_BYTES];

static int
sign_test_key(void *arg, size_t index, const uint8_t *msg, size_t len,
    uint8_t *sig, size_t cap, size_t *sig_len, char *err, size_t errlen)
{
	int rc = -1;

	(void)index;
	(void)err;
	(void)errlen;
	if (arg == &ed_kp && cap >= ED25519_SIGNATURE_LEN) {
		rc = ed25519_sign(sig, &ed_kp, msg, len);
		*sig_len = ED25519_SIGNATURE_LEN;
	} else if (arg == &sr_kp && cap >= SR25519_SIGNATURE_LEN) {
		rc = sr25519_sign(sig, &sr_kp, (const uint8_t *)
		    SR25519_SUBSTRATE_CONTEXT,
		    strlen(SR25519_SUBSTRATE_CONTEXT), msg, len);
		*sig_len = SR25519_SIGNATURE_LEN;
	} else if (arg == qh_sk && cap >= SPHINCS_SIG_BYTES) {
		rc = sphincs_sign(sig, msg, len, qh_sk, NULL);
		*sig_len = SPHINCS_SIG_BYTES;
	}
	return rc;
}

/* A signer for a 32-byte public key that is its own account id. */
static void
bare_signer(struct extrinsic_signer *s, enum key_scheme scheme,
    const uint8_t pk[32], void *key)
{
	memset(s, 0, sizeof(*s));
	s->scheme = scheme;
	memcpy(s->public_key, pk, 32);
	s->public_len = 32;
	memcpy(s->account_id, pk, 32);
	s->sign = sign_test_key;
	s->arg = key;
}

static void
ed25519_signer(struct extrinsic_signer *s)
{
	uint8_t seed[32];
	size_t i;

	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(i + 1);
	if (ed25519_keypair_from_seed(&ed_kp, seed) != 0)
		exit(2);
	bare_signer(s, KEY_SCHEME_ED25519, ed_kp.public_key, &ed_kp);
}

static void
sr25519_signer(struct extrinsic_signer *s)
{
	uint8_t seed[32];

	memset(seed, 0x42, sizeof(seed));
	if (sr25519_keypair_from_mini_secret(&sr_kp, seed) != 0)
		exit(2);
	bare_signer(s, KEY_SCHEME_SR25519, sr_kp.public_key, &sr_kp);
}

static void
test_era(void)
{
	static const struct {
		uint32_t period, current;
		const char *hex;
	} v[] = {
		{ 4, 3, "3100" }, { 4, 0, "0100" }, { 64, 42, "a502" },
		{ 4096, 5000, "8b38" }, { 8192, 12345, "cc81" },
		{ 65536, 100000, "af86" }, { 32768, 1000000, "8e84" },
		{ 65536, 100001, "af86" }, { 8192, 12343, "bc81" },
	};
	struct extrinsic_era era = { 0 };
	uint8_t out[2];
	size_t len, i;
	char err[EXTRINSIC_ERR_MAX];

	CHECK(extrinsic_era_encode(&era, out, &len, err, sizeof(err)) == 0 &&
	    len == 1 && out[0] == 0);
	era.mortal = true;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		era.period = v[i].period;
		era.current = v[i].current;
		CHECK(extrinsic_era_encode(&era, out, &len, err,
		    sizeof(err)) == 0 && bytes_are(out, len, v[i].hex));
	}
	/* Substrate's Era::birth: the phase is quantized for long periods
	 * (polkadot-js's MortalEra.birth says 100001 for the last; the chain
	 * decodes the two bytes, so it uses 100000). */
	CHECK(extrinsic_era_birth(64, 42) == 42);
	CHECK(extrinsic_era_birth(64, 1000) == 1000);
	CHECK(extrinsic_era_birth(65536, 100000) == 100000);
	CHECK(extrinsic_era_birth(65536, 100001) == 100000);
	era.period = 100;
	CHECK(extrinsic_era_encode(&era, out, &len, err, sizeof(err)) != 0 &&
	    strstr(err, "power of two") != NULL);
	era.period = 2;
	CHECK(extrinsic_era_encode(&era, out, &len, err, sizeof(err)) != 0);
	era.period = 131072;
	CHECK(extrinsic_era_encode(&era, out, &len, err, sizeof(err)) != 0);
}

static void
check_halves(const struct metadata *md, bool mortal, const char *extra_hex,
    const char *implicit_hex)
{
	struct extrinsic_params p;
	uint8_t *extra, *implicit;
	size_t extra_len, implicit_len;
	char err[EXTRINSIC_ERR_MAX];
	int rc;

	params_init(&p, mortal);
	rc = extrinsic_extensions_encode(md, &p, &extra, &extra_len,
	    &implicit, &implicit_len, err, sizeof(err));
	CHECK(rc == 0);
	if (rc != 0) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK(bytes_are(extra, extra_len, extra_hex));
	CHECK(bytes_are(implicit, implicit_len, implicit_hex));
	free(extra);
	free(implicit);
}

static void
check_payload(const struct metadata *md, bool mortal, const char *hex)
{
	struct extrinsic_params p;
	uint8_t *call, *payload;
	size_t call_len, len;
	char err[EXTRINSIC_ERR_MAX];

	params_init(&p, mortal);
	call = unhex(REMARK_HELLO, &call_len);
	CHECK(extrinsic_signed_payload(md, call, call_len, &p, &payload, &len,
	    err, sizeof(err)) == 0 && bytes_are(payload, len, hex));
	free(payload);
	free(call);
}

static void
test_extensions_kitchensink(void)
{
	static const char *const names[] = { "v14/substrate",
	    "v15/substrate" };
	static const char *const ids[] = { "CheckNonZeroSender",
	    "CheckSpecVersion", "CheckTxVersion", "CheckGenesis",
	    "CheckMortality", "CheckNonce", "CheckWeight",
	    "ChargeAssetTxPayment", "CheckMetadataHash", "WeightReclaim" };
	size_t i, k;

	for (i = 0; i < 2; i++) {
		struct metadata *md = load(names[i]);

		if (md == NULL)
			continue;
		/* The list as @polkadot/types reads it, in order. */
		CHECK(md->extrinsic.nextensions == (i == 0 ? 9u : 10u));
		for (k = 0; k < md->extrinsic.nextensions && k < 10; k++)
			CHECK_STR(md->extrinsic.extensions[k].identifier,
			    ids[k]);
		check_halves(md, false, KS_EXTRA_IMMORTAL,
		    KS_IMPLICIT_IMMORTAL);
		check_halves(md, true, KS_EXTRA_MORTAL, KS_IMPLICIT_MORTAL);
		check_payload(md, false, REMARK_HELLO KS_EXTRA_IMMORTAL
		    KS_IMPLICIT_IMMORTAL);
		check_payload(md, true, REMARK_HELLO KS_EXTRA_MORTAL
		    KS_IMPLICIT_MORTAL);
		metadata_free(md);
	}
}

static void
test_extensions_kusama(void)
{
	struct metadata *md = load("v14/kusama");

	if (md == NULL)
		return;
	CHECK(metadata_extension(md, "ChargeTransactionPayment") != NULL);
	check_payload(md, false, KSM_PAYLOAD_IMMORTAL);
	check_payload(md, true, KSM_PAYLOAD_MORTAL);
	metadata_free(md);
}

/* A remark whose signed payload is exactly len bytes (kitchensink: the
 * extensions add 78 bytes immortal). */
static uint8_t *
remark_for_payload(size_t payload_len, size_t *call_len)
{
	size_t n = payload_len - 78 - 4;	/* index 2, compact 2 */
	struct scale_writer w;

	scale_writer_init(&w, 4096);
	scale_write_u8(&w, 0);
	scale_write_u8(&w, 0);
	scale_write_compact(&w, n);
	for (size_t i = 0; i < n; i++)
		scale_write_u8(&w, (uint8_t)i);
	return scale_writer_take(&w, call_len);
}

static void
test_payload_hashing(void)
{
	struct metadata *md = load("v14/substrate");
	struct extrinsic_params p;
	uint8_t *call, *payload, *extra, *implicit, hash[32];
	uint8_t whole[512];
	size_t call_len, len, extra_len, implicit_len;
	char err[EXTRINSIC_ERR_MAX];

	if (md == NULL)
		return;
	params_init(&p, false);
	CHECK(extrinsic_extensions_encode(md, &p, &extra, &extra_len,
	    &implicit, &implicit_len, err, sizeof(err)) == 0);
	CHECK(extra_len + implicit_len == 78);

	call = remark_for_payload(256, &call_len);
	CHECK(call_len + 78 == 256);
	CHECK(extrinsic_signed_payload(md, call, call_len, &p, &payload, &len,
	    err, sizeof(err)) == 0);
	memcpy(whole, call, call_len);
	memcpy(whole + call_len, extra, extra_len);
	memcpy(whole + call_len + extra_len, implicit, implicit_len);
	CHECK(len == 256 && memcmp(payload, whole, 256) == 0);
	free(payload);
	free(call);

	call = remark_for_payload(257, &call_len);
	CHECK(extrinsic_signed_payload(md, call, call_len, &p, &payload, &len,
	    err, sizeof(err)) == 0);
	memcpy(whole, call, call_len);
	memcpy(whole + call_len, extra, extra_len);
	memcpy(whole + call_len + extra_len, implicit, implicit_len);
	crypto_generichash(hash, 32, whole, 257, NULL, 0);
	CHECK(len == 32 && memcmp(payload, hash, 32) == 0);
	free(payload);
	free(call);
	free(extra);
	free(implicit);
	metadata_free(md);
}

static void
check_signed_remark(const struct metadata *md, bool mortal,
    const char *xt_hex, const char *hash_hex)
{
	struct extrinsic_params p;
	struct extrinsic_signer s;
	uint8_t *call, *xt, *payload, tx_hash[32];
	size_t call_len, len, payload_len;
	char err[EXTRINSIC_ERR_MAX];
	int rc;

	params_init(&p, mortal);
	ed25519_signer(&s);
	call = unhex(REMARK_HELLO, &call_len);
	rc = extrinsic_build_signed_with(md, call, call_len, &p, &s, &xt,
	    &len, tx_hash, err, sizeof(err));
	CHECK(rc == 0);
	if (rc != 0) {
		fprintf(stderr, "  %s\n", err);
		free(call);
		return;
	}
	CHECK(bytes_are(xt, len, xt_hex));
	CHECK(bytes_are(tx_hash, 32, hash_hex));
	/* Field by field: Compact length (2 bytes: 0xc1 0x01 is 112), the
	 * signed v4 byte, MultiAddress::Id (0) and the account, then
	 * MultiSignature::Ed25519 (0) and 64 bytes, the extra, the call. */
	CHECK(len == 2 + 112 + (mortal ? 1u : 0u));
	CHECK(xt[2] == 0x84);
	CHECK(xt[3] == 0x00 && bytes_are(xt + 4, 32, ED25519_PUBLIC));
	CHECK(xt[36] == 0x00);
	CHECK(extrinsic_signed_payload(md, call, call_len, &p, &payload,
	    &payload_len, err, sizeof(err)) == 0);
	CHECK(ed25519_verify(xt + 37, payload, payload_len,
	    ed_kp.public_key) == 0);
	free(payload);
	CHECK(bytes_are(xt + 101, mortal ? 6 : 5, mortal ? KS_EXTRA_MORTAL :
	    KS_EXTRA_IMMORTAL));
	CHECK(memcmp(xt + len - call_len, call, call_len) == 0);
	free(xt);
	free(call);
}

static void
test_signed_remark(void)
{
	static const char *const names[] = { "v14/substrate",
	    "v15/substrate" };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct metadata *md = load(names[i]);

		if (md == NULL)
			continue;
		check_signed_remark(md, false, KS_XT_IMMORTAL,
		    KS_XT_IMMORTAL_HASH);
		check_signed_remark(md, true, KS_XT_MORTAL, KS_XT_MORTAL_HASH);
		metadata_free(md);
	}
}

/* sr25519 signatures are randomized: check the layout and that the
 * signature verifies over exactly the payload the builder reports. */
static void
test_sr25519_verifies(void)
{
	struct metadata *md = load("v14/substrate");
	struct extrinsic_params p;
	struct extrinsic_signer s;
	uint8_t *call, *xt, *payload, tx_hash[32], check[32];
	size_t call_len, len, payload_len, i;

	char err[EXTRINSIC_ERR_MAX];

	if (md == NULL)
		return;
	sr25519_signer(&s);
	for (i = 0; i < 2; i++) {
		params_init(&p, i == 1);
		call = i == 0 ? unhex(REMARK_HELLO, &call_len) :
		    remark_for_payload(300, &call_len);
		CHECK(extrinsic_build_signed_with(md, call, call_len, &p, &s,
		    &xt, &len, tx_hash, err, sizeof(err)) == 0);
		CHECK(extrinsic_signed_payload(md, call, call_len, &p,
		    &payload, &payload_len, err, sizeof(err)) == 0);
		CHECK(payload_len == (i == 0 ? 86u : 32u));
		/* Offsets after a 1- or 2-byte length prefix. */
		{
			size_t o = xt[0] & 3 ? 2 : 1;

			CHECK(xt[o] == 0x84 && xt[o + 1] == 0);
			CHECK(memcmp(xt + o + 2, sr_kp.public_key, 32) == 0);
			CHECK(xt[o + 34] == 0x01);	/* Sr25519 */
			CHECK(sr25519_verify(xt + o + 35,
			    (const uint8_t *)SR25519_SUBSTRATE_CONTEXT,
			    strlen(SR25519_SUBSTRATE_CONTEXT), payload,
			    payload_len, sr_kp.public_key) == 0);
			xt[o + 40] ^= 1;
			CHECK(sr25519_verify(xt + o + 35,
			    (const uint8_t *)SR25519_SUBSTRATE_CONTEXT,
			    strlen(SR25519_SUBSTRATE_CONTEXT), payload,
			    payload_len, sr_kp.public_key) != 0);
			xt[o + 40] ^= 1;
		}
		crypto_generichash(check, 32, xt, len, NULL, 0);
		CHECK(memcmp(check, tx_hash, 32) == 0);
		free(payload);
		free(xt);
		free(call);
	}
	metadata_free(md);
}

/* The custody path: the same layout, signed by a custodied sr25519 key. */
static void
test_custody_signer(void)
{
	struct metadata *md = load("v15/substrate");
	struct extrinsic_params p;
	struct custody *c;
	struct key_secret *k;
	uint8_t *call, *xt, *payload, seed[32], pk[32];
	size_t call_len, len, payload_len, pk_len;
	char err[CUSTODY_ERR_MAX];

	if (md == NULL)
		return;
	if ((c = custody_new(err, sizeof(err))) == NULL ||
	    (k = custody_reserve(c, err, sizeof(err))) == NULL) {
		printf("skip: custody: %s\n", err);
		custody_free(c);
		metadata_free(md);
		return;
	}
	memset(seed, 7, sizeof(seed));
	k->scheme = KEY_SCHEME_SR25519;
	CHECK(sr25519_keypair_from_mini_secret(&k->key.sr25519, seed) == 0);
	CHECK(custody_commit(c, err, sizeof(err)) == 0);
	CHECK(custody_public(c, 0, pk, sizeof(pk), &pk_len) == 0);
	params_init(&p, false);
	call = unhex(REMARK_HELLO, &call_len);
	CHECK(extrinsic_build_signed(md, call, call_len, &p, c, 0, &xt, &len,
	    NULL, err, sizeof(err)) == 0);
	CHECK(extrinsic_signed_payload(md, call, call_len, &p, &payload,
	    &payload_len, err, sizeof(err)) == 0);
	/* 0x84, Id + 32, Sr25519 + 64, extra 5, call 8: 112 bytes. */
	CHECK(len == 2 + 112 && xt[2] == 0x84 && xt[36] == 1);
	CHECK(memcmp(xt + 4, pk, 32) == 0);
	CHECK(sr25519_verify(xt + 37, (const uint8_t *)"substrate", 9,
	    payload, payload_len, pk) == 0);
	free(xt);
	CHECK(extrinsic_build_signed(md, call, call_len, &p, c, 1, &xt, &len,
	    NULL, err, sizeof(err)) != 0 && strstr(err, "index 1") != NULL);
	free(payload);
	free(call);
	custody_free(c);
	metadata_free(md);
}

static void
test_unsigned(void)
{
	struct metadata *md = load("v14/substrate");
	uint8_t *call, *xt, tx_hash[32], check[32];
	size_t call_len, len;
	char err[EXTRINSIC_ERR_MAX];

	if (md == NULL)
		return;
	call = unhex(REMARK_HELLO, &call_len);
	CHECK(extrinsic_build_unsigned(md, call, call_len,
	    EXTRINSIC_HASHER_BLAKE2_256, &xt, &len, tx_hash, err,
	    sizeof(err)) == 0);
	CHECK(bytes_are(xt, len, "2404" REMARK_HELLO));
	crypto_generichash(check, 32, xt, len, NULL, 0);
	CHECK(memcmp(check, tx_hash, 32) == 0);
	free(xt);
	CHECK(extrinsic_build_unsigned(md, call, call_len,
	    EXTRINSIC_HASHER_KECCAK_256, &xt, &len, tx_hash, err,
	    sizeof(err)) == 0);
	keccak256(check, xt, len);
	CHECK(memcmp(check, tx_hash, 32) == 0);
	free(xt);
	free(call);
	metadata_free(md);
}

/* A copy of md's top-level struct whose extension list is replaced. */
static struct metadata
with_extensions(const struct metadata *md, const struct md_extension *e,
    size_t n)
{
	struct metadata copy = *md;

	copy.extrinsic.extensions = e;
	copy.extrinsic.nextensions = n;
	return copy;
}

static void
test_errors(void)
{
	struct metadata *md = load("v14/substrate");
	struct metadata m;
	struct extrinsic_params p;
	struct extrinsic_signer s;
	struct md_extension ext[2];
	const struct md_extension *nonce, *genesis, *weight;
	uint8_t *call, *xt = NULL, *big;
	size_t call_len, len;
	char err[EXTRINSIC_ERR_MAX];

	if (md == NULL)
		return;
	params_init(&p, false);
	ed25519_signer(&s);
	call = unhex(REMARK_HELLO, &call_len);
	nonce = metadata_extension(md, "CheckNonce");
	genesis = metadata_extension(md, "CheckGenesis");
	weight = metadata_extension(md, "CheckWeight");
	if (nonce == NULL || genesis == NULL || weight == NULL) {
		CHECK(!"kitchensink has CheckNonce, CheckGenesis, CheckWeight");
		goto out;
	}

	/* An unknown extension with data is refused by name... */
	ext[0] = *nonce;
	ext[0].identifier = "CheckSomethingNew";
	m = with_extensions(md, ext, 1);
	CHECK(extrinsic_build_signed_with(&m, call, call_len, &p, &s, &xt,
	    &len, NULL, err, sizeof(err)) != 0 && xt == NULL);
	CHECK(strstr(err, "CheckSomethingNew") != NULL &&
	    strstr(err, "unknown") != NULL);
	/* ... an unknown empty one is nothing. */
	ext[0] = *weight;
	ext[0].identifier = "CheckSomethingEmpty";
	ext[1] = *nonce;
	m = with_extensions(md, ext, 2);
	CHECK(extrinsic_build_signed_with(&m, call, call_len, &p, &s, &xt,
	    &len, NULL, err, sizeof(err)) == 0);
	/* 0x84, address (33), signature (65): 99 bytes before extra. */
	CHECK(xt != NULL && len == 2 + 99 + 1 + call_len && xt[len -
	    call_len - 1] == 0x14);
	free(xt);
	xt = NULL;

	/* A known extension whose type has another shape. */
	ext[0] = *nonce;
	ext[0].type = genesis->implicit;	/* a hash, not Compact<u32> */
	m = with_extensions(md, ext, 1);
	CHECK(extrinsic_build_signed_with(&m, call, call_len, &p, &s, &xt,
	    &len, NULL, err, sizeof(err)) != 0);
	CHECK(strstr(err, "CheckNonce") != NULL &&
	    strstr(err, "Compact nonce") != NULL);
	ext[0] = *genesis;
	ext[0].implicit = nonce->type;
	m = with_extensions(md, ext, 1);
	CHECK(extrinsic_build_signed_with(&m, call, call_len, &p, &s, &xt,
	    &len, NULL, err, sizeof(err)) != 0);
	CHECK(strstr(err, "CheckGenesis") != NULL &&
	    strstr(err, "32-byte hash") != NULL);
	ext[0] = *weight;
	ext[0].type = nonce->type;
	m = with_extensions(md, ext, 1);
	CHECK(extrinsic_build_signed_with(&m, call, call_len, &p, &s, &xt,
	    &len, NULL, err, sizeof(err)) != 0);
	CHECK(strstr(err, "CheckWeight") != NULL &&
	    strstr(err, "empty") != NULL);

	/* A scheme the chain's MultiSignature does not take. */
	s.scheme = KEY_SCHEME_SPHINCS;
	s.public_len = SPHINCS_PK_BYTES;
	CHECK(extrinsic_build_signed_with(md, call, call_len, &p, &s, &xt,
	    &len, NULL, err, sizeof(err)) != 0);
	CHECK(strstr(err, "no SphincsPlus variant") != NULL &&
	    strstr(err, "Ed25519, Sr25519, Ecdsa") != NULL);
	ed25519_signer(&s);

	/* A bad era period stops the build too. */
	p.era.mortal = true;
	p.era.period = 63;
	CHECK(extrinsic_build_signed_with(md, call, call_len, &p, &s, &xt,
	    &len, NULL, err, sizeof(err)) != 0 && strstr(err, "63") != NULL);
	params_init(&p, false);

	/* Oversize and empty calls. */
	big = calloc(1, EXTRINSIC_MAX_BYTES);
	if (big == NULL)
		exit(2);
	CHECK(extrinsic_build_signed_with(md, big, EXTRINSIC_MAX_BYTES, &p, &s,
	    &xt, &len, NULL, err, sizeof(err)) != 0 &&
	    strstr(err, "capped") != NULL);
	CHECK(extrinsic_build_unsigned(md, big, EXTRINSIC_MAX_BYTES,
	    EXTRINSIC_HASHER_BLAKE2_256, &xt, &len, NULL, err,
	    sizeof(err)) != 0 && strstr(err, "capped") != NULL);
	CHECK(extrinsic_signed_payload(md, big, EXTRINSIC_MAX_BYTES, &p, &xt,
	    &len, err, sizeof(err)) != 0 && xt == NULL);
	/* A 10 MiB call (a runtime upgrade) is fine, hashed for signing. */
	CHECK(extrinsic_build_signed_with(md, big, (size_t)10 << 20, &p, &s,
	    &xt, &len, NULL, err, sizeof(err)) == 0 &&
	    len == ((size_t)10 << 20) + 4 + 99 + 5);
	free(xt);
	free(big);
	CHECK(extrinsic_build_signed_with(md, call, 0, &p, &s, &xt, &len,
	    NULL, err, sizeof(err)) != 0 && strstr(err, "empty") != NULL);
out:
	free(call);
	metadata_free(md);
}

/* QuantumHarmony's shape, in memory: the registry below, in id order. */
enum {
	QH_U8, QH_BYTES32, QH_ACCOUNT, QH_ADDRESS, QH_SIG_BYTES, QH_PK_BYTES,
	QH_SIG_PAIR, QH_SIG_FLAT, QH_SIGNATURE, QH_U32, QH_COMPACT_U32,
	QH_NONCE, QH_EMPTY, QH_UNIT, QH_H256, QH_ERA, QH_CHECK_ERA, QH_U128,
	QH_COMPACT_U128, QH_PAYMENT, QH_NTYPES
};

struct qh_registry {
	struct md_type types[QH_NTYPES];
	struct md_field fields[16];
	struct md_variant era_variants[256];
	struct md_field era_fields[256];
	char era_names[256][12];
	struct md_variant address_variants[2];
	struct md_variant sig_variant;
	struct md_extension ext[8];
	uint8_t version;
	struct metadata md;
};

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
qh_era(struct qh_registry *q)
{
	size_t i;

	qh_type(q, QH_ERA, MD_VARIANT, "sp_runtime::generic::era::Era");
	for (i = 0; i < 256; i++) {
		if (i == 0)
			snprintf(q->era_names[i], 12, "Immortal");
		else
			snprintf(q->era_names[i], 12, "Mortal%zu", i);
		q->era_fields[i] = (struct md_field){ NULL, NULL, QH_U8 };
		q->era_variants[i] = (struct md_variant){ q->era_names[i],
		    (uint8_t)i, &q->era_fields[i], i == 0 ? 0 : 1, "" };
	}
	q->types[QH_ERA].variants = q->era_variants;
	q->types[QH_ERA].nvariants = 256;
}

/* flat: the variant holds one [u8; 49920]; else (signature, public). */
static void
qh_build(struct qh_registry *q, bool flat)
{
	static const char *const ids[8] = { "CheckNonZeroSender",
	    "CheckSpecVersion", "CheckTxVersion", "CheckGenesis", "CheckEra",
	    "CheckNonce", "CheckWeight", "ChargeTransactionPayment" };
	const uint32_t types[8][2] = { { QH_EMPTY, QH_UNIT },
	    { QH_EMPTY, QH_U32 }, { QH_EMPTY, QH_U32 },
	    { QH_EMPTY, QH_H256 }, { QH_CHECK_ERA, QH_H256 },
	    { QH_NONCE, QH_UNIT }, { QH_EMPTY, QH_UNIT },
	    { QH_PAYMENT, QH_UNIT } };
	size_t i;

	memset(q, 0, sizeof(*q));
	qh_type(q, QH_U8, MD_PRIMITIVE, "");
	q->types[QH_U8].prim = MD_U8;
	qh_type(q, QH_BYTES32, MD_ARRAY, "");
	q->types[QH_BYTES32].elem = QH_U8;
	q->types[QH_BYTES32].array_len = 32;
	qh_composite1(q, QH_ACCOUNT, "sp_core::crypto::AccountId32", 0,
	    QH_BYTES32);
	qh_type(q, QH_ADDRESS, MD_VARIANT, "sp_runtime::multiaddress::"
	    "MultiAddress");
	q->address_variants[0] = (struct md_variant){ "Id", 0,
	    qh_field(q, 1, NULL, QH_ACCOUNT), 1, "" };
	q->address_variants[1] = (struct md_variant){ "Address32", 3,
	    qh_field(q, 2, NULL, QH_BYTES32), 1, "" };
	q->types[QH_ADDRESS].variants = q->address_variants;
	q->types[QH_ADDRESS].nvariants = 2;
	qh_type(q, QH_SIG_BYTES, MD_ARRAY, "");
	q->types[QH_SIG_BYTES].elem = QH_U8;
	q->types[QH_SIG_BYTES].array_len = SPHINCS_SIG_BYTES;
	qh_type(q, QH_PK_BYTES, MD_ARRAY, "");
	q->types[QH_PK_BYTES].elem = QH_U8;
	q->types[QH_PK_BYTES].array_len = SPHINCS_PK_BYTES;
	qh_type(q, QH_SIG_PAIR, MD_COMPOSITE, "sp_core::sphincs::Signature");
	qh_field(q, 3, "signature", QH_SIG_BYTES);
	qh_field(q, 4, "public", QH_PK_BYTES);
	q->types[QH_SIG_PAIR].fields = &q->fields[3];
	q->types[QH_SIG_PAIR].nfields = 2;
	qh_type(q, QH_SIG_FLAT, MD_ARRAY, "");
	q->types[QH_SIG_FLAT].elem = QH_U8;
	q->types[QH_SIG_FLAT].array_len = SPHINCS_SIG_BYTES +
	    SPHINCS_PK_BYTES;
	qh_type(q, QH_SIGNATURE, MD_VARIANT, "sp_runtime::MultiSignature");
	q->sig_variant = (struct md_variant){ "SphincsPlus", 0,
	    qh_field(q, 5, NULL, flat ? QH_SIG_FLAT : QH_SIG_PAIR), 1, "" };
	q->types[QH_SIGNATURE].variants = &q->sig_variant;
	q->types[QH_SIGNATURE].nvariants = 1;
	qh_type(q, QH_U32, MD_PRIMITIVE, "");
	q->types[QH_U32].prim = MD_U32;
	qh_type(q, QH_COMPACT_U32, MD_COMPACT, "");
	q->types[QH_COMPACT_U32].elem = QH_U32;
	qh_composite1(q, QH_NONCE, "frame_system::extensions::check_nonce::"
	    "CheckNonce", 6, QH_COMPACT_U32);
	qh_type(q, QH_EMPTY, MD_COMPOSITE, "frame_system::CheckWeight");
	qh_type(q, QH_UNIT, MD_TUPLE, "");
	qh_composite1(q, QH_H256, "primitive_types::H256", 7, QH_BYTES32);
	qh_era(q);
	qh_composite1(q, QH_CHECK_ERA, "frame_system::CheckEra", 8, QH_ERA);
	qh_type(q, QH_U128, MD_PRIMITIVE, "");
	q->types[QH_U128].prim = MD_U128;
	qh_type(q, QH_COMPACT_U128, MD_COMPACT, "");
	q->types[QH_COMPACT_U128].elem = QH_U128;
	qh_composite1(q, QH_PAYMENT, "pallet_transaction_payment::"
	    "ChargeTransactionPayment", 9, QH_COMPACT_U128);
	for (i = 0; i < 8; i++)
		q->ext[i] = (struct md_extension){ ids[i], types[i][0],
		    types[i][1] };
	q->version = 4;
	q->md.version = 14;
	q->md.types = q->types;
	q->md.ntypes = QH_NTYPES;
	q->md.extrinsic = (struct md_extrinsic){ .version = 4,
	    .versions = &q->version, .nversions = 1,
	    .type = METADATA_NO_TYPE, .address = QH_ADDRESS,
	    .call = METADATA_NO_TYPE, .signature = QH_SIGNATURE,
	    .extra = METADATA_NO_TYPE, .extensions = q->ext,
	    .nextensions = 8 };
	q->md.runtime_type = METADATA_NO_TYPE;
	q->md.call_enum = q->md.event_enum = q->md.error_enum =
	    METADATA_NO_TYPE;
}

static void
sphincs_signer(struct extrinsic_signer *s)
{
	uint8_t seed[SPHINCS_SEED_BYTES];
	size_t i;

	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0xa0 ^ i);
	memset(s, 0, sizeof(*s));
	if (sphincs_keypair_from_seed(s->public_key, qh_sk, seed) != 0)
		exit(2);
	s->scheme = KEY_SCHEME_SPHINCS;
	s->public_len = SPHINCS_PK_BYTES;
	keccak256(s->account_id, s->public_key, SPHINCS_PK_BYTES);
	s->sign = sign_test_key;
	s->arg = qh_sk;
}

static void
check_quantum(bool flat)
{
	static struct qh_registry q;
	struct extrinsic_params p;
	struct extrinsic_signer s;
	uint8_t *call, *xt, *payload, tx_hash[32], check[32], account[32];
	size_t call_len, len, payload_len, o, body;
	uint32_t prefix;
	char err[EXTRINSIC_ERR_MAX];

	qh_build(&q, flat);
	params_init(&p, false);
	p.nonce = 300;
	p.hasher = EXTRINSIC_HASHER_KECCAK_256;
	sphincs_signer(&s);
	call = unhex(REMARK_HELLO, &call_len);
	CHECK(extrinsic_build_signed_with(&q.md, call, call_len, &p, &s, &xt,
	    &len, tx_hash, err, sizeof(err)) == 0);
	CHECK(extrinsic_signed_payload(&q.md, call, call_len, &p, &payload,
	    &payload_len, err, sizeof(err)) == 0);
	/* call ‖ era 00, Compact 300 (b1 04), tip 00 ‖ spec, tx, genesis,
	 * genesis (immortal birth). */
	CHECK(bytes_are(payload, payload_len, REMARK_HELLO "00b10400"
	    "0c01000002000000" GENESIS GENESIS));
	body = 1 + 1 + 32 + 1 + SPHINCS_SIG_BYTES + SPHINCS_PK_BYTES + 4 +
	    call_len;
	CHECK(len == 4 + body);
	/* Compact<u32> in four-byte mode: (body << 2) | 2. */
	prefix = (uint32_t)xt[0] | (uint32_t)xt[1] << 8 |
	    (uint32_t)xt[2] << 16 | (uint32_t)xt[3] << 24;
	CHECK(prefix == ((uint32_t)body << 2 | 2));
	o = 4;
	CHECK(xt[o++] == 0x84);
	CHECK(xt[o++] == 0x00);			/* MultiAddress::Id */
	keccak256(account, s.public_key, SPHINCS_PK_BYTES);
	CHECK(memcmp(xt + o, account, 32) == 0);
	o += 32;
	CHECK(xt[o++] == 0x00);			/* SphincsPlus */
	CHECK(sphincs_verify(xt + o, payload, payload_len,
	    s.public_key) == 0);
	o += SPHINCS_SIG_BYTES;
	CHECK(memcmp(xt + o, s.public_key, SPHINCS_PK_BYTES) == 0);
	o += SPHINCS_PK_BYTES;
	CHECK(bytes_are(xt + o, 4, "00b10400"));
	o += 4;
	CHECK(memcmp(xt + o, call, call_len) == 0 && o + call_len == len);
	keccak256(check, xt, len);
	CHECK(memcmp(check, tx_hash, 32) == 0);
	/* A flipped signature byte no longer verifies. */
	xt[4 + 1 + 1 + 32 + 1 + 100] ^= 0x10;
	CHECK(sphincs_verify(xt + 39, payload, payload_len,
	    s.public_key) != 0);
	free(payload);
	free(xt);

	/* sr25519 is not accepted there. */
	sr25519_signer(&s);
	CHECK(extrinsic_build_signed_with(&q.md, call, call_len, &p, &s, &xt,
	    &len, tx_hash, err, sizeof(err)) != 0);
	CHECK(strstr(err, "no Sr25519 variant") != NULL &&
	    strstr(err, "variants are: SphincsPlus") != NULL);
	free(call);
}

static void
test_quantum_harmony(void)
{
	check_quantum(false);
	check_quantum(true);
}

/* A signature variant of the wrong size is refused, not padded. */
static void
test_quantum_bad_variant(void)
{
	static struct qh_registry q;
	struct extrinsic_params p;
	struct extrinsic_signer s;
	uint8_t *call, *xt;
	size_t call_len, len;
	char err[EXTRINSIC_ERR_MAX];

	qh_build(&q, true);
	q.types[QH_SIG_FLAT].array_len = SPHINCS_SIG_BYTES + 32;
	params_init(&p, false);
	sphincs_signer(&s);
	call = unhex(REMARK_HELLO, &call_len);
	CHECK(extrinsic_build_signed_with(&q.md, call, call_len, &p, &s, &xt,
	    &len, NULL, err, sizeof(err)) != 0);
	CHECK(strstr(err, "SphincsPlus") != NULL &&
	    strstr(err, "49856") != NULL);
	/* An address type without Id. */
	qh_build(&q, true);
	q.address_variants[0].name = "Index";
	CHECK(extrinsic_build_signed_with(&q.md, call, call_len, &p, &s, &xt,
	    &len, NULL, err, sizeof(err)) != 0);
	CHECK(strstr(err, "no Id variant") != NULL &&
	    strstr(err, "Index, Address32") != NULL);
	free(call);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 2;
	RUN(test_era);
	RUN(test_extensions_kitchensink);
	RUN(test_extensions_kusama);
	RUN(test_payload_hashing);
	RUN(test_signed_remark);
	RUN(test_sr25519_verifies);
	RUN(test_custody_signer);
	RUN(test_unsigned);
	RUN(test_errors);
	RUN(test_quantum_harmony);
	RUN(test_quantum_bad_variant);
	return testlib_summary();
}
