/* Runtime metadata: the arena, the parser's readers and the top-level
 * layout of each version. The registry is read in metadata_types.c,
 * pallets and the extrinsic in metadata_pallets.c; the node's input forms
 * are unwrapped in metadata_forms.c; lookups are in metadata_lookup.c. */
#include "metadata.h"
#include "metadata_int.h"

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
