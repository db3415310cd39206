/* Ed25519 keys, signatures and Substrate's hard derivation; see ed25519.h.
 * libsodium does the curve work; this file only adds Substrate's framing. */
#include "ed25519.h"

#include <string.h>

#include <sodium.h>

/* SCALE encoding of the string "Ed25519HDKD": compact length 11 (11 << 2
 * in the single-byte mode), then the bytes. */
static const uint8_t hdkd_label[] = {
	11 << 2, 'E', 'd', '2', '5', '5', '1', '9', 'H', 'D', 'K', 'D'
};

int
ed25519_keypair_from_seed(struct ed25519_keypair *kp,
    const uint8_t seed[ED25519_SEED_LEN])
{
	if (crypto_sign_seed_keypair(kp->public_key, kp->secret, seed) != 0) {
		ed25519_keypair_clear(kp);
		return -1;
	}
	return 0;
}

int
ed25519_derive_hard(struct ed25519_keypair *child,
    const struct ed25519_keypair *parent,
    const uint8_t chain_code[ED25519_CHAIN_CODE_LEN])
{
	crypto_generichash_state h;
	uint8_t seed[ED25519_SEED_LEN];
	int rc;

	/* Parent and child may be the same object: hash before writing. */
	if (crypto_generichash_init(&h, NULL, 0, sizeof seed) != 0 ||
	    crypto_generichash_update(&h, hdkd_label, sizeof hdkd_label) != 0 ||
	    crypto_generichash_update(&h, parent->secret,
	    ED25519_SEED_LEN) != 0 ||
	    crypto_generichash_update(&h, chain_code,
	    ED25519_CHAIN_CODE_LEN) != 0 ||
	    crypto_generichash_final(&h, seed, sizeof seed) != 0) {
		sodium_memzero(&h, sizeof h);
		ed25519_keypair_clear(child);
		return -1;
	}
	rc = ed25519_keypair_from_seed(child, seed);
	sodium_memzero(&h, sizeof h);
	sodium_memzero(seed, sizeof seed);
	return rc;
}

int
ed25519_sign(uint8_t sig[ED25519_SIGNATURE_LEN],
    const struct ed25519_keypair *kp, const uint8_t *msg, size_t msg_len)
{
	if (crypto_sign_detached(sig, NULL, msg, msg_len, kp->secret) != 0) {
		sodium_memzero(sig, ED25519_SIGNATURE_LEN);
		return -1;
	}
	return 0;
}

int
ed25519_verify(const uint8_t sig[ED25519_SIGNATURE_LEN],
    const uint8_t *msg, size_t msg_len, const uint8_t pk[ED25519_PUBLIC_LEN])
{
	return crypto_sign_verify_detached(sig, msg, msg_len, pk) == 0 ? 0 : -1;
}

void
ed25519_keypair_clear(struct ed25519_keypair *kp)
{
	sodium_memzero(kp, sizeof *kp);
}
