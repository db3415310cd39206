/* libFuzzer: the type-driven value codec over the real V14 substrate
 * metadata that @polkadot/types-support ships (run from the checkout).
 * The first two bytes pick a type; the rest is decoded as that type. What
 * decodes must encode back to exactly the bytes it came from. The whole
 * input is also tried as a System.Events value. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metadata.h"
#include "scale_value.h"
#include "../unit/test_metadata_blobs.h"

static struct metadata *md;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t len;
	uint8_t *bin = support_metadata("v14/substrate", &len);
	char err[256];

	(void)argc;
	(void)argv;
	if (bin == NULL) {
		fprintf(stderr, "fuzz_scale_value: run it from the checkout "
		    "(it needs %s)\n", SUPPORT_DIR);
		exit(1);
	}
	md = metadata_decode_any(bin, len, err, sizeof(err));
	free(bin);
	if (md == NULL) {
		fprintf(stderr, "fuzz_scale_value: %s\n", err);
		exit(1);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scale_reader r;
	struct scale_writer w;
	char err[512];
	json_t *v;
	uint32_t type;
	uint8_t *out;
	size_t out_len;

	json_decref(scale_value_events(md, data, size, err, sizeof(err)));
	if (size < 2)
		return 0;
	type = (uint32_t)(data[0] | data[1] << 8) % (uint32_t)md->ntypes;
	scale_reader_init(&r, data + 2, size - 2);
	v = scale_value_decode(md, type, &r, err, sizeof(err));
	if (v == NULL)
		return 0;
	scale_writer_init(&w, SCALE_VALUE_MAX_OUTPUT);
	if (!scale_value_encode(md, type, v, &w, err, sizeof(err))) {
		fprintf(stderr, "type %u: decoded but does not encode: %s\n",
		    type, err);
		abort();
	}
	out = scale_writer_take(&w, &out_len);
	if (out_len != r.pos || (out_len > 0 && memcmp(out, data + 2,
	    out_len) != 0)) {
		fprintf(stderr, "type %u: %zu bytes decoded, %zu encoded back, "
		    "or different\n", type, r.pos, out_len);
		abort();
	}
	free(out);
	json_decref(v);
	return 0;
}
