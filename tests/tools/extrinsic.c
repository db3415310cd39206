/* tool_extrinsic: builds extrinsics with rtforge's own code
 * (worker-sign/extrinsic*.c, the key loaded into custody by keyfile.c) so
 * tests/integration/extrinsic.test.mjs can submit them to a real node and
 * decode them with @polkadot/api.
 *
 *   tool_extrinsic sign-remark <metadata file> <scheme> <suri> <genesis>
 *       <spec> <txver> <nonce> <remark hex> [<period> <current> <birth>]
 *   tool_extrinsic sign <metadata file> <scheme> <suri> <genesis>
 *       <spec> <txver> <nonce> <call hex> [<period> <current> <birth>]
 *   tool_extrinsic unsigned <metadata file> <call hex>
 *
 * The metadata file holds what state_getMetadata answers (hex). scheme is
 * sr25519 or ed25519; suri a dev SURI ("//Alice"), loaded as --dev would.
 * With the three optional arguments the era is mortal. Prints the
 * extrinsic and its blake2b-256 transaction hash, as 0x-hex, one per line.
 * Any refusal goes to stderr; exit 1 (2 for bad usage). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "custody.h"
#include "extrinsic.h"
#include "keyfile.h"
#include "metadata.h"
#include "scale_value.h"

#define METADATA_FILE_MAX ((size_t)64 << 20)

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "%s: %s\n", what, why);
	exit(1);
}

static uint8_t *
from_hex(const char *what, const char *hex, size_t *len)
{
	char err[256];
	uint8_t *out = metadata_unhex(hex, strlen(hex), EXTRINSIC_MAX_BYTES,
	    len, err, sizeof(err));

	if (out == NULL)
		die(what, err);
	return out;
}

static void
hex32(const char *what, const char *hex, uint8_t out[32])
{
	size_t len;
	uint8_t *b = from_hex(what, hex, &len);

	if (len != 32)
		die(what, "not 32 bytes");
	memcpy(out, b, 32);
	free(b);
}

static uint32_t
number(const char *what, const char *text)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || end == text || v > UINT32_MAX)
		die(what, "not a u32");
	return (uint32_t)v;
}

static void
print_hex(const uint8_t *bytes, size_t len)
{
	char *hex = malloc(2 * len + 1);

	if (hex == NULL)
		die("output", "out of memory");
	sodium_bin2hex(hex, 2 * len + 1, bytes, len);
	printf("0x%s\n", hex);
	free(hex);
}

static struct metadata *
load_metadata(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text, err[512];
	size_t len;
	struct metadata *md;

	if (f == NULL)
		die(path, strerror(errno));
	if ((text = malloc(METADATA_FILE_MAX)) == NULL)
		die(path, "out of memory");
	len = fread(text, 1, METADATA_FILE_MAX, f);
	if (ferror(f) || !feof(f))
		die(path, "unreadable, or over the size cap");
	fclose(f);
	md = metadata_decode_any((const uint8_t *)text, len, err,
	    sizeof(err));
	free(text);
	if (md == NULL)
		die(path, err);
	return md;
}

static struct custody *
load_key(const char *scheme, const char *suri)
{
	char err[CUSTODY_ERR_MAX];
	struct key_source src = { .scheme = scheme, .suri = suri,
	    .dev = true };
	struct custody *c;

	if (custody_harden_process(err, sizeof(err)) != 0 ||
	    (c = custody_new(err, sizeof(err))) == NULL)
		die("custody", err);
	if (keyfile_load(c, &src, err, sizeof(err)) != 0)
		die("key", err);
	return c;
}

/* System.remark(bytes), encoded from the metadata. */
static uint8_t *
remark_call(const struct metadata *md, const char *hex, size_t *len)
{
	json_t *args = json_pack("{s:s}", "remark", hex);
	uint8_t *call = NULL;
	char err[512];

	if (args == NULL)
		die("remark", "out of memory");
	if (!scale_value_encode_call(md, "System", "remark", args, &call, len,
	    err, sizeof(err)))
		die("System.remark", err);
	json_decref(args);
	return call;
}

static void
print_result(const uint8_t *xt, size_t len, const uint8_t hash[32])
{
	print_hex(xt, len);
	print_hex(hash, 32);
}

/* argv: metadata scheme suri genesis spec txver nonce call-or-remark
 * [period current birth] */
static int
cmd_sign(int argc, char **argv, bool remark)
{
	struct extrinsic_params p = { 0 };
	struct metadata *md;
	struct custody *c;
	uint8_t *call, *xt, hash[32];
	size_t call_len, len;
	char err[EXTRINSIC_ERR_MAX];
	int rc;

	if (argc != 8 && argc != 11)
		return 2;
	md = load_metadata(argv[0]);
	hex32("genesis", argv[3], p.genesis_hash);
	p.spec_version = number("spec_version", argv[4]);
	p.transaction_version = number("transaction_version", argv[5]);
	p.nonce = number("nonce", argv[6]);
	if (argc == 11) {
		p.era.mortal = true;
		p.era.period = number("period", argv[8]);
		p.era.current = number("current", argv[9]);
		hex32("birth hash", argv[10], p.era.birth_hash);
	}
	call = remark ? remark_call(md, argv[7], &call_len) :
	    from_hex("call", argv[7], &call_len);
	c = load_key(argv[1], argv[2]);
	rc = extrinsic_build_signed(md, call, call_len, &p, c, 0, &xt, &len,
	    hash, err, sizeof(err));
	if (rc == 0) {
		print_result(xt, len, hash);
		free(xt);
	} else
		fprintf(stderr, "extrinsic: %s\n", err);
	custody_free(c);
	free(call);
	metadata_free(md);
	return rc == 0 ? 0 : 1;
}

static int
cmd_unsigned(int argc, char **argv)
{
	struct metadata *md;
	uint8_t *call, *xt, hash[32];
	size_t call_len, len;
	char err[EXTRINSIC_ERR_MAX];
	int rc;

	if (argc != 2)
		return 2;
	md = load_metadata(argv[0]);
	call = from_hex("call", argv[1], &call_len);
	rc = extrinsic_build_unsigned(md, call, call_len,
	    EXTRINSIC_HASHER_BLAKE2_256, &xt, &len, hash, err, sizeof(err));
	if (rc == 0) {
		print_result(xt, len, hash);
		free(xt);
	} else
		fprintf(stderr, "extrinsic: %s\n", err);
	free(call);
	metadata_free(md);
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	int rc = 2;

	if (sodium_init() < 0)
		die("libsodium", "sodium_init failed");
	if (argc >= 2 && strcmp(argv[1], "sign-remark") == 0)
		rc = cmd_sign(argc - 2, argv + 2, true);
	else if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		rc = cmd_sign(argc - 2, argv + 2, false);
	else if (argc >= 2 && strcmp(argv[1], "unsigned") == 0)
		rc = cmd_unsigned(argc - 2, argv + 2);
	if (rc == 2)
		fprintf(stderr, "usage: tool_extrinsic sign-remark|sign "
		    "<metadata file> <scheme> <suri> <genesis> <spec> <txver> "
		    "<nonce> <remark or call hex> [<period> <current> "
		    "<birth>]\n       tool_extrinsic unsigned <metadata file> "
		    "<call hex>\n");
	return rc;
}
