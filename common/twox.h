/* xxHash64 and the "twox" hashers Substrate builds on it for storage keys.
 *
 * twox64(x)   = xxh64(x, seed 0) as 8 little-endian bytes;
 * twox128(x)  = twox64 with seed 0 ‖ with seed 1 (16 bytes);
 * twox64Concat(x) = twox64(x) ‖ x (the map hasher that keeps the key).
 *
 * A plain storage value lives at twox128(pallet) ‖ twox128(item), e.g.
 * Sudo.Key = 0x5c0d1176…9e9c ‖ 530ebca7…e47b. These hashes are not
 * cryptographic: they only place keys, never protect anything. */
#ifndef RTFORGE_TWOX_H
#define RTFORGE_TWOX_H

#include <stddef.h>
#include <stdint.h>

#define TWOX64_LEN 8
#define TWOX128_LEN 16
#define TWOX_STORAGE_PREFIX_LEN (2 * TWOX128_LEN)

uint64_t xxh64(const void *data, size_t len, uint64_t seed);

void twox64(uint8_t out[TWOX64_LEN], const void *data, size_t len);
void twox128(uint8_t out[TWOX128_LEN], const void *data, size_t len);

/* Writes twox64(data) ‖ data to out; returns the length written, or 0 when
 * outlen is too small (then nothing is written). */
size_t twox64_concat(uint8_t *out, size_t outlen, const void *data,
    size_t len);

/* twox128(pallet) ‖ twox128(item): the key of a plain storage value, or
 * the prefix of a storage map's keys. */
void twox_storage_prefix(uint8_t out[TWOX_STORAGE_PREFIX_LEN],
    const char *pallet, const char *item);

#endif
