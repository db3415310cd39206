/* Shared by test_metadata.c and test_scale_value.c: reading the real
 * metadata that @polkadot/types-support ships (at test time, from
 * node_modules), and a small builder for hand-made V14 blobs. */
#ifndef RTFORGE_TEST_METADATA_BLOBS_H
#define RTFORGE_TEST_METADATA_BLOBS_H

#include "metadata.h"
#include "scale.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUPPORT_DIR "node_modules/@polkadot/types-support/cjs/metadata/"

/* The bytes of SUPPORT_DIR/<name>-hex.js's string ("v14/substrate"), as
 * shipped (raw or Option-wrapped). NULL, with the reason printed, when the
 * file is missing. */
static inline uint8_t *
support_metadata(const char *name, size_t *len)
{
	char path[256], err[256];
	FILE *f;
	long size;
	char *text, *q1, *q2;
	uint8_t *bin;

	*len = 0;
	snprintf(path, sizeof(path), SUPPORT_DIR "%s-hex.js", name);
	f = fopen(path, "rb");
	if (f == NULL) {
		printf("skip: %s is missing (run from the checkout after "
		    "npm ci)\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = malloc((size_t)size + 1);
	if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size)
		exit(2);
	fclose(f);
	text[size] = '\0';
	q1 = strstr(text, "'0x");
	q2 = q1 != NULL ? strchr(q1 + 1, '\'') : NULL;
	if (q2 == NULL) {
		printf("skip: no hex string in %s\n", path);
		free(text);
		return NULL;
	}
	bin = metadata_unhex(q1 + 1, (size_t)(q2 - q1 - 1), METADATA_MAX_BYTES
	    + 16, len, err, sizeof(err));
	free(text);
	if (bin == NULL)
		printf("skip: %s: %s\n", path, err);
	return bin;
}

/* The builder: a scale_writer and a few helpers for registry entries. */
static inline void
b_str(struct scale_writer *w, const char *s)
{
	scale_write_str(w, s);
}

static inline void
b_type_head(struct scale_writer *w, uint32_t id, const char *path)
{
	scale_write_compact(w, id);
	if (path == NULL) {
		scale_write_compact(w, 0);
	} else {
		scale_write_compact(w, 1);
		b_str(w, path);
	}
	scale_write_compact(w, 0);	/* params */
}

static inline void
b_docs_none(struct scale_writer *w)
{
	scale_write_compact(w, 0);
}

static inline void
b_primitive(struct scale_writer *w, uint32_t id, enum md_prim prim)
{
	b_type_head(w, id, NULL);
	scale_write_u8(w, MD_PRIMITIVE);
	scale_write_u8(w, (uint8_t)prim);
	b_docs_none(w);
}

/* A field: name may be NULL (unnamed). */
static inline void
b_field(struct scale_writer *w, const char *name, uint32_t type)
{
	scale_write_option_tag(w, name != NULL);
	if (name != NULL)
		b_str(w, name);
	scale_write_compact(w, type);
	scale_write_option_tag(w, false);
	b_docs_none(w);
}

/* A blob: magic and version 14, then the caller writes the types (count
 * first) and the pallets (count first), then b_finish writes the extrinsic
 * and the runtime type. */
static inline void
b_begin(struct scale_writer *w, size_t ntypes)
{
	scale_writer_init(w, 1 << 20);
	scale_write_raw(w, "meta", 4);
	scale_write_u8(w, 14);
	scale_write_compact(w, ntypes);
}

/* One pallet "Test" at index 7 whose calls enum is calls_type (or none
 * when UINT32_MAX), no storage, one constant of const_type. */
static inline void
b_pallet_test(struct scale_writer *w, uint32_t calls_type,
    uint32_t const_type, const uint8_t *value, size_t value_len)
{
	b_str(w, "Test");
	scale_write_option_tag(w, false);		/* storage */
	scale_write_option_tag(w, calls_type != UINT32_MAX);
	if (calls_type != UINT32_MAX)
		scale_write_compact(w, calls_type);
	scale_write_option_tag(w, false);		/* events */
	scale_write_compact(w, 1);			/* constants */
	b_str(w, "Answer");
	scale_write_compact(w, const_type);
	scale_write_bytes(w, value, value_len);
	scale_write_compact(w, 1);
	b_str(w, "The answer.");
	scale_write_option_tag(w, false);		/* errors */
	scale_write_u8(w, 7);
}

static inline void
b_finish(struct scale_writer *w)
{
	scale_write_compact(w, 0);	/* extrinsic type */
	scale_write_u8(w, 4);
	scale_write_compact(w, 0);	/* extensions */
	scale_write_compact(w, 0);	/* runtime type */
}

#endif
