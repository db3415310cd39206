/* Ed25519 the way Substrate uses it: keys from a 32-byte seed, plain
 * Ed25519 signatures over the message (libsodium), and Substrate's hard
 * derivation:
 *
 *   child seed = blake2b-256(SCALE("Ed25519HDKD") ‖ seed ‖ chain code)
 *
 * where SCALE of the string is its compact length (one byte, 11·4) and its
 * bytes. Ed25519 has no soft derivation; a soft junction is an error for
 * whoever parses the path.
 *
 * The 64-byte secret key is libsodium's: seed ‖ public key. */
#ifndef RTFORGE_ED25519_H
#define RTFORGE_ED25519_H

#include <stddef.h>
#include <stdint.h>

#define ED25519_SEED_LEN 32
#define ED25519_SECRET_LEN 64
#define ED25519_PUBLIC_LEN 32
#define ED25519_SIGNATURE_LEN 64
#define ED25519_CHAIN_CODE_LEN 32

struct ed25519_keypair {
	uint8_t secret[ED25519_SECRET_LEN];
	uint8_t public_key[ED25519_PUBLIC_LEN];
};

/* 0, or -1 (libsodium failed; the keypair is wiped). */
int ed25519_keypair_from_seed(struct ed25519_keypair *kp,
    const uint8_t seed[ED25519_SEED_LEN]);
/* The seed is the first half of the secret key. */
int ed25519_derive_hard(struct ed25519_keypair *child,
    const struct ed25519_keypair *parent,
    const uint8_t chain_code[ED25519_CHAIN_CODE_LEN]);

int ed25519_sign(uint8_t sig[ED25519_SIGNATURE_LEN],
    const struct ed25519_keypair *kp, const uint8_t *msg, size_t msg_len);
/* 0 when valid (libsodium's checks: canonical s, no small-order keys). */
int ed25519_verify(const uint8_t sig[ED25519_SIGNATURE_LEN],
    const uint8_t *msg, size_t msg_len,
    const uint8_t pk[ED25519_PUBLIC_LEN]);

void ed25519_keypair_clear(struct ed25519_keypair *kp);

#endif
