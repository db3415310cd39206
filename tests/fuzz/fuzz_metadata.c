/* libFuzzer: runtime metadata in any form (raw, Option-wrapped, opaque,
 * hex). What decodes is walked: every lookup, every constant's value and
 * every storage default decoded through the value codec. */
#include <stdint.h>
#include <stdlib.h>

#include "metadata.h"
#include "scale_value.h"

static void
walk(const struct metadata *md)
{
	char err[256];
	uint8_t idx[2];
	size_t i, j;

	for (i = 0; i < md->npallets; i++) {
		const struct md_pallet *p = &md->pallets[i];
		const struct md_type *calls = metadata_type(md, p->calls);

		(void)metadata_pallet(md, p->name);
		for (j = 0; calls != NULL && j < calls->nvariants; j++)
			(void)metadata_call_index(md, p->name,
			    calls->variants[j].name, idx);
		for (j = 0; j < p->nconstants; j++)
			json_decref(scale_value_constant(md, p->name,
			    p->constants[j].name, err, sizeof(err)));
		for (j = 0; j < p->nstorage; j++)
			json_decref(scale_value_decode_bytes(md,
			    p->storage[j].value, p->storage[j].default_value,
			    p->storage[j].default_len, err, sizeof(err)));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct metadata *md = metadata_decode_any(data, size, err, sizeof(err));

	if (md != NULL)
		walk(md);
	metadata_free(md);
	return 0;
}
