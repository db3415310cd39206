/* SCALE codec (Parity's Simple Concatenated Aggregate Little-Endian): a
 * reader over untrusted bytes and a capped writer.
 *
 * Reader: every read checks the bounds before it touches memory. The first
 * failure is sticky: it records where (the offset of the value that could
 * not be read, plus the reader's base) and why, and every later read fails
 * at once without moving. So a decoder can read a whole structure and check
 * once at the end, and the error names the first problem, not a follow-on.
 * On failure an out-parameter is set to zero (pointers to NULL).
 *
 * Offsets: a value's offset is where its first byte is (or would be). For a
 * Vec<u8>/str the length prefix and the payload are separate values: a bad
 * prefix is reported at the prefix, short payload bytes at the payload.
 *
 * Writer: a growable buffer with a hard cap; the first failure (cap or
 * memory) is sticky as well. */
#ifndef RTFORGE_SCALE_H
#define RTFORGE_SCALE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCALE_WHY_MAX 112

struct scale_reader {
	const uint8_t *data;
	size_t len;
	size_t pos;
	size_t base;		/* added to error offsets (sub-readers) */
	bool failed;
	size_t err_offset;	/* absolute: base + position of the value */
	char why[SCALE_WHY_MAX];
};

void scale_reader_init(struct scale_reader *r, const uint8_t *data,
    size_t len);
/* A reader whose error offsets are reported relative to an outer buffer,
 * for a section found at `base` inside a larger blob. */
void scale_reader_init_at(struct scale_reader *r, const uint8_t *data,
    size_t len, size_t base);

static inline bool
scale_ok(const struct scale_reader *r)
{
	return !r->failed;
}

static inline size_t
scale_remaining(const struct scale_reader *r)
{
	return r->len - r->pos;
}

/* Marks the reader failed at its current position, for checks made by the
 * caller (an unknown variant, a value out of range). printf-style. Does
 * nothing when the reader has already failed. Always returns false. */
bool scale_fail(struct scale_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Same, at an explicit position inside this reader (for a value already
 * consumed). */
bool scale_fail_at(struct scale_reader *r, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "at offset N: why" (or "ok"); returns buf. */
const char *scale_error(const struct scale_reader *r, char *buf,
    size_t buflen);

/* Fails unless every byte has been read ("N trailing bytes"). */
bool scale_expect_end(struct scale_reader *r);

/* Fixed-width integers, little-endian. */
bool scale_read_u8(struct scale_reader *r, uint8_t *out);
bool scale_read_u16(struct scale_reader *r, uint16_t *out);
bool scale_read_u32(struct scale_reader *r, uint32_t *out);
bool scale_read_u64(struct scale_reader *r, uint64_t *out);
bool scale_read_i8(struct scale_reader *r, int8_t *out);
bool scale_read_i16(struct scale_reader *r, int16_t *out);
bool scale_read_i32(struct scale_reader *r, int32_t *out);
bool scale_read_i64(struct scale_reader *r, int64_t *out);
/* u128 as two halves, and as its 16 little-endian bytes (also for i128). */
bool scale_read_u128(struct scale_reader *r, uint64_t *lo, uint64_t *hi);
bool scale_read_u128_le(struct scale_reader *r, uint8_t out[16]);
/* u256/i256: the 32 little-endian bytes. */
bool scale_read_u256_le(struct scale_reader *r, uint8_t out[32]);

/* Compact<T>: all four modes, canonical encodings only (each value has
 * exactly one encoding: the shortest). The u64 and u32 variants refuse
 * values that do not fit; the u128 variant takes any value up to 2^128-1
 * and gives its 16 little-endian bytes. */
bool scale_read_compact(struct scale_reader *r, uint64_t *out);
bool scale_read_compact_u32(struct scale_reader *r, uint32_t *out);
bool scale_read_compact_u128(struct scale_reader *r, uint8_t out[16]);

/* bool: exactly 0 or 1. Option tag: 0 None / 1 Some. Result tag: 0 Ok /
 * 1 Err. All three refuse any other byte. */
bool scale_read_bool(struct scale_reader *r, bool *out);
bool scale_read_option_tag(struct scale_reader *r, bool *is_some);
bool scale_read_result_tag(struct scale_reader *r, bool *is_err);
/* An enum's variant index (one byte); refuses an index above max_index. */
bool scale_read_enum_tag(struct scale_reader *r, uint8_t *tag,
    uint8_t max_index);

/* Vec<T> length prefix: a compact count that must be at most max_count,
 * and whose elements, at min_elem_size bytes each at least, must fit in
 * the remaining bytes, so a lying prefix is refused before anything is
 * allocated for it. min_elem_size may be 0 (for zero-sized elements). */
bool scale_read_seq_len(struct scale_reader *r, size_t *count,
    size_t max_count, size_t min_elem_size);

/* Vec<u8>: compact length (at most max) then the bytes. *data points into
 * the reader's buffer (no copy). */
bool scale_read_bytes(struct scale_reader *r, const uint8_t **data,
    size_t *len, size_t max);
/* str: as Vec<u8>, and the bytes must be valid UTF-8 (not NUL-terminated:
 * a Rust str may hold U+0000). */
bool scale_read_str(struct scale_reader *r, const char **s, size_t *len,
    size_t max);
/* str copied into buf as a C string: at most bufsize-1 bytes, valid UTF-8
 * and no NUL (which would cut the C string short). */
bool scale_read_str_copy(struct scale_reader *r, char *buf, size_t bufsize);

/* [u8; n]: copied out, or viewed in place. */
bool scale_read_array(struct scale_reader *r, uint8_t *out, size_t n);
bool scale_read_view(struct scale_reader *r, const uint8_t **out, size_t n);
bool scale_skip(struct scale_reader *r, size_t n);

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF). */
bool scale_utf8_valid(const uint8_t *s, size_t len);

/* The encoded size of a compact value (1, 2, 4 or 5..17). */
size_t scale_compact_size(uint64_t v);

struct scale_writer {
	uint8_t *buf;
	size_t len;
	size_t cap;
	size_t max;		/* hard limit on len */
	bool failed;
	char why[SCALE_WHY_MAX];
};

/* max: the writer refuses to grow past this many bytes. */
void scale_writer_init(struct scale_writer *w, size_t max);
void scale_writer_free(struct scale_writer *w);
/* Hands the buffer to the caller (free() it) and resets the writer.
 * NULL when the writer failed (the buffer is freed then) or is empty. */
uint8_t *scale_writer_take(struct scale_writer *w, size_t *len);

static inline bool
scale_writer_ok(const struct scale_writer *w)
{
	return !w->failed;
}

bool scale_write_raw(struct scale_writer *w, const void *data, size_t n);
bool scale_write_u8(struct scale_writer *w, uint8_t v);
bool scale_write_u16(struct scale_writer *w, uint16_t v);
bool scale_write_u32(struct scale_writer *w, uint32_t v);
bool scale_write_u64(struct scale_writer *w, uint64_t v);
bool scale_write_i8(struct scale_writer *w, int8_t v);
bool scale_write_i16(struct scale_writer *w, int16_t v);
bool scale_write_i32(struct scale_writer *w, int32_t v);
bool scale_write_i64(struct scale_writer *w, int64_t v);
bool scale_write_u128(struct scale_writer *w, uint64_t lo, uint64_t hi);
bool scale_write_u128_le(struct scale_writer *w, const uint8_t v[16]);
bool scale_write_u256_le(struct scale_writer *w, const uint8_t v[32]);
bool scale_write_compact(struct scale_writer *w, uint64_t v);
bool scale_write_compact_u128(struct scale_writer *w, const uint8_t v[16]);
bool scale_write_bool(struct scale_writer *w, bool v);
bool scale_write_option_tag(struct scale_writer *w, bool is_some);
bool scale_write_result_tag(struct scale_writer *w, bool is_err);
bool scale_write_enum_tag(struct scale_writer *w, uint8_t tag);
/* Vec<u8> / str: compact length then the bytes. */
bool scale_write_bytes(struct scale_writer *w, const uint8_t *data,
    size_t len);
bool scale_write_str(struct scale_writer *w, const char *s);
/* [u8; n]: the bytes, no length. */
bool scale_write_array(struct scale_writer *w, const uint8_t *data,
    size_t n);

#endif
