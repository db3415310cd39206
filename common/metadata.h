/* Runtime metadata (frame-metadata V14, V15 and V16), decoded from the
 * untrusted bytes a node answers with.
 *
 * Input forms (metadata_decode_any takes all of them, as bytes or as hex
 * text with or without "0x"):
 *   - the raw blob: magic "meta" (0x6174656d little-endian), a version byte
 *     (14, 15 or 16), then the RuntimeMetadataVxx; `state_getMetadata`
 *     answers with the hex of exactly this;
 *   - Option<OpaqueMetadata>, what `Metadata_metadata_at_version` returns
 *     (and how @polkadot/types-support ships its V15 files): 0x01, a compact
 *     length, the raw blob (metadata_unwrap_opaque);
 *   - OpaqueMetadata alone (a compact length then the blob), what
 *     `Metadata_metadata` returns.
 *
 * Everything decoded lives in one arena owned by the struct metadata, with
 * a hard memory cap; the input may be freed once metadata_decode returns.
 * Every count is checked against the bytes left before anything is
 * allocated for it, every type id must exist, the registry's ids must be
 * 0..n-1 in order, pallet indices and variant indices must be unique, and
 * the blob must end exactly where the metadata ends.
 *
 * The structs below are read-only views: never modify or free their
 * members. Strings are NUL-terminated UTF-8 (names never hold a NUL).
 * All lookups by name are exact, case-sensitive string compares. */
#ifndef RTFORGE_METADATA_H
#define RTFORGE_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define METADATA_MAX_BYTES ((size_t)16 << 20)	/* raw blob, refused past */
#define METADATA_MAX_MEMORY ((size_t)256 << 20)	/* decoded form, refused past */
#define METADATA_MAX_TYPES (1u << 20)
#define METADATA_NAME_MAX 1024			/* bytes in a name or path part */
#define METADATA_DOC_MAX ((size_t)64 << 10)	/* bytes in one doc line */
/* "No type": an absent calls/events/errors type, or an extrinsic type the
 * metadata version does not carry. */
#define METADATA_NO_TYPE UINT32_MAX

enum md_def {
	MD_COMPOSITE = 0,
	MD_VARIANT = 1,
	MD_SEQUENCE = 2,
	MD_ARRAY = 3,
	MD_TUPLE = 4,
	MD_PRIMITIVE = 5,
	MD_COMPACT = 6,
	MD_BITSEQ = 7,
};

/* scale-info's primitive tags. */
enum md_prim {
	MD_BOOL = 0, MD_CHAR, MD_STR,
	MD_U8, MD_U16, MD_U32, MD_U64, MD_U128, MD_U256,
	MD_I8, MD_I16, MD_I32, MD_I64, MD_I128, MD_I256,
};

struct md_field {
	const char *name;	/* NULL for an unnamed (tuple-struct) field */
	const char *type_name;	/* the Rust type as written, or NULL */
	uint32_t type;
};

struct md_variant {
	const char *name;
	uint8_t index;		/* the encoded tag, not the position */
	const struct md_field *fields;
	size_t nfields;
	const char *docs;	/* doc lines joined with '\n'; "" when none */
};

struct md_param {
	const char *name;
	uint32_t type;		/* METADATA_NO_TYPE when the param has none */
};

/* One registry type. Which members mean something depends on def:
 *   MD_COMPOSITE  fields/nfields
 *   MD_VARIANT    variants/nvariants (indices unique, any order)
 *   MD_SEQUENCE   elem
 *   MD_ARRAY      elem, array_len
 *   MD_TUPLE      tuple/ntuple
 *   MD_PRIMITIVE  prim
 *   MD_COMPACT    elem (the compacted type)
 *   MD_BITSEQ     bit_store, bit_order */
struct md_type {
	uint32_t id;
	const char *path;	/* segments joined with "::"; "" when none */
	const struct md_param *params;
	size_t nparams;
	enum md_def def;
	const struct md_field *fields;
	size_t nfields;
	const struct md_variant *variants;
	size_t nvariants;
	const uint32_t *tuple;
	size_t ntuple;
	uint32_t elem;
	uint32_t array_len;
	enum md_prim prim;
	uint32_t bit_store;
	uint32_t bit_order;
};

enum md_hasher {
	MD_BLAKE2_128 = 0, MD_BLAKE2_256, MD_BLAKE2_128_CONCAT,
	MD_TWOX_128, MD_TWOX_256, MD_TWOX_64_CONCAT, MD_IDENTITY,
};

struct md_storage_entry {
	const char *name;
	bool optional;		/* modifier Optional (else Default) */
	bool is_map;
	const uint8_t *hashers;	/* enum md_hasher values, maps only */
	size_t nhashers;
	uint32_t key;		/* maps only, else METADATA_NO_TYPE */
	uint32_t value;
	const uint8_t *default_value;
	size_t default_len;
};

struct md_constant {
	const char *name;
	uint32_t type;
	const uint8_t *value;	/* SCALE bytes of the value */
	size_t value_len;
	const char *docs;	/* joined with '\n' */
};

struct md_pallet {
	const char *name;
	uint8_t index;
	uint32_t calls;		/* variant type, or METADATA_NO_TYPE */
	uint32_t events;	/* variant type, or METADATA_NO_TYPE */
	uint32_t errors;	/* variant type, or METADATA_NO_TYPE */
	const char *storage_prefix;	/* NULL when the pallet has no storage */
	const struct md_storage_entry *storage;
	size_t nstorage;
	const struct md_constant *constants;
	size_t nconstants;
};

/* A signed (V14/V15) or transaction (V16) extension. */
struct md_extension {
	const char *identifier;
	uint32_t type;		/* what goes in the extrinsic ("extra") */
	uint32_t implicit;	/* only in the signed payload (additional_signed) */
};

struct md_extrinsic {
	uint8_t version;	/* V14/V15: the version; V16: the highest offered */
	const uint8_t *versions;	/* V16: every version offered; else &version */
	size_t nversions;
	/* V14 has only `type` (the UncheckedExtrinsic); address, call,
	 * signature and extra come from that type's params as polkadot-js
	 * takes them (Address, Call, Signature, Extra). V15 carries all four
	 * itself; V16 has no extra type (METADATA_NO_TYPE). */
	uint32_t type;		/* METADATA_NO_TYPE on V15/V16 */
	uint32_t address;
	uint32_t call;
	uint32_t signature;
	uint32_t extra;
	const struct md_extension *extensions;
	size_t nextensions;
};

struct metadata {
	uint8_t version;	/* 14, 15 or 16 */
	const struct md_type *types;	/* types[i].id == i */
	size_t ntypes;
	const struct md_pallet *pallets;	/* in metadata order */
	size_t npallets;
	struct md_extrinsic extrinsic;
	uint32_t runtime_type;	/* V14/V15 `ty`; METADATA_NO_TYPE on V16 */
	/* The outer enums: V15/V16 carry them; on V14 call comes from the
	 * extrinsic type, event from frame_system::EventRecord's first param,
	 * and error is METADATA_NO_TYPE. */
	uint32_t call_enum;
	uint32_t event_enum;
	uint32_t error_enum;
	void *arena;		/* private */
};

/* Decodes a raw blob (magic, version, metadata). Returns NULL on failure
 * with the reason in err: where in the structure (e.g. "types[12].def" or
 * "pallets[3] (Balances).constants[1]"), the byte offset in the blob and
 * why (truncated, unknown tag, a type id that does not exist, ids out of
 * order, duplicate index, over a cap, trailing bytes, bad magic or an
 * unsupported version). */
struct metadata *metadata_decode(const uint8_t *blob, size_t len, char *err,
    size_t errlen);
/* Any of the forms listed at the top, as bytes or hex text. */
struct metadata *metadata_decode_any(const uint8_t *data, size_t len,
    char *err, size_t errlen);
void metadata_free(struct metadata *md);

/* Option<OpaqueMetadata> -> the raw blob inside it (a view into in).
 * Returns false with the reason for None (the node does not offer that
 * version), a bad option byte, a bad or lying length, or trailing bytes. */
bool metadata_unwrap_opaque(const uint8_t *in, size_t len,
    const uint8_t **blob, size_t *blob_len, char *err, size_t errlen);

/* Hex text ("0x" optional, surrounding whitespace ignored) -> bytes; a new
 * buffer (free it) or NULL with the reason (odd length, a non-hex digit,
 * over max bytes). */
uint8_t *metadata_unhex(const char *text, size_t len, size_t max,
    size_t *out_len, char *err, size_t errlen);

/* Lookups. NULL (or false) when absent. */
const struct md_type *metadata_type(const struct metadata *md, uint32_t id);
const struct md_pallet *metadata_pallet(const struct metadata *md,
    const char *name);
const struct md_pallet *metadata_pallet_by_index(const struct metadata *md,
    uint8_t index);
/* On a variant type only (NULL for any other def). */
const struct md_variant *metadata_variant_by_name(const struct md_type *t,
    const char *name);
const struct md_variant *metadata_variant_by_index(const struct md_type *t,
    uint8_t index);
/* The call's two-byte index: pallet index, call variant index. */
bool metadata_call_index(const struct metadata *md, const char *pallet,
    const char *call, uint8_t out[2]);
const struct md_variant *metadata_call(const struct metadata *md,
    const char *pallet, const char *call);
const struct md_constant *metadata_constant(const struct metadata *md,
    const char *pallet, const char *name);
const struct md_storage_entry *metadata_storage(const struct metadata *md,
    const char *pallet, const char *name);
const struct md_extension *metadata_extension(const struct metadata *md,
    const char *identifier);

/* The pallet name as polkadot-js prints an event's section: lowerCamel
 * ("System" -> "system", "XcmPallet" -> "xcmPallet", "NFTOrder" ->
 * "nftOrder", "DMP" -> "dmp"). Writes at most bufsize-1 bytes. */
const char *metadata_lower_camel(const char *name, char *buf, size_t bufsize);

#endif
