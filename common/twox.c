/* xxHash64, written from the xxHash specification (doc/xxhash_spec.md in
 * Cyan4973/xxHash): four accumulators over 32-byte stripes, then the tail
 * in 8-, 4- and 1-byte steps, then the avalanche. See twox.h. */
#include "twox.h"

#include <string.h>

#define PRIME64_1 0x9E3779B185EBCA87ULL
#define PRIME64_2 0xC2B2AE3D27D4EB4FULL
#define PRIME64_3 0x165667B19E3779F9ULL
#define PRIME64_4 0x85EBCA77C2B2AE63ULL
#define PRIME64_5 0x27D4EB2F165667C5ULL

#define STRIPE_LEN 32

static uint64_t
rotl64(uint64_t x, unsigned int r)
{
	return (x << r) | (x >> (64 - r));
}

/* The spec reads every lane little-endian, whatever the host. */
static uint64_t
read_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t
read_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
write_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t
xxh64_round(uint64_t acc, uint64_t lane)
{
	acc += lane * PRIME64_2;
	acc = rotl64(acc, 31);
	return acc * PRIME64_1;
}

static uint64_t
xxh64_merge(uint64_t acc, uint64_t v)
{
	acc ^= xxh64_round(0, v);
	return acc * PRIME64_1 + PRIME64_4;
}

/* Consumes whole stripes; returns the converged accumulator and sets
 * *used to the bytes consumed. Only called when len >= STRIPE_LEN. */
static uint64_t
xxh64_stripes(const uint8_t *p, size_t len, uint64_t seed, size_t *used)
{
	uint64_t v[4] = {
		seed + PRIME64_1 + PRIME64_2,
		seed + PRIME64_2,
		seed,
		seed - PRIME64_1,
	};
	size_t off = 0;
	uint64_t acc;

	for (; len - off >= STRIPE_LEN; off += STRIPE_LEN)
		for (int i = 0; i < 4; i++)
			v[i] = xxh64_round(v[i], read_le64(p + off + 8 * i));
	acc = rotl64(v[0], 1) + rotl64(v[1], 7) + rotl64(v[2], 12) +
	    rotl64(v[3], 18);
	for (int i = 0; i < 4; i++)
		acc = xxh64_merge(acc, v[i]);
	*used = off;
	return acc;
}

static uint64_t
xxh64_tail(uint64_t acc, const uint8_t *p, size_t len)
{
	size_t off = 0;

	for (; len - off >= 8; off += 8) {
		acc ^= xxh64_round(0, read_le64(p + off));
		acc = rotl64(acc, 27) * PRIME64_1 + PRIME64_4;
	}
	if (len - off >= 4) {
		acc ^= (uint64_t)read_le32(p + off) * PRIME64_1;
		acc = rotl64(acc, 23) * PRIME64_2 + PRIME64_3;
		off += 4;
	}
	for (; off < len; off++) {
		acc ^= (uint64_t)p[off] * PRIME64_5;
		acc = rotl64(acc, 11) * PRIME64_1;
	}
	return acc;
}

static uint64_t
xxh64_avalanche(uint64_t acc)
{
	acc ^= acc >> 33;
	acc *= PRIME64_2;
	acc ^= acc >> 29;
	acc *= PRIME64_3;
	acc ^= acc >> 32;
	return acc;
}

uint64_t
xxh64(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	size_t used = 0;
	uint64_t acc;

	if (len >= STRIPE_LEN)
		acc = xxh64_stripes(p, len, seed, &used);
	else
		acc = seed + PRIME64_5;
	/* The length enters modulo 2^64, as the spec says. */
	acc += (uint64_t)len;
	acc = xxh64_tail(acc, p + used, len - used);
	return xxh64_avalanche(acc);
}

void
twox64(uint8_t out[TWOX64_LEN], const void *data, size_t len)
{
	write_le64(out, xxh64(data, len, 0));
}

void
twox128(uint8_t out[TWOX128_LEN], const void *data, size_t len)
{
	write_le64(out, xxh64(data, len, 0));
	write_le64(out + 8, xxh64(data, len, 1));
}

size_t
twox64_concat(uint8_t *out, size_t outlen, const void *data, size_t len)
{
	if (outlen < TWOX64_LEN || len > outlen - TWOX64_LEN)
		return 0;
	twox64(out, data, len);
	if (len > 0)
		memcpy(out + TWOX64_LEN, data, len);
	return TWOX64_LEN + len;
}

void
twox_storage_prefix(uint8_t out[TWOX_STORAGE_PREFIX_LEN], const char *pallet,
    const char *item)
{
	twox128(out, pallet, strlen(pallet));
	twox128(out + TWOX128_LEN, item, strlen(item));
}
