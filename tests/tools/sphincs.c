/* Test-only driver for the SPHINCS+ cross-check against PQClean
 * (tests/sphincs-crosscheck/crosscheck.mjs) and the known-answer check.
 * Never part of rtforge: it takes secret keys on the command line.
 *
 *   sphincs_tool verify PKHEX MSGHEX SIGFILE      exit 0 valid, 1 invalid
 *   sphincs_tool sign SKHEX MSGHEX OUTFILE [OPTRANDHEX]
 *                                                 no OPTRANDHEX: deterministic
 *   sphincs_tool keypair SEEDHEX                  prints "pk sk" in hex
 *   sphincs_tool pk-from-sk SKHEX                 pk recomputed from the
 *                                                 sk's seeds, in hex
 * MSGHEX may be "-" for the empty message. Exit status 2: usage or I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sphincs.h"

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex into a new buffer; "-" is the empty string. */
static uint8_t *
hex_decode(const char *hex, size_t *lenp)
{
	size_t hexlen = strcmp(hex, "-") == 0 ? 0 : strlen(hex);
	uint8_t *out;

	if (hexlen % 2 != 0)
		return NULL;
	out = malloc(hexlen / 2 + 1);
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < hexlen / 2; i++) {
		int hi = hex_digit((unsigned char)hex[2 * i]);
		int lo = hex_digit((unsigned char)hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*lenp = hexlen / 2;
	return out;
}

/* Decodes hex that must be exactly `want` bytes. */
static uint8_t *
hex_decode_exact(const char *hex, size_t want, const char *what)
{
	size_t len = 0;
	uint8_t *out = hex_decode(hex, &len);

	if (out == NULL || len != want) {
		fprintf(stderr, "%s: need %zu bytes of hex\n", what, want);
		free(out);
		return NULL;
	}
	return out;
}

static void
print_hex(const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		printf("%02x", bytes[i]);
}

static int
cmd_verify(const char *pk_hex, const char *msg_hex, const char *sig_path)
{
	uint8_t *pk = hex_decode_exact(pk_hex, SPHINCS_PK_BYTES, "pk");
	size_t msg_len = 0;
	uint8_t *msg = hex_decode(msg_hex, &msg_len);
	uint8_t *sig = malloc(SPHINCS_SIG_BYTES + 1);
	FILE *f = fopen(sig_path, "rb");
	size_t sig_len = 0;
	int status = 2;

	if (f != NULL) {
		if (sig != NULL)
			sig_len = fread(sig, 1, SPHINCS_SIG_BYTES + 1, f);
		fclose(f);
	}
	if (pk != NULL && msg != NULL && sig != NULL) {
		/* A signature of the wrong length is simply invalid. */
		status = sig_len == SPHINCS_SIG_BYTES &&
		    sphincs_verify(sig, msg, msg_len, pk) == 0 ? 0 : 1;
		printf("%s\n", status == 0 ? "valid" : "invalid");
	}
	free(pk);
	free(msg);
	free(sig);
	return status;
}

static int
cmd_sign(const char *sk_hex, const char *msg_hex, const char *out_path,
    const char *opt_rand_hex)
{
	uint8_t *sk = hex_decode_exact(sk_hex, SPHINCS_SK_BYTES, "sk");
	uint8_t *opt_rand = NULL;
	size_t msg_len = 0;
	uint8_t *msg = hex_decode(msg_hex, &msg_len);
	uint8_t *sig = malloc(SPHINCS_SIG_BYTES);
	int status = 2;

	if (opt_rand_hex != NULL)
		opt_rand = hex_decode_exact(opt_rand_hex,
		    SPHINCS_OPTRAND_BYTES, "optrand");
	if (sk != NULL && msg != NULL && sig != NULL &&
	    (opt_rand_hex == NULL || opt_rand != NULL) &&
	    sphincs_sign(sig, msg, msg_len, sk, opt_rand) == 0) {
		FILE *f = fopen(out_path, "wb");

		if (f != NULL) {
			if (fwrite(sig, 1, SPHINCS_SIG_BYTES, f) ==
			    SPHINCS_SIG_BYTES)
				status = 0;
			if (fclose(f) != 0)
				status = 2;
		}
	}
	free(sk);
	free(opt_rand);
	free(msg);
	free(sig);
	return status;
}

static int
cmd_keypair(const char *seed_hex)
{
	uint8_t *seed = hex_decode_exact(seed_hex, SPHINCS_SEED_BYTES, "seed");
	uint8_t pk[SPHINCS_PK_BYTES], sk[SPHINCS_SK_BYTES];

	if (seed == NULL || sphincs_keypair_from_seed(pk, sk, seed) != 0) {
		free(seed);
		return 2;
	}
	print_hex(pk, sizeof(pk));
	printf(" ");
	print_hex(sk, sizeof(sk));
	printf("\n");
	free(seed);
	return 0;
}

/* Recomputes the public key from SK.seed, SK.prf and PK.seed alone, so
 * that a key made elsewhere proves our key generation, not its tail. */
static int
cmd_pk_from_sk(const char *sk_hex)
{
	uint8_t *sk = hex_decode_exact(sk_hex, SPHINCS_SK_BYTES, "sk");
	uint8_t pk[SPHINCS_PK_BYTES], sk_again[SPHINCS_SK_BYTES];

	if (sk == NULL ||
	    sphincs_keypair_from_seed(pk, sk_again, sk) != 0) {
		free(sk);
		return 2;
	}
	print_hex(pk, sizeof(pk));
	printf("\n");
	free(sk);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argv[2], argv[3], argv[4]);
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "sign") == 0)
		return cmd_sign(argv[2], argv[3], argv[4],
		    argc == 6 ? argv[5] : NULL);
	if (argc == 3 && strcmp(argv[1], "keypair") == 0)
		return cmd_keypair(argv[2]);
	if (argc == 3 && strcmp(argv[1], "pk-from-sk") == 0)
		return cmd_pk_from_sk(argv[2]);
	fprintf(stderr, "usage: sphincs_tool verify PKHEX MSGHEX SIGFILE\n"
	    "       sphincs_tool sign SKHEX MSGHEX OUTFILE [OPTRANDHEX]\n"
	    "       sphincs_tool keypair SEEDHEX\n"
	    "       sphincs_tool pk-from-sk SKHEX\n");
	return 2;
}
