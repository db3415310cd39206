/* SPHINCS+-SHAKE-256f-simple, round 3.1 — the only signature scheme
 * QuantumHarmony accepts. This is the round-3.1 submission (as in the
 * sphincsplus reference and PQClean), not FIPS 205 SLH-DSA: the two differ
 * in the message hash, the address handling and the FORS index bit order,
 * so signatures of one do not verify under the other.
 *
 * Key formats follow the reference:
 *   public key  = PK.seed ‖ PK.root                       (64 bytes)
 *   secret key  = SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root     (128 bytes)
 *   seed        = SK.seed ‖ SK.prf ‖ PK.seed               (96 bytes)
 */
#ifndef RTFORGE_SPHINCS_H
#define RTFORGE_SPHINCS_H

#include <stddef.h>
#include <stdint.h>

#define SPHINCS_PK_BYTES 64
#define SPHINCS_SK_BYTES 128
#define SPHINCS_SIG_BYTES 49856
#define SPHINCS_SEED_BYTES 96	/* SK.seed ‖ SK.prf ‖ PK.seed */
#define SPHINCS_OPTRAND_BYTES 32

/* Derives the key pair from a 96-byte seed, as the reference's
 * crypto_sign_seed_keypair does. Returns 0, or -1 on a NULL argument. */
int
sphincs_keypair_from_seed(uint8_t pk[SPHINCS_PK_BYTES],
    uint8_t sk[SPHINCS_SK_BYTES], const uint8_t seed[SPHINCS_SEED_BYTES]);

/* Signs msg. opt_rand is 32 bytes of fresh randomness, or NULL for the
 * deterministic variant, in which the reference uses opt_rand = PK.seed.
 * Returns 0, or -1 on a NULL argument. */
int
sphincs_sign(uint8_t sig[SPHINCS_SIG_BYTES], const uint8_t *msg, size_t len,
    const uint8_t sk[SPHINCS_SK_BYTES], const uint8_t *opt_rand);

/* Returns 0 when sig is a valid signature of msg under pk, else -1. */
int
sphincs_verify(const uint8_t sig[SPHINCS_SIG_BYTES], const uint8_t *msg,
    size_t len, const uint8_t pk[SPHINCS_PK_BYTES]);

#endif
