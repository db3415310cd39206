/* STROBE-128/Merlin and sr25519 (worker-sign/strobe.c, merlin.c,
 * sr25519.c). Where the expected values came from:
 *   Merlin: the test vector published with the Merlin crate
 *     ("test protocol" / "some label" → "some data" / "challenge");
 *   keys and signatures: @polkadot/util-crypto 14.0.3 and @polkadot/keyring
 *     (WebAssembly schnorrkel), printed by
 *     tests/sr25519-crosscheck/vectors.mjs — the dev phrase's mini-secret
 *     (as tests/unit/test_bip39.c has it), sr25519PairFromSeed's secretKey
 *     and public key, //Alice, //Alice//stash, //Alice/stash, and one
 *     signature by //Alice, made once and copied here.
 * Signatures are randomised; tests/sr25519-crosscheck/crosscheck.mjs checks
 * that ours verify in polkadot-js. */
#include "merlin.h"
#include "sr25519.h"
#include "testlib.h"

#include <sodium.h>
#include <stdint.h>

#define CTX ((const uint8_t *)SR25519_SUBSTRATE_CONTEXT)
#define CTX_LEN (sizeof SR25519_SUBSTRATE_CONTEXT - 1)

static const char dev_mini_secret[] =
    "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e";
/* sr25519PairFromSeed(dev mini-secret): secretKey (8·a ‖ nonce), public. */
static const char dev_secret_ed25519_layout[] =
    "28b0ae221c6bb06856b287f60d7ea0d98552ea5a16db16956849aa371db3eb51"
    "fd190cce74df356432b410bd64682309d6dedb27c76845daf388557cbac3ca34";
static const char dev_public[] =
    "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a";
static const char alice_public[] =
    "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
static const char alice_stash_public[] =
    "be5ddb1579b72e84524fc29e78609e3caf42e85aa118ebfe0b0ad404b5bdd25f";
static const char alice_soft_stash_public[] =
    "42693199aba1dec4d835602e19d16d173df9b3b7b65359fd7accdf874749bf61";
/* Keyring({type: 'sr25519'}).addFromUri('//Alice').sign(message). */
static const char polkadot_js_message[] =
    "rtforge: a message signed by polkadot-js";
static const char polkadot_js_signature[] =
    "38423f5e95b46276f8d3de6eeb5701724f817e8397e2a7c2d5323ed63da81525"
    "848da55b62c4c817aa5a5a58faf1f41a7f256283404df812d76f744b7607d28b";

static void
from_hex(uint8_t *out, size_t len, const char *hex)
{
	size_t bin_len = 0;

	if (strlen(hex) != 2 * len ||
	    sodium_hex2bin(out, len, hex, 2 * len, NULL, &bin_len, NULL) != 0 ||
	    bin_len != len) {
		fprintf(stderr, "bad hex in a test vector\n");
		memset(out, 0, len);
	}
}

static int
equals_hex(const uint8_t *bytes, size_t len, const char *hex)
{
	uint8_t expected[128];

	if (len > sizeof expected)
		return 0;
	from_hex(expected, len, hex);
	return memcmp(bytes, expected, len) == 0;
}

/* Junction text as Substrate encodes it when short: compact length ‖
 * bytes, zero-padded. (suri.c makes chain codes in general; this file
 * tests sr25519 on its own.) */
static void
short_text_chain_code(uint8_t cc[SR25519_CHAIN_CODE_LEN], const char *text)
{
	size_t len = strlen(text);

	memset(cc, 0, SR25519_CHAIN_CODE_LEN);
	cc[0] = (uint8_t)(len << 2);
	memcpy(cc + 1, text, len);
}

static void
dev_keypair(struct sr25519_keypair *kp)
{
	uint8_t mini[SR25519_MINI_SECRET_LEN];

	from_hex(mini, sizeof mini, dev_mini_secret);
	CHECK(sr25519_keypair_from_mini_secret(kp, mini) == 0);
}

static void
alice_keypair(struct sr25519_keypair *alice)
{
	struct sr25519_keypair dev;
	uint8_t cc[SR25519_CHAIN_CODE_LEN];

	dev_keypair(&dev);
	short_text_chain_code(cc, "Alice");
	CHECK(sr25519_derive_hard(alice, &dev, cc) == 0);
	sr25519_keypair_clear(&dev);
}

static void
test_merlin_vector(void)
{
	struct merlin_transcript t;
	uint8_t challenge[32];

	merlin_init(&t, "test protocol");
	merlin_append_message(&t, "some label", (const uint8_t *)"some data",
	    9);
	merlin_challenge_bytes(&t, "challenge", challenge, sizeof challenge);
	CHECK(equals_hex(challenge, sizeof challenge,
	    "d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615"));
	merlin_clear(&t);
	CHECK(sodium_is_zero((const uint8_t *)&t, sizeof t));
}

/* Properties every transcript must have, beyond the single vector: the
 * same appends give the same challenge, and a changed label, message or
 * framing gives another. */
static void
challenge_after(uint8_t out[32], const char *label, const char *msg,
    uint64_t number)
{
	struct merlin_transcript t;

	merlin_init(&t, "rtforge test");
	merlin_append_message(&t, label, (const uint8_t *)msg, strlen(msg));
	merlin_append_u64(&t, "n", number);
	merlin_challenge_bytes(&t, "c", out, 32);
	merlin_clear(&t);
}

static void
test_merlin_separation(void)
{
	uint8_t a[32], b[32];

	challenge_after(a, "label", "message", 1);
	challenge_after(b, "label", "message", 1);
	CHECK(memcmp(a, b, 32) == 0);
	challenge_after(b, "label", "messagf", 1);
	CHECK(memcmp(a, b, 32) != 0);
	challenge_after(b, "labe", "lmessage", 1);
	CHECK(memcmp(a, b, 32) != 0);
	challenge_after(b, "label", "message", 2);
	CHECK(memcmp(a, b, 32) != 0);
}

/* Challenges longer than the STROBE rate cross a permutation boundary. */
static void
test_merlin_long_challenge(void)
{
	struct merlin_transcript t;
	uint8_t whole[400], again[400];

	merlin_init(&t, "long");
	merlin_challenge_bytes(&t, "c", whole, sizeof whole);
	merlin_clear(&t);
	merlin_init(&t, "long");
	merlin_challenge_bytes(&t, "c", again, sizeof again);
	merlin_clear(&t);
	CHECK(memcmp(whole, again, sizeof whole) == 0);
	/* Not a block of zeros repeating: the permutation ran. */
	CHECK(memcmp(whole, whole + STROBE128_RATE, 32) != 0);
	CHECK(!sodium_is_zero(whole + 2 * STROBE128_RATE, 32));
}

static void
test_expand_matches_polkadot_js(void)
{
	struct sr25519_keypair kp, imported;
	uint8_t layout[SR25519_SECRET_LEN];

	dev_keypair(&kp);
	CHECK(equals_hex(kp.public_key, SR25519_PUBLIC_LEN, dev_public));
	sr25519_secret_to_ed25519_layout(layout, &kp);
	CHECK(equals_hex(layout, sizeof layout, dev_secret_ed25519_layout));

	/* polkadot-js's layout imports back to the same keypair. */
	CHECK(sr25519_keypair_from_ed25519_layout(&imported, layout) == 0);
	CHECK(memcmp(&imported, &kp, sizeof kp) == 0);
	/* Not a multiple of 8: not that layout. */
	layout[0] |= 1;
	CHECK(sr25519_keypair_from_ed25519_layout(&imported, layout) != 0);
	CHECK(sodium_is_zero((const uint8_t *)&imported, sizeof imported));
	/* A key scalar beyond ℓ is refused. */
	memset(layout, 0xff, SR25519_SECRET_LEN);
	CHECK(sr25519_keypair_from_secret(&imported, layout) != 0);
	memset(layout, 0, SR25519_SECRET_LEN);
	CHECK(sr25519_keypair_from_secret(&imported, layout) != 0);
	sr25519_keypair_clear(&kp);
}

static void
test_hard_derivation(void)
{
	struct sr25519_keypair alice, stash;
	uint8_t cc[SR25519_CHAIN_CODE_LEN];

	alice_keypair(&alice);
	CHECK(equals_hex(alice.public_key, SR25519_PUBLIC_LEN, alice_public));
	short_text_chain_code(cc, "stash");
	CHECK(sr25519_derive_hard(&stash, &alice, cc) == 0);
	CHECK(equals_hex(stash.public_key, SR25519_PUBLIC_LEN,
	    alice_stash_public));
	sr25519_keypair_clear(&alice);
	sr25519_keypair_clear(&stash);
}

static void
test_soft_derivation(void)
{
	struct sr25519_keypair alice, child, again;
	uint8_t cc[SR25519_CHAIN_CODE_LEN], public_only[SR25519_PUBLIC_LEN];
	uint8_t sig[SR25519_SIGNATURE_LEN];

	alice_keypair(&alice);
	short_text_chain_code(cc, "stash");
	CHECK(sr25519_derive_soft(&child, &alice, cc) == 0);
	CHECK(equals_hex(child.public_key, SR25519_PUBLIC_LEN,
	    alice_soft_stash_public));
	CHECK(sr25519_derive_public_soft(public_only, alice.public_key, cc) ==
	    0);
	CHECK(memcmp(public_only, child.public_key, sizeof public_only) == 0);
	/* Same key, a fresh nonce seed each time (as schnorrkel does). */
	CHECK(sr25519_derive_soft(&again, &alice, cc) == 0);
	CHECK(memcmp(again.secret, child.secret, 32) == 0);
	CHECK(memcmp(again.secret + 32, child.secret + 32, 32) != 0);
	/* The soft child signs under the derived public key. */
	CHECK(sr25519_sign(sig, &child, CTX, CTX_LEN, (const uint8_t *)"x",
	    1) == 0);
	CHECK(sr25519_verify(sig, CTX, CTX_LEN, (const uint8_t *)"x", 1,
	    public_only) == 0);
	sr25519_keypair_clear(&alice);
	sr25519_keypair_clear(&child);
	sr25519_keypair_clear(&again);
}

static void
test_sign_verify(void)
{
	struct sr25519_keypair alice, dev;
	uint8_t sig[SR25519_SIGNATURE_LEN], other[SR25519_SIGNATURE_LEN];
	const uint8_t msg[] = "transfer 1 DOT";
	size_t len = sizeof msg - 1;

	alice_keypair(&alice);
	dev_keypair(&dev);
	CHECK(sr25519_sign(sig, &alice, CTX, CTX_LEN, msg, len) == 0);
	CHECK((sig[63] & 0x80) != 0);
	CHECK(sr25519_verify(sig, CTX, CTX_LEN, msg, len, alice.public_key) ==
	    0);
	/* Randomised: a second signature differs, and verifies too. */
	CHECK(sr25519_sign(other, &alice, CTX, CTX_LEN, msg, len) == 0);
	CHECK(memcmp(sig, other, sizeof sig) != 0);
	CHECK(sr25519_verify(other, CTX, CTX_LEN, msg, len,
	    alice.public_key) == 0);
	/* Empty message. */
	CHECK(sr25519_sign(other, &alice, CTX, CTX_LEN, NULL, 0) == 0);
	CHECK(sr25519_verify(other, CTX, CTX_LEN, NULL, 0,
	    alice.public_key) == 0);

	CHECK(sr25519_verify(sig, CTX, CTX_LEN, msg, len - 1,
	    alice.public_key) != 0);
	CHECK(sr25519_verify(sig, CTX, CTX_LEN, msg, len, dev.public_key) !=
	    0);
	CHECK(sr25519_verify(sig, (const uint8_t *)"polkadot", 8, msg, len,
	    alice.public_key) != 0);
	sr25519_keypair_clear(&alice);
	sr25519_keypair_clear(&dev);
}

/* With the same random bytes signing repeats exactly; with others not. */
static void
test_sign_with_random(void)
{
	struct sr25519_keypair alice;
	uint8_t random[SR25519_RANDOM_LEN] = { 1, 2, 3 };
	uint8_t a[SR25519_SIGNATURE_LEN], b[SR25519_SIGNATURE_LEN];

	alice_keypair(&alice);
	CHECK(sr25519_sign_with_random(a, &alice, CTX, CTX_LEN,
	    (const uint8_t *)"m", 1, random) == 0);
	CHECK(sr25519_sign_with_random(b, &alice, CTX, CTX_LEN,
	    (const uint8_t *)"m", 1, random) == 0);
	CHECK(memcmp(a, b, sizeof a) == 0);
	random[0] ^= 1;
	CHECK(sr25519_sign_with_random(b, &alice, CTX, CTX_LEN,
	    (const uint8_t *)"m", 1, random) == 0);
	CHECK(memcmp(a, b, sizeof a) != 0);
	CHECK(sr25519_verify(b, CTX, CTX_LEN, (const uint8_t *)"m", 1,
	    alice.public_key) == 0);
	sr25519_keypair_clear(&alice);
}

static void
test_polkadot_js_signature(void)
{
	uint8_t sig[SR25519_SIGNATURE_LEN], pk[SR25519_PUBLIC_LEN];
	const uint8_t *msg = (const uint8_t *)polkadot_js_message;
	size_t len = strlen(polkadot_js_message);
	size_t tampered = 0;

	from_hex(sig, sizeof sig, polkadot_js_signature);
	from_hex(pk, sizeof pk, alice_public);
	CHECK(sr25519_verify(sig, CTX, CTX_LEN, msg, len, pk) == 0);
	CHECK(sr25519_verify(sig, CTX, CTX_LEN, msg, len - 1, pk) != 0);

	/* Every single-bit flip anywhere is rejected. */
	for (size_t bit = 0; bit < 8 * sizeof sig; bit++) {
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (sr25519_verify(sig, CTX, CTX_LEN, msg, len, pk) != 0)
			tampered++;
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	CHECK(tampered == 8 * sizeof sig);
	pk[5] ^= 0x10;
	CHECK(sr25519_verify(sig, CTX, CTX_LEN, msg, len, pk) != 0);
}

/* A signature must carry schnorrkel's marker, and s must be reduced. */
static void
test_marker_and_canonical_s(void)
{
	struct sr25519_keypair alice;
	uint8_t sig[SR25519_SIGNATURE_LEN], bad[SR25519_SIGNATURE_LEN];
	static const uint8_t ell[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
		0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	};

	alice_keypair(&alice);
	CHECK(sr25519_sign(sig, &alice, CTX, CTX_LEN, (const uint8_t *)"m",
	    1) == 0);
	memcpy(bad, sig, sizeof sig);
	bad[63] &= 0x7f;
	CHECK(sr25519_verify(bad, CTX, CTX_LEN, (const uint8_t *)"m", 1,
	    alice.public_key) != 0);

	/* s + ℓ is the same scalar mod ℓ but not canonical; it fits in 255
	 * bits whenever s < 2^255 − ℓ, which holds for most s. */
	memcpy(bad, sig, sizeof sig);
	bad[63] &= 0x7f;
	{
		unsigned carry = 0;
		for (size_t i = 0; i < 32; i++) {
			unsigned sum = bad[32 + i] + ell[i] + carry;
			bad[32 + i] = (uint8_t)sum;
			carry = sum >> 8;
		}
		if (carry == 0 && (bad[63] & 0x80) == 0) {
			bad[63] |= 0x80;
			CHECK(sr25519_verify(bad, CTX, CTX_LEN,
			    (const uint8_t *)"m", 1, alice.public_key) != 0);
		}
	}
	/* A public key that is not a ristretto255 encoding. */
	memset(bad, 0xff, SR25519_PUBLIC_LEN);
	CHECK(sr25519_verify(sig, CTX, CTX_LEN, (const uint8_t *)"m", 1,
	    bad) != 0);
	sr25519_keypair_clear(&alice);
}

int
main(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return 1;
	}
	RUN(test_merlin_vector);
	RUN(test_merlin_separation);
	RUN(test_merlin_long_challenge);
	RUN(test_expand_matches_polkadot_js);
	RUN(test_hard_derivation);
	RUN(test_soft_derivation);
	RUN(test_sign_verify);
	RUN(test_sign_with_random);
	RUN(test_polkadot_js_signature);
	RUN(test_marker_and_canonical_s);
	return testlib_summary();
}
