/* Shape checks on registry types for the extrinsic builder. */
#include "extrinsic_internal.h"

#include <stdio.h>

static uint32_t
unwrap_depth(const struct metadata *md, uint32_t type, int depth)
{
	const struct md_type *t = metadata_type(md, type);

	if (t == NULL || depth >= XT_SHAPE_DEPTH)
		return type;
	if (t->def == MD_COMPOSITE && t->nfields == 1)
		return unwrap_depth(md, t->fields[0].type, depth + 1);
	if (t->def == MD_TUPLE && t->ntuple == 1)
		return unwrap_depth(md, t->tuple[0], depth + 1);
	return type;
}

uint32_t
xt_unwrap(const struct metadata *md, uint32_t type)
{
	return unwrap_depth(md, type, 0);
}

static bool
zero_sized_depth(const struct metadata *md, uint32_t type, int depth)
{
	const struct md_type *t = metadata_type(md, type);
	size_t i;

	if (t == NULL || depth >= XT_SHAPE_DEPTH)
		return false;
	switch (t->def) {
	case MD_COMPOSITE:
		for (i = 0; i < t->nfields; i++)
			if (!zero_sized_depth(md, t->fields[i].type,
			    depth + 1))
				return false;
		return true;
	case MD_TUPLE:
		for (i = 0; i < t->ntuple; i++)
			if (!zero_sized_depth(md, t->tuple[i], depth + 1))
				return false;
		return true;
	case MD_ARRAY:
		return t->array_len == 0 ||
		    zero_sized_depth(md, t->elem, depth + 1);
	default:
		return false;
	}
}

bool
xt_zero_sized(const struct metadata *md, uint32_t type)
{
	return zero_sized_depth(md, type, 0);
}

bool
xt_is_primitive(const struct metadata *md, uint32_t type, enum md_prim prim)
{
	const struct md_type *t = metadata_type(md, xt_unwrap(md, type));

	return t != NULL && t->def == MD_PRIMITIVE && t->prim == prim;
}

bool
xt_is_byte_array(const struct metadata *md, uint32_t type, size_t n)
{
	const struct md_type *t = metadata_type(md, xt_unwrap(md, type));

	return t != NULL && t->def == MD_ARRAY && t->array_len == n &&
	    xt_is_primitive(md, t->elem, MD_U8);
}

bool
xt_is_compact_uint(const struct metadata *md, uint32_t type)
{
	const struct md_type *t = metadata_type(md, xt_unwrap(md, type));
	const struct md_type *in;

	if (t == NULL || t->def != MD_COMPACT)
		return false;
	in = metadata_type(md, xt_unwrap(md, t->elem));
	return in != NULL && in->def == MD_PRIMITIVE && in->prim >= MD_U8 &&
	    in->prim <= MD_U128;
}

static bool
layout_depth(const struct metadata *md, uint32_t type, size_t *lens,
    size_t max, size_t *n, int depth)
{
	const struct md_type *t = metadata_type(md, type);
	size_t i;

	if (t == NULL || depth >= XT_SHAPE_DEPTH)
		return false;
	switch (t->def) {
	case MD_ARRAY:
		if (!xt_is_primitive(md, t->elem, MD_U8) || *n >= max)
			return false;
		lens[(*n)++] = t->array_len;
		return true;
	case MD_COMPOSITE:
		for (i = 0; i < t->nfields; i++)
			if (!layout_depth(md, t->fields[i].type, lens, max, n,
			    depth + 1))
				return false;
		return true;
	case MD_TUPLE:
		for (i = 0; i < t->ntuple; i++)
			if (!layout_depth(md, t->tuple[i], lens, max, n,
			    depth + 1))
				return false;
		return true;
	default:
		return false;
	}
}

bool
xt_byte_layout(const struct metadata *md, uint32_t type, size_t *lens,
    size_t max, size_t *n)
{
	*n = 0;
	return layout_depth(md, type, lens, max, n, 0);
}

const char *
xt_type_desc(const struct metadata *md, uint32_t type, char *buf,
    size_t bufsize)
{
	static const char *const defs[] = { "composite", "enum", "sequence",
	    "array", "tuple", "primitive", "compact", "bit sequence" };
	const struct md_type *t = metadata_type(md, type);

	if (t == NULL)
		snprintf(buf, bufsize, "%u (missing)", type);
	else if (t->path[0] != '\0')
		snprintf(buf, bufsize, "%s (id %u)", t->path, type);
	else
		snprintf(buf, bufsize, "%u (a %s)", type,
		    (unsigned)t->def < sizeof(defs) / sizeof(defs[0]) ?
		    defs[t->def] : "?");
	return buf;
}
