/* sr25519: schnorrkel's Schnorr signatures on ristretto255 (libsodium), as
 * Substrate uses them.
 *
 * Keys. A 32-byte mini-secret (a seed, or a BIP-39 mini-secret) expands the
 * way schnorrkel's ExpandMode::Ed25519 does: SHA-512 of it; the first half
 * clamped as Ed25519 would (&248, &63, |64) and then divided by the
 * cofactor 8 gives the key scalar a (< 2^252, so already reduced); the
 * second half is the signing nonce seed. The 64-byte secret here is
 * a ‖ nonce. polkadot-js (sr25519PairFromSeed, keystores) and schnorrkel's
 * to_ed25519_bytes hold 8·a ‖ nonce instead, the "Ed25519 layout"; the
 * *_ed25519_layout functions convert. The public key is a·B,
 * ristretto255-encoded.
 *
 * Signatures. The transcript "SigningContext" gets ""→context (Substrate:
 * "substrate"), "sign-bytes"→message, "proto-name"→"Schnorr-sig",
 * "sign:pk"→public key; r comes from the transcript RNG rekeyed with the
 * nonce seed and 32 fresh random bytes; R = r·B is appended as "sign:R";
 * k = the 64-byte challenge "sign:c" reduced mod ℓ; s = k·a + r. The
 * signature is R ‖ s with bit 7 of byte 63 set, which marks it as
 * schnorrkel's (not Ed25519's) and which verification insists on.
 *
 * Derivation (Substrate's, with a 32-byte chain code per junction):
 * hard: transcript "SchnorrRistrettoHDKD" with "sign-bytes"→"",
 * "chain-code"→cc, "secret-key"→a; the 32-byte challenge "HDKD-hard" is
 * the child's mini-secret, expanded as above.
 * soft: transcript "SchnorrRistrettoHDKD" with "sign-bytes"→"",
 * "chain-code"→cc, "public-key"→A; the 64-byte challenge "HDKD-scalar"
 * reduced is added to a (and its multiple of B to A). The child's nonce
 * seed comes from the transcript RNG, as schnorrkel makes it; it only has
 * to be secret, so it need not match anyone else's.
 *
 * Functions returning int give 0 on success and -1 on failure; on failure,
 * secret outputs are wiped. */
#ifndef RTFORGE_SR25519_H
#define RTFORGE_SR25519_H

#include <stddef.h>
#include <stdint.h>

#define SR25519_MINI_SECRET_LEN 32
#define SR25519_SECRET_LEN 64	/* key scalar ‖ nonce seed */
#define SR25519_PUBLIC_LEN 32
#define SR25519_SIGNATURE_LEN 64
#define SR25519_CHAIN_CODE_LEN 32
#define SR25519_RANDOM_LEN 32

/* The signing context every Substrate chain uses. */
#define SR25519_SUBSTRATE_CONTEXT "substrate"

struct sr25519_keypair {
	uint8_t secret[SR25519_SECRET_LEN];
	uint8_t public_key[SR25519_PUBLIC_LEN];
};

int sr25519_keypair_from_mini_secret(struct sr25519_keypair *kp,
    const uint8_t mini_secret[SR25519_MINI_SECRET_LEN]);
/* A keypair from a 64-byte secret (key ‖ nonce). Refuses a key scalar that
 * is not reduced mod ℓ, or zero. */
int sr25519_keypair_from_secret(struct sr25519_keypair *kp,
    const uint8_t secret[SR25519_SECRET_LEN]);

/* From and to the layout polkadot-js uses (8·a ‖ nonce). Import refuses a
 * first half that is not a multiple of 8 or gives a bad scalar. */
int sr25519_keypair_from_ed25519_layout(struct sr25519_keypair *kp,
    const uint8_t secret[SR25519_SECRET_LEN]);
void sr25519_secret_to_ed25519_layout(uint8_t out[SR25519_SECRET_LEN],
    const struct sr25519_keypair *kp);

int sr25519_derive_hard(struct sr25519_keypair *child,
    const struct sr25519_keypair *parent,
    const uint8_t chain_code[SR25519_CHAIN_CODE_LEN]);
int sr25519_derive_soft(struct sr25519_keypair *child,
    const struct sr25519_keypair *parent,
    const uint8_t chain_code[SR25519_CHAIN_CODE_LEN]);
/* The public half of soft derivation: what derive_soft's child public key
 * is, from the parent's public key alone. */
int sr25519_derive_public_soft(uint8_t child[SR25519_PUBLIC_LEN],
    const uint8_t parent[SR25519_PUBLIC_LEN],
    const uint8_t chain_code[SR25519_CHAIN_CODE_LEN]);

/* Signs with fresh randomness from libsodium. */
int sr25519_sign(uint8_t sig[SR25519_SIGNATURE_LEN],
    const struct sr25519_keypair *kp, const uint8_t *context,
    size_t context_len, const uint8_t *msg, size_t msg_len);
/* Same, with the caller's 32 random bytes (tests: repeatable signatures). */
int sr25519_sign_with_random(uint8_t sig[SR25519_SIGNATURE_LEN],
    const struct sr25519_keypair *kp, const uint8_t *context,
    size_t context_len, const uint8_t *msg, size_t msg_len,
    const uint8_t random[SR25519_RANDOM_LEN]);

/* 0 when sig is a valid schnorrkel signature by pk on (context, msg). */
int sr25519_verify(const uint8_t sig[SR25519_SIGNATURE_LEN],
    const uint8_t *context, size_t context_len, const uint8_t *msg,
    size_t msg_len, const uint8_t pk[SR25519_PUBLIC_LEN]);

void sr25519_keypair_clear(struct sr25519_keypair *kp);

#endif
