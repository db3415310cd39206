/* Shared by extrinsic*.c: questions about a registry type's shape, asked
 * before bytes are written for it. Every walk is depth-limited: the
 * registry comes from the node and may nest (or refer to itself) without
 * end. */
#ifndef RTFORGE_EXTRINSIC_INTERNAL_H
#define RTFORGE_EXTRINSIC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metadata.h"

#define XT_SHAPE_DEPTH 16
#define XT_TYPE_DESC_MAX 160

/* The type inside newtypes: single-field composites and one-element
 * tuples are followed to what they wrap (H256 -> [u8; 32]). */
uint32_t xt_unwrap(const struct metadata *md, uint32_t type);
/* True when the type encodes as no bytes at all: an empty composite or
 * tuple, a [T; 0], or any nesting of those. */
bool xt_zero_sized(const struct metadata *md, uint32_t type);
/* [u8; n] (through newtypes). */
bool xt_is_byte_array(const struct metadata *md, uint32_t type, size_t n);
/* A primitive (through newtypes). */
bool xt_is_primitive(const struct metadata *md, uint32_t type,
    enum md_prim prim);
/* Compact<unsigned integer> (through newtypes, outside and inside). */
bool xt_is_compact_uint(const struct metadata *md, uint32_t type);
/* The fixed byte arrays the type is made of, in order: a [u8; n], or a
 * composite/tuple of them (nested). Fails for anything else (a Vec, a
 * number, an enum): those have no single fixed byte layout. */
bool xt_byte_layout(const struct metadata *md, uint32_t type, size_t *lens,
    size_t max, size_t *n);
/* A short description of a type for an error, to follow the word "type":
 * "sp_core::H256 (id 12)", "4 (a primitive)". */
const char *xt_type_desc(const struct metadata *md, uint32_t type,
    char *buf, size_t bufsize);

#endif
