/* Secret URIs, as Substrate and polkadot-js write them:
 *
 *   <root>[//hard | /soft]*[///password]
 *
 * root: a BIP-39 English mnemonic; or "0x" and 64 hex digits, a 32-byte
 * seed used as is; or nothing, which means Substrate's well-known dev
 * phrase ("//Alice" is the dev phrase, hard-derived by "Alice"). The
 * password (everything after the first "///", slashes included) salts the
 * mnemonic's mini-secret; it has no meaning for a hex seed, and is refused
 * there rather than silently ignored.
 *
 * Junctions become 32-byte chain codes as Substrate's DeriveJunction does:
 * a junction of decimal digits is the u64 it spells (8 bytes LE); any other
 * text is SCALE-encoded (compact length ‖ UTF-8 bytes); the encoding is
 * zero-padded to 32 bytes, or blake2b-256-hashed when longer than 32.
 * Two spellings that Substrate and polkadot-js read differently are
 * refused: a junction starting "0x" (hex bytes to polkadot-js, text to
 * Substrate), "+" and digits (a number to Substrate, text to polkadot-js),
 * and digits beyond 2^64 − 1.
 *
 * Errors name the part that is wrong (the root, junction 3, the password)
 * and never quote any of the text: all of it may be secret.
 *
 * Parsing is bounded: at most SURI_MAX_LEN bytes and SURI_MAX_JUNCTIONS
 * junctions of at most SURI_JUNCTION_MAX_LEN bytes; no control characters
 * (a line ending left in from a key file is the usual cause). */
#ifndef RTFORGE_SURI_H
#define RTFORGE_SURI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bip39.h"
#include "ed25519.h"
#include "sr25519.h"

#define SURI_MAX_LEN 1024
#define SURI_MAX_JUNCTIONS 32
#define SURI_JUNCTION_MAX_LEN 256
#define SURI_CHAIN_CODE_LEN 32
#define SURI_SEED_LEN 32
#define SURI_ERR_MAX 160

/* Substrate's (and polkadot-js's) development phrase. */
#define SURI_DEV_PHRASE \
	"bottom drive obey lake curtain smoke basket hold race lonely fit walk"

enum suri_scheme {
	SURI_SCHEME_SR25519,
	SURI_SCHEME_ED25519,
};

enum suri_error {
	SURI_OK = 0,
	SURI_ERR_EMPTY,			/* no text at all */
	SURI_ERR_TOO_LONG,		/* beyond SURI_MAX_LEN */
	SURI_ERR_CONTROL_CHAR,		/* NUL, line ending, other control */
	SURI_ERR_HEX_SEED,		/* 0x… but not 64 hex digits */
	SURI_ERR_PASSWORD_WITH_SEED,	/* ///password after a hex seed */
	SURI_ERR_MNEMONIC,		/* the phrase is not a valid mnemonic */
	SURI_ERR_NO_WORDLIST,		/* a mnemonic, but no word list given */
	SURI_ERR_EMPTY_JUNCTION,	/* "/" or "//" with nothing after */
	SURI_ERR_JUNCTION_TOO_LONG,	/* beyond SURI_JUNCTION_MAX_LEN */
	SURI_ERR_TOO_MANY_JUNCTIONS,	/* beyond SURI_MAX_JUNCTIONS */
	SURI_ERR_AMBIGUOUS_JUNCTION,	/* read differently by Substrate
					 * and polkadot-js */
	SURI_ERR_SOFT_ED25519,		/* ed25519 has no soft derivation */
	SURI_ERR_CRYPTO,		/* a key operation failed */
};

struct suri_junction {
	uint8_t chain_code[SURI_CHAIN_CODE_LEN];
	bool hard;
};

/* A parsed SURI. Root and password point into the caller's text. */
struct suri_parts {
	const char *root;		/* empty: the dev phrase */
	size_t root_len;
	const char *password;		/* NULL when there is no "///" */
	size_t password_len;
	size_t junction_count;
	struct suri_junction junctions[SURI_MAX_JUNCTIONS];
};

struct suri_keypair {
	enum suri_scheme scheme;
	/* The root is the published dev phrase (empty, or spelt out): a key
	 * anyone can use. A key loader outside --dev mode should refuse it. */
	bool from_dev_phrase;
	union {
		struct sr25519_keypair sr25519;
		struct ed25519_keypair ed25519;
	} key;
};

/* A short English reason for err, without any SURI text. */
const char *suri_strerror(enum suri_error err);

/* Splits and checks the text; junctions are turned into chain codes. err
 * (may be NULL) receives a sentence for a failure, naming the part. */
enum suri_error suri_parse(struct suri_parts *parts, const char *suri,
    size_t len, char *err, size_t err_len);

/* The keypair the SURI names. list may be NULL when the root is a hex
 * seed. On failure the keypair is wiped. */
enum suri_error suri_to_keypair(struct suri_keypair *kp,
    enum suri_scheme scheme, const char *suri, size_t len,
    const struct bip39_wordlist *list, char *err, size_t err_len);

const uint8_t *suri_public_key(const struct suri_keypair *kp);

void suri_keypair_clear(struct suri_keypair *kp);
void suri_parts_clear(struct suri_parts *parts);

#endif
