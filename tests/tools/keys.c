/* tool_keys: loads keys with rtforge's own code (keyfile.c into
 * custody.c) and signs or verifies, so tests/integration/keys.test.mjs can
 * compare with @polkadot/keyring and @polkadot/util-crypto.
 *
 *   tool_keys public <scheme> <file> [password_file]
 *       prints the public key as 0x-hex
 *   tool_keys sign <scheme> <file> [password_file] <hex message>
 *       prints the signature as 0x-hex
 *   tool_keys verify <scheme> <hex public> <hex message> <hex signature>
 *       prints "valid" (exit 0) or "invalid" (exit 1)
 *
 * Any refusal is printed on stderr as keyfile.c wrote it; exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "custody.h"
#include "keyfile.h"

#define HEX_MAX (1 << 20)

/* Parses 0x-hex (the 0x is optional) into a malloc'd buffer. */
static uint8_t *
from_hex(const char *hex, size_t *len)
{
	size_t n;
	uint8_t *out;

	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	n = strlen(hex);
	if (n % 2 != 0 || n > HEX_MAX)
		return NULL;
	if ((out = malloc(n / 2 + 1)) == NULL)
		return NULL;
	if (sodium_hex2bin(out, n / 2 + 1, hex, n, NULL, len, NULL) != 0 ||
	    *len != n / 2) {
		free(out);
		return NULL;
	}
	return out;
}

static void
print_hex(const uint8_t *bytes, size_t len)
{
	char *hex = malloc(2 * len + 1);

	if (hex == NULL)
		exit(1);
	sodium_bin2hex(hex, 2 * len + 1, bytes, len);
	printf("0x%s\n", hex);
	free(hex);
}

static struct custody *
load(const char *scheme, const char *file, const char *password_file)
{
	char err[CUSTODY_ERR_MAX];
	struct key_source src = { .scheme = scheme, .file = file,
	    .password_file = password_file };
	struct custody *c;

	if (custody_harden_process(err, sizeof(err)) != 0 ||
	    (c = custody_new(err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	if (keyfile_load(c, &src, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		custody_free(c);
		exit(1);
	}
	return c;
}

static int
cmd_public(int argc, char **argv)
{
	struct custody *c;
	uint8_t pk[CUSTODY_PUBLIC_MAX];
	size_t len;

	if (argc != 2 && argc != 3)
		return -1;
	c = load(argv[0], argv[1], argc == 3 ? argv[2] : NULL);
	if (custody_public(c, 0, pk, sizeof(pk), &len) == 0)
		print_hex(pk, len);
	else
		len = 0;
	custody_free(c);
	return len > 0 ? 0 : 1;
}

static int
cmd_sign(int argc, char **argv)
{
	char err[CUSTODY_ERR_MAX];
	struct custody *c;
	uint8_t *msg, *sig;
	size_t msg_len, sig_len;

	if (argc != 3 && argc != 4)
		return -1;
	if ((msg = from_hex(argv[argc - 1], &msg_len)) == NULL) {
		fprintf(stderr, "message is not hex\n");
		exit(1);
	}
	c = load(argv[0], argv[1], argc == 4 ? argv[2] : NULL);
	if ((sig = malloc(CUSTODY_SIGNATURE_MAX)) == NULL ||
	    custody_sign(c, 0, msg, msg_len, sig, CUSTODY_SIGNATURE_MAX,
	    &sig_len, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", sig == NULL ? "out of memory" : err);
		sig_len = 0;
	} else
		print_hex(sig, sig_len);
	free(sig);
	free(msg);
	custody_free(c);
	return sig_len > 0 ? 0 : 1;
}

static int
verify(enum key_scheme scheme, const uint8_t *pk, size_t pk_len,
    const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	if (pk_len != key_scheme_public_len(scheme) ||
	    sig_len != key_scheme_signature_len(scheme))
		return -1;
	switch (scheme) {
	case KEY_SCHEME_SR25519:
		return sr25519_verify(sig, (const uint8_t *)
		    SR25519_SUBSTRATE_CONTEXT,
		    strlen(SR25519_SUBSTRATE_CONTEXT), msg, msg_len, pk);
	case KEY_SCHEME_ED25519:
		return ed25519_verify(sig, msg, msg_len, pk);
	case KEY_SCHEME_SPHINCS:
		return sphincs_verify(sig, msg, msg_len, pk);
	}
	return -1;
}

static int
cmd_verify(int argc, char **argv)
{
	enum key_scheme scheme;
	uint8_t *pk = NULL, *msg = NULL, *sig = NULL;
	size_t pk_len = 0, msg_len = 0, sig_len = 0;
	int rc = 1;

	if (argc != 4)
		return -1;
	if (key_scheme_parse(argv[0], &scheme) != 0 ||
	    (pk = from_hex(argv[1], &pk_len)) == NULL ||
	    (msg = from_hex(argv[2], &msg_len)) == NULL ||
	    (sig = from_hex(argv[3], &sig_len)) == NULL ||
	    sodium_init() < 0)
		fprintf(stderr, "verify: bad scheme or hex\n");
	else {
		rc = verify(scheme, pk, pk_len, msg, msg_len, sig, sig_len) ==
		    0 ? 0 : 1;
		printf("%s\n", rc == 0 ? "valid" : "invalid");
	}
	free(pk);
	free(msg);
	free(sig);
	return rc;
}

int
main(int argc, char **argv)
{
	int rc = -1;

	if (argc >= 2 && strcmp(argv[1], "public") == 0)
		rc = cmd_public(argc - 2, argv + 2);
	else if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		rc = cmd_sign(argc - 2, argv + 2);
	else if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		rc = cmd_verify(argc - 2, argv + 2);
	if (rc < 0) {
		fprintf(stderr, "usage: tool_keys public <scheme> <file> "
		    "[password_file]\n"
		    "       tool_keys sign <scheme> <file> [password_file] "
		    "<hex message>\n"
		    "       tool_keys verify <scheme> <hex public> "
		    "<hex message> <hex signature>\n");
		return 2;
	}
	return rc;
}
