#include "scale.h"
#include "textutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest compact big-integer payload we accept: u128. SCALE allows up to
 * 67 bytes, but nothing in a runtime or its metadata goes past u128. */
#define COMPACT_MAX_BYTES 16

void
scale_reader_init_at(struct scale_reader *r, const uint8_t *data, size_t len,
    size_t base)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->len = data != NULL ? len : 0;
	r->base = base;
}

void
scale_reader_init(struct scale_reader *r, const uint8_t *data, size_t len)
{
	scale_reader_init_at(r, data, len, 0);
}

static void
record_failure(struct scale_reader *r, size_t pos, const char *fmt,
    va_list ap)
{
	r->failed = true;
	r->err_offset = r->base + pos;
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
}

bool
scale_fail(struct scale_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return false;
	va_start(ap, fmt);
	record_failure(r, r->pos, fmt, ap);
	va_end(ap);
	return false;
}

bool
scale_fail_at(struct scale_reader *r, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return false;
	va_start(ap, fmt);
	record_failure(r, pos <= r->len ? pos : r->len, fmt, ap);
	va_end(ap);
	return false;
}

const char *
scale_error(const struct scale_reader *r, char *buf, size_t buflen)
{
	if (buflen == 0)
		return buf;
	if (!r->failed)
		snprintf(buf, buflen, "ok");
	else
		snprintf(buf, buflen, "at offset %zu: %s", r->err_offset,
		    r->why);
	return buf;
}

bool
scale_expect_end(struct scale_reader *r)
{
	if (r->failed)
		return false;
	if (r->pos != r->len)
		return scale_fail(r, "%zu trailing bytes", r->len - r->pos);
	return true;
}

/* The next n bytes, consumed; NULL (and the reader failed at the value's
 * start) when fewer remain. `what` names the value for the message. */
static const uint8_t *
take(struct scale_reader *r, size_t n, const char *what)
{
	const uint8_t *p;

	if (r->failed)
		return NULL;
	if (n > r->len - r->pos) {
		scale_fail(r, "truncated %s: needs %zu bytes, %zu remain", what,
		    n, r->len - r->pos);
		return NULL;
	}
	p = r->data + r->pos;
	r->pos += n;
	return p;
}

static uint64_t
load_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

bool
scale_read_u8(struct scale_reader *r, uint8_t *out)
{
	const uint8_t *p = take(r, 1, "u8");

	*out = p != NULL ? p[0] : 0;
	return p != NULL;
}

bool
scale_read_u16(struct scale_reader *r, uint16_t *out)
{
	const uint8_t *p = take(r, 2, "u16");

	*out = p != NULL ? (uint16_t)load_le(p, 2) : 0;
	return p != NULL;
}

bool
scale_read_u32(struct scale_reader *r, uint32_t *out)
{
	const uint8_t *p = take(r, 4, "u32");

	*out = p != NULL ? (uint32_t)load_le(p, 4) : 0;
	return p != NULL;
}

bool
scale_read_u64(struct scale_reader *r, uint64_t *out)
{
	const uint8_t *p = take(r, 8, "u64");

	*out = p != NULL ? load_le(p, 8) : 0;
	return p != NULL;
}

/* Signed values are two's complement on the wire; memcpy from the unsigned
 * value avoids implementation-defined conversions. */
bool
scale_read_i8(struct scale_reader *r, int8_t *out)
{
	uint8_t u;
	bool ok = scale_read_u8(r, &u);

	memcpy(out, &u, sizeof(*out));
	return ok;
}

bool
scale_read_i16(struct scale_reader *r, int16_t *out)
{
	uint16_t u;
	bool ok = scale_read_u16(r, &u);

	memcpy(out, &u, sizeof(*out));
	return ok;
}

bool
scale_read_i32(struct scale_reader *r, int32_t *out)
{
	uint32_t u;
	bool ok = scale_read_u32(r, &u);

	memcpy(out, &u, sizeof(*out));
	return ok;
}

bool
scale_read_i64(struct scale_reader *r, int64_t *out)
{
	uint64_t u;
	bool ok = scale_read_u64(r, &u);

	memcpy(out, &u, sizeof(*out));
	return ok;
}

bool
scale_read_u128(struct scale_reader *r, uint64_t *lo, uint64_t *hi)
{
	const uint8_t *p = take(r, 16, "u128");

	*lo = p != NULL ? load_le(p, 8) : 0;
	*hi = p != NULL ? load_le(p + 8, 8) : 0;
	return p != NULL;
}

bool
scale_read_u128_le(struct scale_reader *r, uint8_t out[16])
{
	const uint8_t *p = take(r, 16, "u128");

	if (p == NULL)
		memset(out, 0, 16);
	else
		memcpy(out, p, 16);
	return p != NULL;
}

bool
scale_read_u256_le(struct scale_reader *r, uint8_t out[32])
{
	const uint8_t *p = take(r, 32, "u256");

	if (p == NULL)
		memset(out, 0, 32);
	else
		memcpy(out, p, 32);
	return p != NULL;
}

/* The big-integer mode: (first >> 2) + 4 little-endian bytes follow. The
 * shortest encoding is the only canonical one, so the top byte must not be
 * zero, and four bytes must hold at least 2^30 (smaller values have a
 * shorter mode). */
static bool
read_compact_bigint(struct scale_reader *r, size_t start, uint8_t first,
    uint8_t out[16])
{
	size_t n = (size_t)(first >> 2) + 4;
	const uint8_t *p;

	if (n > COMPACT_MAX_BYTES)
		return scale_fail_at(r, start,
		    "compact integer of %zu bytes is larger than u128", n);
	p = take(r, n, "compact integer");
	if (p == NULL) {
		r->err_offset = r->base + start;
		return false;
	}
	if (p[n - 1] == 0 || (n == 4 && load_le(p, 4) < (1u << 30)))
		return scale_fail_at(r, start,
		    "non-canonical compact (%zu-byte form of a smaller value)",
		    n);
	memcpy(out, p, n);
	return true;
}

/* Decodes a compact at the current position into 16 LE bytes. On failure
 * the error points at the compact's first byte. */
static bool
read_compact_le(struct scale_reader *r, uint8_t out[16])
{
	size_t start = r->pos;
	const uint8_t *p;
	uint64_t v;

	memset(out, 0, 16);
	p = take(r, 1, "compact integer");
	if (p == NULL)
		return false;
	switch (p[0] & 3) {
	case 0:
		out[0] = p[0] >> 2;
		return true;
	case 1:
		r->pos = start;
		if ((p = take(r, 2, "compact integer")) == NULL)
			return false;
		v = load_le(p, 2) >> 2;
		if (v < 64)
			return scale_fail_at(r, start,
			    "non-canonical compact (2-byte form of %u)",
			    (unsigned)v);
		break;
	case 2:
		r->pos = start;
		if ((p = take(r, 4, "compact integer")) == NULL)
			return false;
		v = load_le(p, 4) >> 2;
		if (v < (1u << 14))
			return scale_fail_at(r, start,
			    "non-canonical compact (4-byte form of %u)",
			    (unsigned)v);
		break;
	default:
		return read_compact_bigint(r, start, p[0], out);
	}
	for (size_t i = 0; i < 4; i++)
		out[i] = (uint8_t)(v >> (8 * i));
	return true;
}

/* True when bytes [from, 16) of a 16-byte LE value are all zero. */
static bool
fits_in(const uint8_t v[16], size_t from)
{
	for (size_t i = from; i < 16; i++)
		if (v[i] != 0)
			return false;
	return true;
}

bool
scale_read_compact_u128(struct scale_reader *r, uint8_t out[16])
{
	return read_compact_le(r, out);
}

bool
scale_read_compact(struct scale_reader *r, uint64_t *out)
{
	size_t start = r->pos;
	uint8_t v[16];

	*out = 0;
	if (!read_compact_le(r, v))
		return false;
	if (!fits_in(v, 8))
		return scale_fail_at(r, start, "compact value exceeds u64");
	*out = load_le(v, 8);
	return true;
}

bool
scale_read_compact_u32(struct scale_reader *r, uint32_t *out)
{
	size_t start = r->pos;
	uint8_t v[16];

	*out = 0;
	if (!read_compact_le(r, v))
		return false;
	if (!fits_in(v, 4))
		return scale_fail_at(r, start, "compact value exceeds u32");
	*out = (uint32_t)load_le(v, 4);
	return true;
}

/* A one-byte tag that must be 0 or 1. */
static bool
read_binary_tag(struct scale_reader *r, bool *out, const char *what)
{
	const uint8_t *p = take(r, 1, what);

	*out = false;
	if (p == NULL)
		return false;
	if (p[0] > 1)
		return scale_fail_at(r, r->pos - 1, "invalid %s byte 0x%02x",
		    what, p[0]);
	*out = p[0] == 1;
	return true;
}

bool
scale_read_bool(struct scale_reader *r, bool *out)
{
	return read_binary_tag(r, out, "bool");
}

bool
scale_read_option_tag(struct scale_reader *r, bool *is_some)
{
	return read_binary_tag(r, is_some, "Option tag");
}

bool
scale_read_result_tag(struct scale_reader *r, bool *is_err)
{
	return read_binary_tag(r, is_err, "Result tag");
}

bool
scale_read_enum_tag(struct scale_reader *r, uint8_t *tag, uint8_t max_index)
{
	const uint8_t *p = take(r, 1, "enum tag");

	*tag = 0;
	if (p == NULL)
		return false;
	if (p[0] > max_index)
		return scale_fail_at(r, r->pos - 1,
		    "enum variant %u out of range (max %u)", p[0], max_index);
	*tag = p[0];
	return true;
}

bool
scale_read_seq_len(struct scale_reader *r, size_t *count, size_t max_count,
    size_t min_elem_size)
{
	size_t start = r->pos;
	uint64_t n;

	*count = 0;
	if (!scale_read_compact(r, &n))
		return false;
	if (n > max_count)
		return scale_fail_at(r, start,
		    "sequence of %llu elements exceeds the limit of %zu",
		    (unsigned long long)n, max_count);
	/* n <= max_count fits in size_t; dividing avoids n * size overflow. */
	if (min_elem_size > 0 && n > scale_remaining(r) / min_elem_size)
		return scale_fail_at(r, start,
		    "sequence of %llu elements needs at least %llu bytes, "
		    "%zu remain", (unsigned long long)n,
		    (unsigned long long)n * min_elem_size, scale_remaining(r));
	*count = (size_t)n;
	return true;
}

bool
scale_read_bytes(struct scale_reader *r, const uint8_t **data, size_t *len,
    size_t max)
{
	size_t start = r->pos;
	uint64_t n;

	*data = NULL;
	*len = 0;
	if (!scale_read_compact(r, &n))
		return false;
	if (n > max)
		return scale_fail_at(r, start,
		    "byte string of %llu bytes exceeds the limit of %zu",
		    (unsigned long long)n, max);
	*data = take(r, (size_t)n, "byte string");
	if (*data == NULL)
		return false;
	*len = (size_t)n;
	return true;
}

bool
scale_utf8_valid(const uint8_t *s, size_t len)
{
	return utf8_valid(s, len);
}

bool
scale_read_str(struct scale_reader *r, const char **s, size_t *len,
    size_t max)
{
	const uint8_t *p;
	size_t n;

	*s = NULL;
	*len = 0;
	if (!scale_read_bytes(r, &p, &n, max))
		return false;
	if (!scale_utf8_valid(p, n))
		return scale_fail_at(r, r->pos - n,
		    "string is not valid UTF-8");
	*s = (const char *)p;
	*len = n;
	return true;
}

bool
scale_read_str_copy(struct scale_reader *r, char *buf, size_t bufsize)
{
	const char *s;
	size_t n;

	if (bufsize == 0)
		return scale_fail(r, "no room for a string");
	buf[0] = '\0';
	if (!scale_read_str(r, &s, &n, bufsize - 1))
		return false;
	if (memchr(s, '\0', n) != NULL)
		return scale_fail_at(r, r->pos - n, "string contains NUL");
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

bool
scale_read_array(struct scale_reader *r, uint8_t *out, size_t n)
{
	const uint8_t *p = take(r, n, "array");

	if (p == NULL) {
		if (n > 0)
			memset(out, 0, n);
		return false;
	}
	if (n > 0)
		memcpy(out, p, n);
	return true;
}

bool
scale_read_view(struct scale_reader *r, const uint8_t **out, size_t n)
{
	*out = take(r, n, "array");
	return *out != NULL;
}

bool
scale_skip(struct scale_reader *r, size_t n)
{
	return take(r, n, "skipped bytes") != NULL;
}

size_t
scale_compact_size(uint64_t v)
{
	size_t n = 4;

	if (v < 64)
		return 1;
	if (v < (1u << 14))
		return 2;
	if (v < (1u << 30))
		return 4;
	while (n < 8 && (v >> (8 * n)) != 0)
		n++;
	return 1 + n;
}

/* ---- writer ---- */

void
scale_writer_init(struct scale_writer *w, size_t max)
{
	memset(w, 0, sizeof(*w));
	w->max = max;
}

void
scale_writer_free(struct scale_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = 0;
	w->cap = 0;
}

uint8_t *
scale_writer_take(struct scale_writer *w, size_t *len)
{
	uint8_t *buf = w->buf;

	*len = 0;
	if (w->failed) {
		scale_writer_free(w);
		return NULL;
	}
	*len = w->len;
	w->buf = NULL;
	w->len = 0;
	w->cap = 0;
	return buf;
}

static bool
writer_fail(struct scale_writer *w, const char *why, size_t want)
{
	if (!w->failed) {
		w->failed = true;
		snprintf(w->why, sizeof(w->why),
		    "%s (%zu bytes wanted, cap %zu)", why, want, w->max);
	}
	return false;
}

/* Makes room for n more bytes: doubling, but never past max. */
static bool
writer_reserve(struct scale_writer *w, size_t n)
{
	size_t want, cap;
	uint8_t *nb;

	if (w->failed)
		return false;
	if (n > w->max - w->len)
		return writer_fail(w, "output would exceed its cap",
		    w->len > SIZE_MAX - n ? SIZE_MAX : w->len + n);
	want = w->len + n;
	if (want <= w->cap)
		return true;
	cap = w->cap > 0 ? w->cap : (w->max < 64 ? w->max : 64);
	while (cap < want)
		cap = cap > w->max / 2 ? w->max : cap * 2;
	nb = realloc(w->buf, cap);
	if (nb == NULL)
		return writer_fail(w, "out of memory", want);
	w->buf = nb;
	w->cap = cap;
	return true;
}

bool
scale_write_raw(struct scale_writer *w, const void *data, size_t n)
{
	if (!writer_reserve(w, n))
		return false;
	if (n > 0)
		memcpy(w->buf + w->len, data, n);
	w->len += n;
	return true;
}

static bool
write_le(struct scale_writer *w, uint64_t v, size_t n)
{
	uint8_t b[8];

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return scale_write_raw(w, b, n);
}

bool
scale_write_u8(struct scale_writer *w, uint8_t v)
{
	return write_le(w, v, 1);
}

bool
scale_write_u16(struct scale_writer *w, uint16_t v)
{
	return write_le(w, v, 2);
}

bool
scale_write_u32(struct scale_writer *w, uint32_t v)
{
	return write_le(w, v, 4);
}

bool
scale_write_u64(struct scale_writer *w, uint64_t v)
{
	return write_le(w, v, 8);
}

bool
scale_write_i8(struct scale_writer *w, int8_t v)
{
	uint8_t u;

	memcpy(&u, &v, sizeof(u));
	return write_le(w, u, 1);
}

bool
scale_write_i16(struct scale_writer *w, int16_t v)
{
	uint16_t u;

	memcpy(&u, &v, sizeof(u));
	return write_le(w, u, 2);
}

bool
scale_write_i32(struct scale_writer *w, int32_t v)
{
	uint32_t u;

	memcpy(&u, &v, sizeof(u));
	return write_le(w, u, 4);
}

bool
scale_write_i64(struct scale_writer *w, int64_t v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return write_le(w, u, 8);
}

bool
scale_write_u128(struct scale_writer *w, uint64_t lo, uint64_t hi)
{
	/* Reserve both halves first so a cap failure writes nothing. */
	return writer_reserve(w, 16) && write_le(w, lo, 8) &&
	    write_le(w, hi, 8);
}

bool
scale_write_u128_le(struct scale_writer *w, const uint8_t v[16])
{
	return scale_write_raw(w, v, 16);
}

bool
scale_write_u256_le(struct scale_writer *w, const uint8_t v[32])
{
	return scale_write_raw(w, v, 32);
}

bool
scale_write_compact_u128(struct scale_writer *w, const uint8_t v[16])
{
	uint8_t out[1 + COMPACT_MAX_BYTES];
	size_t n = COMPACT_MAX_BYTES;

	if (fits_in(v, 4)) {
		uint64_t small = load_le(v, 4);

		if (small < 64)
			return write_le(w, small << 2, 1);
		if (small < (1u << 14))
			return write_le(w, (small << 2) | 1, 2);
		if (small < (1u << 30))
			return write_le(w, (small << 2) | 2, 4);
	}
	while (n > 4 && v[n - 1] == 0)
		n--;
	out[0] = (uint8_t)(((n - 4) << 2) | 3);
	memcpy(out + 1, v, n);
	return scale_write_raw(w, out, 1 + n);
}

bool
scale_write_compact(struct scale_writer *w, uint64_t v)
{
	uint8_t le[16] = { 0 };

	for (size_t i = 0; i < 8; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	return scale_write_compact_u128(w, le);
}

bool
scale_write_bool(struct scale_writer *w, bool v)
{
	return write_le(w, v ? 1 : 0, 1);
}

bool
scale_write_option_tag(struct scale_writer *w, bool is_some)
{
	return scale_write_bool(w, is_some);
}

bool
scale_write_result_tag(struct scale_writer *w, bool is_err)
{
	return scale_write_bool(w, is_err);
}

bool
scale_write_enum_tag(struct scale_writer *w, uint8_t tag)
{
	return write_le(w, tag, 1);
}

bool
scale_write_bytes(struct scale_writer *w, const uint8_t *data, size_t len)
{
	/* Check the whole item against the cap first: all or nothing. */
	if (len > SIZE_MAX - 17)
		return writer_fail(w, "output would exceed its cap", len);
	if (!writer_reserve(w, scale_compact_size(len) + len))
		return false;
	return scale_write_compact(w, len) && scale_write_raw(w, data, len);
}

bool
scale_write_str(struct scale_writer *w, const char *s)
{
	return scale_write_bytes(w, (const uint8_t *)s, strlen(s));
}

bool
scale_write_array(struct scale_writer *w, const uint8_t *data, size_t n)
{
	return scale_write_raw(w, data, n);
}
