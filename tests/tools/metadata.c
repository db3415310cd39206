/* tool_metadata: rtforge's metadata decoder and value codec on the command
 * line, so the integration tests can compare them with @polkadot/api.
 *
 *   tool_metadata summary <metadata file>
 *   tool_metadata events <metadata file> <System.Events value hex>
 *   tool_metadata encode-call <metadata file> <Pallet> <call> <args JSON>
 *   tool_metadata decode <metadata file> <type id> <hex>
 *   tool_metadata constant <metadata file> <Pallet> <name>
 *   tool_metadata module-error <metadata file> <DispatchError JSON>
 *
 * The metadata file holds the blob in any form metadata_decode_any takes
 * (binary or hex). Output is one JSON document on stdout (encode-call
 * prints "0x…"); errors go to stderr with exit status 1. */
#include "metadata.h"
#include "scale_value.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_MAX (METADATA_MAX_BYTES * 2 + 64)

static uint8_t *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t cap = 1 << 16, n = 0, got;

	if (f == NULL)
		return NULL;
	buf = malloc(cap);
	while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *bigger;

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
	}
	fclose(f);
	*len = n;
	return buf;
}

static json_t *
variant_list(const struct metadata *md, uint32_t type)
{
	const struct md_type *t = metadata_type(md, type);
	json_t *arr = json_array();
	size_t i;

	for (i = 0; t != NULL && i < t->nvariants; i++)
		json_array_append_new(arr, json_pack("{s:s, s:i}", "name",
		    t->variants[i].name, "index", t->variants[i].index));
	return arr;
}

static json_t *
summary(const struct metadata *md)
{
	json_t *pallets = json_array(), *exts = json_array();
	size_t i, j;

	for (i = 0; i < md->npallets; i++) {
		const struct md_pallet *p = &md->pallets[i];
		json_t *consts = json_array(), *storage = json_array();

		for (j = 0; j < p->nconstants; j++)
			json_array_append_new(consts,
			    json_string(p->constants[j].name));
		for (j = 0; j < p->nstorage; j++)
			json_array_append_new(storage,
			    json_string(p->storage[j].name));
		json_array_append_new(pallets, json_pack("{s:s, s:i, s:o, s:o, "
		    "s:o, s:o, s:o}", "name", p->name, "index", p->index,
		    "calls", variant_list(md, p->calls),
		    "events", variant_list(md, p->events),
		    "errors", variant_list(md, p->errors),
		    "constants", consts, "storage", storage));
	}
	for (i = 0; i < md->extrinsic.nextensions; i++)
		json_array_append_new(exts,
		    json_string(md->extrinsic.extensions[i].identifier));
	return json_pack("{s:i, s:i, s:o, s:{s:i, s:o}}", "version",
	    md->version, "types", (int)md->ntypes, "pallets", pallets,
	    "extrinsic", "version", md->extrinsic.version,
	    "signed_extensions", exts);
}

static int
print_json(json_t *j)
{
	char *s;

	if (j == NULL)
		return 1;
	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	if (s == NULL)
		return 1;
	puts(s);
	free(s);
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: tool_metadata summary|events|encode-call|"
	    "decode|constant|module-error <metadata file> …\n");
	return 2;
}

static int
run(const struct metadata *md, int argc, char **argv)
{
	const char *cmd = argv[1];
	char err[512];
	json_t *out = NULL;

	err[0] = '\0';
	if (strcmp(cmd, "summary") == 0) {
		out = summary(md);
	} else if (strcmp(cmd, "events") == 0 && argc == 4) {
		size_t n;
		uint8_t *b = metadata_unhex(argv[3], strlen(argv[3]),
		    METADATA_MAX_BYTES, &n, err, sizeof(err));

		if (b != NULL)
			out = scale_value_events(md, b, n, err, sizeof(err));
		free(b);
	} else if (strcmp(cmd, "decode") == 0 && argc == 5) {
		size_t n;
		uint8_t *b = metadata_unhex(argv[4], strlen(argv[4]),
		    METADATA_MAX_BYTES, &n, err, sizeof(err));

		if (b != NULL)
			out = scale_value_decode_bytes(md,
			    (uint32_t)strtoul(argv[3], NULL, 10), b, n, err,
			    sizeof(err));
		free(b);
	} else if (strcmp(cmd, "constant") == 0 && argc == 5) {
		out = scale_value_constant(md, argv[3], argv[4], err,
		    sizeof(err));
	} else if (strcmp(cmd, "module-error") == 0 && argc == 4) {
		json_error_t jerr;
		json_t *de = json_loads(argv[3], JSON_DECODE_ANY, &jerr);

		if (de == NULL)
			snprintf(err, sizeof(err), "args: %s", jerr.text);
		else
			out = scale_value_dispatch_error(md, de, err,
			    sizeof(err));
		json_decref(de);
	} else if (strcmp(cmd, "encode-call") == 0 && argc == 6) {
		json_error_t jerr;
		json_t *args = json_loads(argv[5], JSON_DECODE_ANY, &jerr);
		uint8_t *call;
		size_t n;

		if (args == NULL) {
			fprintf(stderr, "args: %s\n", jerr.text);
			return 1;
		}
		if (!scale_value_encode_call(md, argv[3], argv[4], args, &call,
		    &n, err, sizeof(err))) {
			json_decref(args);
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		json_decref(args);
		out = scale_value_hex(call, n);
		free(call);
		return print_json(out);
	} else {
		return usage();
	}
	if (out == NULL) {
		fprintf(stderr, "%s\n", err[0] != '\0' ? err : "failed");
		return 1;
	}
	return print_json(out);
}

int
main(int argc, char **argv)
{
	uint8_t *data;
	size_t len;
	struct metadata *md;
	char err[512];
	int status;

	if (argc < 3)
		return usage();
	data = read_file(argv[2], &len);
	if (data == NULL) {
		fprintf(stderr, "%s: cannot read (or over the size limit)\n",
		    argv[2]);
		return 1;
	}
	md = metadata_decode_any(data, len, err, sizeof(err));
	free(data);
	if (md == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	status = run(md, argc, argv);
	metadata_free(md);
	return status;
}
