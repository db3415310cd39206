/* Pallets, the extrinsic info, and what follows them: V15's runtime APIs,
 * outer enums and custom map, V16's as well (with its deprecation info).
 * APIs and custom values are read only to get past them. */
#include "metadata.h"
#include "metadata_int.h"

#include <stdio.h>
#include <string.h>

#define MIN_PALLET_SIZE 7	/* name, 3 options, constants, option, index */
#define MIN_ENTRY_SIZE 5	/* name, modifier, type tag + id, default, docs */
#define MIN_CONSTANT_SIZE 4	/* name, type, value, docs */
#define MIN_EXTENSION_SIZE 3	/* identifier, type, implicit */
#define MIN_API_SIZE 3		/* name, methods, docs */
#define MIN_METHOD_SIZE 4	/* name, inputs, output, docs */
#define MAX_HASHERS 64
#define HASHER_MAX MD_IDENTITY

/* A deprecation note: {note: String, since: Option<String>}. */
static void
skip_deprecation_note(struct md_parse *p)
{
	const char *s;
	size_t n;

	(void)scale_read_str(&p->r, &s, &n, METADATA_DOC_MAX);
	(void)md_read_opt_name(p);
}

/* V16's ItemDeprecationInfo: NotDeprecated, DeprecatedWithoutNote, or
 * Deprecated {note, since}. */
static void
skip_item_deprecation_v16(struct md_parse *p)
{
	uint8_t tag;

	if (scale_read_enum_tag(&p->r, &tag, 2) && tag == 2)
		skip_deprecation_note(p);
}

/* V16's EnumDeprecationInfo: BTreeMap<u8, VariantDeprecationInfo> whose
 * values are DeprecatedWithoutNote (1) or Deprecated {note, since} (2). */
static void
skip_enum_deprecation(struct md_parse *p)
{
	size_t count = md_read_count(p, 256, 2), i;
	uint8_t key, tag;

	for (i = 0; i < count && scale_ok(&p->r); i++) {
		(void)scale_read_u8(&p->r, &key);
		if (scale_read_enum_tag(&p->r, &tag, 2) && tag == 2)
			skip_deprecation_note(p);
	}
}

/* Option<{ty[, deprecation]}>: an enum type of the pallet. */
static uint32_t
read_pallet_enum(struct md_parse *p, const char *what)
{
	bool some;
	uint32_t ty;
	size_t at;
	const struct md_type *t;

	if (!scale_read_option_tag(&p->r, &some) || !some)
		return METADATA_NO_TYPE;
	at = p->r.pos;
	ty = md_read_type(p);
	t = metadata_type(p->md, ty);
	if (t != NULL && t->def != MD_VARIANT)
		scale_fail_at(&p->r, at, "the %s type %u is not an enum", what,
		    ty);
	if (p->md->version >= 16)
		skip_enum_deprecation(p);
	return ty;
}

static void
read_storage_type(struct md_parse *p, struct md_storage_entry *e)
{
	uint8_t tag;
	size_t count, i;
	uint8_t *hashers;

	e->key = METADATA_NO_TYPE;
	if (!scale_read_enum_tag(&p->r, &tag, 1))
		return;
	if (tag == 0) {
		e->value = md_read_type(p);
		return;
	}
	e->is_map = true;
	count = md_read_count(p, MAX_HASHERS, 1);
	hashers = md_alloc(p, count, 1);
	for (i = 0; hashers != NULL && i < count && scale_ok(&p->r); i++) {
		size_t at = p->r.pos;
		if (scale_read_u8(&p->r, &hashers[i]) &&
		    hashers[i] > HASHER_MAX)
			scale_fail_at(&p->r, at, "unknown storage hasher %u",
			    hashers[i]);
	}
	e->hashers = hashers;
	e->nhashers = count;
	e->key = md_read_type(p);
	e->value = md_read_type(p);
}

static void
read_storage(struct md_parse *p, struct md_pallet *pl, size_t pi)
{
	bool some;
	size_t count, i;
	uint8_t modifier;
	struct md_storage_entry *e;

	if (!scale_read_option_tag(&p->r, &some) || !some)
		return;
	pl->storage_prefix = md_read_name(p);
	count = md_read_count(p, SIZE_MAX, MIN_ENTRY_SIZE);
	e = md_alloc(p, count, sizeof(*e));
	for (i = 0; e != NULL && i < count && scale_ok(&p->r); i++) {
		md_where(p, "pallets[%zu] (%s).storage[%zu]", pi, pl->name, i);
		e[i].name = md_read_name(p);
		if (scale_read_enum_tag(&p->r, &modifier, 1))
			e[i].optional = modifier == 0;
		read_storage_type(p, &e[i]);
		e[i].default_value = md_read_bytes_copy(p, &e[i].default_len);
		(void)md_read_docs(p, false);
		if (p->md->version >= 16)
			skip_item_deprecation_v16(p);
	}
	pl->storage = e;
	pl->nstorage = scale_ok(&p->r) ? count : 0;
}

static void
read_constants(struct md_parse *p, struct md_pallet *pl, size_t pi)
{
	size_t count = md_read_count(p, SIZE_MAX, MIN_CONSTANT_SIZE), i;
	struct md_constant *c = md_alloc(p, count, sizeof(*c));

	for (i = 0; c != NULL && i < count && scale_ok(&p->r); i++) {
		md_where(p, "pallets[%zu] (%s).constants[%zu]", pi, pl->name,
		    i);
		c[i].name = md_read_name(p);
		c[i].type = md_read_type(p);
		c[i].value = md_read_bytes_copy(p, &c[i].value_len);
		c[i].docs = md_read_docs(p, true);
		if (p->md->version >= 16)
			skip_item_deprecation_v16(p);
	}
	pl->constants = c;
	pl->nconstants = scale_ok(&p->r) ? count : 0;
}

/* V16: Vec<{name, inputs: Vec<{name, ty}>, output, docs, deprecation}>,
 * the shape of view functions and runtime API methods. */
static void
skip_params(struct md_parse *p)
{
	size_t count = md_read_count(p, SIZE_MAX, 2), i;

	for (i = 0; i < count && scale_ok(&p->r); i++) {
		(void)md_read_name(p);
		(void)md_read_type(p);
	}
}

static void
skip_v16_pallet_extras(struct md_parse *p, size_t pi, const char *name)
{
	size_t count, i;

	md_where(p, "pallets[%zu] (%s).associated_types", pi, name);
	count = md_read_count(p, SIZE_MAX, 3);
	for (i = 0; i < count && scale_ok(&p->r); i++) {
		(void)md_read_name(p);
		(void)md_read_type(p);
		(void)md_read_docs(p, false);
	}
	md_where(p, "pallets[%zu] (%s).view_functions", pi, name);
	count = md_read_count(p, SIZE_MAX, 32 + 5);
	for (i = 0; i < count && scale_ok(&p->r); i++) {
		(void)scale_skip(&p->r, 32);
		(void)md_read_name(p);
		skip_params(p);
		(void)md_read_type(p);
		(void)md_read_docs(p, false);
		skip_item_deprecation_v16(p);
	}
}

static void
read_pallet(struct md_parse *p, struct md_pallet *pl, size_t pi)
{
	md_where(p, "pallets[%zu].name", pi);
	pl->name = md_read_name(p);
	if (pl->name == NULL)
		return;
	md_where(p, "pallets[%zu] (%s).storage", pi, pl->name);
	read_storage(p, pl, pi);
	md_where(p, "pallets[%zu] (%s).calls", pi, pl->name);
	pl->calls = read_pallet_enum(p, "calls");
	md_where(p, "pallets[%zu] (%s).events", pi, pl->name);
	pl->events = read_pallet_enum(p, "events");
	md_where(p, "pallets[%zu] (%s).constants", pi, pl->name);
	read_constants(p, pl, pi);
	md_where(p, "pallets[%zu] (%s).errors", pi, pl->name);
	pl->errors = read_pallet_enum(p, "errors");
	if (p->md->version >= 16)
		skip_v16_pallet_extras(p, pi, pl->name);
	md_where(p, "pallets[%zu] (%s).index", pi, pl->name);
	(void)scale_read_u8(&p->r, &pl->index);
	if (p->md->version >= 15) {
		md_where(p, "pallets[%zu] (%s).docs", pi, pl->name);
		(void)md_read_docs(p, false);
	}
	if (p->md->version >= 16) {
		md_where(p, "pallets[%zu] (%s).deprecation", pi, pl->name);
		skip_item_deprecation_v16(p);
	}
}

bool
md_parse_pallets(struct md_parse *p)
{
	struct md_pallet *pallets;
	size_t count, i, j;

	md_where(p, "pallets");
	count = md_read_count(p, 256, MIN_PALLET_SIZE);
	pallets = md_alloc(p, count, sizeof(*pallets));
	for (i = 0; pallets != NULL && i < count && scale_ok(&p->r); i++) {
		size_t at;

		pallets[i].calls = pallets[i].events = pallets[i].errors =
		    METADATA_NO_TYPE;
		read_pallet(p, &pallets[i], i);
		at = p->r.pos > 0 ? p->r.pos - 1 : 0;
		for (j = 0; j < i && scale_ok(&p->r); j++) {
			if (pallets[j].index == pallets[i].index)
				scale_fail_at(&p->r, at, "pallet index %u is "
				    "used by %s and %s", pallets[i].index,
				    pallets[j].name, pallets[i].name);
			else if (strcmp(pallets[j].name, pallets[i].name) == 0)
				scale_fail_at(&p->r, at, "pallet name %s is "
				    "used twice", pallets[i].name);
		}
	}
	if (!scale_ok(&p->r))
		return false;
	p->md->pallets = pallets;
	p->md->npallets = count;
	return true;
}

static void
read_extensions(struct md_parse *p)
{
	struct md_extrinsic *x = &p->md->extrinsic;
	size_t count = md_read_count(p, SIZE_MAX, MIN_EXTENSION_SIZE), i;
	struct md_extension *e = md_alloc(p, count, sizeof(*e));

	for (i = 0; e != NULL && i < count && scale_ok(&p->r); i++) {
		md_where(p, "extrinsic.extensions[%zu]", i);
		e[i].identifier = md_read_name(p);
		e[i].type = md_read_type(p);
		e[i].implicit = md_read_type(p);
	}
	x->extensions = e;
	x->nextensions = scale_ok(&p->r) ? count : 0;
}

/* V16: BTreeMap<u8, Vec<Compact<u32>>>, each index into the extension
 * list that follows; checked once that list is read. */
static uint32_t
skip_extensions_by_version(struct md_parse *p)
{
	size_t count = md_read_count(p, 256, 2), i, j;
	uint32_t idx, max = 0;
	uint8_t version;

	for (i = 0; i < count && scale_ok(&p->r); i++) {
		size_t n;

		(void)scale_read_u8(&p->r, &version);
		n = md_read_count(p, SIZE_MAX, 1);
		for (j = 0; j < n && scale_ok(&p->r); j++)
			if (scale_read_compact_u32(&p->r, &idx) && idx + 1 > max)
				max = idx + 1;
	}
	return max;
}

bool
md_parse_extrinsic(struct md_parse *p)
{
	struct md_extrinsic *x = &p->md->extrinsic;
	size_t count;
	uint32_t needed;

	md_where(p, "extrinsic");
	x->type = x->extra = METADATA_NO_TYPE;
	if (p->md->version == 14) {
		x->type = md_read_type(p);
		(void)scale_read_u8(&p->r, &x->version);
	} else if (p->md->version == 15) {
		(void)scale_read_u8(&p->r, &x->version);
	} else {
		const uint8_t *v;

		count = md_read_count(p, 256, 1);
		if (scale_read_view(&p->r, &v, count) && count == 0)
			scale_fail(&p->r, "no extrinsic version offered");
		x->versions = v;
		x->nversions = count;
		for (size_t i = 0; scale_ok(&p->r) && i < count; i++)
			if (v[i] > x->version)
				x->version = v[i];
	}
	if (p->md->version >= 15) {
		x->address = md_read_type(p);
		x->call = md_read_type(p);
		x->signature = md_read_type(p);
		if (p->md->version == 15)
			x->extra = md_read_type(p);
	}
	if (p->md->version < 16) {
		x->versions = &x->version;
		x->nversions = 1;
		read_extensions(p);
		return scale_ok(&p->r);
	}
	/* V16's versions point into the arena-less blob: copy them. */
	{
		uint8_t *copy = md_alloc(p, x->nversions, 1);

		if (copy != NULL && x->nversions > 0)
			memcpy(copy, x->versions, x->nversions);
		x->versions = copy;
	}
	md_where(p, "extrinsic.extensions_by_version");
	needed = skip_extensions_by_version(p);
	read_extensions(p);
	if (scale_ok(&p->r) && needed > x->nextensions)
		scale_fail(&p->r, "extensions_by_version names extension %u "
		    "of %zu", needed - 1, x->nextensions);
	return scale_ok(&p->r);
}

static void
skip_apis(struct md_parse *p, bool v16)
{
	size_t count = md_read_count(p, SIZE_MAX, MIN_API_SIZE), i, j;
	uint32_t version;

	for (i = 0; i < count && scale_ok(&p->r); i++) {
		size_t n;

		md_where(p, "apis[%zu]", i);
		(void)md_read_name(p);
		n = md_read_count(p, SIZE_MAX, MIN_METHOD_SIZE);
		for (j = 0; j < n && scale_ok(&p->r); j++) {
			(void)md_read_name(p);
			skip_params(p);
			(void)md_read_type(p);
			(void)md_read_docs(p, false);
			if (v16)
				skip_item_deprecation_v16(p);
		}
		(void)md_read_docs(p, false);
		if (v16) {
			(void)scale_read_compact_u32(&p->r, &version);
			skip_item_deprecation_v16(p);
		}
	}
}

static void
read_outer_enums_and_custom(struct md_parse *p)
{
	struct metadata *md = p->md;
	size_t count, i;
	const uint8_t *value;
	size_t len;

	md_where(p, "outer_enums");
	md->call_enum = md_read_type(p);
	md->event_enum = md_read_type(p);
	md->error_enum = md_read_type(p);
	md_where(p, "custom");
	count = md_read_count(p, SIZE_MAX, 3);
	for (i = 0; i < count && scale_ok(&p->r); i++) {
		md_where(p, "custom[%zu]", i);
		(void)md_read_name(p);
		(void)md_read_type(p);
		(void)scale_read_bytes(&p->r, &value, &len, METADATA_MAX_BYTES);
	}
}

bool
md_parse_v15_tail(struct md_parse *p)
{
	skip_apis(p, false);
	read_outer_enums_and_custom(p);
	return scale_ok(&p->r);
}

bool
md_parse_v16_tail(struct md_parse *p)
{
	skip_apis(p, true);
	read_outer_enums_and_custom(p);
	return scale_ok(&p->r);
}
