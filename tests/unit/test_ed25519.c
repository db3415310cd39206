/* Ed25519 keys, signatures and Substrate's hard derivation
 * (worker-sign/ed25519.c). Expected values from @polkadot/util-crypto
 * 14.0.3 and @polkadot/keyring, printed by
 * tests/sr25519-crosscheck/vectors.mjs: ed25519PairFromSeed of the dev
 * phrase's mini-secret, Keyring({type: 'ed25519'}).addFromUri('//Alice')
 * and '//Alice//stash', and //Alice's signature on a message. Ed25519
 * signing is deterministic, so ours must equal polkadot-js's byte for
 * byte. */
#include "ed25519.h"
#include "testlib.h"

#include <sodium.h>
#include <stdint.h>

static const char dev_mini_secret[] =
    "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e";
static const char dev_public[] =
    "345071da55e5dccefaaa440339415ef9f2663338a38f7da0df21be5ab4e055ef";
static const char alice_public[] =
    "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee";
static const char alice_stash_public[] =
    "451781cd0c5504504f69ceec484cc66e4c22a2b6a9d20fb1a426d91ad074a2a8";
static const char message[] = "rtforge: a message signed by polkadot-js";
static const char alice_signature[] =
    "3b91a5136d929a0daf790fabeec4ccdabcd8e2fc54e5923b4af6b8e87b45e968"
    "aa47821b7897801ae6b4bfc191fe46051f21e11cfa208c00f12939f84347a10f";
static const char dev_signature[] =
    "27b182d3d32612a264ae4bdb85c5ff1d0880888fa3e40705deddc99281a14641"
    "36b4cf005a029ae1d3858fbbe8dd2ef38d0f0a71c2c493b269027710d22c970d";

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
	uint8_t expected[64];

	if (len > sizeof expected)
		return 0;
	from_hex(expected, len, hex);
	return memcmp(bytes, expected, len) == 0;
}

static void
short_text_chain_code(uint8_t cc[ED25519_CHAIN_CODE_LEN], const char *text)
{
	size_t len = strlen(text);

	memset(cc, 0, ED25519_CHAIN_CODE_LEN);
	cc[0] = (uint8_t)(len << 2);
	memcpy(cc + 1, text, len);
}

static void
dev_keypair(struct ed25519_keypair *kp)
{
	uint8_t seed[ED25519_SEED_LEN];

	from_hex(seed, sizeof seed, dev_mini_secret);
	CHECK(ed25519_keypair_from_seed(kp, seed) == 0);
}

static void
alice_keypair(struct ed25519_keypair *alice)
{
	struct ed25519_keypair dev;
	uint8_t cc[ED25519_CHAIN_CODE_LEN];

	dev_keypair(&dev);
	short_text_chain_code(cc, "Alice");
	CHECK(ed25519_derive_hard(alice, &dev, cc) == 0);
	ed25519_keypair_clear(&dev);
}

static void
test_keys_match_polkadot_js(void)
{
	struct ed25519_keypair dev, alice, stash;
	uint8_t cc[ED25519_CHAIN_CODE_LEN];

	dev_keypair(&dev);
	CHECK(equals_hex(dev.public_key, ED25519_PUBLIC_LEN, dev_public));
	alice_keypair(&alice);
	CHECK(equals_hex(alice.public_key, ED25519_PUBLIC_LEN, alice_public));
	short_text_chain_code(cc, "stash");
	CHECK(ed25519_derive_hard(&stash, &alice, cc) == 0);
	CHECK(equals_hex(stash.public_key, ED25519_PUBLIC_LEN,
	    alice_stash_public));
	/* Deriving in place gives the same child. */
	CHECK(ed25519_derive_hard(&alice, &alice, cc) == 0);
	CHECK(memcmp(&alice, &stash, sizeof alice) == 0);
	ed25519_keypair_clear(&dev);
	ed25519_keypair_clear(&alice);
	ed25519_keypair_clear(&stash);
}

static void
test_signatures_match_polkadot_js(void)
{
	struct ed25519_keypair dev, alice;
	uint8_t sig[ED25519_SIGNATURE_LEN];
	const uint8_t *msg = (const uint8_t *)message;
	size_t len = strlen(message);

	alice_keypair(&alice);
	CHECK(ed25519_sign(sig, &alice, msg, len) == 0);
	CHECK(equals_hex(sig, sizeof sig, alice_signature));
	dev_keypair(&dev);
	CHECK(ed25519_sign(sig, &dev, msg, len) == 0);
	CHECK(equals_hex(sig, sizeof sig, dev_signature));
	ed25519_keypair_clear(&dev);
	ed25519_keypair_clear(&alice);
}

static void
test_verify_and_tampering(void)
{
	uint8_t sig[ED25519_SIGNATURE_LEN], pk[ED25519_PUBLIC_LEN];
	uint8_t other_pk[ED25519_PUBLIC_LEN];
	const uint8_t *msg = (const uint8_t *)message;
	size_t len = strlen(message), rejected = 0;

	from_hex(sig, sizeof sig, alice_signature);
	from_hex(pk, sizeof pk, alice_public);
	from_hex(other_pk, sizeof other_pk, dev_public);
	CHECK(ed25519_verify(sig, msg, len, pk) == 0);
	CHECK(ed25519_verify(sig, msg, len - 1, pk) != 0);
	CHECK(ed25519_verify(sig, msg, len, other_pk) != 0);
	for (size_t bit = 0; bit < 8 * sizeof sig; bit++) {
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (ed25519_verify(sig, msg, len, pk) != 0)
			rejected++;
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	CHECK(rejected == 8 * sizeof sig);
}

int
main(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return 1;
	}
	RUN(test_keys_match_polkadot_js);
	RUN(test_signatures_match_polkadot_js);
	RUN(test_verify_and_tampering);
	return testlib_summary();
}
