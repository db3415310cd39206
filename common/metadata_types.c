/* The portable type registry (scale-info 1.x): Vec<{id, path, params,
 * def, docs}>. Ids must be 0..n-1 in order; every id a type refers to must
 * exist (checked once all are read, since a type may refer forward). */
#include "metadata.h"
#include "metadata_int.h"

#include <stdio.h>
#include <string.h>

/* The fewest bytes each element can take, so that a count is checked
 * against what is left before anything is allocated for it. */
#define MIN_TYPE_SIZE 5		/* id, path, params, def tag, docs */
#define MIN_FIELD_SIZE 4	/* name option, type, type_name option, docs */
#define MIN_VARIANT_SIZE 4	/* name, fields, index, docs */
#define MIN_PARAM_SIZE 2	/* name, type option */
#define MAX_PATH_PARTS 64
#define PRIM_MAX MD_I256

static const char *
read_path(struct md_parse *p)
{
	size_t count = md_read_count(p, MAX_PATH_PARTS, 1), i, total = 0;
	const char *parts[MAX_PATH_PARTS];
	char *out;

	for (i = 0; i < count && scale_ok(&p->r); i++) {
		parts[i] = md_read_name(p);
		if (parts[i] != NULL)
			total += strlen(parts[i]) + 2;
	}
	if (!scale_ok(&p->r) || count == 0)
		return "";
	out = md_alloc(p, total + 1, 1);
	if (out == NULL)
		return "";
	for (i = 0; i < count; i++) {
		if (i > 0)
			strcat(out, "::");
		strcat(out, parts[i]);
	}
	return out;
}

static void
read_params(struct md_parse *p, struct md_type *t)
{
	size_t count = md_read_count(p, SIZE_MAX, MIN_PARAM_SIZE), i;
	struct md_param *params = md_alloc(p, count, sizeof(*params));

	for (i = 0; params != NULL && i < count && scale_ok(&p->r); i++) {
		params[i].name = md_read_name(p);
		params[i].type = md_read_opt_type(p);
	}
	t->params = params;
	t->nparams = scale_ok(&p->r) ? count : 0;
}

static const struct md_field *
read_fields(struct md_parse *p, size_t *nfields)
{
	size_t count = md_read_count(p, SIZE_MAX, MIN_FIELD_SIZE), i;
	struct md_field *fields = md_alloc(p, count, sizeof(*fields));

	for (i = 0; fields != NULL && i < count && scale_ok(&p->r); i++) {
		fields[i].name = md_read_opt_name(p);
		fields[i].type = md_read_type(p);
		fields[i].type_name = md_read_opt_name(p);
		(void)md_read_docs(p, false);
	}
	*nfields = scale_ok(&p->r) ? count : 0;
	return fields;
}

static void
read_variants(struct md_parse *p, struct md_type *t)
{
	size_t count = md_read_count(p, 256, MIN_VARIANT_SIZE), i, j;
	struct md_variant *v = md_alloc(p, count, sizeof(*v));
	bool seen[256] = { false };

	for (i = 0; v != NULL && i < count && scale_ok(&p->r); i++) {
		size_t at;

		v[i].name = md_read_name(p);
		v[i].fields = read_fields(p, &v[i].nfields);
		at = p->r.pos;
		if (scale_read_u8(&p->r, &v[i].index) && seen[v[i].index])
			scale_fail_at(&p->r, at, "variant index %u used twice",
			    v[i].index);
		if (scale_ok(&p->r))
			seen[v[i].index] = true;
		v[i].docs = md_read_docs(p, true);
		for (j = 0; j < i && scale_ok(&p->r); j++)
			if (strcmp(v[j].name, v[i].name) == 0)
				scale_fail_at(&p->r, at, "variant name \"%s\" "
				    "used twice", v[i].name);
	}
	t->variants = v;
	t->nvariants = scale_ok(&p->r) ? count : 0;
}

static void
read_tuple(struct md_parse *p, struct md_type *t)
{
	size_t count = md_read_count(p, SIZE_MAX, 1), i;
	uint32_t *items = md_alloc(p, count, sizeof(*items));

	for (i = 0; items != NULL && i < count && scale_ok(&p->r); i++)
		items[i] = md_read_type(p);
	t->tuple = items;
	t->ntuple = scale_ok(&p->r) ? count : 0;
}

static void
read_def(struct md_parse *p, struct md_type *t)
{
	uint8_t tag, prim;
	size_t at = p->r.pos;

	t->elem = t->bit_store = t->bit_order = METADATA_NO_TYPE;
	if (!scale_read_u8(&p->r, &tag))
		return;
	t->def = (enum md_def)tag;
	switch (tag) {
	case MD_COMPOSITE:
		t->fields = read_fields(p, &t->nfields);
		break;
	case MD_VARIANT:
		read_variants(p, t);
		break;
	case MD_SEQUENCE:
	case MD_COMPACT:
		t->elem = md_read_type(p);
		break;
	case MD_ARRAY:
		(void)scale_read_u32(&p->r, &t->array_len);
		t->elem = md_read_type(p);
		break;
	case MD_TUPLE:
		read_tuple(p, t);
		break;
	case MD_PRIMITIVE:
		at = p->r.pos;
		if (scale_read_u8(&p->r, &prim) && prim > PRIM_MAX)
			scale_fail_at(&p->r, at, "unknown primitive %u", prim);
		t->prim = (enum md_prim)prim;
		break;
	case MD_BITSEQ:
		t->bit_store = md_read_type(p);
		t->bit_order = md_read_type(p);
		break;
	default:
		scale_fail_at(&p->r, at, "unknown type definition tag %u", tag);
	}
}

static bool
ref_ok(const struct metadata *md, uint32_t id)
{
	return id == METADATA_NO_TYPE || id < md->ntypes;
}

static bool
check_field_refs(const struct metadata *md, const struct md_field *f,
    size_t n, uint32_t *bad)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ref_ok(md, f[i].type)) {
			*bad = f[i].type;
			return false;
		}
	return true;
}

/* Every id the type mentions must exist; *bad names the first that does
 * not. (Param types may be absent, never dangling.) */
static bool
check_refs(const struct metadata *md, const struct md_type *t, uint32_t *bad)
{
	size_t i;

	for (i = 0; i < t->nparams; i++)
		if (!ref_ok(md, t->params[i].type)) {
			*bad = t->params[i].type;
			return false;
		}
	if (!check_field_refs(md, t->fields, t->nfields, bad))
		return false;
	for (i = 0; i < t->nvariants; i++)
		if (!check_field_refs(md, t->variants[i].fields,
		    t->variants[i].nfields, bad))
			return false;
	for (i = 0; i < t->ntuple; i++)
		if (!ref_ok(md, t->tuple[i])) {
			*bad = t->tuple[i];
			return false;
		}
	*bad = !ref_ok(md, t->elem) ? t->elem : !ref_ok(md, t->bit_store) ?
	    t->bit_store : t->bit_order;
	return ref_ok(md, *bad);
}

bool
md_parse_registry(struct md_parse *p)
{
	struct metadata *md = p->md;
	struct md_type *types;
	size_t count, i;
	uint32_t id, bad;

	md_where(p, "types");
	count = md_read_count(p, METADATA_MAX_TYPES, MIN_TYPE_SIZE);
	types = md_alloc(p, count, sizeof(*types));
	for (i = 0; types != NULL && i < count && scale_ok(&p->r); i++) {
		size_t at = p->r.pos;

		md_where(p, "types[%zu]", i);
		if (scale_read_compact_u32(&p->r, &id) && id != i)
			scale_fail_at(&p->r, at, "type id %u where %zu was due "
			    "(ids must be 0..n-1 in order)", id, i);
		types[i].id = id;
		md_where(p, "types[%zu].path", i);
		types[i].path = read_path(p);
		md_where(p, "types[%zu].params", i);
		read_params(p, &types[i]);
		md_where(p, "types[%zu].def", i);
		read_def(p, &types[i]);
		md_where(p, "types[%zu].docs", i);
		(void)md_read_docs(p, false);
	}
	if (!scale_ok(&p->r))
		return false;
	md->types = types;
	md->ntypes = count;
	for (i = 0; i < count; i++) {
		if (!check_refs(md, &types[i], &bad)) {
			md_where(p, "types[%zu]", i);
			scale_fail(&p->r, "refers to type id %u, which does not "
			    "exist (the registry has %zu types)", bad, count);
			return false;
		}
	}
	p->types_known = true;
	return true;
}
