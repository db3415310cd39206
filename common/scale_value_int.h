/* Private to scale_value*.c: numbers, shapes both directions share. */
#ifndef RTFORGE_SCALE_VALUE_INT_H
#define RTFORGE_SCALE_VALUE_INT_H

#include "scale_value.h"

/* 2^53: larger 64-bit integers are decimal strings in JSON. */
#define SV_MAX_SAFE_INT 9007199254740992ULL
/* Enough for a 256-bit signed decimal and its NUL. */
#define SV_DEC_MAX 80

/* Little-endian n-byte unsigned (or two's complement when is_signed)
 * integer -> decimal text in out (at least SV_DEC_MAX bytes). */
void sv_le_to_decimal(const uint8_t *le, size_t n, bool is_signed,
    char *out);
/* Decimal text ("-" allowed when is_signed) -> n-byte little-endian two's
 * complement. false when it is not a plain decimal or does not fit. */
bool sv_decimal_to_le(const char *s, uint8_t *le, size_t n, bool is_signed);

/* The type is the primitive u8 (the element of a byte string). */
bool sv_is_u8(const struct metadata *md, uint32_t type);
/* Byte width of an unsigned or signed primitive (0 for others). */
size_t sv_prim_width(enum md_prim prim);
bool sv_prim_signed(enum md_prim prim);

/* Bit sequences: the store's width in bytes (1, 2, 4, 8) and whether the
 * order is Msb0; false when the registry's store or order is unusable. */
bool sv_bitseq_layout(const struct metadata *md, const struct md_type *t,
    size_t *width, bool *msb0, char *err, size_t errlen);

/* Where in a value the codec is, for errors: ".name" and "[i]" segments,
 * cut (never failed) when too long. push returns what pop restores. */
#define SV_PATH_MAX 200
struct sv_path {
	char text[SV_PATH_MAX];
	size_t len;
};
size_t sv_path_push(struct sv_path *p, const char *name, size_t index);
void sv_path_pop(struct sv_path *p, size_t old);

/* The outer event record type from System.Events (Vec<EventRecord>). */
const struct md_type *sv_event_record_type(const struct metadata *md,
    uint32_t *vec_type);

/* Decoder internals for the events helper. */
struct sv_dec;
json_t *sv_decode_in(struct sv_dec *d, uint32_t type, int depth);
json_t *sv_decode_fields_list(struct sv_dec *d, const struct md_field *f,
    size_t n, int depth);
struct sv_dec *sv_dec_new(const struct metadata *md, struct scale_reader *r);
bool sv_dec_count(struct sv_dec *d);	/* one more value, within the cap */
struct scale_reader *sv_dec_reader(struct sv_dec *d);
void sv_dec_error(struct sv_dec *d, char *err, size_t errlen);
void sv_dec_free(struct sv_dec *d);

#endif
