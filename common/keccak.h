/* Keccak-f[1600] and the sponges built on it: SHAKE-256 (FIPS 202) and
 * keccak-256 (the pre-standard padding, as Ethereum and QuantumHarmony use
 * it). STROBE-128 (sr25519's Merlin transcripts) and SPHINCS+-SHAKE build on
 * keccak_f1600 and the SHAKE context. */
#ifndef RTFORGE_KECCAK_H
#define RTFORGE_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define SHAKE256_RATE 136
#define KECCAK256_RATE 136

/* The permutation on 25 lanes; lane i is bytes 8i..8i+7 little-endian. */
void keccak_f1600(uint64_t state[25]);

struct shake256_ctx {
	uint64_t state[25];
	size_t pos;		/* byte position within the rate */
	int squeezing;
};

void shake256_init(struct shake256_ctx *ctx);
void shake256_absorb(struct shake256_ctx *ctx, const uint8_t *in, size_t len);
/* May be called repeatedly; the first call finalises absorption. */
void shake256_squeeze(struct shake256_ctx *ctx, uint8_t *out, size_t len);
/* Wipes the context (it may hold a function of secret input). */
void shake256_clear(struct shake256_ctx *ctx);
void shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);

void keccak256(uint8_t out[32], const uint8_t *in, size_t len);

#endif
