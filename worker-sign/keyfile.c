/* Loading one key into custody: which form the source is, and the text
 * forms (secret URIs, hex seeds, SPHINCS+ hex). Keystores are in
 * keyfile_keystore.c, the careful file reading in keyfile_read.c. */
#include "keyfile_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bip39.h"
#include "suri.h"

int
keyfile_commit(struct custody *c, const char *path, char *err,
    size_t err_len)
{
	char why[CUSTODY_ERR_MAX];
	int rc = custody_commit(c, why, sizeof(why));

	if (rc < 0)
		snprintf(err, err_len, "key file %s: %s", path, why);
	return rc;
}

static bool
all_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* A secret URI (or hex seed) into custody. origin names it in errors. */
static int
load_suri(struct custody *c, enum key_scheme scheme, const char *text,
    size_t len, const struct key_source *src, const char *origin,
    char *err, size_t err_len)
{
	struct suri_keypair kp;
	struct bip39_wordlist *list = NULL;
	struct key_secret *slot;
	char why[SURI_ERR_MAX];
	enum suri_error se;
	enum bip39_error be;
	int rc = -1;

	memset(&kp, 0, sizeof(kp));
	/* Only a hex-seed root does without the word list; the dev phrase
	 * ("//Alice") is a mnemonic too. */
	if (len < 2 || text[0] != '0' || text[1] != 'x') {
		if ((list = malloc(sizeof(*list))) == NULL) {
			snprintf(err, err_len, "%s: out of memory", origin);
			return -1;
		}
		if ((be = bip39_wordlist_load(list, src->wordlist)) !=
		    BIP39_OK) {
			snprintf(err, err_len, "%s: cannot load the BIP-39 "
			    "word list %s: %s", origin, src->wordlist ?
			    src->wordlist : BIP39_DEFAULT_WORDLIST,
			    bip39_strerror(be));
			goto out;
		}
	}
	se = suri_to_keypair(&kp, scheme == KEY_SCHEME_ED25519 ?
	    SURI_SCHEME_ED25519 : SURI_SCHEME_SR25519, text, len, list, why,
	    sizeof(why));
	if (se != SURI_OK) {
		snprintf(err, err_len, "%s: %s", origin, why);
		goto out;
	}
	if (kp.from_dev_phrase && !src->dev) {
		snprintf(err, err_len, "%s: the key is derived from the public "
		    "dev phrase, which anyone can sign with: refused outside "
		    "--dev", origin);
		goto out;
	}
	if ((slot = custody_reserve(c, err, err_len)) == NULL)
		goto out;
	slot->scheme = scheme;
	if (scheme == KEY_SCHEME_ED25519)
		slot->key.ed25519 = kp.key.ed25519;
	else
		slot->key.sr25519 = kp.key.sr25519;
	rc = keyfile_commit(c, origin, err, err_len);
out:
	suri_keypair_clear(&kp);
	free(list);
	return rc;
}

/* A file holding a SURI, a 0x seed, or a bare 64-digit hex seed. */
static int
load_suri_file(struct custody *c, enum key_scheme scheme, char *text,
    size_t len, const struct key_source *src, char *err, size_t err_len)
{
	char origin[4200];

	snprintf(origin, sizeof(origin), "key file %s", src->file);
	if (len == 64 && all_hex(text, len)) {
		char seed[2 + 64 + 1];
		int rc;

		seed[0] = '0';
		seed[1] = 'x';
		memcpy(seed + 2, text, 64);
		seed[66] = '\0';
		rc = load_suri(c, scheme, seed, 66, src, origin, err, err_len);
		sodium_memzero(seed, sizeof(seed));
		return rc;
	}
	return load_suri(c, scheme, text, len, src, origin, err, err_len);
}

/* 128 bytes of hex, "0x" optional, bare or as a JSON string. */
static int
load_sphincs_file(struct custody *c, const char *text, size_t len,
    const struct key_source *src, char *err, size_t err_len)
{
	struct key_secret *slot;
	size_t bin_len = 0;
	const char *end = NULL;

	while (len > 0 && isspace((unsigned char)*text)) {
		text++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	/* The JSON string form: the hex needs no escapes, so none are
	 * accepted (and jansson, whose copies we could not wipe, is not
	 * used on the secret). */
	if (len >= 2 && text[0] == '"' && text[len - 1] == '"') {
		text++;
		len -= 2;
	}
	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		text += 2;
		len -= 2;
	}
	if (len != 2 * SPHINCS_SK_BYTES || !all_hex(text, len)) {
		snprintf(err, err_len, "key file %s: not a SPHINCS+ secret key "
		    "(expected 128 bytes as 256 hex digits, \"0x\" optional, "
		    "bare or as a JSON string)", src->file);
		return -1;
	}
	if ((slot = custody_reserve(c, err, err_len)) == NULL)
		return -1;
	slot->scheme = KEY_SCHEME_SPHINCS;
	if (sodium_hex2bin(slot->key.sphincs, sizeof(slot->key.sphincs), text,
	    len, NULL, &bin_len, &end) != 0 || bin_len != SPHINCS_SK_BYTES) {
		custody_abort(c);
		snprintf(err, err_len, "key file %s: not a SPHINCS+ secret key "
		    "(bad hex)", src->file);
		return -1;
	}
	/* Commit recomputes the public key from the seeds and refuses a
	 * file whose last 64 bytes disagree. */
	return keyfile_commit(c, src->file, err, err_len);
}

static int
load_file(struct custody *c, const struct key_source *src,
    const enum key_scheme *want, char *err, size_t err_len)
{
	struct secret_buf buf = { NULL, 0 };
	enum key_scheme scheme = want ? *want : KEY_SCHEME_SR25519;
	const char *p;
	int rc = -1;

	if (keyfile_read(src->file, "key file", false, &buf, err, err_len) !=
	    0)
		return -1;
	for (p = buf.data; isspace((unsigned char)*p); p++)
		;
	if (scheme == KEY_SCHEME_SPHINCS) {
		if (src->password_file != NULL)
			snprintf(err, err_len, "key file %s: a SPHINCS+ key "
			    "file is not encrypted; drop password_file",
			    src->file);
		else
			rc = load_sphincs_file(c, buf.data, buf.len, src, err,
			    err_len);
	} else if (*p == '{') {
		rc = keyfile_keystore_load(c, src->file, buf.data, buf.len,
		    want, src->password_file, err, err_len);
	} else if (src->password_file != NULL) {
		snprintf(err, err_len, "key file %s is not a JSON keystore, "
		    "so password_file has no use (a SURI carries its own "
		    "///password)", src->file);
	} else {
		/* One line: its line ending is not part of the SURI. */
		if (buf.len > 0 && buf.data[buf.len - 1] == '\n')
			buf.data[--buf.len] = '\0';
		if (buf.len > 0 && buf.data[buf.len - 1] == '\r')
			buf.data[--buf.len] = '\0';
		rc = load_suri_file(c, scheme, buf.data, buf.len, src, err,
		    err_len);
	}
	secret_buf_free(&buf);
	return rc;
}

static int
load_dev(struct custody *c, const struct key_source *src,
    const enum key_scheme *want, char *err, size_t err_len)
{
	const char *suri = src->suri ? src->suri : KEYFILE_DEV_SURI;
	enum key_scheme scheme = want ? *want : KEY_SCHEME_SR25519;

	if (!src->dev) {
		snprintf(err, err_len, src->suri ? "a SURI in the config is "
		    "only accepted with --dev: put the key in a key file" :
		    "no key file configured");
		return -1;
	}
	if (scheme == KEY_SCHEME_SPHINCS) {
		snprintf(err, err_len, "a dev SURI is an sr25519 or ed25519 "
		    "key; a SPHINCS+ key needs a key file");
		return -1;
	}
	return load_suri(c, scheme, suri, strlen(suri), src, "dev SURI", err,
	    err_len);
}

int
keyfile_load(struct custody *c, const struct key_source *src, char *err,
    size_t err_len)
{
	enum key_scheme scheme;

	if (c == NULL || src == NULL) {
		snprintf(err, err_len, "keyfile: no custody or key source");
		return -1;
	}
	if (src->scheme != NULL && key_scheme_parse(src->scheme, &scheme) !=
	    0) {
		snprintf(err, err_len, "key scheme \"%.32s\" is not one of "
		    "sr25519, ed25519, sphincs", src->scheme);
		return -1;
	}
	if (src->file != NULL && src->suri != NULL) {
		snprintf(err, err_len, "give a key file or a dev SURI, not "
		    "both");
		return -1;
	}
	if (src->file != NULL)
		return load_file(c, src, src->scheme ? &scheme : NULL, err,
		    err_len);
	return load_dev(c, src, src->scheme ? &scheme : NULL, err, err_len);
}
