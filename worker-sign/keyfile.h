/* Key files: loading one key into custody from where the config says it is.
 *
 * Sources (struct key_source), by what is set:
 *
 *   file, scheme sr25519 or ed25519 (the default is sr25519):
 *     - a secret URI on one line: "0x" and 64 hex digits (a seed), a
 *       BIP-39 mnemonic with //hard, /soft and ///password parts, or a
 *       seed with a path ("0x…//rtforge"); 64 hex digits without "0x"
 *       are a seed too. A SURI on the public dev phrase ("//Alice") is
 *       refused unless dev is set: anyone can sign with it.
 *     - a polkadot-js JSON keystore, as pair.toJson(password) writes it
 *       (encoding version "3", type ["scrypt", "xsalsa20-poly1305"],
 *       content ["pkcs8", "sr25519" | "ed25519"]), with password_file.
 *       The keystore's own type must agree with scheme when scheme is
 *       set. Its stored public key must match the one its secret gives.
 *   file, scheme sphincs: a QuantumHarmony SPHINCS+ secret key, 128 bytes
 *     as hex ("0x" optional), bare or as a JSON string ("0x…"). Its public
 *     half is recomputed from its seeds and must match.
 *   no file, dev set: suri (default "//Alice") on scheme (default
 *     sr25519). A suri without dev is refused.
 *
 * Files: opened with O_NOFOLLOW (a symlink is refused), checked on the
 * open descriptor (no race): a regular file, owned by the effective user,
 * no permission bits for group or others, at most KEYFILE_MAX_BYTES. The
 * refusal says what to run to fix it. The password file gets the same
 * checks; its one trailing line ending is not part of the password. A
 * relative password_file is looked up in $CREDENTIALS_DIRECTORY when
 * that is set (a systemd LoadCredential=), else relative to the cwd.
 *
 * File contents, passwords, decrypted envelopes and seeds are held only in
 * sodium_malloc memory or on the stack, and wiped on every path. Errors
 * name the file and the reason in one line and never quote its contents. */
#ifndef RTFORGE_KEYFILE_H
#define RTFORGE_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "custody.h"

#define KEYFILE_MAX_BYTES (64 * 1024)
#define KEYFILE_PASSWORD_MAX 4096
#define KEYFILE_DEV_SURI "//Alice"

/* scrypt bounds for keystores: polkadot-js writes N = 2^15..2^17, r = 8,
 * p ≤ 10 (its own reader allows N ≤ 2^20, r ≤ 16, p ≤ 4 and a fixed list).
 * Beyond these, a file would cost minutes or gigabytes: refused. */
#define KEYFILE_SCRYPT_N_MAX (1u << 20)
#define KEYFILE_SCRYPT_R_MAX 16u
#define KEYFILE_SCRYPT_P_MAX 16u
#define KEYFILE_SCRYPT_MEM_MAX (256u * 1024 * 1024)	/* 128·N·r bytes */
#define KEYFILE_SCRYPT_WORK_MAX (1u << 23)		/* N·r·p */

struct key_source {
	const char *scheme;	/* "sr25519" | "ed25519" | "sphincs"; NULL:
				 * sr25519, or the keystore's own type */
	const char *file;	/* key file path, or NULL (dev only) */
	const char *password_file; /* keystores only */
	const char *suri;	/* dev only, when file is NULL */
	bool dev;		/* --dev: dev SURIs are allowed */
	const char *wordlist;	/* BIP-39 list; NULL: BIP39_DEFAULT_WORDLIST */
};

/* Loads the key into c. Returns its index, or -1 with err set (err_len:
 * CUSTODY_ERR_MAX is always enough). */
int keyfile_load(struct custody *c, const struct key_source *src, char *err,
    size_t err_len);

#endif
