/* The zero value of a registry type, in the value codec's JSON shape. */
#include "scale_value.h"
#include "scale_value_int.h"

#include <stdio.h>
#include <stdlib.h>

static json_t *
zero_fields(const struct metadata *md, const struct md_field *f, size_t n,
    int depth);

static json_t *
zero_in(const struct metadata *md, uint32_t type, int depth)
{
	const struct md_type *t = metadata_type(md, type);
	json_t *arr;
	size_t i;

	if (t == NULL || depth > SCALE_VALUE_MAX_DEPTH)
		return NULL;
	switch (t->def) {
	case MD_COMPOSITE:
		return zero_fields(md, t->fields, t->nfields, depth);
	case MD_VARIANT:
		if (t->nvariants == 0)
			return NULL;
		if (t->variants[0].nfields == 0)
			return json_string(t->variants[0].name);
		return json_pack("{s:o}", t->variants[0].name,
		    zero_fields(md, t->variants[0].fields,
		    t->variants[0].nfields, depth));
	case MD_SEQUENCE:
		return sv_is_u8(md, t->elem) ? json_string("0x") : json_array();
	case MD_ARRAY:
		if (sv_is_u8(md, t->elem)) {
			uint8_t *zeros = calloc(t->array_len + 1, 1);
			json_t *hex = zeros != NULL ?
			    scale_value_hex(zeros, t->array_len) : NULL;

			free(zeros);
			return hex;
		}
		if (t->array_len > 4096)
			return NULL;
		arr = json_array();
		for (i = 0; arr != NULL && i < t->array_len; i++)
			if (json_array_append_new(arr, zero_in(md, t->elem,
			    depth + 1)) != 0) {
				json_decref(arr);
				return NULL;
			}
		return arr;
	case MD_TUPLE:
		if (t->ntuple == 0)
			return json_null();
		arr = json_array();
		for (i = 0; arr != NULL && i < t->ntuple; i++)
			if (json_array_append_new(arr, zero_in(md, t->tuple[i],
			    depth + 1)) != 0) {
				json_decref(arr);
				return NULL;
			}
		return arr;
	case MD_PRIMITIVE:
		if (t->prim == MD_BOOL)
			return json_false();
		if (t->prim == MD_CHAR)
			return json_stringn("", 1);	/* U+0000 */
		if (t->prim == MD_STR)
			return json_string("");
		return sv_prim_width(t->prim) <= 4 ? json_integer(0) :
		    t->prim == MD_U64 || t->prim == MD_I64 ? json_integer(0) :
		    json_string("0");
	case MD_COMPACT:
		return zero_in(md, t->elem, depth + 1);
	case MD_BITSEQ:
		return json_string("0b");
	}
	return NULL;
}

static json_t *
zero_fields(const struct metadata *md, const struct md_field *f, size_t n,
    int depth)
{
	bool named = n > 0 && f[0].name != NULL;
	json_t *out;
	size_t i;

	if (n == 0)
		return json_null();
	if (n == 1 && !named)
		return zero_in(md, f[0].type, depth + 1);
	out = named ? json_object() : json_array();
	for (i = 0; out != NULL && i < n; i++) {
		json_t *v = zero_in(md, f[i].type, depth + 1);

		if (v == NULL) {
			json_decref(out);
			return NULL;
		}
		if (named)
			json_object_set_new(out, f[i].name != NULL ?
			    f[i].name : "?", v);
		else
			json_array_append_new(out, v);
	}
	return out;
}

json_t *
scale_value_zero(const struct metadata *md, uint32_t type, char *err,
    size_t errlen)
{
	json_t *v = zero_in(md, type, 0);

	if (v == NULL)
		snprintf(err, errlen, "type %u has no finite zero value "
		    "(unknown, empty enum, or it contains itself)", type);
	return v;
}
