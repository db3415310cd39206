/* Lookups in decoded metadata: exact, case-sensitive names. */
#include "metadata.h"

#include <ctype.h>
#include <string.h>

const struct md_type *
metadata_type(const struct metadata *md, uint32_t id)
{
	if (md == NULL || id >= md->ntypes)
		return NULL;
	return &md->types[id];
}

const struct md_pallet *
metadata_pallet(const struct metadata *md, const char *name)
{
	size_t i;

	for (i = 0; md != NULL && name != NULL && i < md->npallets; i++)
		if (strcmp(md->pallets[i].name, name) == 0)
			return &md->pallets[i];
	return NULL;
}

const struct md_pallet *
metadata_pallet_by_index(const struct metadata *md, uint8_t index)
{
	size_t i;

	for (i = 0; md != NULL && i < md->npallets; i++)
		if (md->pallets[i].index == index)
			return &md->pallets[i];
	return NULL;
}

const struct md_variant *
metadata_variant_by_name(const struct md_type *t, const char *name)
{
	size_t i;

	if (t == NULL || t->def != MD_VARIANT || name == NULL)
		return NULL;
	for (i = 0; i < t->nvariants; i++)
		if (strcmp(t->variants[i].name, name) == 0)
			return &t->variants[i];
	return NULL;
}

const struct md_variant *
metadata_variant_by_index(const struct md_type *t, uint8_t index)
{
	size_t i;

	if (t == NULL || t->def != MD_VARIANT)
		return NULL;
	for (i = 0; i < t->nvariants; i++)
		if (t->variants[i].index == index)
			return &t->variants[i];
	return NULL;
}

const struct md_variant *
metadata_call(const struct metadata *md, const char *pallet,
    const char *call)
{
	const struct md_pallet *p = metadata_pallet(md, pallet);

	if (p == NULL)
		return NULL;
	return metadata_variant_by_name(metadata_type(md, p->calls), call);
}

bool
metadata_call_index(const struct metadata *md, const char *pallet,
    const char *call, uint8_t out[2])
{
	const struct md_pallet *p = metadata_pallet(md, pallet);
	const struct md_variant *v = metadata_call(md, pallet, call);

	if (p == NULL || v == NULL)
		return false;
	out[0] = p->index;
	out[1] = v->index;
	return true;
}

const struct md_constant *
metadata_constant(const struct metadata *md, const char *pallet,
    const char *name)
{
	const struct md_pallet *p = metadata_pallet(md, pallet);
	size_t i;

	for (i = 0; p != NULL && name != NULL && i < p->nconstants; i++)
		if (strcmp(p->constants[i].name, name) == 0)
			return &p->constants[i];
	return NULL;
}

const struct md_storage_entry *
metadata_storage(const struct metadata *md, const char *pallet,
    const char *name)
{
	const struct md_pallet *p = metadata_pallet(md, pallet);
	size_t i;

	for (i = 0; p != NULL && name != NULL && i < p->nstorage; i++)
		if (strcmp(p->storage[i].name, name) == 0)
			return &p->storage[i];
	return NULL;
}

const struct md_extension *
metadata_extension(const struct metadata *md, const char *identifier)
{
	size_t i;

	for (i = 0; md != NULL && identifier != NULL &&
	    i < md->extrinsic.nextensions; i++)
		if (strcmp(md->extrinsic.extensions[i].identifier,
		    identifier) == 0)
			return &md->extrinsic.extensions[i];
	return NULL;
}

static bool
is_upper_or_digit(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const char *
metadata_lower_camel(const char *name, char *buf, size_t bufsize)
{
	size_t n = strlen(name), run = 0, i, lower;

	if (bufsize == 0)
		return buf;
	if (n >= bufsize)
		n = bufsize - 1;
	while (run < n && is_upper_or_digit(name[run]))
		run++;
	/* All capitals: all lower. A run of three or more capitals before a
	 * lowercase letter: all but the last lower ("NFTOrder" -> "nftOrder").
	 * Otherwise only the first letter. */
	if (run == n)
		lower = n;
	else if (run >= 3)
		lower = run - 1;
	else
		lower = 1;
	for (i = 0; i < n; i++)
		buf[i] = i < lower ? (char)tolower((unsigned char)name[i]) :
		    name[i];
	buf[n] = '\0';
	return buf;
}
