/* Test-only driver for the sr25519/ed25519 cross-check against polkadot-js
 * (tests/sr25519-crosscheck/crosscheck.mjs). Never part of rtforge: it
 * takes secret URIs on its command line.
 *
 *   sr25519_tool public SCHEME SURI              prints the public key, hex
 *   sr25519_tool sign SCHEME SURI MSGHEX         prints a signature, hex
 *   sr25519_tool verify SCHEME PKHEX MSGHEX SIGHEX
 *                                                exit 0 valid, 1 invalid
 * SCHEME is sr25519 or ed25519; sr25519 uses the "substrate" context.
 * MSGHEX may be "-" for the empty message. Exit status 2: usage or a bad
 * argument. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bip39.h"
#include "ed25519.h"
#include "sr25519.h"
#include "suri.h"

#define MSG_MAX 65536

static const uint8_t *const context =
    (const uint8_t *)SR25519_SUBSTRATE_CONTEXT;
static const size_t context_len = sizeof SR25519_SUBSTRATE_CONTEXT - 1;

static int
parse_scheme(const char *name, enum suri_scheme *scheme)
{
	if (strcmp(name, "sr25519") == 0)
		*scheme = SURI_SCHEME_SR25519;
	else if (strcmp(name, "ed25519") == 0)
		*scheme = SURI_SCHEME_ED25519;
	else
		return -1;
	return 0;
}

/* Exactly len bytes of hex ("-" is the empty string); -1 otherwise. */
static int
decode_hex(uint8_t *out, size_t cap, const char *hex, size_t *len)
{
	if (strcmp(hex, "-") == 0) {
		*len = 0;
		return 0;
	}
	if (sodium_hex2bin(out, cap, hex, strlen(hex), NULL, len, NULL) != 0 ||
	    *len * 2 != strlen(hex))
		return -1;
	return 0;
}

static void
print_hex(const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		printf("%02x", bytes[i]);
	printf("\n");
}

static int
load_keypair(struct suri_keypair *kp, enum suri_scheme scheme,
    const char *suri)
{
	static struct bip39_wordlist list;
	const struct bip39_wordlist *wordlist = NULL;
	char err[SURI_ERR_MAX];

	if (bip39_wordlist_load(&list, NULL) == BIP39_OK)
		wordlist = &list;
	if (suri_to_keypair(kp, scheme, suri, strlen(suri), wordlist, err,
	    sizeof err) != SURI_OK) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
cmd_public(enum suri_scheme scheme, const char *suri)
{
	struct suri_keypair kp;

	if (load_keypair(&kp, scheme, suri) != 0)
		return 2;
	print_hex(suri_public_key(&kp), 32);
	suri_keypair_clear(&kp);
	return 0;
}

static int
cmd_sign(enum suri_scheme scheme, const char *suri, const char *msg_hex)
{
	static uint8_t msg[MSG_MAX];
	struct suri_keypair kp;
	uint8_t sig[64];
	size_t len;
	int rc;

	if (decode_hex(msg, sizeof msg, msg_hex, &len) != 0 ||
	    load_keypair(&kp, scheme, suri) != 0)
		return 2;
	rc = scheme == SURI_SCHEME_SR25519
	    ? sr25519_sign(sig, &kp.key.sr25519, context, context_len, msg, len)
	    : ed25519_sign(sig, &kp.key.ed25519, msg, len);
	suri_keypair_clear(&kp);
	if (rc != 0)
		return 2;
	print_hex(sig, sizeof sig);
	return 0;
}

static int
cmd_verify(enum suri_scheme scheme, const char *pk_hex, const char *msg_hex,
    const char *sig_hex)
{
	static uint8_t msg[MSG_MAX];
	uint8_t pk[32], sig[64];
	size_t len, pk_len, sig_len;
	int rc;

	if (decode_hex(msg, sizeof msg, msg_hex, &len) != 0 ||
	    decode_hex(pk, sizeof pk, pk_hex, &pk_len) != 0 ||
	    decode_hex(sig, sizeof sig, sig_hex, &sig_len) != 0 ||
	    pk_len != sizeof pk || sig_len != sizeof sig)
		return 2;
	rc = scheme == SURI_SCHEME_SR25519
	    ? sr25519_verify(sig, context, context_len, msg, len, pk)
	    : ed25519_verify(sig, msg, len, pk);
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	enum suri_scheme scheme;

	if (sodium_init() < 0)
		return 2;
	if (argc < 3 || parse_scheme(argv[2], &scheme) != 0)
		goto usage;
	if (argc == 4 && strcmp(argv[1], "public") == 0)
		return cmd_public(scheme, argv[3]);
	if (argc == 5 && strcmp(argv[1], "sign") == 0)
		return cmd_sign(scheme, argv[3], argv[4]);
	if (argc == 6 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(scheme, argv[3], argv[4], argv[5]);
usage:
	fprintf(stderr, "usage: sr25519_tool public SCHEME SURI\n"
	    "       sr25519_tool sign SCHEME SURI MSGHEX\n"
	    "       sr25519_tool verify SCHEME PKHEX MSGHEX SIGHEX\n");
	return 2;
}
