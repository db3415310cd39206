/* polkadot-js JSON keystores (@polkadot/keyring pair.toJson(password),
 * encoding version 3):
 *
 *   {"encoded": base64, "encoding": {"content": ["pkcs8", "sr25519"],
 *    "type": ["scrypt", "xsalsa20-poly1305"], "version": "3"},
 *    "address": ss58, "meta": {...}}
 *
 * encoded = salt (32) ‖ N ‖ p ‖ r (u32 LE each) ‖ nonce (24) ‖ secretbox.
 * The secretbox key is the first 32 bytes of scrypt(password, salt, N, r,
 * p). The plaintext is a PKCS#8-shaped envelope: a fixed 16-byte header,
 * the secret key, a fixed 5-byte divider, the 32-byte public key. The
 * secret key is 64 bytes (sr25519: 8·a ‖ nonce, the "Ed25519 layout";
 * ed25519: seed ‖ public key); generations 1 and 2 stored a 32-byte seed
 * instead, which polkadot-js still reads, and so do we.
 *
 * Nothing from the file is quoted in an error: the address and meta are
 * not secret, but a corrupt file may hold anything. */
#include "keyfile_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "ss58.h"

#define SCRYPT_SALT_LEN 32
#define SCRYPT_HEADER_LEN (SCRYPT_SALT_LEN + 12)
#define NONCE_LEN crypto_secretbox_NONCEBYTES	/* 24 */
#define BOX_KEY_LEN crypto_secretbox_KEYBYTES	/* 32 */
#define PUBLIC_LEN 32
#define SECRET_LEN 64
#define SEED_LEN 32

static const uint8_t pkcs8_header[16] = { 48, 83, 2, 1, 1, 48, 5, 6, 3, 43,
	101, 112, 4, 34, 4, 32 };
static const uint8_t pkcs8_divider[5] = { 161, 35, 3, 33, 0 };

#define ENVELOPE_LEN(secret) (sizeof(pkcs8_header) + (secret) + \
	sizeof(pkcs8_divider) + PUBLIC_LEN)

struct keystore {
	enum key_scheme scheme;
	uint8_t *box;		/* the decoded "encoded" field (malloc) */
	size_t box_len;
	uint8_t address_id[SS58_ACCOUNT_ID_LEN];
	bool has_address;
};

static int
string_array_is(json_t *a, const char *first, const char *second)
{
	return json_is_array(a) && json_array_size(a) == 2 &&
	    json_is_string(json_array_get(a, 0)) &&
	    json_is_string(json_array_get(a, 1)) &&
	    strcmp(json_string_value(json_array_get(a, 0)), first) == 0 &&
	    strcmp(json_string_value(json_array_get(a, 1)), second) == 0;
}

static int
parse_encoding(json_t *enc, const char *path, struct keystore *ks,
    char *err, size_t err_len)
{
	json_t *version = json_object_get(enc, "version");
	json_t *type = json_object_get(enc, "type");
	json_t *content = json_object_get(enc, "content");
	const char *kind;

	if (!json_is_string(version) ||
	    strcmp(json_string_value(version), "3") != 0) {
		snprintf(err, err_len, "keystore %s: encoding.version is not "
		    "\"3\" (only the current polkadot-js format is read)",
		    path);
		return -1;
	}
	if (!string_array_is(type, "scrypt", "xsalsa20-poly1305")) {
		snprintf(err, err_len, "keystore %s: encoding.type is not "
		    "[\"scrypt\", \"xsalsa20-poly1305\"] (an unencrypted "
		    "export is refused: export it with a password)", path);
		return -1;
	}
	if (!json_is_array(content) || json_array_size(content) < 2 ||
	    !json_is_string(json_array_get(content, 0)) ||
	    strcmp(json_string_value(json_array_get(content, 0)), "pkcs8") !=
	    0 || !json_is_string(json_array_get(content, 1))) {
		snprintf(err, err_len, "keystore %s: encoding.content is not "
		    "[\"pkcs8\", <key type>]", path);
		return -1;
	}
	kind = json_string_value(json_array_get(content, 1));
	if (strcmp(kind, "sr25519") == 0)
		ks->scheme = KEY_SCHEME_SR25519;
	else if (strcmp(kind, "ed25519") == 0)
		ks->scheme = KEY_SCHEME_ED25519;
	else {
		snprintf(err, err_len, "keystore %s: its key type is not "
		    "sr25519 or ed25519 (the only ones it can hold for us)",
		    path);
		return -1;
	}
	return 0;
}

static int
parse_box(json_t *encoded, const char *path, struct keystore *ks,
    char *err, size_t err_len)
{
	const char *b64 = json_string_value(encoded);
	size_t b64_len = json_string_length(encoded), cap;

	if (b64 == NULL || b64_len == 0) {
		snprintf(err, err_len, "keystore %s: no \"encoded\" string",
		    path);
		return -1;
	}
	cap = b64_len / 4 * 3 + 3;
	if ((ks->box = malloc(cap)) == NULL) {
		snprintf(err, err_len, "keystore %s: out of memory", path);
		return -1;
	}
	if (sodium_base642bin(ks->box, cap, b64, b64_len, NULL, &ks->box_len,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		snprintf(err, err_len, "keystore %s: \"encoded\" is not valid "
		    "base64", path);
		return -1;
	}
	if (ks->box_len < SCRYPT_HEADER_LEN + NONCE_LEN +
	    crypto_secretbox_MACBYTES + ENVELOPE_LEN(SEED_LEN) ||
	    ks->box_len > SCRYPT_HEADER_LEN + NONCE_LEN +
	    crypto_secretbox_MACBYTES + ENVELOPE_LEN(SECRET_LEN)) {
		snprintf(err, err_len, "keystore %s: \"encoded\" has %zu "
		    "bytes, not the length of an encrypted key", path,
		    ks->box_len);
		return -1;
	}
	return 0;
}

static int
parse_keystore(const char *text, size_t len, const char *path,
    struct keystore *ks, char *err, size_t err_len)
{
	json_error_t jerr;
	json_t *root, *address;
	int rc = -1;

	/* jansson's error text may quote the input: report the place only. */
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err, err_len, "keystore %s is not valid JSON (line "
		    "%d, column %d)", path, jerr.line, jerr.column);
		return -1;
	}
	if (!json_is_object(root) ||
	    !json_is_object(json_object_get(root, "encoding"))) {
		snprintf(err, err_len, "keystore %s: no \"encoding\" object",
		    path);
		goto out;
	}
	if (parse_encoding(json_object_get(root, "encoding"), path, ks, err,
	    err_len) != 0 || parse_box(json_object_get(root, "encoded"), path,
	    ks, err, err_len) != 0)
		goto out;
	address = json_object_get(root, "address");
	if (json_is_string(address)) {
		uint16_t prefix;
		if (ss58_decode(json_string_value(address),
		    json_string_length(address), ks->address_id, &prefix) !=
		    SS58_OK) {
			snprintf(err, err_len, "keystore %s: \"address\" is not "
			    "a valid SS58 address", path);
			goto out;
		}
		ks->has_address = true;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static int
check_scrypt(uint32_t n, uint32_t p, uint32_t r, const char *path,
    char *err, size_t err_len)
{
	uint64_t mem = 128ull * n * r, work = (uint64_t)n * r * p;

	if (n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0) {
		snprintf(err, err_len, "keystore %s: invalid scrypt parameters "
		    "(N=%u, r=%u, p=%u)", path, n, r, p);
		return -1;
	}
	if (n > KEYFILE_SCRYPT_N_MAX || r > KEYFILE_SCRYPT_R_MAX ||
	    p > KEYFILE_SCRYPT_P_MAX || mem > KEYFILE_SCRYPT_MEM_MAX ||
	    work > KEYFILE_SCRYPT_WORK_MAX) {
		snprintf(err, err_len, "keystore %s: scrypt parameters N=%u, "
		    "r=%u, p=%u are beyond the limits (N <= 2^20, r <= %u, "
		    "p <= %u, 128*N*r <= 256 MiB): refused rather than spend "
		    "minutes or gigabytes", path, n, r, p,
		    KEYFILE_SCRYPT_R_MAX, KEYFILE_SCRYPT_P_MAX);
		return -1;
	}
	return 0;
}

/* The plaintext envelope into plain (guarded), or -1. */
static int
decrypt_box(const struct keystore *ks, const struct secret_buf *password,
    const char *path, struct secret_buf *plain, char *err, size_t err_len)
{
	const uint8_t *salt = ks->box;
	const uint8_t *nonce = ks->box + SCRYPT_HEADER_LEN;
	const uint8_t *box = nonce + NONCE_LEN;
	size_t box_len = ks->box_len - SCRYPT_HEADER_LEN - NONCE_LEN;
	uint32_t n = le32(ks->box + 32), p = le32(ks->box + 36);
	uint32_t r = le32(ks->box + 40);
	uint8_t *key;
	int rc = -1;

	if (check_scrypt(n, p, r, path, err, err_len) != 0)
		return -1;
	if ((key = sodium_malloc(BOX_KEY_LEN)) == NULL ||
	    (plain->data = sodium_malloc(box_len)) == NULL) {
		snprintf(err, err_len, "keystore %s: cannot allocate guarded "
		    "memory", path);
		goto out;
	}
	/* scrypt's output blocks are independent: the first 32 bytes are
	 * those of polkadot-js's 64-byte output. */
	if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)
	    password->data, password->len, salt, SCRYPT_SALT_LEN, n, r, p, key,
	    BOX_KEY_LEN) != 0) {
		snprintf(err, err_len, "keystore %s: scrypt failed (out of "
		    "memory?)", path);
		goto out;
	}
	if (crypto_secretbox_open_easy((uint8_t *)plain->data, box, box_len,
	    nonce, key) != 0) {
		snprintf(err, err_len, "keystore %s: wrong password, or the "
		    "file is corrupt (the ciphertext does not authenticate)",
		    path);
		goto out;
	}
	plain->len = box_len - crypto_secretbox_MACBYTES;
	rc = 0;
out:
	if (key != NULL)
		sodium_free(key);
	if (rc != 0)
		secret_buf_free(plain);
	return rc;
}

static int
secret_from_envelope(struct key_secret *slot, enum key_scheme scheme,
    const uint8_t *secret, size_t secret_len)
{
	slot->scheme = scheme;
	if (scheme == KEY_SCHEME_SR25519)
		return secret_len == SECRET_LEN ?
		    sr25519_keypair_from_ed25519_layout(&slot->key.sr25519,
		    secret) : sr25519_keypair_from_mini_secret(
		    &slot->key.sr25519, secret);
	if (ed25519_keypair_from_seed(&slot->key.ed25519, secret) != 0)
		return -1;
	/* A 64-byte ed25519 secret carries its public key: it must agree. */
	if (secret_len == SECRET_LEN && sodium_memcmp(secret + SEED_LEN,
	    slot->key.ed25519.public_key, ED25519_PUBLIC_LEN) != 0)
		return -1;
	return 0;
}

/* Reads the envelope into the slot; its public key must be the key's. */
static int
open_envelope(struct key_secret *slot, const struct keystore *ks,
    const struct secret_buf *plain, const char *path, char *err,
    size_t err_len)
{
	const uint8_t *p = (const uint8_t *)plain->data;
	size_t secret_len, at;
	const uint8_t *stored_public, *computed;

	if (plain->len == ENVELOPE_LEN(SECRET_LEN))
		secret_len = SECRET_LEN;
	else if (plain->len == ENVELOPE_LEN(SEED_LEN))
		secret_len = SEED_LEN;
	else
		secret_len = 0;
	at = sizeof(pkcs8_header) + secret_len;
	if (secret_len == 0 || memcmp(p, pkcs8_header,
	    sizeof(pkcs8_header)) != 0 || memcmp(p + at, pkcs8_divider,
	    sizeof(pkcs8_divider)) != 0) {
		snprintf(err, err_len, "keystore %s: the decrypted key is not "
		    "in the polkadot-js PKCS#8 layout", path);
		return -1;
	}
	stored_public = p + at + sizeof(pkcs8_divider);
	if (secret_from_envelope(slot, ks->scheme, p + sizeof(pkcs8_header),
	    secret_len) != 0) {
		snprintf(err, err_len, "keystore %s: the decrypted %s secret "
		    "is not a valid key", path, key_scheme_name(ks->scheme));
		return -1;
	}
	computed = ks->scheme == KEY_SCHEME_SR25519 ?
	    slot->key.sr25519.public_key : slot->key.ed25519.public_key;
	if (sodium_memcmp(computed, stored_public, PUBLIC_LEN) != 0 ||
	    (ks->has_address && sodium_memcmp(computed, ks->address_id,
	    PUBLIC_LEN) != 0)) {
		snprintf(err, err_len, "keystore %s: its stored public key or "
		    "address does not match the key its secret gives", path);
		return -1;
	}
	return 0;
}

int
keyfile_keystore_load(struct custody *c, const char *path, const char *text,
    size_t len, const enum key_scheme *want_scheme,
    const char *password_file, char *err, size_t err_len)
{
	struct keystore ks;
	struct secret_buf password = { NULL, 0 }, plain = { NULL, 0 };
	struct key_secret *slot;
	int rc = -1;

	memset(&ks, 0, sizeof(ks));
	if (parse_keystore(text, len, path, &ks, err, err_len) != 0)
		goto out;
	if (want_scheme != NULL && *want_scheme != ks.scheme) {
		snprintf(err, err_len, "keystore %s holds an %s key, but the "
		    "config says %s", path, key_scheme_name(ks.scheme),
		    key_scheme_name(*want_scheme));
		goto out;
	}
	if (password_file == NULL) {
		snprintf(err, err_len, "keystore %s is encrypted: give its "
		    "password_file", path);
		goto out;
	}
	if (keyfile_read_password(password_file, &password, err, err_len) !=
	    0 || decrypt_box(&ks, &password, path, &plain, err, err_len) != 0)
		goto out;
	if ((slot = custody_reserve(c, err, err_len)) == NULL)
		goto out;
	if (open_envelope(slot, &ks, &plain, path, err, err_len) != 0) {
		custody_abort(c);
		goto out;
	}
	rc = keyfile_commit(c, path, err, err_len);
out:
	secret_buf_free(&password);
	secret_buf_free(&plain);
	free(ks.box);
	return rc;
}
