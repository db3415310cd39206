/* What the sign worker reads after a submission: the System.Events
 * storage value, shaped the way polkadot-js names events, and dispatch
 * errors resolved to the pallet's error with its docs. */
#include "scale_value.h"
#include "scale_value_int.h"

#include <stdio.h>
#include <string.h>

#define SECTION_MAX 128

/* RuntimeEvent: the pallet's variant holds the pallet's own event enum;
 * its variant is the event. Fills the record's event members. */
static bool
decode_event(struct sv_dec *d, const struct metadata *md, uint32_t type,
    json_t *rec, int depth)
{
	struct scale_reader *r = sv_dec_reader(d);
	const struct md_type *outer = metadata_type(md, type), *inner;
	const struct md_variant *pv, *ev;
	uint8_t tag;
	char section[SECTION_MAX], name[2 * SECTION_MAX + 2];
	json_t *fields;

	if (outer == NULL || outer->def != MD_VARIANT)
		return scale_fail(r, "the event type %u is not an enum", type);
	if (!scale_read_u8(r, &tag))
		return false;
	pv = metadata_variant_by_index(outer, tag);
	if (pv == NULL)
		return scale_fail_at(r, r->pos - 1, "no pallet event at index "
		    "%u", tag);
	inner = pv->nfields == 1 ? metadata_type(md, pv->fields[0].type) :
	    NULL;
	if (inner == NULL || inner->def != MD_VARIANT)
		return scale_fail(r, "%s's events are not an enum", pv->name);
	if (!scale_read_u8(r, &tag))
		return false;
	ev = metadata_variant_by_index(inner, tag);
	if (ev == NULL)
		return scale_fail_at(r, r->pos - 1, "%s has no event at index "
		    "%u", pv->name, tag);
	fields = sv_decode_fields_list(d, ev->fields, ev->nfields, depth + 2);
	if (fields == NULL)
		return false;
	metadata_lower_camel(pv->name, section, sizeof(section));
	snprintf(name, sizeof(name), "%s.%s", section, ev->name);
	json_object_set_new(rec, "event", json_string(name));
	json_object_set_new(rec, "pallet", json_string(pv->name));
	json_object_set_new(rec, "name", json_string(ev->name));
	json_object_set_new(rec, "fields", fields);
	return true;
}

static json_t *
decode_record(struct sv_dec *d, const struct metadata *md,
    const struct md_type *rt)
{
	json_t *rec = json_object();
	size_t i;

	for (i = 0; rec != NULL && i < rt->nfields; i++) {
		const struct md_field *f = &rt->fields[i];
		json_t *v;

		if (!sv_dec_count(d))
			break;
		if (f->name != NULL && strcmp(f->name, "event") == 0) {
			if (!decode_event(d, md, f->type, rec, 1))
				break;
			continue;
		}
		v = sv_decode_in(d, f->type, 1);
		if (v == NULL)
			break;
		json_object_set_new(rec, f->name != NULL ? f->name : "?", v);
	}
	if (rec == NULL || i < rt->nfields) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

json_t *
scale_value_events(const struct metadata *md, const uint8_t *data,
    size_t len, char *err, size_t errlen)
{
	struct scale_reader r;
	struct sv_dec *d;
	const struct md_type *rt;
	uint32_t vec_type;
	size_t count, i;
	json_t *out;
	char why[SCALE_WHY_MAX + 32];

	rt = sv_event_record_type(md, &vec_type);
	if (rt == NULL) {
		snprintf(err, errlen, "the metadata has no System.Events of "
		    "type Vec<EventRecord>");
		return NULL;
	}
	scale_reader_init(&r, data, len);
	if (!scale_read_seq_len(&r, &count, SCALE_VALUE_MAX_ELEMS, 1)) {
		snprintf(err, errlen, "events: %s",
		    scale_error(&r, why, sizeof(why)));
		return NULL;
	}
	d = sv_dec_new(md, &r);
	out = json_array();
	if (d == NULL || out == NULL) {
		sv_dec_free(d);
		json_decref(out);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < count; i++) {
		json_t *rec = decode_record(d, md, rt);

		if (rec == NULL) {
			if (scale_ok(&r))
				scale_fail(&r, "out of memory");
			snprintf(err, errlen, "event %zu: %s", i,
			    scale_error(&r, why, sizeof(why)));
			json_decref(out);
			sv_dec_free(d);
			return NULL;
		}
		json_array_append_new(out, rec);
	}
	sv_dec_free(d);
	if (!scale_expect_end(&r)) {
		snprintf(err, errlen, "events: %s",
		    scale_error(&r, why, sizeof(why)));
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *
scale_value_module_error(const struct metadata *md, uint8_t pallet,
    const uint8_t *error, size_t error_len, char *err, size_t errlen)
{
	const struct md_pallet *p = metadata_pallet_by_index(md, pallet);
	const struct md_variant *v;

	if (p == NULL) {
		snprintf(err, errlen, "no pallet at index %u", pallet);
		return NULL;
	}
	if (error_len == 0) {
		snprintf(err, errlen, "no error index");
		return NULL;
	}
	v = metadata_variant_by_index(metadata_type(md, p->errors), error[0]);
	if (v == NULL) {
		snprintf(err, errlen, "%s has no error at index %u", p->name,
		    error[0]);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:i}", "pallet", p->name,
	    "error", v->name, "docs", v->docs, "index", (int)pallet,
	    "error_index", (int)error[0]);
}

/* ModuleError's "error": "0x…" ([u8; 4]) or an integer (older u8). */
static bool
module_error_bytes(const json_t *e, uint8_t *out, size_t *n)
{
	const char *s;
	size_t len, i;

	*n = 0;
	if (json_is_integer(e)) {
		if (json_integer_value(e) < 0 || json_integer_value(e) > 255)
			return false;
		out[0] = (uint8_t)json_integer_value(e);
		*n = 1;
		return true;
	}
	s = json_string_value(e);
	if (s == NULL || strncmp(s, "0x", 2) != 0)
		return false;
	len = strlen(s + 2);
	if (len == 0 || len % 2 != 0 || len > 8)
		return false;
	for (i = 0; i < len / 2; i++) {
		unsigned v;

		if (sscanf(s + 2 + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (uint8_t)v;
	}
	*n = len / 2;
	return true;
}

json_t *
scale_value_dispatch_error(const struct metadata *md, const json_t *de,
    char *err, size_t errlen)
{
	const char *key;
	json_t *val;
	uint8_t bytes[4];
	size_t n;

	if (json_is_string(de))
		return json_pack("{s:s}", "error", json_string_value(de));
	if (!json_is_object(de) || json_object_size(de) != 1) {
		snprintf(err, errlen, "not a DispatchError value");
		return NULL;
	}
	json_object_foreach((json_t *)de, key, val) {
		const json_t *index = json_object_get(val, "index");
		const json_t *error = json_object_get(val, "error");

		if (strcmp(key, "Module") != 0)
			return json_pack("{s:s, s:O}", "error", key, "detail",
			    val);
		if (!json_is_integer(index) || json_integer_value(index) < 0 ||
		    json_integer_value(index) > 255 ||
		    !module_error_bytes(error, bytes, &n)) {
			snprintf(err, errlen, "Module error without an index "
			    "and error bytes");
			return NULL;
		}
		return scale_value_module_error(md,
		    (uint8_t)json_integer_value(index), bytes, n, err, errlen);
	}
	return NULL;
}
