/* Runtime metadata: the input forms, the arena, the top-level layout of
 * each version, and lookups. The registry is read in metadata_types.c,
 * pallets and the extrinsic in metadata_pallets.c. */
#include "metadata.h"
#include "metadata_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define META_MAGIC 0x6174656dU		/* "meta" little-endian */
#define ARENA_CHUNK ((size_t)256 << 10)
#define ARENA_ALIGN 16

struct md_chunk {
	struct md_chunk *next;
	size_t used;
	size_t cap;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct md_arena {
	struct md_chunk *head;
	size_t total;		/* bytes malloc'ed, against the cap */
};

static void
arena_free(struct md_arena *a)
{
	struct md_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *
md_alloc(struct md_parse *p, size_t n, size_t size)
{
	struct md_arena *a = p->arena;
	struct md_chunk *c = a->head;
	size_t bytes;

	if (!scale_ok(&p->r))
		return NULL;
	if (size != 0 && n > (METADATA_MAX_MEMORY / size)) {
		scale_fail(&p->r, "%zu elements of %zu bytes exceed the %zu MiB "
		    "memory cap", n, size, METADATA_MAX_MEMORY >> 20);
		return NULL;
	}
	bytes = (n * size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (bytes == 0)
		bytes = ARENA_ALIGN;
	if (c == NULL || c->cap - c->used < bytes) {
		size_t cap = bytes > ARENA_CHUNK ? bytes : ARENA_CHUNK;
		if (a->total + cap > METADATA_MAX_MEMORY) {
			scale_fail(&p->r, "decoded metadata needs more than "
			    "%zu MiB", METADATA_MAX_MEMORY >> 20);
			return NULL;
		}
		c = malloc(sizeof(*c) + cap);
		if (c == NULL) {
			scale_fail(&p->r, "out of memory");
			return NULL;
		}
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
		a->total += cap;
	}
	memset(c->data + c->used, 0, bytes);
	c->used += bytes;
	return c->data + c->used - bytes;
}

void
md_where(struct md_parse *p, const char *fmt, ...)
{
	va_list ap;

	if (!scale_ok(&p->r))
		return;
	va_start(ap, fmt);
	vsnprintf(p->where, sizeof(p->where), fmt, ap);
	va_end(ap);
}

static const char *
copy_name(struct md_parse *p, const char *s, size_t n, size_t at)
{
	char *out;

	if (memchr(s, '\0', n) != NULL) {
		scale_fail_at(&p->r, at, "a name holds a NUL byte");
		return NULL;
	}
	out = md_alloc(p, n + 1, 1);
	if (out == NULL)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

const char *
md_read_name(struct md_parse *p)
{
	const char *s;
	size_t n, at = p->r.pos;

	if (!scale_read_str(&p->r, &s, &n, METADATA_NAME_MAX))
		return NULL;
	return copy_name(p, s, n, at);
}

const char *
md_read_opt_name(struct md_parse *p)
{
	bool some;

	if (!scale_read_option_tag(&p->r, &some) || !some)
		return NULL;
	return md_read_name(p);
}

const char *
md_read_docs(struct md_parse *p, bool keep)
{
	size_t count, i, total = 0, start;
	const char *s;
	size_t n;
	char *out;

	count = md_read_count(p, SIZE_MAX, 1);
	if (!scale_ok(&p->r) || count == 0)
		return "";
	/* First pass: check every line and measure; second pass copies. */
	start = p->r.pos;
	for (i = 0; i < count && scale_ok(&p->r); i++) {
		size_t at = p->r.pos;

		if (!scale_read_str(&p->r, &s, &n, METADATA_DOC_MAX))
			break;
		if (memchr(s, '\0', n) != NULL)
			scale_fail_at(&p->r, at, "a doc line holds a NUL byte");
		total += n + 1;
	}
	if (!keep || !scale_ok(&p->r))
		return "";
	out = md_alloc(p, total, 1);
	if (out == NULL)
		return "";
	{
		struct scale_reader again;
		size_t off = 0;

		scale_reader_init(&again, p->r.data + start, p->r.pos - start);
		for (i = 0; i < count; i++) {
			(void)scale_read_str(&again, &s, &n, METADATA_DOC_MAX);
			if (i > 0)
				out[off++] = '\n';
			memcpy(out + off, s, n);
			off += n;
		}
		out[off] = '\0';
	}
	return out;
}

uint32_t
md_read_type(struct md_parse *p)
{
	uint32_t id;
	size_t at = p->r.pos;

	if (!scale_read_compact_u32(&p->r, &id))
		return METADATA_NO_TYPE;
	if (p->types_known && id >= p->md->ntypes) {
		scale_fail_at(&p->r, at, "type id %u does not exist (the "
		    "registry has %zu types)", id, p->md->ntypes);
		return METADATA_NO_TYPE;
	}
	return id;
}

uint32_t
md_read_opt_type(struct md_parse *p)
{
	bool some;

	if (!scale_read_option_tag(&p->r, &some) || !some)
		return METADATA_NO_TYPE;
	return md_read_type(p);
}

size_t
md_read_count(struct md_parse *p, size_t max, size_t min_size)
{
	size_t count;

	if (!scale_read_seq_len(&p->r, &count, max, min_size))
		return 0;
	return count;
}

const uint8_t *
md_read_bytes_copy(struct md_parse *p, size_t *len)
{
	const uint8_t *data;
	uint8_t *out;

	*len = 0;
	if (!scale_read_bytes(&p->r, &data, len, METADATA_MAX_BYTES))
		return NULL;
	out = md_alloc(p, *len, 1);
	if (out == NULL) {
		*len = 0;
		return NULL;
	}
	if (*len > 0)
		memcpy(out, data, *len);
	return out;
}

/* V14 names neither the outer call nor the outer event enum: take them
 * where polkadot-js does, from the UncheckedExtrinsic's params and from
 * frame_system::EventRecord's first param. */
static void
derive_v14_types(struct metadata *md)
{
	struct md_extrinsic *x = &md->extrinsic;
	const struct md_type *t = metadata_type(md, x->type);
	size_t i;

	x->address = x->call = x->signature = x->extra = METADATA_NO_TYPE;
	for (i = 0; t != NULL && i < t->nparams; i++) {
		const char *n = t->params[i].name;
		uint32_t ty = t->params[i].type;

		if (strcmp(n, "Address") == 0)
			x->address = ty;
		else if (strcmp(n, "Call") == 0)
			x->call = ty;
		else if (strcmp(n, "Signature") == 0)
			x->signature = ty;
		else if (strcmp(n, "Extra") == 0)
			x->extra = ty;
	}
	md->call_enum = x->call;
	md->event_enum = METADATA_NO_TYPE;
	md->error_enum = METADATA_NO_TYPE;
	for (i = 0; i < md->ntypes; i++) {
		t = &md->types[i];
		if (strcmp(t->path, "frame_system::EventRecord") == 0 &&
		    t->nparams > 0) {
			md->event_enum = t->params[0].type;
			break;
		}
	}
}

static void
parse_body(struct md_parse *p)
{
	struct metadata *md = p->md;

	if (!md_parse_registry(p) || !md_parse_pallets(p) ||
	    !md_parse_extrinsic(p))
		return;
	if (md->version < 16) {
		md_where(p, "runtime type");
		md->runtime_type = md_read_type(p);
	}
	if (md->version == 14) {
		derive_v14_types(md);
		return;
	}
	if (md->version == 15)
		(void)md_parse_v15_tail(p);
	else
		(void)md_parse_v16_tail(p);
}

struct metadata *
metadata_decode(const uint8_t *blob, size_t len, char *err, size_t errlen)
{
	struct md_parse p;
	struct metadata *md;
	uint32_t magic;
	uint8_t version;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (blob == NULL || len > METADATA_MAX_BYTES) {
		snprintf(err, errlen, "metadata: %zu bytes is over the %zu MiB "
		    "limit", len, METADATA_MAX_BYTES >> 20);
		return NULL;
	}
	memset(&p, 0, sizeof(p));
	scale_reader_init(&p.r, blob, len);
	snprintf(p.where, sizeof(p.where), "magic");
	if (!scale_read_u32(&p.r, &magic) || magic != META_MAGIC) {
		snprintf(err, errlen, "metadata: bad magic: not a metadata "
		    "blob (it starts with \"meta\", 0x6d657461)");
		return NULL;
	}
	if (!scale_read_u8(&p.r, &version) || version < 14 || version > 16) {
		snprintf(err, errlen, "metadata: version %u is not supported "
		    "(14, 15 and 16 are)", scale_ok(&p.r) ? (unsigned)version : 0u);
		return NULL;
	}
	md = calloc(1, sizeof(*md));
	p.arena = calloc(1, sizeof(*p.arena));
	if (md == NULL || p.arena == NULL) {
		free(md);
		free(p.arena);
		snprintf(err, errlen, "metadata: out of memory");
		return NULL;
	}
	md->arena = p.arena;
	md->version = version;
	md->runtime_type = METADATA_NO_TYPE;
	p.md = md;
	parse_body(&p);
	md_where(&p, "end");
	if (scale_ok(&p.r))
		(void)scale_expect_end(&p.r);
	if (!scale_ok(&p.r)) {
		char why[SCALE_WHY_MAX + 32];

		snprintf(err, errlen, "metadata V%u: %s: %s", version, p.where,
		    scale_error(&p.r, why, sizeof(why)));
		metadata_free(md);
		return NULL;
	}
	return md;
}

void
metadata_free(struct metadata *md)
{
	if (md == NULL)
		return;
	arena_free(md->arena);
	free(md);
}

bool
metadata_unwrap_opaque(const uint8_t *in, size_t len, const uint8_t **blob,
    size_t *blob_len, char *err, size_t errlen)
{
	struct scale_reader r;
	bool some;
	char why[SCALE_WHY_MAX + 32];

	*blob = NULL;
	*blob_len = 0;
	scale_reader_init(&r, in, len);
	if (!scale_read_option_tag(&r, &some)) {
		snprintf(err, errlen, "Option<OpaqueMetadata>: %s",
		    scale_error(&r, why, sizeof(why)));
		return false;
	}
	if (!some) {
		snprintf(err, errlen, "Option<OpaqueMetadata> is None: the node "
		    "does not offer that metadata version");
		return false;
	}
	if (!scale_read_bytes(&r, blob, blob_len, METADATA_MAX_BYTES) ||
	    !scale_expect_end(&r)) {
		snprintf(err, errlen, "Option<OpaqueMetadata>: %s",
		    scale_error(&r, why, sizeof(why)));
		*blob = NULL;
		*blob_len = 0;
		return false;
	}
	return true;
}

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t *
metadata_unhex(const char *text, size_t len, size_t max, size_t *out_len,
    char *err, size_t errlen)
{
	uint8_t *out;
	size_t i, n;

	*out_len = 0;
	while (len > 0 && isspace((unsigned char)text[0])) {
		text++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		text += 2;
		len -= 2;
	}
	if (len % 2 != 0) {
		snprintf(err, errlen, "hex: odd number of digits (%zu)", len);
		return NULL;
	}
	n = len / 2;
	if (n > max) {
		snprintf(err, errlen, "hex: %zu bytes is over the %zu limit", n,
		    max);
		return NULL;
	}
	out = malloc(n > 0 ? n : 1);
	if (out == NULL) {
		snprintf(err, errlen, "hex: out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		int hi = hex_digit((unsigned char)text[2 * i]);
		int lo = hex_digit((unsigned char)text[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "hex: not a hex digit at "
			    "position %zu", 2 * i + (hi < 0 ? 0 : 1));
			free(out);
			return NULL;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = n;
	return out;
}

static bool
has_magic(const uint8_t *b, size_t n)
{
	return n >= 4 && b[0] == 'm' && b[1] == 'e' && b[2] == 't' &&
	    b[3] == 'a';
}

/* OpaqueMetadata without the Option: a compact length, then the blob. */
static bool
unwrap_vec(const uint8_t *in, size_t len, const uint8_t **blob,
    size_t *blob_len)
{
	struct scale_reader r;

	scale_reader_init(&r, in, len);
	return scale_read_bytes(&r, blob, blob_len, METADATA_MAX_BYTES) &&
	    scale_expect_end(&r) && has_magic(*blob, *blob_len);
}

static struct metadata *
decode_binary(const uint8_t *data, size_t len, char *err, size_t errlen)
{
	const uint8_t *blob;
	size_t blob_len;
	char why[256];

	if (has_magic(data, len))
		return metadata_decode(data, len, err, errlen);
	if (len > 0 && data[0] <= 1 && metadata_unwrap_opaque(data, len,
	    &blob, &blob_len, why, sizeof(why))) {
		if (has_magic(blob, blob_len))
			return metadata_decode(blob, blob_len, err, errlen);
	} else if (len > 0 && data[0] == 0) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	if (unwrap_vec(data, len, &blob, &blob_len))
		return metadata_decode(blob, blob_len, err, errlen);
	snprintf(err, errlen, "metadata: neither a raw blob (\"meta\" magic), "
	    "nor Option<OpaqueMetadata>, nor OpaqueMetadata");
	return NULL;
}

static bool
looks_like_hex(const uint8_t *data, size_t len)
{
	size_t i = 0;

	while (i < len && isspace(data[i]))
		i++;
	if (i + 2 <= len && data[i] == '0' && (data[i + 1] == 'x' ||
	    data[i + 1] == 'X'))
		i += 2;
	if (i == len)
		return false;
	for (; i < len; i++)
		if (hex_digit(data[i]) < 0 && !isspace(data[i]))
			return false;
	return true;
}

struct metadata *
metadata_decode_any(const uint8_t *data, size_t len, char *err,
    size_t errlen)
{
	struct metadata *md;
	uint8_t *bin;
	size_t bin_len;

	if (data == NULL) {
		snprintf(err, errlen, "metadata: no input");
		return NULL;
	}
	if (!looks_like_hex(data, len))
		return decode_binary(data, len, err, errlen);
	bin = metadata_unhex((const char *)data, len, METADATA_MAX_BYTES + 16,
	    &bin_len, err, errlen);
	if (bin == NULL)
		return NULL;
	md = decode_binary(bin, bin_len, err, errlen);
	free(bin);
	return md;
}

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
