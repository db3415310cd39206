/* SS58 and base58, written from the Substrate SS58 registry's description
 * of the format and the Bitcoin base58 alphabet. See ss58.h. */
#include "ss58.h"

#include <sodium.h>
#include <string.h>

static const char base58_alphabet[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Base58 needs log(256)/log(58) ≈ 1.366 digits per byte; 138/100 rounds
 * that up, plus one for the last partial digit. */
#define BASE58_MAX_DIGITS (BASE58_MAX_BYTES * 138 / 100 + 1)

static const char ss58_context[] = "SS58PRE";

/* The longest decoded SS58 payload: two prefix bytes, the id, checksum. */
#define SS58_PAYLOAD_MAX (2 + SS58_ACCOUNT_ID_LEN + SS58_CHECKSUM_LEN)

const char *
ss58_strerror(enum ss58_error err)
{
	switch (err) {
	case SS58_OK:
		return "ok";
	case SS58_ERR_EMPTY:
		return "empty address";
	case SS58_ERR_TOO_LONG:
		return "address too long";
	case SS58_ERR_BAD_CHAR:
		return "character not in the base58 alphabet";
	case SS58_ERR_BAD_LENGTH:
		return "not a 32-byte account address";
	case SS58_ERR_BAD_PREFIX:
		return "invalid address prefix";
	case SS58_ERR_NONCANONICAL:
		return "address prefix in non-canonical form";
	case SS58_ERR_RESERVED:
		return "reserved address prefix (46 or 47)";
	case SS58_ERR_BAD_CHECKSUM:
		return "address checksum mismatch (typo?)";
	case SS58_ERR_BUFFER:
		return "output buffer too small";
	}
	return "unknown SS58 error";
}

/* The value of a base58 character, or -1. Taking an int of the unsigned
 * char value keeps bytes ≥ 0x80 from going negative. */
static int
base58_value(unsigned char c)
{
	const char *hit;
	if (c == '\0')
		return -1;
	hit = strchr(base58_alphabet, c);
	return hit ? (int)(hit - base58_alphabet) : -1;
}

enum ss58_error
base58_encode(char *out, size_t outcap, const uint8_t *in, size_t len)
{
	uint8_t digits[BASE58_MAX_DIGITS];	/* least significant first */
	size_t ndigits = 0, zeros = 0, total;

	if (len > BASE58_MAX_BYTES)
		return SS58_ERR_TOO_LONG;
	while (zeros < len && in[zeros] == 0)
		zeros++;
	/* Schoolbook conversion: multiply the digits so far by 256 and add
	 * each byte in turn. Quadratic, and fine for a hundred bytes. */
	for (size_t i = zeros; i < len; i++) {
		unsigned carry = in[i];
		for (size_t j = 0; j < ndigits; j++) {
			carry += (unsigned)digits[j] << 8;
			digits[j] = (uint8_t)(carry % 58);
			carry /= 58;
		}
		while (carry > 0) {
			if (ndigits == sizeof digits)
				return SS58_ERR_TOO_LONG; /* cannot happen */
			digits[ndigits++] = (uint8_t)(carry % 58);
			carry /= 58;
		}
	}
	total = zeros + ndigits;
	if (outcap == 0 || total > outcap - 1)
		return SS58_ERR_BUFFER;
	memset(out, '1', zeros);
	for (size_t j = 0; j < ndigits; j++)
		out[zeros + j] = base58_alphabet[digits[ndigits - 1 - j]];
	out[total] = '\0';
	return SS58_OK;
}

enum ss58_error
base58_decode(uint8_t *out, size_t outcap, size_t *outlen, const char *in,
    size_t len)
{
	uint8_t bytes[BASE58_MAX_BYTES];	/* least significant first */
	size_t nbytes = 0, zeros = 0, total;

	*outlen = 0;
	while (zeros < len && in[zeros] == '1')
		zeros++;
	for (size_t i = zeros; i < len; i++) {
		int value = base58_value((unsigned char)in[i]);
		unsigned carry;
		if (value < 0)
			return SS58_ERR_BAD_CHAR;
		carry = (unsigned)value;
		for (size_t j = 0; j < nbytes; j++) {
			carry += (unsigned)bytes[j] * 58;
			bytes[j] = (uint8_t)(carry & 0xff);
			carry >>= 8;
		}
		while (carry > 0) {
			if (nbytes == sizeof bytes)
				return SS58_ERR_TOO_LONG;
			bytes[nbytes++] = (uint8_t)(carry & 0xff);
			carry >>= 8;
		}
	}
	/* Written so that a long run of '1's cannot overflow the sum. */
	if (zeros > outcap || nbytes > outcap - zeros)
		return SS58_ERR_TOO_LONG;
	total = zeros + nbytes;
	memset(out, 0, zeros);
	for (size_t j = 0; j < nbytes; j++)
		out[zeros + j] = bytes[nbytes - 1 - j];
	*outlen = total;
	return SS58_OK;
}

/* The prefix in its wire form: one byte below 64; otherwise two bytes
 * 01aaaaaa bbcccccc holding the low byte's top six bits (a), its bottom two
 * bits (b) and the high six bits of the prefix (c). The 01 marks the
 * two-byte form. Returns the number of bytes written. */
static size_t
prefix_to_bytes(uint8_t out[2], uint16_t prefix)
{
	if (prefix < 64) {
		out[0] = (uint8_t)prefix;
		return 1;
	}
	out[0] = (uint8_t)(0x40 | ((prefix & 0xfc) >> 2));
	out[1] = (uint8_t)((prefix >> 8) | ((prefix & 0x03) << 6));
	return 2;
}

/* The inverse of prefix_to_bytes on the start of a decoded payload. Sets
 * *used to the bytes consumed; fails on a first byte ≥ 128. */
static enum ss58_error
prefix_from_bytes(const uint8_t *in, size_t len, uint16_t *prefix,
    size_t *used)
{
	if (len < 1)
		return SS58_ERR_BAD_LENGTH;
	if (in[0] < 64) {
		*prefix = in[0];
		*used = 1;
		return SS58_OK;
	}
	if (in[0] >= 128)
		return SS58_ERR_BAD_PREFIX;
	if (len < 2)
		return SS58_ERR_BAD_LENGTH;
	*prefix = (uint16_t)((((unsigned)in[0] & 0x3f) << 2) |
	    (in[1] >> 6) | (((unsigned)in[1] & 0x3f) << 8));
	*used = 2;
	return SS58_OK;
}

static int
prefix_reserved(uint16_t prefix)
{
	return prefix == 46 || prefix == 47;
}

/* The first two bytes of blake2b-512("SS58PRE" ‖ body). */
static void
ss58_checksum(uint8_t out[SS58_CHECKSUM_LEN], const uint8_t *body,
    size_t len)
{
	crypto_generichash_state state;
	uint8_t hash[64];
	crypto_generichash_init(&state, NULL, 0, sizeof hash);
	crypto_generichash_update(&state, (const unsigned char *)ss58_context,
	    sizeof ss58_context - 1);
	crypto_generichash_update(&state, body, len);
	crypto_generichash_final(&state, hash, sizeof hash);
	memcpy(out, hash, SS58_CHECKSUM_LEN);
}

enum ss58_error
ss58_encode(char *out, size_t outcap,
    const uint8_t account_id[SS58_ACCOUNT_ID_LEN], uint16_t prefix)
{
	uint8_t payload[SS58_PAYLOAD_MAX];
	size_t n;

	if (outcap > 0)
		out[0] = '\0';
	if (prefix > SS58_PREFIX_MAX)
		return SS58_ERR_BAD_PREFIX;
	if (prefix_reserved(prefix))
		return SS58_ERR_RESERVED;
	n = prefix_to_bytes(payload, prefix);
	memcpy(payload + n, account_id, SS58_ACCOUNT_ID_LEN);
	n += SS58_ACCOUNT_ID_LEN;
	ss58_checksum(payload + n, payload, n);
	n += SS58_CHECKSUM_LEN;
	return base58_encode(out, outcap, payload, n);
}

/* Checks a decoded payload and takes the prefix and id out of it. */
static enum ss58_error
ss58_parse_payload(const uint8_t *payload, size_t len,
    uint8_t account_id[SS58_ACCOUNT_ID_LEN], uint16_t *prefix)
{
	uint8_t want[SS58_CHECKSUM_LEN];
	size_t used = 0;
	uint16_t value = 0;
	enum ss58_error err;

	/* Length first: a truncated or padded address says so, rather than
	 * whatever its shifted first byte happens to look like. */
	if (len != 1 + SS58_ACCOUNT_ID_LEN + SS58_CHECKSUM_LEN &&
	    len != 2 + SS58_ACCOUNT_ID_LEN + SS58_CHECKSUM_LEN)
		return SS58_ERR_BAD_LENGTH;
	err = prefix_from_bytes(payload, len, &value, &used);
	if (err != SS58_OK)
		return err;
	if (len != used + SS58_ACCOUNT_ID_LEN + SS58_CHECKSUM_LEN)
		return SS58_ERR_BAD_LENGTH;
	ss58_checksum(want, payload, len - SS58_CHECKSUM_LEN);
	if (memcmp(want, payload + len - SS58_CHECKSUM_LEN, sizeof want) != 0)
		return SS58_ERR_BAD_CHECKSUM;
	if (used == 2 && value < 64)
		return SS58_ERR_NONCANONICAL;
	if (prefix_reserved(value))
		return SS58_ERR_RESERVED;
	memcpy(account_id, payload + used, SS58_ACCOUNT_ID_LEN);
	*prefix = value;
	return SS58_OK;
}

enum ss58_error
ss58_decode(const char *text, size_t len,
    uint8_t account_id[SS58_ACCOUNT_ID_LEN], uint16_t *prefix)
{
	uint8_t payload[SS58_PAYLOAD_MAX];
	size_t n = 0;
	enum ss58_error err;

	memset(account_id, 0, SS58_ACCOUNT_ID_LEN);
	*prefix = 0;
	if (len == 0)
		return SS58_ERR_EMPTY;
	if (len > SS58_TEXT_MAX)
		return SS58_ERR_TOO_LONG;
	err = base58_decode(payload, sizeof payload, &n, text, len);
	if (err == SS58_ERR_TOO_LONG)
		return SS58_ERR_BAD_LENGTH;
	if (err != SS58_OK)
		return err;
	return ss58_parse_payload(payload, n, account_id, prefix);
}
