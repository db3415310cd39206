/* Secret URIs; see suri.h. Every piece of the text may be secret, so no
 * message built here quotes any of it: errors say which part (the root,
 * junction N, the password) and what is wrong with it. */
#include "suri.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

/* The longest SCALE compact prefix a junction needs: two bytes cover
 * lengths below 2^14, and junctions are capped far below that. */
#define COMPACT_PREFIX_MAX 2
#define JUNCTION_ENCODED_MAX (COMPACT_PREFIX_MAX + SURI_JUNCTION_MAX_LEN)

const char *
suri_strerror(enum suri_error err)
{
	switch (err) {
	case SURI_OK:
		return "ok";
	case SURI_ERR_EMPTY:
		return "the secret URI is empty";
	case SURI_ERR_TOO_LONG:
		return "the secret URI is too long";
	case SURI_ERR_CONTROL_CHAR:
		return "the secret URI contains a control character";
	case SURI_ERR_HEX_SEED:
		return "a hex seed must be 0x and 64 hex digits (32 bytes)";
	case SURI_ERR_PASSWORD_WITH_SEED:
		return "a ///password has no effect on a hex seed";
	case SURI_ERR_MNEMONIC:
		return "the phrase is not a valid BIP-39 English mnemonic";
	case SURI_ERR_NO_WORDLIST:
		return "a mnemonic needs the BIP-39 word list, none was loaded";
	case SURI_ERR_EMPTY_JUNCTION:
		return "a derivation junction is empty";
	case SURI_ERR_JUNCTION_TOO_LONG:
		return "a derivation junction is too long";
	case SURI_ERR_TOO_MANY_JUNCTIONS:
		return "too many derivation junctions";
	case SURI_ERR_AMBIGUOUS_JUNCTION:
		return "a derivation junction that Substrate and polkadot-js "
		    "read differently";
	case SURI_ERR_SOFT_ED25519:
		return "ed25519 keys have no soft (/) derivation, only hard (//)";
	case SURI_ERR_CRYPTO:
		return "a key operation failed";
	}
	return "unknown error";
}

static enum suri_error
fail(enum suri_error code, char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes "secret URI: <detail>" into err, when the caller wants it. */
static enum suri_error
fail(enum suri_error code, char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;
	int used;

	if (err == NULL || err_len == 0)
		return code;
	used = snprintf(err, err_len, "secret URI: ");
	if (used < 0 || (size_t)used >= err_len)
		return code;
	va_start(ap, fmt);
	vsnprintf(err + used, err_len - (size_t)used, fmt, ap);
	va_end(ap);
	return code;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
all_digits(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_digit(text[i]))
			return false;
	return len > 0;
}

static int
hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
has_hex_prefix(const char *text, size_t len)
{
	return len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

/* Decimal digits to a u64; false on overflow. */
static bool
parse_u64(const char *digits, size_t len, uint64_t *value)
{
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++) {
		uint64_t digit = (uint64_t)(digits[i] - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*value = v;
	return true;
}

/* Substrate's DeriveJunction::soft(encoded): pad to 32 bytes, or hash. */
static void
chain_code_from_encoding(uint8_t cc[SURI_CHAIN_CODE_LEN],
    const uint8_t *encoded, size_t len)
{
	memset(cc, 0, SURI_CHAIN_CODE_LEN);
	if (len > SURI_CHAIN_CODE_LEN)
		crypto_generichash(cc, SURI_CHAIN_CODE_LEN, encoded, len, NULL,
		    0);
	else
		memcpy(cc, encoded, len);
}

static void
chain_code_from_number(uint8_t cc[SURI_CHAIN_CODE_LEN], uint64_t value)
{
	uint8_t le[8];

	for (size_t i = 0; i < sizeof le; i++)
		le[i] = (uint8_t)(value >> (8 * i));
	chain_code_from_encoding(cc, le, sizeof le);
	sodium_memzero(le, sizeof le);
}

/* SCALE for a str: compact length (one byte below 64, else two), then
 * the bytes. */
static void
chain_code_from_text(uint8_t cc[SURI_CHAIN_CODE_LEN], const char *text,
    size_t len)
{
	uint8_t encoded[JUNCTION_ENCODED_MAX];
	size_t prefix;

	if (len < 64) {
		encoded[0] = (uint8_t)(len << 2);
		prefix = 1;
	} else {
		encoded[0] = (uint8_t)((len << 2) | 1);
		encoded[1] = (uint8_t)(len >> 6);
		prefix = 2;
	}
	memcpy(encoded + prefix, text, len);
	chain_code_from_encoding(cc, encoded, prefix + len);
	sodium_memzero(encoded, sizeof encoded);
}

/* One junction's text (without its slashes) to a chain code. n is its
 * 1-based position, for messages. */
static enum suri_error
parse_junction(struct suri_junction *j, const char *text, size_t len,
    size_t n, char *err, size_t err_len)
{
	uint64_t number;

	if (len == 0)
		return fail(SURI_ERR_EMPTY_JUNCTION, err, err_len,
		    "junction %zu is empty (a '/' with nothing after it)", n);
	if (len > SURI_JUNCTION_MAX_LEN)
		return fail(SURI_ERR_JUNCTION_TOO_LONG, err, err_len,
		    "junction %zu is longer than %d bytes", n,
		    SURI_JUNCTION_MAX_LEN);
	if (has_hex_prefix(text, len))
		return fail(SURI_ERR_AMBIGUOUS_JUNCTION, err, err_len,
		    "junction %zu starts with 0x, which polkadot-js reads as "
		    "hex bytes and Substrate as text", n);
	if (text[0] == '+' && all_digits(text + 1, len - 1))
		return fail(SURI_ERR_AMBIGUOUS_JUNCTION, err, err_len,
		    "junction %zu is a signed number, which Substrate reads "
		    "as a number and polkadot-js as text", n);
	if (all_digits(text, len)) {
		if (!parse_u64(text, len, &number))
			return fail(SURI_ERR_AMBIGUOUS_JUNCTION, err, err_len,
			    "junction %zu is a number beyond 2^64-1", n);
		chain_code_from_number(j->chain_code, number);
	} else {
		chain_code_from_text(j->chain_code, text, len);
	}
	return SURI_OK;
}

static const char *
find_triple_slash(const char *text, size_t len)
{
	for (size_t i = 0; i + 3 <= len; i++)
		if (text[i] == '/' && text[i + 1] == '/' && text[i + 2] == '/')
			return text + i;
	return NULL;
}

static enum suri_error
check_characters(const char *suri, size_t len, char *err, size_t err_len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)suri[i];
		if (c < 0x20 || c == 0x7f)
			return fail(SURI_ERR_CONTROL_CHAR, err, err_len,
			    "contains a control character (a line ending "
			    "left in from a file?)");
	}
	return SURI_OK;
}

/* The path: a run of "/x" and "//x", x non-empty and slash-free. */
static enum suri_error
parse_path(struct suri_parts *parts, const char *path, size_t len,
    char *err, size_t err_len)
{
	size_t pos = 0;

	while (pos < len) {
		struct suri_junction *j;
		size_t start;
		enum suri_error rc;

		if (parts->junction_count == SURI_MAX_JUNCTIONS)
			return fail(SURI_ERR_TOO_MANY_JUNCTIONS, err, err_len,
			    "more than %d derivation junctions",
			    SURI_MAX_JUNCTIONS);
		j = &parts->junctions[parts->junction_count];
		pos++;	/* the path starts at a '/', and so does each step */
		j->hard = pos < len && path[pos] == '/';
		if (j->hard)
			pos++;
		start = pos;
		while (pos < len && path[pos] != '/')
			pos++;
		rc = parse_junction(j, path + start, pos - start,
		    parts->junction_count + 1, err, err_len);
		if (rc != SURI_OK)
			return rc;
		parts->junction_count++;
	}
	return SURI_OK;
}

enum suri_error
suri_parse(struct suri_parts *parts, const char *suri, size_t len,
    char *err, size_t err_len)
{
	const char *password_mark;
	const char *path;
	size_t before_password;
	enum suri_error rc;

	memset(parts, 0, sizeof *parts);
	if (err != NULL && err_len > 0)
		err[0] = '\0';
	if (len == 0)
		return fail(SURI_ERR_EMPTY, err, err_len, "empty");
	if (len > SURI_MAX_LEN)
		return fail(SURI_ERR_TOO_LONG, err, err_len,
		    "longer than %d bytes", SURI_MAX_LEN);
	rc = check_characters(suri, len, err, err_len);
	if (rc != SURI_OK)
		return rc;

	/* Junctions cannot be empty, so the first "///" can only begin the
	 * password; the password itself may contain anything. */
	password_mark = find_triple_slash(suri, len);
	before_password = password_mark ? (size_t)(password_mark - suri) : len;
	if (password_mark != NULL) {
		parts->password = password_mark + 3;
		parts->password_len = len - before_password - 3;
	}

	path = memchr(suri, '/', before_password);
	parts->root = suri;
	parts->root_len = path ? (size_t)(path - suri) : before_password;
	if (path != NULL)
		rc = parse_path(parts, path, before_password - parts->root_len,
		    err, err_len);
	if (rc != SURI_OK)
		suri_parts_clear(parts);
	return rc;
}

static enum suri_error
hex_seed(uint8_t seed[SURI_SEED_LEN], const struct suri_parts *parts,
    char *err, size_t err_len)
{
	const char *digits = parts->root + 2;
	size_t digit_count = parts->root_len - 2;

	if (parts->password != NULL)
		return fail(SURI_ERR_PASSWORD_WITH_SEED, err, err_len,
		    "a ///password has no effect on a hex seed; remove it");
	if (digit_count != 2 * SURI_SEED_LEN)
		return fail(SURI_ERR_HEX_SEED, err, err_len,
		    "a hex seed must have 64 hex digits after 0x (32 bytes), "
		    "this one has %zu characters", digit_count);
	for (size_t i = 0; i < SURI_SEED_LEN; i++) {
		int hi = hex_value(digits[2 * i]);
		int lo = hex_value(digits[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			sodium_memzero(seed, SURI_SEED_LEN);
			return fail(SURI_ERR_HEX_SEED, err, err_len,
			    "the hex seed has a character that is not a hex "
			    "digit");
		}
		seed[i] = (uint8_t)(hi << 4 | lo);
	}
	return SURI_OK;
}

static enum suri_error
mnemonic_seed(uint8_t seed[SURI_SEED_LEN], const struct suri_parts *parts,
    const struct bip39_wordlist *list, char *err, size_t err_len)
{
	const char *phrase = parts->root;
	size_t phrase_len = parts->root_len;
	size_t bad_word = 0;
	enum bip39_error rc;

	if (list == NULL)
		return fail(SURI_ERR_NO_WORDLIST, err, err_len,
		    "a mnemonic needs the BIP-39 word list, none was loaded");
	if (phrase_len == 0) {
		phrase = SURI_DEV_PHRASE;
		phrase_len = sizeof SURI_DEV_PHRASE - 1;
	}
	rc = bip39_phrase_to_mini_secret(list, phrase, phrase_len,
	    (const uint8_t *)parts->password, parts->password_len, seed,
	    &bad_word);
	if (rc == BIP39_OK)
		return SURI_OK;
	if (bad_word != 0)
		return fail(SURI_ERR_MNEMONIC, err, err_len,
		    "mnemonic word %zu: %s", bad_word, bip39_strerror(rc));
	return fail(SURI_ERR_MNEMONIC, err, err_len, "mnemonic: %s",
	    bip39_strerror(rc));
}

/* Empty, or the dev phrase spelt out: either way a published key. */
static bool
is_dev_phrase(const struct suri_parts *parts)
{
	return parts->root_len == 0 ||
	    (parts->root_len == sizeof SURI_DEV_PHRASE - 1 &&
	    memcmp(parts->root, SURI_DEV_PHRASE, parts->root_len) == 0);
}

static enum suri_error
root_seed(uint8_t seed[SURI_SEED_LEN], const struct suri_parts *parts,
    const struct bip39_wordlist *list, char *err, size_t err_len)
{
	if (has_hex_prefix(parts->root, parts->root_len))
		return hex_seed(seed, parts, err, err_len);
	return mnemonic_seed(seed, parts, list, err, err_len);
}

static enum suri_error
derive_sr25519(struct sr25519_keypair *kp, const uint8_t seed[SURI_SEED_LEN],
    const struct suri_parts *parts, char *err, size_t err_len)
{
	struct sr25519_keypair child;

	if (sr25519_keypair_from_mini_secret(kp, seed) != 0)
		return fail(SURI_ERR_CRYPTO, err, err_len,
		    "sr25519 key expansion failed");
	for (size_t i = 0; i < parts->junction_count; i++) {
		const struct suri_junction *j = &parts->junctions[i];
		int rc = j->hard ? sr25519_derive_hard(&child, kp, j->chain_code)
		    : sr25519_derive_soft(&child, kp, j->chain_code);
		*kp = child;
		sr25519_keypair_clear(&child);
		if (rc != 0)
			return fail(SURI_ERR_CRYPTO, err, err_len,
			    "sr25519 derivation failed at junction %zu", i + 1);
	}
	return SURI_OK;
}

static enum suri_error
derive_ed25519(struct ed25519_keypair *kp, const uint8_t seed[SURI_SEED_LEN],
    const struct suri_parts *parts, char *err, size_t err_len)
{
	struct ed25519_keypair child;

	/* Refuse before any key work: the whole path must be usable. */
	for (size_t i = 0; i < parts->junction_count; i++)
		if (!parts->junctions[i].hard)
			return fail(SURI_ERR_SOFT_ED25519, err, err_len,
			    "junction %zu is soft (/), but ed25519 keys only "
			    "derive hard (//)", i + 1);
	if (ed25519_keypair_from_seed(kp, seed) != 0)
		return fail(SURI_ERR_CRYPTO, err, err_len,
		    "ed25519 key generation failed");
	for (size_t i = 0; i < parts->junction_count; i++) {
		int rc = ed25519_derive_hard(&child, kp,
		    parts->junctions[i].chain_code);
		*kp = child;
		ed25519_keypair_clear(&child);
		if (rc != 0)
			return fail(SURI_ERR_CRYPTO, err, err_len,
			    "ed25519 derivation failed at junction %zu", i + 1);
	}
	return SURI_OK;
}

enum suri_error
suri_to_keypair(struct suri_keypair *kp, enum suri_scheme scheme,
    const char *suri, size_t len, const struct bip39_wordlist *list,
    char *err, size_t err_len)
{
	struct suri_parts parts;
	uint8_t seed[SURI_SEED_LEN];
	enum suri_error rc;

	memset(kp, 0, sizeof *kp);
	kp->scheme = scheme;
	rc = suri_parse(&parts, suri, len, err, err_len);
	if (rc == SURI_OK)
		rc = root_seed(seed, &parts, list, err, err_len);
	if (rc == SURI_OK) {
		kp->from_dev_phrase = is_dev_phrase(&parts);
		rc = scheme == SURI_SCHEME_SR25519
		    ? derive_sr25519(&kp->key.sr25519, seed, &parts, err,
		    err_len)
		    : derive_ed25519(&kp->key.ed25519, seed, &parts, err,
		    err_len);
	}
	sodium_memzero(seed, sizeof seed);
	suri_parts_clear(&parts);
	if (rc != SURI_OK) {
		suri_keypair_clear(kp);
		kp->scheme = scheme;
	}
	return rc;
}

const uint8_t *
suri_public_key(const struct suri_keypair *kp)
{
	return kp->scheme == SURI_SCHEME_SR25519 ? kp->key.sr25519.public_key
	    : kp->key.ed25519.public_key;
}

void
suri_keypair_clear(struct suri_keypair *kp)
{
	sodium_memzero(kp, sizeof *kp);
}

void
suri_parts_clear(struct suri_parts *parts)
{
	sodium_memzero(parts, sizeof *parts);
}
