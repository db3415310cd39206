/* Unit tests for common/scale.c: known SCALE vectors, round trips, every
 * truncation point of every type (reported at the right offset), refusal of
 * non-canonical compacts and bad tags, lying length prefixes, the writer's
 * cap, and a seeded random fuzz of the reader. Inputs are copied into
 * exactly sized heap buffers, so any over-read is an ASan error. */
#include "scale.h"
#include "testlib.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_SEED 0x5ca1ec0dec0de5ULL
#define FUZZ_ROUNDS 200000

static uint64_t rng_state;

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* An exactly sized heap copy, so reading one byte too far trips ASan. */
static uint8_t *
heap_copy(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len > 0 ? len : 1);

	if (p == NULL)
		exit(2);
	if (len > 0)
		memcpy(p, src, len);
	return p;
}

static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;

	if (n > cap)
		exit(2);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			exit(2);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void
to_hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

/* Encodes v as a compact and checks the hex; decodes the hex and checks it
 * gives v back and consumes every byte. */
static bool
compact_vector(uint64_t v, const char *hex)
{
	struct scale_writer w;
	struct scale_reader r;
	uint8_t want[32], *enc;
	char got_hex[80];
	size_t n = unhex(hex, want, sizeof(want)), enc_len;
	uint64_t back;
	bool ok;

	scale_writer_init(&w, 64);
	scale_write_compact(&w, v);
	enc = scale_writer_take(&w, &enc_len);
	to_hex(enc, enc_len, got_hex);
	ok = enc_len == n && memcmp(enc, want, n) == 0;
	if (!ok)
		fprintf(stderr, "  compact %" PRIu64 ": got %s want %s\n", v,
		    got_hex, hex);
	scale_reader_init(&r, enc, enc_len);
	ok = scale_read_compact(&r, &back) && ok && back == v &&
	    scale_expect_end(&r) && scale_compact_size(v) == n;
	free(enc);
	return ok;
}

static void
test_compact_vectors(void)
{
	CHECK(compact_vector(0, "00"));
	CHECK(compact_vector(1, "04"));
	CHECK(compact_vector(42, "a8"));
	CHECK(compact_vector(63, "fc"));
	CHECK(compact_vector(64, "0101"));
	CHECK(compact_vector(69, "1501"));
	CHECK(compact_vector(16383, "fdff"));
	CHECK(compact_vector(16384, "02000100"));
	CHECK(compact_vector((1u << 30) - 1, "feffffff"));
	CHECK(compact_vector(1u << 30, "0300000040"));
	CHECK(compact_vector(UINT32_MAX, "03ffffffff"));
	CHECK(compact_vector(1ULL << 32, "070000000001"));
	CHECK(compact_vector(1ULL << 48, "0f00000000000001"));
	CHECK(compact_vector(UINT64_MAX, "13ffffffffffffffff"));
}

static void
test_compact_u128_max(void)
{
	uint8_t max[16], back[16];
	uint8_t want[17];
	struct scale_writer w;
	struct scale_reader r;
	uint8_t *enc;
	size_t len;
	uint64_t as_u64;

	memset(max, 0xff, sizeof(max));
	unhex("33ffffffffffffffffffffffffffffffff", want, sizeof(want));
	scale_writer_init(&w, 64);
	CHECK(scale_write_compact_u128(&w, max));
	enc = scale_writer_take(&w, &len);
	CHECK(len == 17 && memcmp(enc, want, 17) == 0);
	scale_reader_init(&r, enc, len);
	CHECK(scale_read_compact_u128(&r, back));
	CHECK(memcmp(back, max, 16) == 0 && scale_expect_end(&r));
	/* The same bytes do not fit the u64 API: refused at the compact. */
	scale_reader_init(&r, enc, len);
	CHECK(!scale_read_compact(&r, &as_u64) && as_u64 == 0);
	CHECK(r.err_offset == 0 && strstr(r.why, "exceeds u64") != NULL);
	free(enc);
}

static void
test_compact_u32_range(void)
{
	uint8_t buf[16];
	struct scale_reader r;
	uint32_t v;
	size_t n;

	n = unhex("03ffffffff", buf, sizeof(buf));
	scale_reader_init(&r, buf, n);
	CHECK(scale_read_compact_u32(&r, &v) && v == UINT32_MAX);
	n = unhex("070000000001", buf, sizeof(buf));
	scale_reader_init(&r, buf, n);
	CHECK(!scale_read_compact_u32(&r, &v) && v == 0);
	CHECK(strstr(r.why, "exceeds u32") != NULL);
}

/* Feeds hex to the compact reader and expects a refusal mentioning `why`
 * at offset 0. */
static bool
compact_refused(const char *hex, const char *why)
{
	uint8_t buf[40], out[16];
	struct scale_reader r;
	size_t n = unhex(hex, buf, sizeof(buf));
	uint8_t *heap = heap_copy(buf, n);
	bool ok;

	scale_reader_init(&r, heap, n);
	ok = !scale_read_compact_u128(&r, out) && r.err_offset == 0 &&
	    strstr(r.why, why) != NULL;
	if (!ok)
		fprintf(stderr, "  %s: failed=%d offset=%zu why=%s\n", hex,
		    r.failed, r.err_offset, r.why);
	free(heap);
	return ok;
}

static void
test_compact_non_canonical(void)
{
	CHECK(compact_refused("0100", "non-canonical"));	/* 0 in 2 bytes */
	CHECK(compact_refused("fd00", "non-canonical"));	/* 63 in 2 */
	CHECK(compact_refused("02000000", "non-canonical"));	/* 0 in 4 */
	CHECK(compact_refused("feff0000", "non-canonical"));	/* 16383 */
	CHECK(compact_refused("03ffffff3f", "non-canonical"));	/* 2^30-1 */
	CHECK(compact_refused("0300000000", "non-canonical"));
	CHECK(compact_refused("070000004000", "non-canonical")); /* top 0 */
	CHECK(compact_refused("33ffffffffffffffffffffffffffffff00",
	    "non-canonical"));
	/* 17 payload bytes: larger than u128, refused before reading. */
	CHECK(compact_refused("37", "larger than u128"));
	CHECK(compact_refused("ff", "larger than u128"));
	/* Truncated in each mode. */
	CHECK(compact_refused("", "truncated"));
	CHECK(compact_refused("01", "truncated"));
	CHECK(compact_refused("020000", "truncated"));
	CHECK(compact_refused("03000000", "truncated"));
	CHECK(compact_refused("33ffff", "truncated"));
}

static void
test_fixed_int_vectors(void)
{
	uint8_t buf[64];
	size_t n = unhex("2a" "3412" "78563412" "efcdab8967452301"
	    "ff" "feff" "ffffffff" "0080000000000000", buf, sizeof(buf));
	struct scale_reader r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	int8_t i8;
	int16_t i16;
	int32_t i32;
	int64_t i64;

	scale_reader_init(&r, buf, n);
	CHECK(scale_read_u8(&r, &u8) && u8 == 0x2a);
	CHECK(scale_read_u16(&r, &u16) && u16 == 0x1234);
	CHECK(scale_read_u32(&r, &u32) && u32 == 0x12345678);
	CHECK(scale_read_u64(&r, &u64) && u64 == 0x0123456789abcdefULL);
	CHECK(scale_read_i8(&r, &i8) && i8 == -1);
	CHECK(scale_read_i16(&r, &i16) && i16 == -2);
	CHECK(scale_read_i32(&r, &i32) && i32 == -1);
	CHECK(scale_read_i64(&r, &i64) && i64 == 0x8000);
	CHECK(scale_expect_end(&r));
}

static void
test_wide_ints(void)
{
	uint8_t buf[64], le[32], back[32];
	struct scale_reader r;
	struct scale_writer w;
	uint64_t lo, hi;
	uint8_t *enc;
	size_t len;

	/* u128 0x0f0e..00 as lo/hi halves and as bytes. */
	for (int i = 0; i < 16; i++)
		buf[i] = (uint8_t)i;
	scale_reader_init(&r, buf, 16);
	CHECK(scale_read_u128(&r, &lo, &hi));
	CHECK(lo == 0x0706050403020100ULL && hi == 0x0f0e0d0c0b0a0908ULL);
	scale_reader_init(&r, buf, 16);
	CHECK(scale_read_u128_le(&r, back) && memcmp(back, buf, 16) == 0);

	for (int i = 0; i < 32; i++)
		le[i] = (uint8_t)(0xa0 + i);
	scale_writer_init(&w, 1024);
	CHECK(scale_write_u128(&w, lo, hi));
	CHECK(scale_write_u256_le(&w, le));
	CHECK(scale_write_u128_le(&w, buf));
	enc = scale_writer_take(&w, &len);
	CHECK(len == 64 && memcmp(enc, buf, 16) == 0);
	CHECK(memcmp(enc + 16, le, 32) == 0 && memcmp(enc + 48, buf, 16) == 0);
	scale_reader_init(&r, enc, len);
	CHECK(scale_skip(&r, 16) && scale_read_u256_le(&r, back));
	CHECK(memcmp(back, le, 32) == 0);
	free(enc);
}

/* Writes one of every kind of value with random contents, reads them all
 * back and compares. */
static bool
round_trip_once(void)
{
	struct scale_writer w;
	struct scale_reader r;
	uint64_t c = rng_next() >> (rng_next() % 64), c_back;
	uint64_t a = rng_next(), b = rng_next(), a_back, b_back;
	uint32_t u32 = (uint32_t)rng_next(), u32_back;
	uint16_t u16 = (uint16_t)rng_next(), u16_back;
	int64_t i64 = (int64_t)(rng_next() >> 1) * (rng_next() & 1 ? -1 : 1);
	int64_t i64_back;
	uint8_t big[16], big_back[16], blob[40];
	const uint8_t *blob_back;
	size_t blob_len = rng_next() % sizeof(blob), blob_back_len, len;
	bool flag = rng_next() & 1, flag_back;
	uint8_t *enc;
	bool ok;

	for (size_t i = 0; i < 16; i++)
		big[i] = (uint8_t)rng_next();
	/* Vary the width so every big-integer length is exercised. */
	for (size_t i = 1 + rng_next() % 16; i < 16; i++)
		big[i] = 0;
	for (size_t i = 0; i < blob_len; i++)
		blob[i] = (uint8_t)rng_next();
	scale_writer_init(&w, 4096);
	scale_write_compact(&w, c);
	scale_write_u128(&w, a, b);
	scale_write_u32(&w, u32);
	scale_write_u16(&w, u16);
	scale_write_i64(&w, i64);
	scale_write_compact_u128(&w, big);
	scale_write_bytes(&w, blob, blob_len);
	scale_write_bool(&w, flag);
	enc = scale_writer_take(&w, &len);

	scale_reader_init(&r, enc, len);
	ok = scale_read_compact(&r, &c_back);
	ok = scale_read_u128(&r, &a_back, &b_back) && ok;
	ok = scale_read_u32(&r, &u32_back) && ok;
	ok = scale_read_u16(&r, &u16_back) && ok;
	ok = scale_read_i64(&r, &i64_back) && ok;
	ok = scale_read_compact_u128(&r, big_back) && ok;
	ok = scale_read_bytes(&r, &blob_back, &blob_back_len, 64) && ok;
	ok = scale_read_bool(&r, &flag_back) && ok;
	ok = ok && scale_expect_end(&r) && c == c_back && a == a_back &&
	    b == b_back && u32 == u32_back && u16 == u16_back &&
	    i64 == i64_back && memcmp(big, big_back, 16) == 0 &&
	    blob_len == blob_back_len && flag == flag_back &&
	    (blob_len == 0 || memcmp(blob, blob_back, blob_len) == 0);
	free(enc);
	return ok;
}

static void
test_round_trips(void)
{
	int bad = 0;

	rng_state = FUZZ_SEED;
	for (int i = 0; i < 20000; i++)
		bad += !round_trip_once();
	CHECK(bad == 0);
	/* Every compact boundary: 2^k - 1, 2^k, 2^k + 1. */
	bad = 0;
	for (int k = 0; k < 64; k++) {
		uint64_t p = 1ULL << k;
		uint64_t vals[3] = { p - 1, p, p + 1 };

		for (int j = 0; j < 3; j++) {
			struct scale_writer w;
			struct scale_reader r;
			uint64_t back;
			uint8_t *enc;
			size_t len;

			scale_writer_init(&w, 32);
			scale_write_compact(&w, vals[j]);
			enc = scale_writer_take(&w, &len);
			scale_reader_init(&r, enc, len);
			if (!scale_read_compact(&r, &back) || back != vals[j] ||
			    !scale_expect_end(&r) ||
			    len != scale_compact_size(vals[j]))
				bad++;
			free(enc);
		}
	}
	CHECK(bad == 0);
}

/* One kind of value for the truncation test: how to write a sample, how to
 * read it, and where a short read must be reported (relative to the value's
 * start) when `have` of its bytes are present. */
enum kind {
	K_U8, K_U16, K_U32, K_U64, K_I32, K_U128, K_U128LE, K_U256,
	K_COMPACT1, K_COMPACT2, K_COMPACT4, K_COMPACT_BIG, K_COMPACT128,
	K_BOOL, K_OPTION, K_RESULT, K_ENUM, K_BYTES, K_BYTES_LONG, K_STR,
	K_STR_COPY, K_ARRAY, K_VIEW, K_SEQ, K_COUNT
};

static const char *const kind_names[K_COUNT] = {
	"u8", "u16", "u32", "u64", "i32", "u128", "u128le", "u256",
	"compact1", "compact2", "compact4", "compact-big", "compact128",
	"bool", "option", "result", "enum", "bytes", "bytes-long", "str",
	"str-copy", "array", "view", "seq",
};

static void
write_kind(struct scale_writer *w, enum kind k)
{
	uint8_t big[32], long_blob[100];

	memset(big, 0x5a, sizeof(big));
	memset(long_blob, 'x', sizeof(long_blob));
	switch (k) {
	case K_U8: scale_write_u8(w, 7); break;
	case K_U16: scale_write_u16(w, 0xbeef); break;
	case K_U32: scale_write_u32(w, 0xdeadbeef); break;
	case K_U64: scale_write_u64(w, 1); break;
	case K_I32: scale_write_i32(w, -5); break;
	case K_U128: scale_write_u128(w, 1, 2); break;
	case K_U128LE: scale_write_u128_le(w, big); break;
	case K_U256: scale_write_u256_le(w, big); break;
	case K_COMPACT1: scale_write_compact(w, 5); break;
	case K_COMPACT2: scale_write_compact(w, 300); break;
	case K_COMPACT4: scale_write_compact(w, 1u << 20); break;
	case K_COMPACT_BIG: scale_write_compact(w, 1ULL << 40); break;
	case K_COMPACT128: scale_write_compact_u128(w, big); break;
	case K_BOOL: scale_write_bool(w, true); break;
	case K_OPTION: scale_write_option_tag(w, true); break;
	case K_RESULT: scale_write_result_tag(w, true); break;
	case K_ENUM: scale_write_enum_tag(w, 3); break;
	case K_BYTES: scale_write_bytes(w, big, 5); break;
	case K_BYTES_LONG: scale_write_bytes(w, long_blob, 100); break;
	case K_STR: scale_write_str(w, "h\xc3\xa9llo"); break;
	case K_STR_COPY: scale_write_str(w, "rococo"); break;
	case K_ARRAY: scale_write_array(w, big, 8); break;
	case K_VIEW: scale_write_array(w, big, 3); break;
	case K_SEQ: scale_write_compact(w, 2); scale_write_u32(w, 1);
		scale_write_u32(w, 2); break;
	case K_COUNT: break;
	}
}

/* Reads a value of kind k; for K_SEQ the element bytes are part of the
 * value (as a decoder reading a Vec<u32> would see them). */
static bool
read_kind(struct scale_reader *r, enum kind k)
{
	uint8_t u8, b16[16], b32[32];
	uint16_t u16;
	uint32_t u32;
	uint64_t u64, hi;
	int32_t i32;
	bool flag;
	const uint8_t *p;
	const char *s;
	char copy[16];
	size_t n;

	switch (k) {
	case K_U8: return scale_read_u8(r, &u8);
	case K_U16: return scale_read_u16(r, &u16);
	case K_U32: return scale_read_u32(r, &u32);
	case K_U64: return scale_read_u64(r, &u64);
	case K_I32: return scale_read_i32(r, &i32);
	case K_U128: return scale_read_u128(r, &u64, &hi);
	case K_U128LE: return scale_read_u128_le(r, b16);
	case K_U256: return scale_read_u256_le(r, b32);
	case K_COMPACT1: case K_COMPACT2: case K_COMPACT4:
	case K_COMPACT_BIG: return scale_read_compact(r, &u64);
	case K_COMPACT128: return scale_read_compact_u128(r, b16);
	case K_BOOL: return scale_read_bool(r, &flag);
	case K_OPTION: return scale_read_option_tag(r, &flag);
	case K_RESULT: return scale_read_result_tag(r, &flag);
	case K_ENUM: return scale_read_enum_tag(r, &u8, 10);
	case K_BYTES: case K_BYTES_LONG: return scale_read_bytes(r, &p, &n,
	    1000);
	case K_STR: return scale_read_str(r, &s, &n, 100);
	case K_STR_COPY: return scale_read_str_copy(r, copy, sizeof(copy));
	case K_ARRAY: return scale_read_array(r, b32, 8);
	case K_VIEW: return scale_read_view(r, &p, 3);
	case K_SEQ:
		if (!scale_read_seq_len(r, &n, 10, 4))
			return false;
		while (n-- > 0)
			scale_read_u32(r, &u32);
		return scale_ok(r);
	case K_COUNT: break;
	}
	return false;
}

/* Where a read of kind k cut after `have` bytes must fail, relative to the
 * value's start: prefixed kinds fail at the payload once the whole prefix
 * is there; a Vec<u32> fails at the element that is cut (or at its prefix,
 * which checks the element bytes can fit at all). */
static size_t
expected_cut_offset(enum kind k, size_t have, size_t prefix_len)
{
	switch (k) {
	case K_BYTES: case K_BYTES_LONG: case K_STR: case K_STR_COPY:
		return have < prefix_len ? 0 : prefix_len;
	default:
		return 0;
	}
}

#define PAD 3	/* bytes before the value, so offsets are not all zero */

static int
check_truncations(enum kind k)
{
	struct scale_writer w;
	struct scale_reader r;
	uint8_t *enc;
	size_t len, prefix_len, pad_byte;
	int bad = 0;

	scale_writer_init(&w, 1024);
	for (pad_byte = 0; pad_byte < PAD; pad_byte++)
		scale_write_u8(&w, 0xee);
	write_kind(&w, k);
	enc = scale_writer_take(&w, &len);
	/* Sanity: the whole encoding reads back. */
	scale_reader_init(&r, enc, len);
	scale_skip(&r, PAD);
	if (!read_kind(&r, k) || !scale_expect_end(&r)) {
		fprintf(stderr, "  %s: full read failed: %s\n", kind_names[k],
		    r.why);
		bad++;
	}
	/* Every sample string is under 64 bytes but the long one. */
	prefix_len = k == K_BYTES_LONG ? 2 : 1;
	for (size_t have = 0; have < len - PAD; have++) {
		size_t want = PAD + expected_cut_offset(k, have, prefix_len);
		uint8_t *cut = heap_copy(enc, PAD + have);

		scale_reader_init_at(&r, cut, PAD + have, 1000);
		scale_skip(&r, PAD);
		if (read_kind(&r, k) || r.err_offset != 1000 + want ||
		    (strstr(r.why, "truncated") == NULL &&
		    strstr(r.why, "needs at least") == NULL)) {
			fprintf(stderr, "  %s cut at %zu: offset %zu want %zu "
			    "(%s)\n", kind_names[k], have, r.err_offset,
			    1000 + want, r.why);
			bad++;
		}
		free(cut);
	}
	free(enc);
	return bad;
}

static void
test_every_truncation(void)
{
	for (int k = 0; k < K_COUNT; k++)
		CHECK(check_truncations((enum kind)k) == 0);
}

static void
test_tags(void)
{
	const uint8_t two[] = { 2 }, one[] = { 1 }, zero[] = { 0 };
	struct scale_reader r;
	bool flag = true;
	uint8_t tag;

	scale_reader_init(&r, two, 1);
	CHECK(!scale_read_bool(&r, &flag) && !flag && r.err_offset == 0);
	CHECK(strstr(r.why, "bool") != NULL);
	scale_reader_init(&r, two, 1);
	CHECK(!scale_read_option_tag(&r, &flag));
	scale_reader_init(&r, two, 1);
	CHECK(!scale_read_result_tag(&r, &flag));
	scale_reader_init(&r, one, 1);
	CHECK(scale_read_result_tag(&r, &flag) && flag);
	scale_reader_init(&r, zero, 1);
	CHECK(scale_read_option_tag(&r, &flag) && !flag);
	scale_reader_init(&r, two, 1);
	CHECK(!scale_read_enum_tag(&r, &tag, 1) && tag == 0);
	CHECK(strstr(r.why, "out of range") != NULL);
	scale_reader_init(&r, two, 1);
	CHECK(scale_read_enum_tag(&r, &tag, 255) && tag == 2);
}

static void
test_lying_lengths(void)
{
	/* Compact 2^30 as a length, then three bytes. */
	const uint8_t claim[] = { 0x03, 0x00, 0x00, 0x00, 0x40, 1, 2, 3 };
	uint8_t *heap = heap_copy(claim, sizeof(claim));
	struct scale_reader r;
	const uint8_t *p;
	size_t n;

	scale_reader_init(&r, heap, sizeof(claim));
	CHECK(!scale_read_bytes(&r, &p, &n, SIZE_MAX) && p == NULL && n == 0);
	CHECK(r.err_offset == 5 && strstr(r.why, "needs 1073741824") != NULL);
	/* Over the caller's maximum: refused at the prefix. */
	scale_reader_init(&r, heap, sizeof(claim));
	CHECK(!scale_read_bytes(&r, &p, &n, 1000) && r.err_offset == 0);
	CHECK(strstr(r.why, "limit of 1000") != NULL);
	/* A Vec of 2^30 elements: refused by count and by size. */
	scale_reader_init(&r, heap, sizeof(claim));
	CHECK(!scale_read_seq_len(&r, &n, 1000, 1) && r.err_offset == 0);
	scale_reader_init(&r, heap, sizeof(claim));
	CHECK(!scale_read_seq_len(&r, &n, SIZE_MAX, 1) && n == 0);
	CHECK(strstr(r.why, "needs at least 1073741824") != NULL);
	/* Zero-sized elements only answer to the count limit. */
	scale_reader_init(&r, heap, sizeof(claim));
	CHECK(scale_read_seq_len(&r, &n, SIZE_MAX, 0) && n == 1u << 30);
	free(heap);
}

static bool
str_ok(const char *hex)
{
	uint8_t buf[64];
	size_t n = unhex(hex, buf, sizeof(buf));
	struct scale_reader r;
	const char *s;
	size_t len;

	scale_reader_init(&r, buf, n);
	return scale_read_str(&r, &s, &len, 64);
}

static void
test_strings(void)
{
	uint8_t buf[64];
	char copy[7];
	struct scale_reader r;
	size_t n;

	CHECK(str_ok("00"));
	CHECK(str_ok("1468c3a96c6c6f"));		/* "héllo" */
	CHECK(str_ok("10f09f9880"));			/* U+1F600 */
	CHECK(!str_ok("08c328"));			/* bad continuation */
	CHECK(!str_ok("08c0af"));			/* overlong '/' */
	CHECK(!str_ok("0ceda080"));			/* surrogate */
	CHECK(!str_ok("10f4908080"));			/* above U+10FFFF */
	CHECK(!str_ok("04ff"));
	CHECK(!str_ok("04e2"));				/* cut sequence */
	/* The copy variant: exact fit, too long, NUL. */
	n = unhex("18726f636f636f", buf, sizeof(buf));
	scale_reader_init(&r, buf, n);
	CHECK(scale_read_str_copy(&r, copy, sizeof(copy)));
	CHECK_STR(copy, "rococo");
	scale_reader_init(&r, buf, n);
	CHECK(!scale_read_str_copy(&r, copy, 6) && copy[0] == '\0');
	n = unhex("0c610062", buf, sizeof(buf));
	scale_reader_init(&r, buf, n);
	CHECK(!scale_read_str_copy(&r, copy, sizeof(copy)));
	CHECK(strstr(r.why, "NUL") != NULL && r.err_offset == 1);
	n = unhex("0c61ff62", buf, sizeof(buf));
	scale_reader_init(&r, buf, n);
	CHECK(!scale_read_str_copy(&r, copy, sizeof(copy)));
	CHECK(strstr(r.why, "UTF-8") != NULL && r.err_offset == 1);
}

static void
test_sticky_error(void)
{
	const uint8_t data[] = { 0x02, 0x01, 0x02, 0x03, 0x04 };
	struct scale_reader r;
	char msg[160];
	uint32_t u32 = 99;
	bool flag;

	scale_reader_init_at(&r, data, sizeof(data), 100);
	CHECK(!scale_read_bool(&r, &flag));
	CHECK(!scale_read_u32(&r, &u32) && u32 == 0);
	CHECK(r.err_offset == 100 && strstr(r.why, "bool") != NULL);
	CHECK(!scale_ok(&r) && !scale_expect_end(&r));
	CHECK_STR(scale_error(&r, msg, sizeof(msg)),
	    "at offset 100: invalid bool byte 0x02");
	scale_reader_init(&r, data, sizeof(data));
	CHECK_STR(scale_error(&r, msg, sizeof(msg)), "ok");
	CHECK(scale_skip(&r, 1) && !scale_expect_end(&r));
	CHECK(strstr(r.why, "4 trailing bytes") != NULL && r.err_offset == 1);
	/* A caller's own refusal, then the reader stays failed. */
	scale_reader_init(&r, data, sizeof(data));
	CHECK(!scale_fail(&r, "unknown type id %d", 7));
	CHECK(!scale_fail(&r, "second") && strcmp(r.why, "unknown type id 7")
	    == 0);
}

static void
test_writer_cap(void)
{
	struct scale_writer w;
	uint8_t blob[32] = { 0 }, *out;
	size_t len;

	scale_writer_init(&w, 10);
	CHECK(scale_write_u64(&w, 1));
	CHECK(!scale_write_u32(&w, 1) && !scale_writer_ok(&w));
	CHECK(w.len == 8 && strstr(w.why, "cap 10") != NULL);
	CHECK(!scale_write_u8(&w, 1) && w.len == 8);
	CHECK(scale_writer_take(&w, &len) == NULL && len == 0);
	CHECK(w.buf == NULL);

	/* Vec<u8> is all or nothing: prefix + 9 bytes do not fit in 9. */
	scale_writer_init(&w, 9);
	CHECK(!scale_write_bytes(&w, blob, 9) && w.len == 0);
	scale_writer_free(&w);
	scale_writer_init(&w, 10);
	CHECK(scale_write_bytes(&w, blob, 9) && w.len == 10);
	scale_writer_free(&w);

	/* Growth across many small writes up to exactly the cap. */
	scale_writer_init(&w, 100000);
	for (int i = 0; i < 25000; i++)
		scale_write_u32(&w, (uint32_t)i);
	CHECK(scale_writer_ok(&w) && w.len == 100000 && w.cap <= 100000);
	CHECK(!scale_write_u8(&w, 0));
	scale_writer_free(&w);

	scale_writer_init(&w, 0);
	CHECK(!scale_write_u8(&w, 0));
	scale_writer_free(&w);
	scale_writer_init(&w, 16);
	out = scale_writer_take(&w, &len);
	CHECK(out == NULL && len == 0);
}

/* A sequence of random reads over random bytes: nothing may crash, and the
 * reader's state must stay consistent. */
static int
fuzz_reads(const uint8_t *data, size_t len)
{
	struct scale_reader r;
	int bad = 0;

	scale_reader_init(&r, data, len);
	for (int step = 0; step < 12; step++) {
		size_t before = r.pos;
		enum kind k = (enum kind)(rng_next() % K_COUNT);

		read_kind(&r, k);
		if (r.pos > r.len || r.pos < before ||
		    (r.failed && r.err_offset > r.len))
			bad++;
	}
	return bad;
}

/* Any compact the reader accepts must be the one canonical encoding of
 * its value: re-encoding gives exactly the bytes read. */
static int
fuzz_compact_canonical(const uint8_t *data, size_t len)
{
	struct scale_reader r;
	struct scale_writer w;
	uint8_t v[16];
	int bad = 0;

	scale_reader_init(&r, data, len);
	if (!scale_read_compact_u128(&r, v))
		return 0;
	scale_writer_init(&w, 32);
	scale_write_compact_u128(&w, v);
	if (w.len != r.pos || memcmp(w.buf, data, r.pos) != 0)
		bad++;
	scale_writer_free(&w);
	return bad;
}

static void
test_fuzz(void)
{
	int bad = 0, canon_bad = 0;

	printf("fuzz seed 0x%llx, %d rounds\n", (unsigned long long)FUZZ_SEED,
	    FUZZ_ROUNDS);
	rng_state = FUZZ_SEED;
	for (int i = 0; i < FUZZ_ROUNDS; i++) {
		size_t len = rng_next() % 48;
		uint8_t tmp[48], *heap;

		for (size_t j = 0; j < len; j++) {
			/* Bias towards small bytes so tags and short compacts
			 * are often valid and the decoders get further. */
			uint64_t x = rng_next();

			tmp[j] = (uint8_t)(x & 0x100 ? x & 0x07 : x);
		}
		heap = heap_copy(tmp, len);
		bad += fuzz_reads(heap, len);
		canon_bad += fuzz_compact_canonical(heap, len);
		free(heap);
	}
	CHECK(bad == 0);
	CHECK(canon_bad == 0);
}

int
main(void)
{
	RUN(test_compact_vectors);
	RUN(test_compact_u128_max);
	RUN(test_compact_u32_range);
	RUN(test_compact_non_canonical);
	RUN(test_fixed_int_vectors);
	RUN(test_wide_ints);
	RUN(test_round_trips);
	RUN(test_every_truncation);
	RUN(test_tags);
	RUN(test_lying_lengths);
	RUN(test_strings);
	RUN(test_sticky_error);
	RUN(test_writer_cap);
	RUN(test_fuzz);
	return testlib_summary();
}
