/* Keccak-f[1600] and two sponges on it, written from FIPS 202 (sections 3
 * and 5) and the Keccak reference's description of the pre-standard
 * padding. Lanes are kept as 64-bit words and bytes go in and out through
 * explicit little-endian shifts, so the code does not depend on the host's
 * byte order. */
#include "keccak.h"

#include <stdlib.h>
#include <string.h>

#define KECCAK_ROUNDS 24
#define KECCAK_LANES 25

/* Domain-separation bytes: the first padding byte, which also carries the
 * suffix bits. FIPS 202 SHAKE appends 1111, the original Keccak nothing. */
#define SHAKE_DOMAIN 0x1f
#define KECCAK_DOMAIN 0x01

/* Iota's round constants, the output of FIPS 202's rc() LFSR. */
static const uint64_t round_constants[KECCAK_ROUNDS] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation written so that n == 0 never shifts by 64 (undefined in C) and
 * needs no branch. */
static uint64_t
rotl64(uint64_t v, unsigned n)
{
	return (v << n) | (v >> ((64 - n) & 63));
}

/* Theta: XOR each lane with the parities of the two neighbouring columns. */
static void
theta(uint64_t a[KECCAK_LANES])
{
	uint64_t c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
	uint64_t c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
	uint64_t c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
	uint64_t c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
	uint64_t c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
	uint64_t d0 = c4 ^ rotl64(c1, 1);
	uint64_t d1 = c0 ^ rotl64(c2, 1);
	uint64_t d2 = c1 ^ rotl64(c3, 1);
	uint64_t d3 = c2 ^ rotl64(c4, 1);
	uint64_t d4 = c3 ^ rotl64(c0, 1);
	for (int y = 0; y < KECCAK_LANES; y += 5) {
		a[y] ^= d0;
		a[y + 1] ^= d1;
		a[y + 2] ^= d2;
		a[y + 3] ^= d3;
		a[y + 4] ^= d4;
	}
}

/* Rho rotates lane x + 5y by its offset (FIPS 202, section 3.2.2); pi moves
 * lane (x, y) to (y, 2x + 3y mod 5). Written out lane by lane, destination
 * first, because constant shifts and indices make the permutation about a
 * third faster than a table-driven loop, and SPHINCS+ runs it a lot. */
static void
rho_pi(const uint64_t a[KECCAK_LANES], uint64_t b[KECCAK_LANES])
{
	b[0] = a[0];
	b[10] = rotl64(a[1], 1);
	b[20] = rotl64(a[2], 62);
	b[5] = rotl64(a[3], 28);
	b[15] = rotl64(a[4], 27);
	b[16] = rotl64(a[5], 36);
	b[1] = rotl64(a[6], 44);
	b[11] = rotl64(a[7], 6);
	b[21] = rotl64(a[8], 55);
	b[6] = rotl64(a[9], 20);
	b[7] = rotl64(a[10], 3);
	b[17] = rotl64(a[11], 10);
	b[2] = rotl64(a[12], 43);
	b[12] = rotl64(a[13], 25);
	b[22] = rotl64(a[14], 39);
	b[23] = rotl64(a[15], 41);
	b[8] = rotl64(a[16], 45);
	b[18] = rotl64(a[17], 15);
	b[3] = rotl64(a[18], 21);
	b[13] = rotl64(a[19], 8);
	b[14] = rotl64(a[20], 18);
	b[24] = rotl64(a[21], 2);
	b[9] = rotl64(a[22], 61);
	b[19] = rotl64(a[23], 56);
	b[4] = rotl64(a[24], 14);
}

/* Chi, the only non-linear step, row by row. */
static void
chi(const uint64_t b[KECCAK_LANES], uint64_t a[KECCAK_LANES])
{
	for (int y = 0; y < KECCAK_LANES; y += 5) {
		a[y] = b[y] ^ (~b[y + 1] & b[y + 2]);
		a[y + 1] = b[y + 1] ^ (~b[y + 2] & b[y + 3]);
		a[y + 2] = b[y + 2] ^ (~b[y + 3] & b[y + 4]);
		a[y + 3] = b[y + 3] ^ (~b[y + 4] & b[y]);
		a[y + 4] = b[y + 4] ^ (~b[y] & b[y + 1]);
	}
}

void
keccak_f1600(uint64_t state[25])
{
	uint64_t scratch[KECCAK_LANES];
	for (int round = 0; round < KECCAK_ROUNDS; round++) {
		theta(state);
		rho_pi(state, scratch);
		chi(scratch, state);
		state[0] ^= round_constants[round];
	}
	/* The scratch lanes are a function of possibly secret input. */
	explicit_bzero(scratch, sizeof scratch);
}

static void
xor_byte(uint64_t state[KECCAK_LANES], size_t pos, uint8_t b)
{
	state[pos / 8] ^= (uint64_t)b << (8 * (pos % 8));
}

static uint8_t
get_byte(const uint64_t state[KECCAK_LANES], size_t pos)
{
	return (uint8_t)(state[pos / 8] >> (8 * (pos % 8)));
}

static uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
store_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* XOR input into the rate, permuting each time the rate fills. Whole lanes
 * go in a word at a time when aligned, since SPHINCS+ hashes a great deal. */
static void
sponge_absorb(uint64_t state[KECCAK_LANES], size_t *pos, size_t rate,
    const uint8_t *in, size_t len)
{
	while (len > 0) {
		if (*pos % 8 == 0 && len >= 8) {
			state[*pos / 8] ^= load_le64(in);
			*pos += 8;
			in += 8;
			len -= 8;
		} else {
			xor_byte(state, *pos, *in);
			(*pos)++;
			in++;
			len--;
		}
		if (*pos == rate) {
			keccak_f1600(state);
			*pos = 0;
		}
	}
}

/* Multi-rate padding pad10*1 with the domain bits folded into the first
 * byte; when both land on the same byte they combine, as the spec says. */
static void
sponge_pad(uint64_t state[KECCAK_LANES], size_t pos, size_t rate,
    uint8_t domain)
{
	xor_byte(state, pos, domain);
	xor_byte(state, rate - 1, 0x80);
	keccak_f1600(state);
}

static void
sponge_squeeze(uint64_t state[KECCAK_LANES], size_t *pos, size_t rate,
    uint8_t *out, size_t len)
{
	while (len > 0) {
		if (*pos == rate) {
			keccak_f1600(state);
			*pos = 0;
		}
		if (*pos % 8 == 0 && len >= 8) {
			store_le64(out, state[*pos / 8]);
			*pos += 8;
			out += 8;
			len -= 8;
		} else {
			*out++ = get_byte(state, *pos);
			(*pos)++;
			len--;
		}
	}
}

void
shake256_init(struct shake256_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
}

void
shake256_absorb(struct shake256_ctx *ctx, const uint8_t *in, size_t len)
{
	/* Absorbing after a squeeze would silently hash the wrong thing; it
	 * is always a caller bug, and a signer must not sign on it. */
	if (ctx->squeezing)
		abort();
	sponge_absorb(ctx->state, &ctx->pos, SHAKE256_RATE, in, len);
}

void
shake256_squeeze(struct shake256_ctx *ctx, uint8_t *out, size_t len)
{
	if (!ctx->squeezing) {
		sponge_pad(ctx->state, ctx->pos, SHAKE256_RATE, SHAKE_DOMAIN);
		ctx->pos = 0;
		ctx->squeezing = 1;
	}
	sponge_squeeze(ctx->state, &ctx->pos, SHAKE256_RATE, out, len);
}

void
shake256_clear(struct shake256_ctx *ctx)
{
	explicit_bzero(ctx, sizeof *ctx);
}

void
shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
	struct shake256_ctx ctx;
	shake256_init(&ctx);
	shake256_absorb(&ctx, in, inlen);
	shake256_squeeze(&ctx, out, outlen);
	shake256_clear(&ctx);
}

void
keccak256(uint8_t out[32], const uint8_t *in, size_t len)
{
	uint64_t state[KECCAK_LANES] = { 0 };
	size_t pos = 0;
	sponge_absorb(state, &pos, KECCAK256_RATE, in, len);
	sponge_pad(state, pos, KECCAK256_RATE, KECCAK_DOMAIN);
	pos = 0;
	sponge_squeeze(state, &pos, KECCAK256_RATE, out, 32);
	explicit_bzero(state, sizeof state);
}
