/* BIP-39 English mnemonics turned into Substrate mini-secrets.
 *
 * Substrate (substrate-bip39, and polkadot-js after it) does not use the
 * BIP-39 seed: it runs PBKDF2-HMAC-SHA512 over the mnemonic's *entropy*,
 * salt "mnemonic" ‖ password, 2048 rounds, and keeps the first 32 of the 64
 * output bytes as the sr25519/ed25519 mini-secret.
 *
 * Phrase syntax is exactly what polkadot-js accepts: 12, 15, 18, 21 or 24
 * lowercase words from the list, separated by single ASCII spaces, nothing
 * before or after. A key that loads here then also loads there. Whoever
 * reads a phrase from a file trims its line ending first. The password is
 * used as raw bytes (UTF-8, not normalised), as polkadot-js does.
 *
 * The word list is read at run time from Debian's python3-mnemonic, never
 * copied into the tree, and checked: 2048 words of 1–8 lowercase letters,
 * strictly sorted, and its SHA-256 must be the published list's. */
#ifndef RTFORGE_BIP39_H
#define RTFORGE_BIP39_H

#include <stddef.h>
#include <stdint.h>

/* Where Debian's python3-mnemonic puts the list; a build may override. */
#ifndef BIP39_DEFAULT_WORDLIST
#define BIP39_DEFAULT_WORDLIST \
	"/usr/lib/python3/dist-packages/mnemonic/wordlist/english.txt"
#endif
#define BIP39_WORDS 2048
#define BIP39_WORD_MAX 8
/* 24 words of 8 letters and 23 spaces is 215; longer input is refused. */
#define BIP39_PHRASE_MAX 256
#define BIP39_ENTROPY_MAX 32
#define BIP39_MINI_SECRET_LEN 32
#define BIP39_PBKDF2_ROUNDS 2048

struct bip39_wordlist {
	char words[BIP39_WORDS][BIP39_WORD_MAX + 1];
};

enum bip39_error {
	BIP39_OK = 0,
	BIP39_ERR_WORDLIST_OPEN,	/* cannot open or read the file */
	BIP39_ERR_WORDLIST_FORMAT,	/* not 2048 sorted short words */
	BIP39_ERR_WORDLIST_HASH,	/* well formed, but not the English list */
	BIP39_ERR_TOO_LONG,		/* phrase beyond BIP39_PHRASE_MAX */
	BIP39_ERR_SPACING,		/* not single spaces between words */
	BIP39_ERR_UPPERCASE,		/* a word with capitals */
	BIP39_ERR_WORD_COUNT,		/* not 12, 15, 18, 21 or 24 words */
	BIP39_ERR_UNKNOWN_WORD,		/* a word not in the list */
	BIP39_ERR_CHECKSUM,		/* the words do not carry their checksum */
	BIP39_ERR_BUFFER,		/* caller's entropy buffer too small */
};

/* A short English reason. Never NULL, and never contains phrase text. */
const char *bip39_strerror(enum bip39_error err);

/* Loads and verifies the list at path (NULL: BIP39_DEFAULT_WORDLIST). */
enum bip39_error bip39_wordlist_load(struct bip39_wordlist *list,
    const char *path);

/* The entropy the phrase encodes, 16–32 bytes, written to entropy (cap
 * bytes, BIP39_ENTROPY_MAX is always enough) with its length in
 * *entropy_len. When bad_word is not NULL, it receives the 1-based position
 * of an unknown or capitalised word (0 otherwise), so an error can point at
 * it without repeating secret text. The output is wiped on failure. */
enum bip39_error bip39_phrase_to_entropy(const struct bip39_wordlist *list,
    const char *phrase, size_t phrase_len, uint8_t *entropy, size_t cap,
    size_t *entropy_len, size_t *bad_word);

/* The 32-byte Substrate mini-secret from entropy and password. */
void bip39_entropy_to_mini_secret(uint8_t out[BIP39_MINI_SECRET_LEN],
    const uint8_t *entropy, size_t entropy_len, const uint8_t *password,
    size_t password_len);

/* Both steps; the intermediate entropy never leaves this function. */
enum bip39_error bip39_phrase_to_mini_secret(
    const struct bip39_wordlist *list, const char *phrase, size_t phrase_len,
    const uint8_t *password, size_t password_len,
    uint8_t out[BIP39_MINI_SECRET_LEN], size_t *bad_word);

/* PBKDF2 (RFC 8018) with HMAC-SHA512 on libsodium. Returns 0, or -1 when
 * rounds is 0 or outlen exceeds what PBKDF2 allows. */
int pbkdf2_hmac_sha512(uint8_t *out, size_t outlen, const uint8_t *password,
    size_t password_len, const uint8_t *salt, size_t salt_len,
    uint32_t rounds);

#endif
