/* JSON -> SCALE bytes, driven by a registry type; the same shape the
 * decoder gives (scale_value.h), plus a few conveniences: an array of
 * integers for a byte string, an array in field order for named fields,
 * and a pre-encoded "0x…" call where the type is the outer call enum. */
#include "scale_value.h"
#include "scale_value_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sv_enc {
	const struct metadata *md;
	struct scale_writer *w;
	struct sv_path path;
	bool failed;
	char err[320];
};

static bool enc_in(struct sv_enc *e, uint32_t type, const json_t *v,
    int depth);

static bool
efail(struct sv_enc *e, uint32_t type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first failure with the place in the value; always false. */
static bool
efail(struct sv_enc *e, uint32_t type, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	if (e->failed)
		return false;
	e->failed = true;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(e->err, sizeof(e->err), "type %u at value%s: %s", type,
	    e->path.len > 0 ? e->path.text : " (top)", why);
	return false;
}

static bool
writer_ok(struct sv_enc *e, uint32_t type)
{
	if (scale_writer_ok(e->w))
		return true;
	return efail(e, type, "%s", e->w->why);
}

/* A JSON integer or decimal string -> n-byte little-endian. */
static bool
json_to_le(struct sv_enc *e, uint32_t type, const json_t *v, uint8_t *le,
    size_t n, bool is_signed)
{
	char buf[SV_DEC_MAX];
	const char *s;

	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld",
		    (long long)json_integer_value(v));
		s = buf;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
	} else {
		return efail(e, type, "expected an integer or a decimal string");
	}
	if (!sv_decimal_to_le(s, le, n, is_signed))
		return efail(e, type, "\"%.40s\" is not a%s %zu-bit integer", s,
		    is_signed ? " signed" : "n unsigned", 8 * n);
	return true;
}

static bool
enc_char(struct sv_enc *e, uint32_t type, const json_t *v)
{
	const unsigned char *s = (const unsigned char *)json_string_value(v);
	size_t n = json_string_length(v);
	uint32_t c;

	if (s == NULL || n == 0 || n > 4)
		return efail(e, type, "expected a one-character string");
	if (n == 1 && s[0] < 0x80)
		c = s[0];
	else if (n == 2 && (s[0] & 0xe0) == 0xc0)
		c = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	else if (n == 3 && (s[0] & 0xf0) == 0xe0)
		c = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6
		    | (s[2] & 0x3f);
	else if (n == 4 && (s[0] & 0xf8) == 0xf0)
		c = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) <<
		    12 | (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	else
		return efail(e, type, "expected a one-character string");
	scale_write_u32(e->w, c);
	return writer_ok(e, type);
}

static bool
enc_prim(struct sv_enc *e, uint32_t type, enum md_prim prim, const json_t *v)
{
	uint8_t le[32];
	size_t width;

	switch (prim) {
	case MD_BOOL:
		if (!json_is_boolean(v))
			return efail(e, type, "expected true or false");
		scale_write_bool(e->w, json_is_true(v));
		return writer_ok(e, type);
	case MD_CHAR:
		return enc_char(e, type, v);
	case MD_STR:
		if (!json_is_string(v))
			return efail(e, type, "expected a string");
		scale_write_bytes(e->w, (const uint8_t *)json_string_value(v),
		    json_string_length(v));
		return writer_ok(e, type);
	default:
		break;
	}
	width = sv_prim_width(prim);
	if (width == 0)
		return efail(e, type, "unknown primitive %d", (int)prim);
	if (!json_to_le(e, type, v, le, width, sv_prim_signed(prim)))
		return false;
	scale_write_raw(e->w, le, width);
	return writer_ok(e, type);
}

static bool
enc_compact(struct sv_enc *e, uint32_t type, const json_t *v, int depth)
{
	const struct md_type *t = metadata_type(e->md, type);

	if (t == NULL || depth > SCALE_VALUE_MAX_DEPTH)
		return efail(e, type, "Compact of an unusable type");
	if (t->def == MD_PRIMITIVE) {
		uint8_t le[16] = { 0 };
		size_t width = sv_prim_width(t->prim);

		if (width == 0 || width > 16 || sv_prim_signed(t->prim))
			return efail(e, type, "Compact of primitive %d is not "
			    "supported", (int)t->prim);
		if (!json_to_le(e, type, v, le, width, false))
			return false;
		scale_write_compact_u128(e->w, le);
		return writer_ok(e, type);
	}
	if ((t->def == MD_COMPOSITE && t->nfields == 0) ||
	    (t->def == MD_TUPLE && t->ntuple == 0))
		return true;
	if (t->def == MD_COMPOSITE && t->nfields == 1) {
		const json_t *inner = v;

		if (t->fields[0].name != NULL) {
			inner = json_object_get(v, t->fields[0].name);
			if (inner == NULL || json_object_size(v) != 1)
				return efail(e, type, "expected {\"%s\": …}",
				    t->fields[0].name);
		}
		return enc_compact(e, t->fields[0].type, inner, depth + 1);
	}
	return efail(e, type, "Compact of a type that is not an unsigned "
	    "integer or a wrapper of one");
}

/* Bytes from "0x…" hex or an array of integers 0..255. A new buffer. */
static uint8_t *
json_bytes(struct sv_enc *e, uint32_t type, const json_t *v, size_t *len)
{
	uint8_t *b;
	size_t i;

	*len = 0;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char why[128];

		if (strncmp(s, "0x", 2) != 0) {
			efail(e, type, "expected \"0x…\" hex bytes");
			return NULL;
		}
		b = metadata_unhex(s, json_string_length(v),
		    SCALE_VALUE_MAX_OUTPUT, len, why, sizeof(why));
		if (b == NULL)
			efail(e, type, "%s", why);
		return b;
	}
	if (!json_is_array(v)) {
		efail(e, type, "expected \"0x…\" hex or an array of bytes");
		return NULL;
	}
	b = malloc(json_array_size(v) + 1);
	if (b == NULL) {
		efail(e, type, "out of memory");
		return NULL;
	}
	for (i = 0; i < json_array_size(v); i++) {
		const json_t *x = json_array_get(v, i);

		if (!json_is_integer(x) || json_integer_value(x) < 0 ||
		    json_integer_value(x) > 255) {
			free(b);
			efail(e, type, "byte %zu is not an integer 0..255", i);
			return NULL;
		}
		b[i] = (uint8_t)json_integer_value(x);
	}
	*len = json_array_size(v);
	return b;
}

static bool
enc_list(struct sv_enc *e, uint32_t type, uint32_t elem, const json_t *v,
    int depth)
{
	size_t i;

	for (i = 0; i < json_array_size(v); i++) {
		size_t old = sv_path_push(&e->path, NULL, i);
		bool ok = enc_in(e, elem, json_array_get(v, i), depth + 1);

		sv_path_pop(&e->path, old);
		if (!ok)
			return false;
	}
	return writer_ok(e, type);
}

static bool
enc_bytes_or_list(struct sv_enc *e, const struct md_type *t,
    const json_t *v, int depth, bool with_len)
{
	if (sv_is_u8(e->md, t->elem)) {
		size_t n;
		uint8_t *b = json_bytes(e, t->id, v, &n);

		if (b == NULL)
			return false;
		if (!with_len && n != t->array_len) {
			free(b);
			return efail(e, t->id, "expected %u bytes, got %zu",
			    t->array_len, n);
		}
		if (with_len)
			scale_write_bytes(e->w, b, n);
		else
			scale_write_raw(e->w, b, n);
		free(b);
		return writer_ok(e, t->id);
	}
	if (!json_is_array(v))
		return efail(e, t->id, "expected an array");
	if (!with_len && json_array_size(v) != t->array_len)
		return efail(e, t->id, "expected %u elements, got %zu",
		    t->array_len, json_array_size(v));
	if (with_len)
		scale_write_compact(e->w, json_array_size(v));
	return enc_list(e, t->id, t->elem, v, depth);
}

/* Fields of a composite or a variant: none (null, [] or {}), one unnamed
 * (the value itself), named (an object with exactly those keys, or an
 * array in field order), several unnamed (an array). */
static bool
enc_fields(struct sv_enc *e, uint32_t type, const struct md_field *f,
    size_t n, const json_t *v, int depth)
{
	bool named = n > 0 && f[0].name != NULL;
	size_t i;

	if (n == 0) {
		if (json_is_null(v) || (json_is_array(v) &&
		    json_array_size(v) == 0) || (json_is_object(v) &&
		    json_object_size(v) == 0))
			return true;
		return efail(e, type, "expected null (no fields)");
	}
	if (n == 1 && !named) {
		size_t old = sv_path_push(&e->path, NULL, 0);
		bool ok = enc_in(e, f[0].type, v, depth + 1);

		sv_path_pop(&e->path, old);
		return ok;
	}
	if (named && json_is_object(v)) {
		const char *key;
		json_t *val;

		json_object_foreach((json_t *)v, key, val) {
			for (i = 0; i < n; i++)
				if (f[i].name != NULL &&
				    strcmp(f[i].name, key) == 0)
					break;
			if (i == n)
				return efail(e, type, "no field \"%.60s\"",
				    key);
		}
		for (i = 0; i < n; i++) {
			const json_t *x = f[i].name != NULL ?
			    json_object_get(v, f[i].name) : NULL;
			size_t old;
			bool ok;

			if (x == NULL)
				return efail(e, type, "field \"%s\" is missing",
				    f[i].name != NULL ? f[i].name : "?");
			old = sv_path_push(&e->path, f[i].name, i);
			ok = enc_in(e, f[i].type, x, depth + 1);
			sv_path_pop(&e->path, old);
			if (!ok)
				return false;
		}
		return true;
	}
	if (!json_is_array(v) || json_array_size(v) != n)
		return efail(e, type, "expected %s of %zu fields", named ?
		    "an object or an array" : "an array", n);
	for (i = 0; i < n; i++) {
		size_t old = sv_path_push(&e->path, f[i].name, i);
		bool ok = enc_in(e, f[i].type, json_array_get(v, i), depth + 1);

		sv_path_pop(&e->path, old);
		if (!ok)
			return false;
	}
	return true;
}

static bool
enc_variant(struct sv_enc *e, const struct md_type *t, const json_t *v,
    int depth)
{
	const struct md_variant *var;
	const char *name;
	const json_t *payload;
	size_t old;
	bool ok;

	if (json_is_string(v)) {
		name = json_string_value(v);
		payload = json_null();
	} else if (json_is_object(v) && json_object_size(v) == 1) {
		void *it = json_object_iter((json_t *)v);

		name = json_object_iter_key(it);
		payload = json_object_iter_value(it);
	} else {
		return efail(e, t->id, "expected \"Variant\" or {\"Variant\": "
		    "…}");
	}
	var = metadata_variant_by_name(t, name);
	if (var == NULL)
		return efail(e, t->id, "no variant \"%.60s\"", name);
	scale_write_u8(e->w, var->index);
	old = sv_path_push(&e->path, var->name, 0);
	ok = enc_fields(e, t->id, var->fields, var->nfields, payload, depth);
	sv_path_pop(&e->path, old);
	return ok && writer_ok(e, t->id);
}

static bool
enc_bitseq(struct sv_enc *e, const struct md_type *t, const json_t *v)
{
	const char *s = json_string_value(v);
	size_t width, nbits, nstore, i;
	bool msb0;
	char why[128];
	uint8_t *store;

	if (!sv_bitseq_layout(e->md, t, &width, &msb0, why, sizeof(why)))
		return efail(e, t->id, "%s", why);
	if (s == NULL || strncmp(s, "0b", 2) != 0)
		return efail(e, t->id, "expected a \"0b…\" bit string");
	nbits = strlen(s + 2);
	if (nbits > UINT32_MAX)
		return efail(e, t->id, "too many bits");
	nstore = (nbits + 8 * width - 1) / (8 * width);
	store = calloc(nstore * width + 1, 1);
	if (store == NULL)
		return efail(e, t->id, "out of memory");
	for (i = 0; i < nbits; i++) {
		size_t elem = i / (8 * width), k = i % (8 * width);
		size_t bit = msb0 ? 8 * width - 1 - k : k;

		if (s[2 + i] != '0' && s[2 + i] != '1') {
			free(store);
			return efail(e, t->id, "bit %zu is not 0 or 1", i);
		}
		if (s[2 + i] == '1')
			store[elem * width + bit / 8] |= (uint8_t)(1u <<
			    (bit % 8));
	}
	scale_write_compact(e->w, nbits);
	scale_write_raw(e->w, store, nstore * width);
	free(store);
	return writer_ok(e, t->id);
}

/* "0x…" where the outer call enum is due: bytes that must decode as
 * exactly one call. */
static bool
enc_precoded_call(struct sv_enc *e, uint32_t type, const json_t *v)
{
	uint8_t *b;
	size_t n;
	json_t *check;
	char why[256];

	b = json_bytes(e, type, v, &n);
	if (b == NULL)
		return false;
	check = scale_value_decode_bytes(e->md, type, b, n, why, sizeof(why));
	if (check == NULL) {
		free(b);
		return efail(e, type, "the pre-encoded call does not decode: "
		    "%s", why);
	}
	json_decref(check);
	scale_write_raw(e->w, b, n);
	free(b);
	return writer_ok(e, type);
}

static bool
enc_in(struct sv_enc *e, uint32_t type, const json_t *v, int depth)
{
	const struct md_type *t = metadata_type(e->md, type);

	if (t == NULL)
		return efail(e, type, "type id %u does not exist", type);
	if (depth > SCALE_VALUE_MAX_DEPTH)
		return efail(e, type, "the value nests deeper than %d",
		    SCALE_VALUE_MAX_DEPTH);
	if (v == NULL)
		return efail(e, type, "no value");
	if (type == e->md->call_enum && json_is_string(v))
		return enc_precoded_call(e, type, v);
	switch (t->def) {
	case MD_COMPOSITE:
		return enc_fields(e, type, t->fields, t->nfields, v, depth);
	case MD_VARIANT:
		return enc_variant(e, t, v, depth);
	case MD_SEQUENCE:
		return enc_bytes_or_list(e, t, v, depth, true);
	case MD_ARRAY:
		return enc_bytes_or_list(e, t, v, depth, false);
	case MD_TUPLE:
		if (t->ntuple == 0 && (json_is_null(v) || (json_is_array(v) &&
		    json_array_size(v) == 0)))
			return true;
		if (!json_is_array(v) || json_array_size(v) != t->ntuple)
			return efail(e, type, "expected an array of %zu",
			    t->ntuple);
		for (size_t i = 0; i < t->ntuple; i++) {
			size_t old = sv_path_push(&e->path, NULL, i);
			bool ok = enc_in(e, t->tuple[i], json_array_get(v, i),
			    depth + 1);

			sv_path_pop(&e->path, old);
			if (!ok)
				return false;
		}
		return true;
	case MD_PRIMITIVE:
		return enc_prim(e, type, t->prim, v);
	case MD_COMPACT:
		return enc_compact(e, t->elem, v, depth + 1);
	case MD_BITSEQ:
		return enc_bitseq(e, t, v);
	}
	return efail(e, type, "unknown type definition");
}

bool
scale_value_encode(const struct metadata *md, uint32_t type,
    const json_t *value, struct scale_writer *w, char *err, size_t errlen)
{
	struct sv_enc e;

	memset(&e, 0, sizeof(e));
	e.md = md;
	e.w = w;
	if (md == NULL || w == NULL) {
		snprintf(err, errlen, "no metadata or no writer");
		return false;
	}
	if (!enc_in(&e, type, value, 0) || !writer_ok(&e, type)) {
		snprintf(err, errlen, "%s", e.err);
		return false;
	}
	return true;
}

bool
scale_value_encode_call(const struct metadata *md, const char *pallet,
    const char *call, const json_t *args, uint8_t **out, size_t *out_len,
    char *err, size_t errlen)
{
	const struct md_pallet *p = metadata_pallet(md, pallet);
	const struct md_variant *v;
	struct scale_writer w;
	struct sv_enc e;

	*out = NULL;
	*out_len = 0;
	if (p == NULL || p->calls == METADATA_NO_TYPE) {
		snprintf(err, errlen, "no pallet %s with calls", pallet);
		return false;
	}
	v = metadata_call(md, pallet, call);
	if (v == NULL) {
		snprintf(err, errlen, "%s has no call %s", pallet, call);
		return false;
	}
	memset(&e, 0, sizeof(e));
	e.md = md;
	e.w = &w;
	scale_writer_init(&w, SCALE_VALUE_MAX_OUTPUT);
	scale_write_u8(&w, p->index);
	scale_write_u8(&w, v->index);
	if (args == NULL)
		args = json_null();
	if (!enc_fields(&e, p->calls, v->fields, v->nfields, args, 0) ||
	    !writer_ok(&e, p->calls)) {
		snprintf(err, errlen, "%s.%s: %s", pallet, call, e.err);
		scale_writer_free(&w);
		return false;
	}
	*out = scale_writer_take(&w, out_len);
	if (*out == NULL) {
		snprintf(err, errlen, "%s.%s: out of memory", pallet, call);
		return false;
	}
	return true;
}
