/* Unit tests for common/scale_value*.c: a hand-made registry with every
 * kind of type, each value both ways (decode(encode(x)) == x and the exact
 * bytes), every truncation of each, hostile values (a type that contains
 * itself, a Vec<()> claiming 2^30 elements, unknown ids and variants), the
 * encoder's refusals, and on the real metadata: events, module errors,
 * constants and call encoding, checked against @polkadot/types. */
#include "metadata.h"
#include "scale_value.h"
#include "scale.h"
#include "testlib.h"
#include "test_metadata_blobs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	T_U8, T_U32, T_U64, T_U128, T_BOOL, T_STR, T_BYTES, T_ARR4, T_POINT,
	T_OPTION, T_TUPLE, T_CU32, T_CU128, T_LOOP, T_VEC_UNIT, T_UNIT,
	T_I128, T_U256, T_CHAR, T_BITS, T_LSB0, T_PERBILL, T_CPERBILL, T_I64,
	T_U16, T_RESULT, T_POINTS, T_CALL, T_ARR3, T_COUNT
};

static void
b_composite_head(struct scale_writer *w, uint32_t id, const char *path,
    size_t nfields)
{
	b_type_head(w, id, path);
	scale_write_u8(w, MD_COMPOSITE);
	scale_write_compact(w, nfields);
}

static void
b_simple(struct scale_writer *w, uint32_t id, enum md_def def, uint32_t elem)
{
	b_type_head(w, id, NULL);
	scale_write_u8(w, def);
	scale_write_compact(w, elem);
	b_docs_none(w);
}

static void
b_variant(struct scale_writer *w, const char *name, uint8_t index,
    const char *field, uint32_t type)
{
	b_str(w, name);
	scale_write_compact(w, type == UINT32_MAX ? 0 : 1);
	if (type != UINT32_MAX)
		b_field(w, field, type);
	scale_write_u8(w, index);
	b_docs_none(w);
}

static struct metadata *
registry(void)
{
	struct scale_writer w;
	uint8_t *blob;
	size_t len;
	char err[256];
	struct metadata *md;
	const uint8_t answer[4] = { 42, 0, 0, 0 };

	b_begin(&w, T_COUNT);
	b_primitive(&w, T_U8, MD_U8);
	b_primitive(&w, T_U32, MD_U32);
	b_primitive(&w, T_U64, MD_U64);
	b_primitive(&w, T_U128, MD_U128);
	b_primitive(&w, T_BOOL, MD_BOOL);
	b_primitive(&w, T_STR, MD_STR);
	b_simple(&w, T_BYTES, MD_SEQUENCE, T_U8);
	b_type_head(&w, T_ARR4, NULL);
	scale_write_u8(&w, MD_ARRAY);
	scale_write_u32(&w, 4);
	scale_write_compact(&w, T_U8);
	b_docs_none(&w);
	b_composite_head(&w, T_POINT, "test::Point", 2);
	b_field(&w, "a", T_U32);
	b_field(&w, "b", T_BOOL);
	b_docs_none(&w);
	b_type_head(&w, T_OPTION, "Option");
	scale_write_u8(&w, MD_VARIANT);
	scale_write_compact(&w, 2);
	b_variant(&w, "None", 0, NULL, UINT32_MAX);
	b_variant(&w, "Some", 1, NULL, T_U32);
	b_docs_none(&w);
	b_type_head(&w, T_TUPLE, NULL);
	scale_write_u8(&w, MD_TUPLE);
	scale_write_compact(&w, 2);
	scale_write_compact(&w, T_U8);
	scale_write_compact(&w, T_U64);
	b_docs_none(&w);
	b_simple(&w, T_CU32, MD_COMPACT, T_U32);
	b_simple(&w, T_CU128, MD_COMPACT, T_U128);
	b_composite_head(&w, T_LOOP, "test::Loop", 1);
	b_field(&w, "next", T_LOOP);
	b_docs_none(&w);
	b_simple(&w, T_VEC_UNIT, MD_SEQUENCE, T_UNIT);
	b_type_head(&w, T_UNIT, NULL);
	scale_write_u8(&w, MD_TUPLE);
	scale_write_compact(&w, 0);
	b_docs_none(&w);
	b_primitive(&w, T_I128, MD_I128);
	b_primitive(&w, T_U256, MD_U256);
	b_primitive(&w, T_CHAR, MD_CHAR);
	b_type_head(&w, T_BITS, NULL);
	scale_write_u8(&w, MD_BITSEQ);
	scale_write_compact(&w, T_U8);
	scale_write_compact(&w, T_LSB0);
	b_docs_none(&w);
	b_composite_head(&w, T_LSB0, "bitvec::order::Lsb0", 0);
	b_docs_none(&w);
	b_composite_head(&w, T_PERBILL, "sp_arithmetic::Perbill", 1);
	b_field(&w, NULL, T_U32);
	b_docs_none(&w);
	b_simple(&w, T_CPERBILL, MD_COMPACT, T_PERBILL);
	b_primitive(&w, T_I64, MD_I64);
	b_primitive(&w, T_U16, MD_U16);
	b_type_head(&w, T_RESULT, "Result");
	scale_write_u8(&w, MD_VARIANT);
	scale_write_compact(&w, 2);
	b_variant(&w, "Ok", 0, NULL, T_U32);
	b_variant(&w, "Err", 1, NULL, T_STR);
	b_docs_none(&w);
	b_simple(&w, T_POINTS, MD_SEQUENCE, T_POINT);
	b_type_head(&w, T_CALL, "test::Call");
	scale_write_u8(&w, MD_VARIANT);
	scale_write_compact(&w, 3);
	b_variant(&w, "ping", 5, "n", T_U32);
	b_variant(&w, "pong", 9, NULL, UINT32_MAX);
	b_variant(&w, "nested", 3, "call", T_CALL);
	b_docs_none(&w);
	b_type_head(&w, T_ARR3, NULL);
	scale_write_u8(&w, MD_ARRAY);
	scale_write_u32(&w, 3);
	scale_write_compact(&w, T_U32);
	b_docs_none(&w);
	scale_write_compact(&w, 1);
	b_pallet_test(&w, T_CALL, T_U32, answer, sizeof(answer));
	b_finish(&w);
	blob = scale_writer_take(&w, &len);
	md = metadata_decode(blob, len, err, sizeof(err));
	if (md == NULL)
		printf("registry: %s\n", err);
	free(blob);
	return md;
}

static uint8_t *
unhex(const char *hex, size_t *len)
{
	char err[128];
	uint8_t *b = metadata_unhex(hex, strlen(hex), 1 << 20, len, err,
	    sizeof(err));

	if (b == NULL) {
		printf("bad test hex %s: %s\n", hex, err);
		exit(2);
	}
	return b;
}

static char *
dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Decodes hex as the type and expects json_text; encodes json_text and
 * expects hex; every shorter prefix must be refused. */
static void
both_ways(const struct metadata *md, uint32_t type, const char *hex,
    const char *json_text)
{
	size_t len, out_len, cut;
	uint8_t *bytes = unhex(hex, &len), *out;
	char err[256];
	json_t *want = json_loads(json_text, JSON_DECODE_ANY, NULL);
	json_t *got = scale_value_decode_bytes(md, type, bytes, len, err,
	    sizeof(err));
	struct scale_writer w;
	bool same = got != NULL && want != NULL && json_equal(got, want);

	CHECK(same);
	if (!same) {
		char *s = got != NULL ? dump(got) : NULL;

		printf("  type %u %s: got %s (%s), want %s\n", type, hex,
		    s != NULL ? s : "NULL", got == NULL ? err : "", json_text);
		free(s);
	}
	scale_writer_init(&w, 1 << 20);
	same = want != NULL && scale_value_encode(md, type, want, &w, err,
	    sizeof(err));
	out = scale_writer_take(&w, &out_len);
	same = same && out_len == len && (len == 0 || memcmp(out, bytes, len)
	    == 0);
	CHECK(same);
	if (!same)
		printf("  encode type %u %s: %s\n", type, json_text, err);
	free(out);
	for (cut = 0; cut < len; cut++) {
		uint8_t *prefix = malloc(cut + 1);
		json_t *v;

		if (prefix == NULL)
			exit(2);
		memcpy(prefix, bytes, cut);
		v = scale_value_decode_bytes(md, type, prefix, cut, err,
		    sizeof(err));
		CHECK(v == NULL && strstr(err, "offset") != NULL);
		json_decref(v);
		free(prefix);
	}
	json_decref(want);
	json_decref(got);
	free(bytes);
}

static void
test_shapes(void)
{
	struct metadata *md = registry();

	if (md == NULL) {
		CHECK(md != NULL);
		return;
	}
	both_ways(md, T_U8, "ff", "255");
	both_ways(md, T_U16, "3412", "4660");
	both_ways(md, T_U32, "78563412", "305419896");
	both_ways(md, T_U64, "0000000000002000", "9007199254740992");
	both_ways(md, T_U64, "0100000000002000", "\"9007199254740993\"");
	both_ways(md, T_U64, "ffffffffffffffff", "\"18446744073709551615\"");
	both_ways(md, T_I64, "feffffffffffffff", "-2");
	both_ways(md, T_I64, "0000000000000080", "\"-9223372036854775808\"");
	both_ways(md, T_U128, "ffffffffffffffffffffffffffffffff",
	    "\"340282366920938463463374607431768211455\"");
	both_ways(md, T_U128, "00000000000000000000000000000000", "\"0\"");
	both_ways(md, T_I128, "ffffffffffffffffffffffffffffffff", "\"-1\"");
	both_ways(md, T_I128, "00000000000000000000000000000080",
	    "\"-170141183460469231731687303715884105728\"");
	both_ways(md, T_U256,
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    "\"115792089237316195423570985008687907853269984665640564039457584"
	    "007913129639935\"");
	both_ways(md, T_BOOL, "01", "true");
	both_ways(md, T_STR, "0c616263", "\"abc\"");
	both_ways(md, T_STR, "00", "\"\"");
	both_ways(md, T_CHAR, "ac200000", "\"\xe2\x82\xac\"");
	both_ways(md, T_BYTES, "0c010203", "\"0x010203\"");
	both_ways(md, T_BYTES, "00", "\"0x\"");
	both_ways(md, T_ARR4, "deadbeef", "\"0xdeadbeef\"");
	both_ways(md, T_ARR3, "010000000200000003000000", "[1,2,3]");
	both_ways(md, T_POINT, "0700000001", "{\"a\":7,\"b\":true}");
	both_ways(md, T_POINTS, "08070000000108000000" "00",
	    "[{\"a\":7,\"b\":true},{\"a\":8,\"b\":false}]");
	both_ways(md, T_OPTION, "00", "\"None\"");
	both_ways(md, T_OPTION, "0105000000", "{\"Some\":5}");
	both_ways(md, T_RESULT, "0110686f6e6b", "{\"Err\":\"honk\"}");
	both_ways(md, T_TUPLE, "010200000000000000", "[1,2]");
	both_ways(md, T_UNIT, "", "null");
	both_ways(md, T_VEC_UNIT, "0c", "[null,null,null]");
	both_ways(md, T_CU32, "fdff", "16383");
	both_ways(md, T_CU32, "03ffffffff", "4294967295");
	both_ways(md, T_CU128, "17000000000000000001",
	    "\"18446744073709551616\"");
	both_ways(md, T_PERBILL, "00ca9a3b", "1000000000");
	both_ways(md, T_CPERBILL, "02286bee", "1000000000");
	both_ways(md, T_BITS, "2c" "a503", "\"0b10100101110\"");
	both_ways(md, T_CALL, "0507000000", "{\"ping\":{\"n\":7}}");
	both_ways(md, T_CALL, "09", "\"pong\"");
	both_ways(md, T_CALL, "030309",
	    "{\"nested\":{\"call\":{\"nested\":{\"call\":\"pong\"}}}}");
	metadata_free(md);
}

static json_t *
decode_hex(const struct metadata *md, uint32_t type, const char *hex,
    char *err, size_t errlen)
{
	size_t len;
	uint8_t *b = unhex(hex, &len);
	json_t *v = scale_value_decode_bytes(md, type, b, len, err, errlen);

	free(b);
	return v;
}

static void
test_hostile_values(void)
{
	struct metadata *md = registry();
	char err[512];
	json_t *v;
	uint8_t *zeros;

	if (md == NULL)
		return;
	/* A type that contains itself: stops at the depth limit. */
	zeros = calloc(4096, 1);
	if (zeros == NULL)
		exit(2);
	v = scale_value_decode_bytes(md, T_LOOP, zeros, 4096, err, sizeof(err));
	CHECK(v == NULL && strstr(err, "deeper than") != NULL);
	CHECK(strstr(err, ".next.next") != NULL);
	printf("  loop: %.120s…\n", err);
	free(zeros);
	/* Nested calls: each level is one byte, the depth limit holds. */
	{
		char hex[2 * 200 + 3];
		size_t i;

		for (i = 0; i < 199; i++)
			memcpy(hex + 2 * i, "03", 2);
		memcpy(hex + 2 * 199, "09", 3);
		v = decode_hex(md, T_CALL, hex, err, sizeof(err));
		CHECK(v == NULL && strstr(err, "deeper than") != NULL);
	}
	/* Vec<()> claiming 2^30 elements: zero bytes each, refused by the
	 * element limit before anything is built. */
	v = decode_hex(md, T_VEC_UNIT, "0300000040", err, sizeof(err));
	CHECK(v == NULL && strstr(err, "1073741824") != NULL);
	printf("  2^30 units: %s\n", err);
	/* Vec<u8> and Vec<Point> claiming 2^30 elements in 5 bytes. */
	v = decode_hex(md, T_BYTES, "0300000040", err, sizeof(err));
	CHECK(v == NULL && strstr(err, "offset 0") != NULL);
	v = decode_hex(md, T_POINTS, "0300000040", err, sizeof(err));
	CHECK(v == NULL);
	/* Unknown type ids and variants, bad bools and chars, non-canonical
	 * compacts, trailing bytes. */
	v = decode_hex(md, T_COUNT + 5, "00", err, sizeof(err));
	CHECK(v == NULL && strstr(err, "does not exist") != NULL);
	v = decode_hex(md, T_CALL, "04", err, sizeof(err));
	CHECK(v == NULL && strstr(err, "variant index 4") != NULL);
	v = decode_hex(md, T_BOOL, "02", err, sizeof(err));
	CHECK(v == NULL);
	v = decode_hex(md, T_CHAR, "00d80000", err, sizeof(err));
	CHECK(v == NULL && strstr(err, "scalar") != NULL);
	v = decode_hex(md, T_CU32, "0400", err, sizeof(err));
	CHECK(v == NULL);
	v = decode_hex(md, T_U8, "0102", err, sizeof(err));
	CHECK(v == NULL && strstr(err, "trailing") != NULL);
	v = decode_hex(md, T_STR, "08ff00", err, sizeof(err));
	CHECK(v == NULL);
	v = decode_hex(md, T_POINTS, "0807000000010800000002", err,
	    sizeof(err));
	CHECK(v == NULL && strstr(err, "[1].b") != NULL);
	printf("  bad bool: %s\n", err);
	metadata_free(md);
}

static void
encode_fails(const struct metadata *md, uint32_t type, const char *json,
    const char *why)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	struct scale_writer w;
	char err[256] = "";
	bool ok;

	scale_writer_init(&w, 1 << 20);
	ok = v != NULL && scale_value_encode(md, type, v, &w, err,
	    sizeof(err));
	CHECK(!ok && strstr(err, why) != NULL);
	if (ok || strstr(err, why) == NULL)
		printf("  %s as %u: \"%s\", want \"%s\"\n", json, type, err,
		    why);
	scale_writer_free(&w);
	json_decref(v);
}

static void
test_encode_refusals(void)
{
	struct metadata *md = registry();

	if (md == NULL)
		return;
	encode_fails(md, T_U8, "256", "not an unsigned 8-bit");
	encode_fails(md, T_U8, "-1", "not an unsigned 8-bit");
	encode_fails(md, T_U8, "1.5", "expected an integer");
	encode_fails(md, T_U64, "\"18446744073709551616\"", "64-bit");
	encode_fails(md, T_U64, "\"012\"", "64-bit");
	encode_fails(md, T_U64, "\"12a\"", "64-bit");
	encode_fails(md, T_I128, "\"170141183460469231731687303715884105728\"",
	    "signed 128-bit");
	encode_fails(md, T_POINT, "{\"a\":1}", "field \"b\" is missing");
	encode_fails(md, T_POINT, "{\"a\":1,\"b\":true,\"c\":2}",
	    "no field \"c\"");
	encode_fails(md, T_POINT, "{\"a\":1,\"b\":3}", "true or false");
	encode_fails(md, T_OPTION, "\"Maybe\"", "no variant \"Maybe\"");
	encode_fails(md, T_OPTION, "{\"Some\":1,\"None\":null}", "expected");
	encode_fails(md, T_ARR4, "\"0x0102\"", "expected 4 bytes");
	encode_fails(md, T_ARR3, "[1,2]", "expected 3 elements");
	encode_fails(md, T_BYTES, "\"0x0g\"", "hex");
	encode_fails(md, T_BYTES, "[1,300]", "0..255");
	encode_fails(md, T_CU32, "4294967296", "32-bit");
	encode_fails(md, T_CHAR, "\"ab\"", "one-character");
	encode_fails(md, T_BITS, "\"0b102\"", "bit 2");
	encode_fails(md, T_COUNT + 1, "1", "does not exist");
	encode_fails(md, T_POINTS, "[{\"a\":1,\"b\":true},{\"a\":\"x\"}]",
	    "value[1]");
	/* The array-in-field-order convenience. */
	{
		json_t *v = json_loads("[7,true]", 0, NULL);
		struct scale_writer w;
		char err[128];
		size_t n;
		uint8_t *out;

		scale_writer_init(&w, 64);
		CHECK(scale_value_encode(md, T_POINT, v, &w, err, sizeof(err)));
		out = scale_writer_take(&w, &n);
		CHECK(n == 5 && out[0] == 7 && out[4] == 1);
		free(out);
		json_decref(v);
	}
	metadata_free(md);
}

static void
test_zero_and_calls(void)
{
	struct metadata *md = registry();
	char err[256];
	json_t *z, *args;
	uint8_t *call;
	size_t n;

	if (md == NULL)
		return;
	z = scale_value_zero(md, T_POINT, err, sizeof(err));
	args = json_pack("{s:i, s:b}", "a", 0, "b", 0);
	CHECK(z != NULL && json_equal(z, args));
	json_decref(args);
	json_decref(z);
	z = scale_value_zero(md, T_LOOP, err, sizeof(err));
	CHECK(z == NULL && strstr(err, "itself") != NULL);
	z = scale_value_zero(md, T_OPTION, err, sizeof(err));
	CHECK(z != NULL && strcmp(json_string_value(z), "None") == 0);
	json_decref(z);

	args = json_pack("{s:i}", "n", 7);
	CHECK(scale_value_encode_call(md, "Test", "ping", args, &call, &n, err,
	    sizeof(err)) && n == 6 && call[0] == 7 && call[1] == 5 &&
	    call[2] == 7);
	free(call);
	json_decref(args);
	CHECK(scale_value_encode_call(md, "Test", "pong", NULL, &call, &n, err,
	    sizeof(err)) && n == 2 && call[1] == 9);
	free(call);
	CHECK(!scale_value_encode_call(md, "Test", "pang", NULL, &call, &n,
	    err, sizeof(err)) && strstr(err, "no call pang") != NULL);
	CHECK(!scale_value_encode_call(md, "Nope", "ping", NULL, &call, &n,
	    err, sizeof(err)) && strstr(err, "no pallet Nope") != NULL);
	CHECK(!scale_value_encode_call(md, "Test", "ping", NULL, &call, &n,
	    err, sizeof(err)));
	z = scale_value_constant(md, "Test", "Answer", err, sizeof(err));
	CHECK(z != NULL && json_integer_value(z) == 42);
	json_decref(z);
	metadata_free(md);
}

/* The real V14 substrate metadata; the expected values were read with
 * @polkadot/types 16.5.6 from the same bytes. */
static struct metadata *
real(const char *name)
{
	size_t len;
	uint8_t *bin = support_metadata(name, &len);
	struct metadata *md;
	char err[256];

	if (bin == NULL)
		return NULL;
	md = metadata_decode_any(bin, len, err, sizeof(err));
	free(bin);
	if (md == NULL)
		printf("%s: %s\n", name, err);
	return md;
}

static void
test_real_constants_and_errors(void)
{
	struct metadata *md = real("v14/substrate");
	char err[256], *s;
	json_t *v, *de;
	const uint8_t error[4] = { 3, 0, 0, 0 };

	if (md == NULL)
		return;
	v = scale_value_constant(md, "System", "BlockLength", err, sizeof(err));
	s = v != NULL ? dump(v) : NULL;
	CHECK_STR(s, "{\"max\":{\"normal\":3932160,\"operational\":5242880,"
	    "\"mandatory\":5242880}}");
	free(s);
	json_decref(v);
	v = scale_value_constant(md, "System", "BlockHashCount", err,
	    sizeof(err));
	CHECK(v != NULL && json_integer_value(v) == 2400);
	json_decref(v);
	v = scale_value_constant(md, "Balances", "ExistentialDeposit", err,
	    sizeof(err));
	CHECK(v != NULL && strcmp(json_string_value(v), "100000000000000") == 0);
	json_decref(v);
	v = scale_value_constant(md, "System", "Version", err, sizeof(err));
	CHECK(v != NULL && json_integer_value(json_object_get(v,
	    "spec_version")) == 268);
	CHECK(v != NULL && strcmp(json_string_value(json_object_get(v,
	    "impl_name")), "substrate-node") == 0);
	json_decref(v);
	v = scale_value_constant(md, "System", "Nope", err, sizeof(err));
	CHECK(v == NULL && strstr(err, "no constant") != NULL);

	v = scale_value_module_error(md, 0, error, 4, err, sizeof(err));
	CHECK(v != NULL && strcmp(json_string_value(json_object_get(v,
	    "error")), "NonDefaultComposite") == 0);
	CHECK(v != NULL && strcmp(json_string_value(json_object_get(v,
	    "docs")), "Suicide called when the account has non-default "
	    "composite data.") == 0);
	json_decref(v);
	v = scale_value_module_error(md, 200, error, 4, err, sizeof(err));
	CHECK(v == NULL && strstr(err, "no pallet at index 200") != NULL);
	de = json_loads("{\"Module\":{\"index\":0,\"error\":\"0x03000000\"}}",
	    0, NULL);
	v = scale_value_dispatch_error(md, de, err, sizeof(err));
	CHECK(v != NULL && strcmp(json_string_value(json_object_get(v,
	    "pallet")), "System") == 0);
	json_decref(v);
	json_decref(de);
	de = json_loads("{\"Module\":{\"index\":0,\"error\":3}}", 0, NULL);
	v = scale_value_dispatch_error(md, de, err, sizeof(err));
	CHECK(v != NULL && json_integer_value(json_object_get(v,
	    "error_index")) == 3);
	json_decref(v);
	json_decref(de);
	de = json_string("BadOrigin");
	v = scale_value_dispatch_error(md, de, err, sizeof(err));
	CHECK(v != NULL && strcmp(json_string_value(json_object_get(v,
	    "error")), "BadOrigin") == 0);
	json_decref(v);
	json_decref(de);
	metadata_free(md);
}

/* Three records (ExtrinsicSuccess, Balances.Transfer with a topic,
 * Sudo.Sudid(Err(Module))), hand-made, checked byte for byte by
 * @polkadot/types (its toHex() of the decoded value gives these bytes). */
#define EVENTS_HEX "0c00010000000000a10f0800000000020000000602" \
	"d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d" \
	"8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48" \
	"d20a1feb8ca954ab000000000000000004" \
	"d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d" \
	"0116000103000300000000"

static void
test_real_events(void)
{
	struct metadata *md = real("v14/substrate");
	size_t len, cut;
	uint8_t *b = unhex(EVENTS_HEX, &len);
	char err[256];
	json_t *ev, *e, *de, *resolved;

	if (md == NULL) {
		free(b);
		return;
	}
	ev = scale_value_events(md, b, len, err, sizeof(err));
	CHECK(ev != NULL && json_array_size(ev) == 3);
	if (ev == NULL)
		printf("  %s\n", err);
	e = json_array_get(ev, 0);
	CHECK_STR(json_string_value(json_object_get(e, "event")),
	    "system.ExtrinsicSuccess");
	CHECK(json_integer_value(json_object_get(json_object_get(e, "phase"),
	    "ApplyExtrinsic")) == 1);
	CHECK(json_integer_value(json_object_get(json_object_get(
	    json_object_get(json_object_get(e, "fields"), "dispatch_info"),
	    "weight"), "ref_time")) == 1000);
	e = json_array_get(ev, 1);
	CHECK_STR(json_string_value(json_object_get(e, "event")),
	    "balances.Transfer");
	CHECK_STR(json_string_value(json_object_get(json_object_get(e,
	    "fields"), "amount")), "12345678901234567890");
	CHECK_STR(json_string_value(json_object_get(json_object_get(e,
	    "fields"), "to")), "0x8eaf04151687736326c9fea17e25fc5287613693c912"
	    "909cb226aa4794f26a48");
	CHECK(json_array_size(json_object_get(e, "topics")) == 1);
	e = json_array_get(ev, 2);
	CHECK_STR(json_string_value(json_object_get(e, "event")), "sudo.Sudid");
	CHECK_STR(json_string_value(json_object_get(e, "phase")),
	    "Finalization");
	de = json_object_get(json_object_get(json_object_get(e, "fields"),
	    "sudo_result"), "Err");
	resolved = scale_value_dispatch_error(md, de, err, sizeof(err));
	CHECK(resolved != NULL && strcmp(json_string_value(json_object_get(
	    resolved, "error")), "NonDefaultComposite") == 0);
	json_decref(resolved);
	json_decref(ev);
	/* Every truncation is refused with a reason. */
	for (cut = 0; cut < len; cut++) {
		ev = scale_value_events(md, b, cut, err, sizeof(err));
		CHECK(ev == NULL && strstr(err, "offset") != NULL);
		json_decref(ev);
	}
	/* A trailing byte too. */
	{
		uint8_t *more = malloc(len + 1);

		if (more == NULL)
			exit(2);
		memcpy(more, b, len);
		more[len] = 0;
		ev = scale_value_events(md, more, len + 1, err, sizeof(err));
		CHECK(ev == NULL && strstr(err, "trailing") != NULL);
		free(more);
	}
	free(b);
	metadata_free(md);
}

static char *
call_hex(const struct metadata *md, const char *pallet, const char *call,
    const char *args_json, char *err, size_t errlen)
{
	json_t *args = json_loads(args_json, JSON_DECODE_ANY, NULL);
	uint8_t *out;
	size_t n;
	json_t *hex;
	char *s = NULL;

	if (scale_value_encode_call(md, pallet, call, args, &out, &n, err,
	    errlen)) {
		hex = scale_value_hex(out, n);
		s = strdup(json_string_value(hex));
		json_decref(hex);
		free(out);
	}
	json_decref(args);
	return s;
}

/* Calls compared with @polkadot/types' encoding of the same call. */
static void
test_real_calls(void)
{
	struct metadata *md = real("v14/substrate");
	char err[256], *s;
	const struct md_variant *v;
	json_t *weight, *args;
	uint8_t *out;
	size_t n;

	if (md == NULL)
		return;
	s = call_hex(md, "Sudo", "sudo_unchecked_weight", "{\"call\":{"
	    "\"System\":{\"remark\":{\"remark\":\"0x1234\"}}},\"weight\":"
	    "{\"ref_time\":5,\"proof_size\":0}}", err, sizeof(err));
	CHECK_STR(s, "0x160100000812341400");
	free(s);
	/* The inner call pre-encoded; bytes that are not one call refused. */
	s = call_hex(md, "Sudo", "sudo_unchecked_weight", "{\"call\":"
	    "\"0x0000081234\",\"weight\":{\"ref_time\":5,\"proof_size\":0}}",
	    err, sizeof(err));
	CHECK_STR(s, "0x160100000812341400");
	free(s);
	s = call_hex(md, "Sudo", "sudo", "{\"call\":\"0x000008123400\"}", err,
	    sizeof(err));
	CHECK(s == NULL && strstr(err, "pre-encoded call does not decode")
	    != NULL);
	free(s);
	s = call_hex(md, "Balances", "transfer_keep_alive", "{\"dest\":{\"Id\":"
	    "\"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
	    "\"},\"value\":\"1000000000000\"}", err, sizeof(err));
	CHECK_STR(s, "0x060300d43593c715fdd31c61141abd04a99fd6822c8558854ccde3"
	    "9a5684e7a56da27d070010a5d4e8");
	free(s);
	/* The caller need not know the weight's shape: fill it from the
	 * registry's zero. */
	v = metadata_call(md, "Sudo", "sudo_unchecked_weight");
	weight = v != NULL ? scale_value_zero(md, v->fields[1].type, err,
	    sizeof(err)) : NULL;
	args = json_pack("{s:s, s:o}", "call", "0x0000081234", "weight",
	    weight);
	CHECK(scale_value_encode_call(md, "Sudo", "sudo_unchecked_weight",
	    args, &out, &n, err, sizeof(err)) && n == 9 && out[7] == 0 &&
	    out[8] == 0);
	free(out);
	json_decref(args);
	metadata_free(md);
}

/* Every storage value and constant of the real metadata decodes from its
 * default bytes and encodes back to the same bytes. */
static void
test_real_roundtrip_defaults(void)
{
	const char *names[] = { "v14/substrate", "v15/polkadot",
	    "v16/substrate" };
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		struct metadata *md = real(names[k]);
		size_t i, j, done = 0, bad = 0;
		char err[256];

		if (md == NULL)
			continue;
		for (i = 0; i < md->npallets; i++) {
			const struct md_pallet *p = &md->pallets[i];

			for (j = 0; j < p->nconstants + p->nstorage; j++) {
				const uint8_t *b;
				size_t len, out_len;
				uint32_t type;
				json_t *v;
				struct scale_writer w;
				uint8_t *out;

				if (j < p->nconstants) {
					b = p->constants[j].value;
					len = p->constants[j].value_len;
					type = p->constants[j].type;
				} else {
					const struct md_storage_entry *e =
					    &p->storage[j - p->nconstants];

					if (e->optional)
						continue;
					b = e->default_value;
					len = e->default_len;
					type = e->value;
				}
				v = scale_value_decode_bytes(md, type, b, len,
				    err, sizeof(err));
				if (v == NULL) {
					bad++;
					printf("  %s %s[%zu]: %s\n", names[k],
					    p->name, j, err);
					continue;
				}
				scale_writer_init(&w, 1 << 20);
				if (!scale_value_encode(md, type, v, &w, err,
				    sizeof(err)))
					printf("  %s %s[%zu] encode: %s\n",
					    names[k], p->name, j, err);
				out = scale_writer_take(&w, &out_len);
				if (out_len != len || (len > 0 &&
				    memcmp(out, b, len) != 0))
					bad++;
				free(out);
				json_decref(v);
				done++;
			}
		}
		printf("  %s: %zu values both ways, %zu wrong\n", names[k],
		    done, bad);
		CHECK(bad == 0 && done > 100);
		metadata_free(md);
	}
}

int
main(void)
{
	RUN(test_shapes);
	RUN(test_hostile_values);
	RUN(test_encode_refusals);
	RUN(test_zero_and_calls);
	RUN(test_real_constants_and_errors);
	RUN(test_real_events);
	RUN(test_real_calls);
	RUN(test_real_roundtrip_defaults);
	return testlib_summary();
}
