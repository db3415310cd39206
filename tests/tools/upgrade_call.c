/* tool_upgrade_call: worker-sign/upgrade_call.c on the command line, so the
 * integration tests can compare its calls with @polkadot/types.
 *
 *   tool_upgrade_call supported <metadata file> <upgrade type>
 *   tool_upgrade_call set_code <metadata file> <bytes>
 *   tool_upgrade_call sudo <metadata file> <call bytes>
 *   tool_upgrade_call sudo_unchecked_weight <metadata file> <call bytes>
 *   tool_upgrade_call authorize_upgrade <metadata file> <32-byte hash>
 *   tool_upgrade_call apply_authorized_upgrade <metadata file> <bytes>
 *   tool_upgrade_call note_preimage <metadata file> <bytes>
 *   tool_upgrade_call democracy_propose <metadata file> <32-byte hash> <len>
 *
 * <bytes> is "0x…" hex, or @path for a file's raw bytes (a large code).
 * The metadata file holds any form metadata_decode_any takes. Prints the
 * call as "0x…" (supported prints "ok"); a refusal goes to stderr with
 * exit status 1, a usage error with status 2. */
#include "metadata.h"
#include "upgrade_call.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_MAX ((size_t)64 << 20)

static uint8_t *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t cap = 1 << 16, n = 0, got;

	*len = 0;
	if (f == NULL)
		return NULL;
	buf = malloc(cap);
	while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		uint8_t *bigger;

		n += got;
		if (n < cap)
			continue;
		if (cap >= FILE_MAX) {
			free(buf);
			buf = NULL;
			break;
		}
		cap *= 2;
		bigger = realloc(buf, cap);
		if (bigger == NULL) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* "0x…" or @file -> a new buffer; exits on failure. */
static uint8_t *
bytes_arg(const char *arg, size_t *len)
{
	uint8_t *b;
	char err[256];

	if (arg[0] == '@') {
		b = read_file(arg + 1, len);
		if (b == NULL) {
			fprintf(stderr, "%s: %s\n", arg + 1, strerror(errno));
			exit(2);
		}
		return b;
	}
	b = metadata_unhex(arg, strlen(arg), FILE_MAX, len, err, sizeof(err));
	if (b == NULL) {
		fprintf(stderr, "bad hex argument: %s\n", err);
		exit(2);
	}
	return b;
}

static struct metadata *
load_metadata(const char *path)
{
	size_t len;
	uint8_t *data = read_file(path, &len);
	struct metadata *md;
	char err[512];

	if (data == NULL) {
		fprintf(stderr, "%s: cannot read\n", path);
		exit(2);
	}
	md = metadata_decode_any(data, len, err, sizeof(err));
	free(data);
	if (md == NULL) {
		fprintf(stderr, "%s: %s\n", path, err);
		exit(2);
	}
	return md;
}

static void
print_hex(const uint8_t *b, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	fputs("0x", stdout);
	for (i = 0; i < len; i++) {
		putchar(digits[b[i] >> 4]);
		putchar(digits[b[i] & 15]);
	}
	putchar('\n');
}

static int
usage(void)
{
	fprintf(stderr, "usage: tool_upgrade_call supported|set_code|sudo|"
	    "sudo_unchecked_weight|authorize_upgrade|apply_authorized_upgrade|"
	    "note_preimage|democracy_propose <metadata file> <arg> [len]\n");
	return 2;
}

/* The 32 bytes of a hash argument; exits unless exactly 32. */
static void
hash_arg(const char *arg, uint8_t hash[32])
{
	size_t len;
	uint8_t *b = bytes_arg(arg, &len);

	if (len != 32) {
		fprintf(stderr, "a hash is 32 bytes, not %zu\n", len);
		exit(2);
	}
	memcpy(hash, b, 32);
	free(b);
}

static int
build(const struct metadata *md, const char *what, int argc, char **argv,
    uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	uint8_t hash[32], *in = NULL;
	size_t in_len = 0;
	int rc = -1;

	if (strcmp(what, "authorize_upgrade") == 0) {
		hash_arg(argv[3], hash);
		return upgrade_call_authorize(md, hash, out, out_len, err,
		    errlen);
	}
	if (strcmp(what, "democracy_propose") == 0) {
		char *end;
		unsigned long n;

		if (argc != 5)
			exit(usage());
		errno = 0;
		n = strtoul(argv[4], &end, 10);
		if (errno != 0 || *end != '\0' || n > UINT32_MAX)
			exit(usage());
		hash_arg(argv[3], hash);
		return upgrade_call_democracy_propose(md, hash, (uint32_t)n,
		    out, out_len, err, errlen);
	}
	/* "0x" alone is an empty argument, which the library refuses. */
	in = bytes_arg(argv[3], &in_len);
	if (strcmp(what, "set_code") == 0)
		rc = upgrade_call_set_code(md, in, in_len, out, out_len, err,
		    errlen);
	else if (strcmp(what, "sudo") == 0)
		rc = upgrade_call_sudo(md, in, in_len, 0, out, out_len, err,
		    errlen);
	else if (strcmp(what, "sudo_unchecked_weight") == 0)
		rc = upgrade_call_sudo(md, in, in_len, 1, out, out_len, err,
		    errlen);
	else if (strcmp(what, "apply_authorized_upgrade") == 0)
		rc = upgrade_call_apply_authorized(md, in, in_len, out,
		    out_len, err, errlen);
	else if (strcmp(what, "note_preimage") == 0)
		rc = upgrade_call_note_preimage(md, in, in_len, out, out_len,
		    err, errlen);
	else
		exit(usage());
	free(in);
	return rc;
}

int
main(int argc, char **argv)
{
	struct metadata *md;
	char err[UPGRADE_CALL_ERR_MAX];
	uint8_t *out = NULL;
	size_t out_len = 0;
	int rc;

	if (argc < 4)
		return usage();
	md = load_metadata(argv[2]);
	if (strcmp(argv[1], "supported") == 0) {
		int type = upgrade_type_parse(argv[3]);

		if (type < 0) {
			metadata_free(md);
			fprintf(stderr, "unknown upgrade type \"%s\"\n",
			    argv[3]);
			return 2;
		}
		rc = upgrade_call_supported(md, (enum upgrade_type)type, err,
		    sizeof(err));
		if (rc == 0)
			puts("ok");
	} else {
		rc = build(md, argv[1], argc, argv, &out, &out_len, err,
		    sizeof(err));
		if (rc == 0)
			print_hex(out, out_len);
	}
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	free(out);
	metadata_free(md);
	return rc == 0 ? 0 : 1;
}
