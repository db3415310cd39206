/* Private to metadata*.c: the arena and the parser's state. */
#ifndef RTFORGE_METADATA_INT_H
#define RTFORGE_METADATA_INT_H

#include "metadata.h"
#include "scale.h"

struct md_arena;

struct md_parse {
	struct scale_reader r;
	struct md_arena *arena;
	struct metadata *md;
	bool types_known;	/* the registry is read: check refs at once */
	char where[192];	/* what was being read, for the error */
};

/* n elements of size bytes, zeroed, from the arena; NULL (and the reader
 * failed, naming the memory cap) when it cannot. n == 0 gives a valid
 * pointer. */
void *md_alloc(struct md_parse *p, size_t n, size_t size);
/* Sets p->where (printf-style) unless the reader has already failed, so
 * the error names the first thing that went wrong. */
void md_where(struct md_parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

const char *md_read_name(struct md_parse *p);
const char *md_read_opt_name(struct md_parse *p);
/* Vec<String>: joined with '\n' when keep, else only skipped ("" then). */
const char *md_read_docs(struct md_parse *p, bool keep);
/* A Compact<u32> type id; once the registry is known it must exist. */
uint32_t md_read_type(struct md_parse *p);
uint32_t md_read_opt_type(struct md_parse *p);
/* A Vec length: at most max, and at min_size bytes per element it must
 * fit in what is left. 0 on failure (the reader says why). */
size_t md_read_count(struct md_parse *p, size_t max, size_t min_size);
const uint8_t *md_read_bytes_copy(struct md_parse *p, size_t *len);

/* Stages of the decoder (metadata_types.c, metadata_pallets.c). */
bool md_parse_registry(struct md_parse *p);
bool md_parse_pallets(struct md_parse *p);
bool md_parse_extrinsic(struct md_parse *p);
bool md_parse_v15_tail(struct md_parse *p);
bool md_parse_v16_tail(struct md_parse *p);

#endif
