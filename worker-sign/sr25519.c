/* sr25519 (schnorrkel) on libsodium's ristretto255; see sr25519.h. */
#include "sr25519.h"

#include <string.h>

#include <sodium.h>

#include "merlin.h"

#define SCALAR_LEN crypto_core_ristretto255_SCALARBYTES
#define POINT_LEN crypto_core_ristretto255_BYTES
#define WIDE_LEN crypto_core_ristretto255_NONREDUCEDSCALARBYTES
#define SIGNATURE_MARKER 0x80

/* The key scalar and nonce seed inside the 64-byte secret. */
#define SECRET_KEY(secret) (secret)
#define SECRET_NONCE(secret) ((secret) + SCALAR_LEN)

/* Shifts a little-endian 256-bit number right by 3: dividing the clamped
 * Ed25519 scalar (a multiple of 8) by the cofactor, exactly. */
static void
divide_by_cofactor(uint8_t scalar[SCALAR_LEN])
{
	uint8_t low_bits_of_next = 0;

	for (size_t i = SCALAR_LEN; i-- > 0;) {
		uint8_t byte = scalar[i];
		scalar[i] = (uint8_t)((byte >> 3) | low_bits_of_next);
		low_bits_of_next = (uint8_t)(byte << 5);
	}
}

/* The inverse, for the Ed25519 layout; a < 2^252, so 8·a fits. */
static void
multiply_by_cofactor(uint8_t scalar[SCALAR_LEN])
{
	uint8_t high_bits_of_previous = 0;

	for (size_t i = 0; i < SCALAR_LEN; i++) {
		uint8_t byte = scalar[i];
		scalar[i] = (uint8_t)((byte << 3) | high_bits_of_previous);
		high_bits_of_previous = (uint8_t)(byte >> 5);
	}
}

/* True when the 32 bytes are a scalar already reduced mod ℓ: reducing
 * them (zero-extended) changes nothing. Constant time, as it also checks
 * secret keys. */
static int
scalar_is_canonical(const uint8_t scalar[SCALAR_LEN])
{
	uint8_t wide[WIDE_LEN] = { 0 };
	uint8_t reduced[SCALAR_LEN];

	int canonical;

	memcpy(wide, scalar, SCALAR_LEN);
	crypto_core_ristretto255_scalar_reduce(reduced, wide);
	canonical = sodium_memcmp(reduced, scalar, SCALAR_LEN) == 0;
	/* The scalar may be a secret key. */
	sodium_memzero(wide, sizeof wide);
	sodium_memzero(reduced, sizeof reduced);
	return canonical;
}

static int
scalar_is_zero(const uint8_t scalar[SCALAR_LEN])
{
	return sodium_is_zero(scalar, SCALAR_LEN);
}

/* schnorrkel's ExpandMode::Ed25519. */
static void
expand_mini_secret(uint8_t secret[SR25519_SECRET_LEN],
    const uint8_t mini_secret[SR25519_MINI_SECRET_LEN])
{
	uint8_t hash[crypto_hash_sha512_BYTES];

	crypto_hash_sha512(hash, mini_secret, SR25519_MINI_SECRET_LEN);
	hash[0] &= 248;
	hash[31] &= 63;
	hash[31] |= 64;
	divide_by_cofactor(hash);
	memcpy(secret, hash, SR25519_SECRET_LEN);
	sodium_memzero(hash, sizeof hash);
}

int
sr25519_keypair_from_secret(struct sr25519_keypair *kp,
    const uint8_t secret[SR25519_SECRET_LEN])
{
	const uint8_t *key = SECRET_KEY(secret);

	if (!scalar_is_canonical(key) || scalar_is_zero(key) ||
	    crypto_scalarmult_ristretto255_base(kp->public_key, key) != 0) {
		sr25519_keypair_clear(kp);
		return -1;
	}
	if (kp->secret != secret)
		memcpy(kp->secret, secret, SR25519_SECRET_LEN);
	return 0;
}

int
sr25519_keypair_from_mini_secret(struct sr25519_keypair *kp,
    const uint8_t mini_secret[SR25519_MINI_SECRET_LEN])
{
	expand_mini_secret(kp->secret, mini_secret);
	return sr25519_keypair_from_secret(kp, kp->secret);
}

int
sr25519_keypair_from_ed25519_layout(struct sr25519_keypair *kp,
    const uint8_t secret[SR25519_SECRET_LEN])
{
	int rc = -1;

	/* 8·a has its low three bits clear; anything else is not this
	 * layout, and dividing would silently drop them. */
	if ((secret[0] & 7) == 0) {
		uint8_t ours[SR25519_SECRET_LEN];
		memcpy(ours, secret, SR25519_SECRET_LEN);
		divide_by_cofactor(SECRET_KEY(ours));
		rc = sr25519_keypair_from_secret(kp, ours);
		sodium_memzero(ours, sizeof ours);
	} else {
		sr25519_keypair_clear(kp);
	}
	return rc;
}

void
sr25519_secret_to_ed25519_layout(uint8_t out[SR25519_SECRET_LEN],
    const struct sr25519_keypair *kp)
{
	memcpy(out, kp->secret, SR25519_SECRET_LEN);
	multiply_by_cofactor(SECRET_KEY(out));
}

static void
hdkd_transcript(struct merlin_transcript *t,
    const uint8_t chain_code[SR25519_CHAIN_CODE_LEN])
{
	merlin_init(t, "SchnorrRistrettoHDKD");
	/* Substrate derives with an empty junction index: the junction
	 * itself is the chain code. */
	merlin_append_message(t, "sign-bytes", NULL, 0);
	merlin_append_message(t, "chain-code", chain_code,
	    SR25519_CHAIN_CODE_LEN);
}

int
sr25519_derive_hard(struct sr25519_keypair *child,
    const struct sr25519_keypair *parent,
    const uint8_t chain_code[SR25519_CHAIN_CODE_LEN])
{
	struct merlin_transcript t;
	uint8_t mini_secret[SR25519_MINI_SECRET_LEN];
	int rc;

	hdkd_transcript(&t, chain_code);
	merlin_append_message(&t, "secret-key", SECRET_KEY(parent->secret),
	    SCALAR_LEN);
	merlin_challenge_bytes(&t, "HDKD-hard", mini_secret,
	    sizeof mini_secret);
	merlin_clear(&t);
	rc = sr25519_keypair_from_mini_secret(child, mini_secret);
	sodium_memzero(mini_secret, sizeof mini_secret);
	return rc;
}

/* The scalar soft derivation adds, and the transcript after it (which the
 * secret side goes on using for the child's nonce seed). */
static void
soft_scalar(uint8_t scalar[SCALAR_LEN], struct merlin_transcript *t,
    const uint8_t parent_pk[SR25519_PUBLIC_LEN],
    const uint8_t chain_code[SR25519_CHAIN_CODE_LEN])
{
	uint8_t wide[WIDE_LEN];
	uint8_t next_chain_code[SR25519_CHAIN_CODE_LEN];

	hdkd_transcript(t, chain_code);
	merlin_append_message(t, "public-key", parent_pk, SR25519_PUBLIC_LEN);
	merlin_challenge_bytes(t, "HDKD-scalar", wide, sizeof wide);
	crypto_core_ristretto255_scalar_reduce(scalar, wide);
	/* Substrate discards the next chain code, but schnorrkel draws it
	 * before the nonce, and the transcript must match that order. */
	merlin_challenge_bytes(t, "HDKD-chaincode", next_chain_code,
	    sizeof next_chain_code);
}

int
sr25519_derive_public_soft(uint8_t child[SR25519_PUBLIC_LEN],
    const uint8_t parent[SR25519_PUBLIC_LEN],
    const uint8_t chain_code[SR25519_CHAIN_CODE_LEN])
{
	struct merlin_transcript t;
	uint8_t scalar[SCALAR_LEN];
	uint8_t offset[POINT_LEN];
	int rc = -1;

	if (crypto_core_ristretto255_is_valid_point(parent) != 1)
		return -1;
	soft_scalar(scalar, &t, parent, chain_code);
	merlin_clear(&t);
	if (crypto_scalarmult_ristretto255_base(offset, scalar) == 0 &&
	    crypto_core_ristretto255_add(child, parent, offset) == 0)
		rc = 0;
	return rc;
}

int
sr25519_derive_soft(struct sr25519_keypair *child,
    const struct sr25519_keypair *parent,
    const uint8_t chain_code[SR25519_CHAIN_CODE_LEN])
{
	struct merlin_transcript t;
	struct merlin_rng rng;
	uint8_t scalar[SCALAR_LEN];
	uint8_t secret[SR25519_SECRET_LEN];
	uint8_t entropy[MERLIN_RNG_ENTROPY_LEN];
	int rc;

	soft_scalar(scalar, &t, parent->public_key, chain_code);
	crypto_core_ristretto255_scalar_add(SECRET_KEY(secret),
	    SECRET_KEY(parent->secret), scalar);

	/* A fresh nonce seed, independent of the new key, as schnorrkel
	 * makes it: from the parent's secrets and fresh randomness. */
	randombytes_buf(entropy, sizeof entropy);
	merlin_rng_begin(&rng, &t);
	merlin_rng_rekey_with_witness(&rng, "HDKD-nonce",
	    SECRET_NONCE(parent->secret), SCALAR_LEN);
	merlin_rng_rekey_with_witness(&rng, "HDKD-nonce", parent->secret,
	    SR25519_SECRET_LEN);
	merlin_rng_finalize(&rng, entropy);
	merlin_rng_bytes(&rng, SECRET_NONCE(secret), SCALAR_LEN);

	rc = sr25519_keypair_from_secret(child, secret);
	merlin_rng_clear(&rng);
	merlin_clear(&t);
	sodium_memzero(scalar, sizeof scalar);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(entropy, sizeof entropy);
	return rc;
}

/* The "SigningContext" transcript up to and including the public key:
 * what signer and verifier share before R. */
static void
signing_transcript(struct merlin_transcript *t, const uint8_t *context,
    size_t context_len, const uint8_t *msg, size_t msg_len,
    const uint8_t pk[SR25519_PUBLIC_LEN])
{
	static const char proto_name[] = "Schnorr-sig";

	merlin_init(t, "SigningContext");
	merlin_append_message(t, "", context, context_len);
	merlin_append_message(t, "sign-bytes", msg, msg_len);
	merlin_append_message(t, "proto-name", (const uint8_t *)proto_name,
	    sizeof proto_name - 1);
	merlin_append_message(t, "sign:pk", pk, SR25519_PUBLIC_LEN);
}

/* k: the 64-byte challenge "sign:c" reduced, after R. */
static void
challenge_scalar(uint8_t k[SCALAR_LEN], struct merlin_transcript *t,
    const uint8_t r_point[POINT_LEN])
{
	uint8_t wide[WIDE_LEN];

	merlin_append_message(t, "sign:R", r_point, POINT_LEN);
	merlin_challenge_bytes(t, "sign:c", wide, sizeof wide);
	crypto_core_ristretto255_scalar_reduce(k, wide);
}

/* r: the witness scalar from the nonce seed and the random bytes. */
static void
witness_scalar(uint8_t r[SCALAR_LEN], const struct merlin_transcript *t,
    const uint8_t nonce_seed[SCALAR_LEN],
    const uint8_t random[SR25519_RANDOM_LEN])
{
	struct merlin_rng rng;
	uint8_t wide[WIDE_LEN];

	merlin_rng_begin(&rng, t);
	merlin_rng_rekey_with_witness(&rng, "signing", nonce_seed, SCALAR_LEN);
	merlin_rng_finalize(&rng, random);
	merlin_rng_bytes(&rng, wide, sizeof wide);
	crypto_core_ristretto255_scalar_reduce(r, wide);
	merlin_rng_clear(&rng);
	sodium_memzero(wide, sizeof wide);
}

/* R = r·B, k, s = k·a + r, and the marker, given the transcript up to
 * the public key. */
static int
finish_signature(uint8_t sig[SR25519_SIGNATURE_LEN],
    struct merlin_transcript *t, const uint8_t r[SCALAR_LEN],
    const uint8_t a[SCALAR_LEN])
{
	uint8_t k[SCALAR_LEN], ka[SCALAR_LEN];

	/* r = 0 has probability 2^-252; failing beats an s that is k·a. */
	if (crypto_scalarmult_ristretto255_base(sig, r) != 0) {
		sodium_memzero(sig, SR25519_SIGNATURE_LEN);
		return -1;
	}
	challenge_scalar(k, t, sig);
	crypto_core_ristretto255_scalar_mul(ka, k, a);
	crypto_core_ristretto255_scalar_add(sig + POINT_LEN, ka, r);
	sig[SR25519_SIGNATURE_LEN - 1] |= SIGNATURE_MARKER;
	sodium_memzero(ka, sizeof ka);
	return 0;
}

int
sr25519_sign_with_random(uint8_t sig[SR25519_SIGNATURE_LEN],
    const struct sr25519_keypair *kp, const uint8_t *context,
    size_t context_len, const uint8_t *msg, size_t msg_len,
    const uint8_t random[SR25519_RANDOM_LEN])
{
	struct merlin_transcript t;
	uint8_t r[SCALAR_LEN];
	int rc;

	signing_transcript(&t, context, context_len, msg, msg_len,
	    kp->public_key);
	witness_scalar(r, &t, SECRET_NONCE(kp->secret), random);
	rc = finish_signature(sig, &t, r, SECRET_KEY(kp->secret));
	merlin_clear(&t);
	sodium_memzero(r, sizeof r);
	return rc;
}

int
sr25519_sign(uint8_t sig[SR25519_SIGNATURE_LEN],
    const struct sr25519_keypair *kp, const uint8_t *context,
    size_t context_len, const uint8_t *msg, size_t msg_len)
{
	uint8_t random[SR25519_RANDOM_LEN];
	int rc;

	randombytes_buf(random, sizeof random);
	rc = sr25519_sign_with_random(sig, kp, context, context_len, msg,
	    msg_len, random);
	sodium_memzero(random, sizeof random);
	return rc;
}

/* n·P, where libsodium's "the result is the identity" failure is turned
 * into the identity's encoding (all zeros). P must be valid already. */
static void
scalarmult_or_identity(uint8_t out[POINT_LEN], const uint8_t n[SCALAR_LEN],
    const uint8_t *point)
{
	int rc = point == NULL ? crypto_scalarmult_ristretto255_base(out, n)
	    : crypto_scalarmult_ristretto255(out, n, point);

	if (rc != 0)
		memset(out, 0, POINT_LEN);
}

int
sr25519_verify(const uint8_t sig[SR25519_SIGNATURE_LEN],
    const uint8_t *context, size_t context_len, const uint8_t *msg,
    size_t msg_len, const uint8_t pk[SR25519_PUBLIC_LEN])
{
	struct merlin_transcript t;
	uint8_t s[SCALAR_LEN], k[SCALAR_LEN];
	uint8_t sb[POINT_LEN], ka[POINT_LEN], expected_r[POINT_LEN];

	/* Without the marker this is not a schnorrkel signature (perhaps an
	 * Ed25519 one); schnorrkel refuses it, and so do we. */
	if ((sig[SR25519_SIGNATURE_LEN - 1] & SIGNATURE_MARKER) == 0)
		return -1;
	memcpy(s, sig + POINT_LEN, SCALAR_LEN);
	s[SCALAR_LEN - 1] &= (uint8_t)~SIGNATURE_MARKER;
	if (!scalar_is_canonical(s) ||
	    crypto_core_ristretto255_is_valid_point(pk) != 1 ||
	    crypto_core_ristretto255_is_valid_point(sig) != 1)
		return -1;

	signing_transcript(&t, context, context_len, msg, msg_len, pk);
	challenge_scalar(k, &t, sig);
	merlin_clear(&t);

	/* R must equal s·B − k·A. */
	scalarmult_or_identity(sb, s, NULL);
	scalarmult_or_identity(ka, k, pk);
	if (crypto_core_ristretto255_sub(expected_r, sb, ka) != 0)
		return -1;
	return sodium_memcmp(expected_r, sig, POINT_LEN) == 0 ? 0 : -1;
}

void
sr25519_keypair_clear(struct sr25519_keypair *kp)
{
	sodium_memzero(kp, sizeof *kp);
}
