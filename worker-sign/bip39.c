/* BIP-39 phrase → entropy → Substrate mini-secret. Written from BIP-39,
 * RFC 8018 (PBKDF2) and substrate-bip39's description of the mini-secret;
 * see bip39.h for the accepted syntax and why. */
#include "bip39.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* SHA-256 of the published English list (bitcoin/bips, bip-0039/
 * english.txt), byte for byte as Debian ships it. A different or edited
 * list would silently map phrases to other keys, so nothing else loads. */
static const uint8_t english_list_sha256[32] = {
	0x2f, 0x5e, 0xed, 0x53, 0xa4, 0x72, 0x7b, 0x4b,
	0xf8, 0x88, 0x0d, 0x8f, 0x3f, 0x19, 0x9e, 0xfc,
	0x90, 0xe5, 0x85, 0x03, 0x64, 0x6d, 0x9f, 0xf8,
	0xef, 0xf3, 0xa2, 0xed, 0x3b, 0x24, 0xdb, 0xda,
};

/* The list is 2048 lines of at most 8 letters and a newline. */
#define WORDLIST_FILE_MAX (BIP39_WORDS * (BIP39_WORD_MAX + 1))

#define BITS_PER_WORD 11
#define PHRASE_WORDS_MAX 24
/* 24 words carry 264 bits: 256 of entropy and 8 of checksum. */
#define PHRASE_BITS_BYTES (PHRASE_WORDS_MAX * BITS_PER_WORD / 8)

static const char mini_secret_salt[] = "mnemonic";

const char *
bip39_strerror(enum bip39_error err)
{
	switch (err) {
	case BIP39_OK:
		return "ok";
	case BIP39_ERR_WORDLIST_OPEN:
		return "cannot read the BIP-39 word list (is python3-mnemonic "
		       "installed?)";
	case BIP39_ERR_WORDLIST_FORMAT:
		return "BIP-39 word list is not 2048 sorted words";
	case BIP39_ERR_WORDLIST_HASH:
		return "BIP-39 word list is not the standard English list";
	case BIP39_ERR_TOO_LONG:
		return "mnemonic too long";
	case BIP39_ERR_SPACING:
		return "mnemonic words must be separated by single spaces, "
		       "with none before or after";
	case BIP39_ERR_UPPERCASE:
		return "mnemonic words must be lowercase";
	case BIP39_ERR_WORD_COUNT:
		return "mnemonic must have 12, 15, 18, 21 or 24 words";
	case BIP39_ERR_UNKNOWN_WORD:
		return "mnemonic word not in the BIP-39 English list";
	case BIP39_ERR_CHECKSUM:
		return "mnemonic checksum mismatch (a word is wrong or out of "
		       "order)";
	case BIP39_ERR_BUFFER:
		return "entropy buffer too small";
	}
	return "unknown BIP-39 error";
}

/* Splits the file into words, checking each is 1..8 lowercase letters on
 * its own line and that each sorts strictly after the one before (which
 * also rules out duplicates, and makes binary search valid). */
static enum bip39_error
wordlist_parse(struct bip39_wordlist *list, const char *text, size_t len)
{
	size_t count = 0, pos = 0;

	while (pos < len) {
		size_t start = pos, wlen;
		while (pos < len && text[pos] != '\n') {
			if (text[pos] < 'a' || text[pos] > 'z')
				return BIP39_ERR_WORDLIST_FORMAT;
			pos++;
		}
		wlen = pos - start;
		if (wlen == 0 || wlen > BIP39_WORD_MAX || count == BIP39_WORDS)
			return BIP39_ERR_WORDLIST_FORMAT;
		memcpy(list->words[count], text + start, wlen);
		list->words[count][wlen] = '\0';
		if (count > 0 &&
		    strcmp(list->words[count - 1], list->words[count]) >= 0)
			return BIP39_ERR_WORDLIST_FORMAT;
		count++;
		pos++;	/* the newline, or one past the end */
	}
	return count == BIP39_WORDS ? BIP39_OK : BIP39_ERR_WORDLIST_FORMAT;
}

/* Reads at most cap bytes; *len = cap + 1 signals a larger file. */
static enum bip39_error
read_capped(const char *path, char *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t n;
	int failed;

	if (f == NULL)
		return BIP39_ERR_WORDLIST_OPEN;
	n = fread(buf, 1, cap + 1, f);
	failed = ferror(f);
	fclose(f);
	if (failed)
		return BIP39_ERR_WORDLIST_OPEN;
	*len = n;
	return BIP39_OK;
}

enum bip39_error
bip39_wordlist_load(struct bip39_wordlist *list, const char *path)
{
	/* One spare byte tells an oversized file from one that fits. */
	char text[WORDLIST_FILE_MAX + 1];
	size_t len = 0;
	enum bip39_error err;

	memset(list, 0, sizeof *list);
	err = read_capped(path ? path : BIP39_DEFAULT_WORDLIST, text,
	    WORDLIST_FILE_MAX, &len);
	if (err != BIP39_OK)
		return err;
	if (len > WORDLIST_FILE_MAX)
		return BIP39_ERR_WORDLIST_FORMAT;
	err = wordlist_parse(list, text, len);
	if (err == BIP39_OK) {
		uint8_t digest[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(digest, (const unsigned char *)text, len);
		if (memcmp(digest, english_list_sha256, sizeof digest) != 0)
			err = BIP39_ERR_WORDLIST_HASH;
	}
	if (err != BIP39_OK)
		memset(list, 0, sizeof *list);
	return err;
}

/* The index of the word text[0..len) in the sorted list, or -1. */
static int
wordlist_find(const struct bip39_wordlist *list, const char *text,
    size_t len)
{
	int lo = 0, hi = BIP39_WORDS - 1;

	if (len == 0 || len > BIP39_WORD_MAX)
		return -1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		const char *word = list->words[mid];
		size_t word_len = strlen(word);
		int cmp = memcmp(text, word, len < word_len ? len : word_len);
		/* Equal as far as both go: the shorter one sorts first. */
		if (cmp == 0)
			cmp = (len > word_len) - (len < word_len);
		if (cmp == 0)
			return mid;
		if (cmp < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Classifies a word's characters before looking it up, so the error says
 * what is wrong with it: other whitespace, capitals, or anything else that
 * no list word contains (a NUL, punctuation, UTF-8). */
static enum bip39_error
word_check_chars(const char *text, size_t len)
{
	enum bip39_error err = BIP39_OK;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
		    c == '\f')
			return BIP39_ERR_SPACING;
		if (c >= 'A' && c <= 'Z') {
			if (err == BIP39_OK)
				err = BIP39_ERR_UPPERCASE;
		} else if (c < 'a' || c > 'z')
			err = BIP39_ERR_UNKNOWN_WORD;
	}
	return err;
}

/* Turns the phrase into word indices. indices holds PHRASE_WORDS_MAX. */
static enum bip39_error
phrase_to_indices(const struct bip39_wordlist *list, const char *phrase,
    size_t len, uint16_t *indices, size_t *count, size_t *bad_word)
{
	size_t pos = 0, n = 0;

	if (len > BIP39_PHRASE_MAX)
		return BIP39_ERR_TOO_LONG;
	if (len == 0)
		return BIP39_ERR_WORD_COUNT;
	for (;;) {
		size_t start = pos;
		enum bip39_error err;

		while (pos < len && phrase[pos] != ' ')
			pos++;
		/* An empty word means a space at either end or two in a row. */
		if (pos == start)
			return BIP39_ERR_SPACING;
		if (n == PHRASE_WORDS_MAX)
			return BIP39_ERR_WORD_COUNT;
		err = word_check_chars(phrase + start, pos - start);
		if (err == BIP39_OK) {
			int index = wordlist_find(list, phrase + start,
			    pos - start);
			if (index < 0)
				err = BIP39_ERR_UNKNOWN_WORD;
			else
				indices[n] = (uint16_t)index;
		}
		if (err != BIP39_OK) {
			if (bad_word != NULL && err != BIP39_ERR_SPACING)
				*bad_word = n + 1;
			return err;
		}
		n++;
		if (pos == len)
			break;
		pos++;	/* the single space */
	}
	if (n % 3 != 0 || n < 12)
		return BIP39_ERR_WORD_COUNT;
	*count = n;
	return BIP39_OK;
}

/* Concatenates the 11-bit indices, most significant bit first. */
static void
indices_to_bits(const uint16_t *indices, size_t count,
    uint8_t bits[PHRASE_BITS_BYTES])
{
	memset(bits, 0, PHRASE_BITS_BYTES);
	for (size_t i = 0; i < count; i++)
		for (int b = BITS_PER_WORD - 1; b >= 0; b--) {
			size_t at = i * BITS_PER_WORD + (BITS_PER_WORD - 1 - b);
			unsigned bit = (indices[i] >> b) & 1u;
			bits[at / 8] |= (uint8_t)(bit << (7 - at % 8));
		}
}

/* The phrase's bits are entropy followed by the first count/3 bits of
 * SHA-256(entropy); with at most 8 checksum bits they sit in one byte. */
static int
checksum_matches(const uint8_t *bits, size_t entropy_len, size_t count)
{
	uint8_t digest[crypto_hash_sha256_BYTES];
	unsigned cs_bits = (unsigned)(count / 3);
	unsigned want, have;

	crypto_hash_sha256(digest, bits, entropy_len);
	want = digest[0] >> (8 - cs_bits);
	have = bits[entropy_len] >> (8 - cs_bits);
	sodium_memzero(digest, sizeof digest);
	return want == have;
}

enum bip39_error
bip39_phrase_to_entropy(const struct bip39_wordlist *list,
    const char *phrase, size_t phrase_len, uint8_t *entropy, size_t cap,
    size_t *entropy_len, size_t *bad_word)
{
	uint16_t indices[PHRASE_WORDS_MAX];
	uint8_t bits[PHRASE_BITS_BYTES];
	size_t count = 0;
	enum bip39_error err;

	*entropy_len = 0;
	if (bad_word != NULL)
		*bad_word = 0;
	err = phrase_to_indices(list, phrase, phrase_len, indices, &count,
	    bad_word);
	if (err == BIP39_OK) {
		/* 32 of every 33 bits are entropy, the rest checksum. */
		size_t ent_len = count * BITS_PER_WORD * 32 / 33 / 8;
		indices_to_bits(indices, count, bits);
		if (ent_len > cap)
			err = BIP39_ERR_BUFFER;
		else if (!checksum_matches(bits, ent_len, count))
			err = BIP39_ERR_CHECKSUM;
		else {
			memcpy(entropy, bits, ent_len);
			*entropy_len = ent_len;
		}
	}
	sodium_memzero(indices, sizeof indices);
	sodium_memzero(bits, sizeof bits);
	if (err != BIP39_OK && cap > 0)
		sodium_memzero(entropy, cap);
	return err;
}

/* PBKDF2 with the salt given in two pieces, so "mnemonic" ‖ password needs
 * no copy (and no length cap) of the password. */
static int
pbkdf2_two_part_salt(uint8_t *out, size_t outlen, const uint8_t *password,
    size_t password_len, const uint8_t *salt1, size_t salt1_len,
    const uint8_t *salt2, size_t salt2_len, uint32_t rounds)
{
	/* libsodium copies the key with memcpy: never hand it NULL. */
	static const uint8_t empty[1];
	crypto_auth_hmacsha512_state keyed, st;
	uint8_t u[crypto_auth_hmacsha512_BYTES], t[crypto_auth_hmacsha512_BYTES];
	uint32_t block = 0;

	if (rounds == 0 || outlen / sizeof t >= 0xffffffffu)
		return -1;
	/* Keying once and copying the state saves two compressions a round. */
	crypto_auth_hmacsha512_init(&keyed, password ? password : empty,
	    password_len);
	while (outlen > 0) {
		uint8_t counter[4];
		size_t take = outlen < sizeof t ? outlen : sizeof t;
		block++;
		counter[0] = (uint8_t)(block >> 24);
		counter[1] = (uint8_t)(block >> 16);
		counter[2] = (uint8_t)(block >> 8);
		counter[3] = (uint8_t)block;
		st = keyed;
		crypto_auth_hmacsha512_update(&st, salt1 ? salt1 : empty,
		    salt1_len);
		crypto_auth_hmacsha512_update(&st, salt2 ? salt2 : empty,
		    salt2_len);
		crypto_auth_hmacsha512_update(&st, counter, sizeof counter);
		crypto_auth_hmacsha512_final(&st, u);
		memcpy(t, u, sizeof t);
		for (uint32_t r = 1; r < rounds; r++) {
			st = keyed;
			crypto_auth_hmacsha512_update(&st, u, sizeof u);
			crypto_auth_hmacsha512_final(&st, u);
			for (size_t i = 0; i < sizeof t; i++)
				t[i] ^= u[i];
		}
		memcpy(out, t, take);
		out += take;
		outlen -= take;
	}
	sodium_memzero(&keyed, sizeof keyed);
	sodium_memzero(&st, sizeof st);
	sodium_memzero(u, sizeof u);
	sodium_memzero(t, sizeof t);
	return 0;
}

int
pbkdf2_hmac_sha512(uint8_t *out, size_t outlen, const uint8_t *password,
    size_t password_len, const uint8_t *salt, size_t salt_len,
    uint32_t rounds)
{
	return pbkdf2_two_part_salt(out, outlen, password, password_len, salt,
	    salt_len, NULL, 0, rounds);
}

void
bip39_entropy_to_mini_secret(uint8_t out[BIP39_MINI_SECRET_LEN],
    const uint8_t *entropy, size_t entropy_len, const uint8_t *password,
    size_t password_len)
{
	uint8_t seed[64];
	/* Cannot fail: rounds is not 0 and 64 bytes is one block. */
	(void)pbkdf2_two_part_salt(seed, sizeof seed, entropy, entropy_len,
	    (const uint8_t *)mini_secret_salt, sizeof mini_secret_salt - 1,
	    password, password_len, BIP39_PBKDF2_ROUNDS);
	memcpy(out, seed, BIP39_MINI_SECRET_LEN);
	sodium_memzero(seed, sizeof seed);
}

enum bip39_error
bip39_phrase_to_mini_secret(const struct bip39_wordlist *list,
    const char *phrase, size_t phrase_len, const uint8_t *password,
    size_t password_len, uint8_t out[BIP39_MINI_SECRET_LEN],
    size_t *bad_word)
{
	uint8_t entropy[BIP39_ENTROPY_MAX];
	size_t entropy_len = 0;
	enum bip39_error err;

	err = bip39_phrase_to_entropy(list, phrase, phrase_len, entropy,
	    sizeof entropy, &entropy_len, bad_word);
	if (err == BIP39_OK)
		bip39_entropy_to_mini_secret(out, entropy, entropy_len,
		    password, password_len);
	else
		sodium_memzero(out, BIP39_MINI_SECRET_LEN);
	sodium_memzero(entropy, sizeof entropy);
	return err;
}
