/* SCALE bytes -> JSON, driven by a registry type (shape in scale_value.h).
 * The reader does the bounds checks; this file adds the depth and element
 * limits and remembers where in the value the first failure happened. */
#include "scale_value.h"
#include "scale_value_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sv_dec {
	const struct metadata *md;
	struct scale_reader *r;
	size_t elems;
	struct sv_path path;
	/* The first failure: the type and the place in the value. */
	bool recorded;
	uint32_t fail_type;
	char fail_path[SV_PATH_MAX];
};

struct sv_dec *
sv_dec_new(const struct metadata *md, struct scale_reader *r)
{
	struct sv_dec *d = calloc(1, sizeof(*d));

	if (d != NULL) {
		d->md = md;
		d->r = r;
	}
	return d;
}

void
sv_dec_free(struct sv_dec *d)
{
	free(d);
}

struct scale_reader *
sv_dec_reader(struct sv_dec *d)
{
	return d->r;
}

void
sv_dec_error(struct sv_dec *d, char *err, size_t errlen)
{
	char why[SCALE_WHY_MAX + 32];

	snprintf(err, errlen, "type %u at value%s: %s", d->fail_type,
	    d->fail_path[0] != '\0' ? d->fail_path : " (top)",
	    scale_error(d->r, why, sizeof(why)));
}

bool
sv_dec_count(struct sv_dec *d)
{
	if (++d->elems > SCALE_VALUE_MAX_ELEMS)
		return scale_fail(d->r, "more than %d values in one decode",
		    SCALE_VALUE_MAX_ELEMS);
	return scale_ok(d->r);
}

static json_t *
int_or_string(uint64_t v)
{
	char buf[24];

	if (v <= SV_MAX_SAFE_INT)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return json_string(buf);
}

static json_t *
signed_or_string(int64_t v)
{
	char buf[24];

	if (v <= (int64_t)SV_MAX_SAFE_INT && v >= -(int64_t)SV_MAX_SAFE_INT)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return json_string(buf);
}

static json_t *
big_decimal(const uint8_t *le, size_t n, bool is_signed)
{
	char dec[SV_DEC_MAX];

	sv_le_to_decimal(le, n, is_signed, dec);
	return json_string(dec);
}

static json_t *
decode_char(struct sv_dec *d)
{
	uint32_t c;
	char buf[4];
	size_t n;

	if (!scale_read_u32(d->r, &c))
		return NULL;
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		scale_fail_at(d->r, d->r->pos - 4, "0x%x is not a Unicode "
		    "scalar value", c);
		return NULL;
	}
	if (c < 0x80) {
		buf[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		buf[0] = (char)(0xc0 | c >> 6);
		buf[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		buf[0] = (char)(0xe0 | c >> 12);
		buf[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		buf[0] = (char)(0xf0 | c >> 18);
		buf[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		buf[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		buf[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	return json_stringn(buf, n);
}

static json_t *
decode_prim(struct sv_dec *d, enum md_prim prim)
{
	struct scale_reader *r = d->r;
	uint8_t u8, wide[32];
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	int8_t i8;
	int16_t i16;
	int32_t i32;
	int64_t i64;
	bool b;
	const char *s;
	size_t n;

	switch (prim) {
	case MD_BOOL:
		return scale_read_bool(r, &b) ? json_boolean(b) : NULL;
	case MD_CHAR:
		return decode_char(d);
	case MD_STR:
		if (!scale_read_str(r, &s, &n, scale_remaining(r)))
			return NULL;
		return json_stringn(s, n);
	case MD_U8:
		return scale_read_u8(r, &u8) ? json_integer(u8) : NULL;
	case MD_U16:
		return scale_read_u16(r, &u16) ? json_integer(u16) : NULL;
	case MD_U32:
		return scale_read_u32(r, &u32) ? json_integer(u32) : NULL;
	case MD_U64:
		return scale_read_u64(r, &u64) ? int_or_string(u64) : NULL;
	case MD_I8:
		return scale_read_i8(r, &i8) ? json_integer(i8) : NULL;
	case MD_I16:
		return scale_read_i16(r, &i16) ? json_integer(i16) : NULL;
	case MD_I32:
		return scale_read_i32(r, &i32) ? json_integer(i32) : NULL;
	case MD_I64:
		return scale_read_i64(r, &i64) ? signed_or_string(i64) : NULL;
	case MD_U128:
	case MD_I128:
		if (!scale_read_u128_le(r, wide))
			return NULL;
		return big_decimal(wide, 16, prim == MD_I128);
	case MD_U256:
	case MD_I256:
		if (!scale_read_u256_le(r, wide))
			return NULL;
		return big_decimal(wide, 32, prim == MD_I256);
	}
	scale_fail(r, "unknown primitive %d", (int)prim);
	return NULL;
}

static json_t *
decode_compact(struct sv_dec *d, uint32_t type, int depth)
{
	const struct md_type *t = metadata_type(d->md, type);

	if (depth > SCALE_VALUE_MAX_DEPTH) {
		scale_fail(d->r, "Compact nests deeper than %d",
		    SCALE_VALUE_MAX_DEPTH);
		return NULL;
	}
	if (t != NULL && t->def == MD_PRIMITIVE) {
		uint64_t v, max;

		if (t->prim == MD_U128) {
			uint8_t wide[16];

			return scale_read_compact_u128(d->r, wide) ?
			    big_decimal(wide, 16, false) : NULL;
		}
		max = t->prim == MD_U8 ? UINT8_MAX : t->prim == MD_U16 ?
		    UINT16_MAX : t->prim == MD_U32 ? UINT32_MAX :
		    t->prim == MD_U64 ? UINT64_MAX : 0;
		if (max == 0) {
			scale_fail(d->r, "Compact of primitive %d is not "
			    "supported", (int)t->prim);
			return NULL;
		}
		if (!scale_read_compact(d->r, &v))
			return NULL;
		if (v > max) {
			scale_fail(d->r, "compact %llu does not fit the type",
			    (unsigned long long)v);
			return NULL;
		}
		return int_or_string(v);
	}
	if (t != NULL && ((t->def == MD_COMPOSITE && t->nfields == 0) ||
	    (t->def == MD_TUPLE && t->ntuple == 0)))
		return json_null();
	if (t != NULL && t->def == MD_COMPOSITE && t->nfields == 1) {
		json_t *obj, *inner = decode_compact(d, t->fields[0].type, depth + 1);
		if (inner == NULL || t->fields[0].name == NULL)
			return inner;
		obj = json_object();
		json_object_set_new(obj, t->fields[0].name, inner);
		return obj;
	}
	scale_fail(d->r, "Compact of type %u (not an unsigned integer or a "
	    "wrapper of one)", type);
	return NULL;
}

static json_t *
decode_bitseq(struct sv_dec *d, const struct md_type *t)
{
	size_t width, nbits, nstore, i;
	bool msb0;
	char why[128];
	uint32_t bits;
	const uint8_t *bytes;
	char *text;
	json_t *j;

	if (!sv_bitseq_layout(d->md, t, &width, &msb0, why, sizeof(why))) {
		scale_fail(d->r, "%s", why);
		return NULL;
	}
	if (!scale_read_compact_u32(d->r, &bits))
		return NULL;
	nbits = bits;
	nstore = (nbits + 8 * width - 1) / (8 * width);
	if (nstore > scale_remaining(d->r) / width) {
		scale_fail(d->r, "%zu bits need %zu bytes, %zu remain", nbits,
		    nstore * width, scale_remaining(d->r));
		return NULL;
	}
	if (!scale_read_view(d->r, &bytes, nstore * width))
		return NULL;
	text = malloc(nbits + 3);
	if (text == NULL) {
		scale_fail(d->r, "out of memory");
		return NULL;
	}
	memcpy(text, "0b", 2);
	for (i = 0; i < nbits; i++) {
		size_t elem = i / (8 * width), k = i % (8 * width);
		size_t bit = msb0 ? 8 * width - 1 - k : k;
		uint8_t byte = bytes[elem * width + bit / 8];

		text[2 + i] = (byte >> (bit % 8)) & 1 ? '1' : '0';
	}
	text[2 + nbits] = '\0';
	j = json_string(text);
	free(text);
	return j;
}

/* A list of fields as an object (named) or an array (unnamed). */
json_t *
sv_decode_fields_list(struct sv_dec *d, const struct md_field *f, size_t n,
    int depth)
{
	bool named = n > 0 && f[0].name != NULL;
	json_t *out = named ? json_object() : json_array();
	size_t i;

	for (i = 0; out != NULL && i < n; i++) {
		size_t old = sv_path_push(&d->path, f[i].name, i);
		json_t *v = sv_decode_in(d, f[i].type, depth + 1);

		sv_path_pop(&d->path, old);
		if (v == NULL) {
			json_decref(out);
			return NULL;
		}
		if (named && f[i].name != NULL)
			json_object_set_new(out, f[i].name, v);
		else
			json_array_append_new(out, v);
	}
	return out;
}

/* Composite and variant payload shapes: none, one unnamed (its value),
 * several unnamed (array), named (object). */
static json_t *
decode_fields(struct sv_dec *d, const struct md_field *f, size_t n,
    int depth)
{
		if (n == 0)
		return json_null();
	if (n == 1 && f[0].name == NULL) {
		size_t old = sv_path_push(&d->path, NULL, 0);
		json_t *v = sv_decode_in(d, f[0].type, depth + 1);

		sv_path_pop(&d->path, old);
		return v;
	}
	return sv_decode_fields_list(d, f, n, depth);
}

static json_t *
decode_variant(struct sv_dec *d, const struct md_type *t, int depth)
{
	uint8_t tag;
	const struct md_variant *v;
	json_t *inner, *obj;
	size_t old;

	if (!scale_read_u8(d->r, &tag))
		return NULL;
	v = metadata_variant_by_index(t, tag);
	if (v == NULL) {
		scale_fail_at(d->r, d->r->pos - 1, "variant index %u is not "
		    "one of type %u's", tag, t->id);
		return NULL;
	}
	if (v->nfields == 0)
		return json_string(v->name);
	old = sv_path_push(&d->path, v->name, 0);
	inner = decode_fields(d, v->fields, v->nfields, depth);
	sv_path_pop(&d->path, old);
	if (inner == NULL)
		return NULL;
	obj = json_object();
	json_object_set_new(obj, v->name, inner);
	return obj;
}

static json_t *
decode_list(struct sv_dec *d, uint32_t elem, size_t count, int depth)
{
	json_t *arr = json_array();
	size_t i;

	if (count > SCALE_VALUE_MAX_ELEMS - d->elems) {
		scale_fail(d->r, "%zu elements is over the limit of %d values",
		    count, SCALE_VALUE_MAX_ELEMS);
		json_decref(arr);
		return NULL;
	}
	for (i = 0; arr != NULL && i < count; i++) {
		size_t old = sv_path_push(&d->path, NULL, i);
		json_t *v = sv_decode_in(d, elem, depth + 1);

		sv_path_pop(&d->path, old);
		if (v == NULL) {
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, v);
	}
	return arr;
}

static json_t *
decode_bytes_hex(struct sv_dec *d, size_t n)
{
	const uint8_t *b;

	if (!scale_read_view(d->r, &b, n))
		return NULL;
	return scale_value_hex(b, n);
}

static json_t *
decode_def(struct sv_dec *d, const struct md_type *t, int depth)
{
	size_t count;
	json_t *arr;

	switch (t->def) {
	case MD_COMPOSITE:
		return decode_fields(d, t->fields, t->nfields, depth);
	case MD_VARIANT:
		return decode_variant(d, t, depth);
	case MD_SEQUENCE:
		if (sv_is_u8(d->md, t->elem)) {
			if (!scale_read_seq_len(d->r, &count, SIZE_MAX, 1))
				return NULL;
			return decode_bytes_hex(d, count);
		}
		if (!scale_read_seq_len(d->r, &count, SCALE_VALUE_MAX_ELEMS, 0))
			return NULL;
		return decode_list(d, t->elem, count, depth);
	case MD_ARRAY:
		if (sv_is_u8(d->md, t->elem))
			return decode_bytes_hex(d, t->array_len);
		return decode_list(d, t->elem, t->array_len, depth);
	case MD_TUPLE:
		if (t->ntuple == 0)
			return json_null();
		arr = json_array();
		for (count = 0; arr != NULL && count < t->ntuple; count++) {
			size_t old = sv_path_push(&d->path, NULL, count);
			json_t *v = sv_decode_in(d, t->tuple[count], depth + 1);

			sv_path_pop(&d->path, old);
			if (v == NULL) {
				json_decref(arr);
				return NULL;
			}
			json_array_append_new(arr, v);
		}
		return arr;
	case MD_PRIMITIVE:
		return decode_prim(d, t->prim);
	case MD_COMPACT:
		return decode_compact(d, t->elem, depth + 1);
	case MD_BITSEQ:
		return decode_bitseq(d, t);
	}
	scale_fail(d->r, "unknown type definition %d", (int)t->def);
	return NULL;
}

json_t *
sv_decode_in(struct sv_dec *d, uint32_t type, int depth)
{
	const struct md_type *t = metadata_type(d->md, type);
	json_t *v = NULL;

	if (t == NULL)
		scale_fail(d->r, "type id %u does not exist", type);
	else if (depth > SCALE_VALUE_MAX_DEPTH)
		scale_fail(d->r, "the value nests deeper than %d (a type that "
		    "contains itself?)", SCALE_VALUE_MAX_DEPTH);
	else if (sv_dec_count(d))
		v = decode_def(d, t, depth);
	if (v == NULL && !d->recorded) {
		d->recorded = true;
		d->fail_type = type;
		memcpy(d->fail_path, d->path.text, sizeof(d->fail_path));
		if (scale_ok(d->r))
			scale_fail(d->r, "out of memory");
	}
	return v;
}

json_t *
scale_value_decode(const struct metadata *md, uint32_t type,
    struct scale_reader *r, char *err, size_t errlen)
{
	struct sv_dec *d;
	json_t *v;

	if (md == NULL || r == NULL) {
		snprintf(err, errlen, "no metadata or no reader");
		return NULL;
	}
	d = sv_dec_new(md, r);
	if (d == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v = sv_decode_in(d, type, 0);
	if (v == NULL)
		sv_dec_error(d, err, errlen);
	sv_dec_free(d);
	return v;
}

json_t *
scale_value_decode_bytes(const struct metadata *md, uint32_t type,
    const uint8_t *data, size_t len, char *err, size_t errlen)
{
	struct scale_reader r;
	json_t *v;

	scale_reader_init(&r, data, len);
	v = scale_value_decode(md, type, &r, err, errlen);
	if (v != NULL && !scale_expect_end(&r)) {
		char why[SCALE_WHY_MAX + 32];

		snprintf(err, errlen, "type %u: %s", type,
		    scale_error(&r, why, sizeof(why)));
		json_decref(v);
		return NULL;
	}
	return v;
}

json_t *
scale_value_constant(const struct metadata *md, const char *pallet,
    const char *name, char *err, size_t errlen)
{
	const struct md_constant *c = metadata_constant(md, pallet, name);
	json_t *v;
	char why[256];

	if (c == NULL) {
		snprintf(err, errlen, "no constant %s.%s", pallet, name);
		return NULL;
	}
	v = scale_value_decode_bytes(md, c->type, c->value, c->value_len, why,
	    sizeof(why));
	if (v == NULL)
		snprintf(err, errlen, "constant %s.%s: %s", pallet, name, why);
	return v;
}
