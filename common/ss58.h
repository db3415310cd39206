/* SS58 addresses (Substrate's base58check variant) for 32-byte account ids,
 * and the base58 codec under them.
 *
 * address = base58(prefix ‖ account id ‖ checksum), where the prefix is one
 * byte for 0..63 and two bytes for 64..16383, and the checksum is the first
 * two bytes of blake2b-512("SS58PRE" ‖ prefix ‖ account id).
 *
 * Decoding is strict: exactly a 32-byte id, a correct checksum, the shortest
 * prefix form and no reserved prefix (46, 47), so each account has one
 * spelling per prefix. Uses libsodium's blake2b; it needs no sodium_init(),
 * though calling it first selects faster code. */
#ifndef RTFORGE_SS58_H
#define RTFORGE_SS58_H

#include <stddef.h>
#include <stdint.h>

#define SS58_ACCOUNT_ID_LEN 32
#define SS58_CHECKSUM_LEN 2
#define SS58_PREFIX_MAX 16383
/* The prefix every Substrate dev chain and QuantumHarmony use. */
#define SS58_PREFIX_GENERIC 42
/* A buffer this size holds any address this module makes, with its NUL
 * (the longest, a two-byte prefix, is 50 characters). */
#define SS58_ADDRESS_MAX 56
/* Longer text is refused before any decoding work. */
#define SS58_TEXT_MAX 64

/* The generic base58 functions accept at most this many bytes. */
#define BASE58_MAX_BYTES 128

enum ss58_error {
	SS58_OK = 0,
	SS58_ERR_EMPTY,		/* no text */
	SS58_ERR_TOO_LONG,	/* text or decoded bytes beyond the caps */
	SS58_ERR_BAD_CHAR,	/* a character outside the base58 alphabet */
	SS58_ERR_BAD_LENGTH,	/* decodes, but not to prefix + 32 + 2 bytes */
	SS58_ERR_BAD_PREFIX,	/* first byte ≥ 128, or prefix > 16383 */
	SS58_ERR_NONCANONICAL,	/* a prefix < 64 spelt in the two-byte form */
	SS58_ERR_RESERVED,	/* prefix 46 or 47, reserved by the registry */
	SS58_ERR_BAD_CHECKSUM,	/* a typo, most likely */
	SS58_ERR_BUFFER,	/* the caller's output buffer is too small */
};

/* A short English reason, for error messages. Never NULL. */
const char *ss58_strerror(enum ss58_error err);

/* Writes the NUL-terminated address into out (outcap bytes, at least
 * SS58_ADDRESS_MAX to be safe). Refuses prefixes beyond 16383 and the
 * reserved 46 and 47, as polkadot-js does. */
enum ss58_error ss58_encode(char *out, size_t outcap,
    const uint8_t account_id[SS58_ACCOUNT_ID_LEN], uint16_t prefix);

/* Parses len bytes of text (no NUL needed; an embedded NUL is a bad
 * character). On success fills account_id and *prefix; on failure leaves
 * them zeroed and says why. */
enum ss58_error ss58_decode(const char *text, size_t len,
    uint8_t account_id[SS58_ACCOUNT_ID_LEN], uint16_t *prefix);

/* Bitcoin-alphabet base58 of len ≤ BASE58_MAX_BYTES bytes, NUL-terminated
 * in out. Each leading zero byte becomes a '1'. */
enum ss58_error base58_encode(char *out, size_t outcap, const uint8_t *in,
    size_t len);

/* Decodes len characters into out (outcap bytes), setting *outlen. Fails
 * with SS58_ERR_BAD_CHAR or, when the bytes would not fit, SS58_ERR_TOO_LONG. */
enum ss58_error base58_decode(uint8_t *out, size_t outcap, size_t *outlen,
    const char *in, size_t len);

#endif
