#include "wasm_inspect.h"

#include "scale.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

const uint8_t wasm_zstd_prefix[8] = {
	0x52, 0xbc, 0x53, 0x76, 0x46, 0xdb, 0x8e, 0x05
};

static const uint8_t wasm_magic[4] = { 0x00, 0x61, 0x73, 0x6d };

/* blake2b-64("Core"), the id of the Core runtime API. */
static const uint8_t core_api_id[8] = {
	0xdf, 0x6a, 0xcb, 0x68, 0x99, 0x07, 0x60, 0x9b
};

#define SECTION_CUSTOM 0
#define SECTION_IMPORT 2
#define SECTION_ID_MAX 13	/* 13 is the exception-handling tag section */
#define HEADER_SIZE 8

/* zstd's window: 2^26 = 64 MiB covers any frame whose output fits the
 * 50 MiB limit, and stops a header from asking for zstd's default 128 MiB
 * maximum before a byte is produced. */
#define ZSTD_WINDOW_LOG_MAX 26
/* The first output buffer is a guess from the input size (runtimes
 * compress about 4:1); it doubles from there, never past the limit. */
#define DECOMPRESS_RATIO_GUESS 4
#define DECOMPRESS_MIN_CHUNK ((size_t)64 << 10)

static int
fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes the reason to err (when there is room) and returns code. */
static int
fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err != NULL && errlen > 0) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

const char *
wasm_status_name(int status)
{
	switch (status) {
	case WASM_OK: return "ok";
	case WASM_NO_VERSION: return "no version section";
	case WASM_ERR_ARG: return "bad arguments";
	case WASM_ERR_NOMEM: return "out of memory";
	case WASM_ERR_TOO_LARGE: return "too large";
	case WASM_ERR_BAD_MAGIC: return "bad magic";
	case WASM_ERR_BAD_VERSION: return "bad wasm version";
	case WASM_ERR_ZSTD: return "zstd error";
	case WASM_ERR_BOMB: return "decompression bomb";
	case WASM_ERR_TRAILING: return "trailing bytes";
	case WASM_ERR_TRUNCATED: return "truncated";
	case WASM_ERR_MALFORMED: return "malformed";
	case WASM_ERR_LIMIT: return "over a limit";
	case WASM_ERR_VERSION_SECTION: return "bad runtime_version section";
	case WASM_ERR_APIS_SECTION: return "bad runtime_apis section";
	default: return "unknown status";
	}
}

/* ---- decompression ---- */

static bool
has_zstd_prefix(const uint8_t *blob, size_t len)
{
	return len >= sizeof(wasm_zstd_prefix) &&
	    memcmp(blob, wasm_zstd_prefix, sizeof(wasm_zstd_prefix)) == 0;
}

/* Doubles the output buffer, to at most limit + 1 bytes: one byte past the
 * limit is how a bomb shows itself without decompressing any further. */
static int
grow_output(ZSTD_outBuffer *ob, size_t in_size, char *err, size_t errlen)
{
	size_t hard = WASM_MAX_UNCOMPRESSED + 1;
	size_t cap = ob->size * 2;
	void *nb;

	if (ob->size == 0) {
		/* in_size <= WASM_MAX_INPUT, so this cannot overflow. */
		cap = in_size * DECOMPRESS_RATIO_GUESS;
		if (cap < DECOMPRESS_MIN_CHUNK)
			cap = DECOMPRESS_MIN_CHUNK;
	}
	if (cap > hard)
		cap = hard;
	nb = realloc(ob->dst, cap);
	if (nb == NULL)
		return fail(err, errlen, WASM_ERR_NOMEM,
		    "out of memory decompressing (%zu bytes)", cap);
	ob->dst = nb;
	ob->size = cap;
	return WASM_OK;
}

/* Runs the one zstd frame in ib to its end into ob, growing ob; the frame's
 * declared content size is never used for allocation. */
static int
run_zstd_frame(ZSTD_DCtx *dctx, ZSTD_inBuffer *ib, ZSTD_outBuffer *ob,
    char *err, size_t errlen)
{
	for (;;) {
		size_t ret;

		if (ob->pos == ob->size) {
			int rc;

			if (ob->size > WASM_MAX_UNCOMPRESSED)
				return fail(err, errlen, WASM_ERR_BOMB,
				    "decompresses to more than 50 MiB");
			if ((rc = grow_output(ob, ib->size, err, errlen)) !=
			    WASM_OK)
				return rc;
		}
		ret = ZSTD_decompressStream(dctx, ob, ib);
		if (ZSTD_isError(ret))
			return fail(err, errlen, WASM_ERR_ZSTD,
			    "zstd: %s (at compressed offset %zu)",
			    ZSTD_getErrorName(ret),
			    sizeof(wasm_zstd_prefix) + ib->pos);
		if (ob->pos > WASM_MAX_UNCOMPRESSED)
			return fail(err, errlen, WASM_ERR_BOMB,
			    "decompresses to more than 50 MiB");
		if (ret == 0)
			return WASM_OK;
		/* Input used up, output not full, frame not finished. */
		if (ib->pos == ib->size && ob->pos < ob->size)
			return fail(err, errlen, WASM_ERR_ZSTD,
			    "zstd: frame is truncated after %zu compressed "
			    "bytes", ib->size);
	}
}

int
wasm_decompress(const uint8_t *blob, size_t len, uint8_t **out,
    size_t *outlen, char *err, size_t errlen)
{
	ZSTD_inBuffer ib;
	ZSTD_outBuffer ob = { NULL, 0, 0 };
	ZSTD_DCtx *dctx;
	int rc;

	if (out == NULL || outlen == NULL || (blob == NULL && len > 0))
		return fail(err, errlen, WASM_ERR_ARG, "bad arguments");
	*out = NULL;
	*outlen = 0;
	if (len > WASM_MAX_INPUT)
		return fail(err, errlen, WASM_ERR_TOO_LARGE,
		    "over 10 MiB compressed (%zu bytes)", len);
	if (!has_zstd_prefix(blob, len))
		return WASM_OK;
	ib.src = blob + sizeof(wasm_zstd_prefix);
	ib.size = len - sizeof(wasm_zstd_prefix);
	ib.pos = 0;
	if ((dctx = ZSTD_createDCtx()) == NULL)
		return fail(err, errlen, WASM_ERR_NOMEM, "out of memory");
	if (ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax,
	    ZSTD_WINDOW_LOG_MAX))) {
		ZSTD_freeDCtx(dctx);
		return fail(err, errlen, WASM_ERR_ZSTD,
		    "zstd: cannot limit the window size");
	}
	rc = run_zstd_frame(dctx, &ib, &ob, err, errlen);
	ZSTD_freeDCtx(dctx);
	if (rc == WASM_OK && ib.pos < ib.size)
		rc = fail(err, errlen, WASM_ERR_TRAILING,
		    "%zu trailing bytes after the zstd frame (at offset %zu)",
		    ib.size - ib.pos, sizeof(wasm_zstd_prefix) + ib.pos);
	if (rc != WASM_OK) {
		free(ob.dst);
		return rc;
	}
	*out = ob.dst;
	*outlen = ob.pos;
	return WASM_OK;
}

/* ---- LEB128 ---- */

enum leb_result { LEB_OK, LEB_TRUNCATED, LEB_BAD };

/* Unsigned LEB128 of at most `bits` bits (32 or 64): at most ceil(bits/7)
 * bytes, and the last byte may not carry bits beyond the width. */
static enum leb_result
read_leb(const uint8_t *p, size_t len, size_t *pos, unsigned bits,
    uint64_t *out)
{
	unsigned max_bytes = (bits + 6) / 7;
	uint64_t v = 0;

	*out = 0;
	for (unsigned i = 0; i < max_bytes; i++) {
		unsigned shift = 7 * i;
		uint8_t b;

		if (*pos >= len)
			return LEB_TRUNCATED;
		b = p[(*pos)++];
		/* Bits of the last byte that land beyond the width. */
		if (i == max_bytes - 1 && (b & 0x7f) >> (bits - shift) != 0)
			return LEB_BAD;
		v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0) {
			*out = v;
			return LEB_OK;
		}
	}
	return LEB_BAD;
}

/* A bounded cursor over one section's payload, with offsets reported in
 * module terms. The first problem is kept, like scale_reader's. */
struct cursor {
	const uint8_t *p;
	size_t len;
	size_t pos;
	size_t base;		/* the payload's offset in the module */
	const char *section;	/* for messages */
	int rc;
	char *err;
	size_t errlen;
};

static bool
cursor_fail(struct cursor *c, size_t at, const char *what)
{
	if (c->rc == WASM_OK)
		c->rc = fail(c->err, c->errlen, WASM_ERR_MALFORMED,
		    "%s section: %s at offset %zu", c->section, what,
		    c->base + at);
	return false;
}

static bool
cursor_leb(struct cursor *c, unsigned bits, uint64_t *out)
{
	size_t start = c->pos;
	enum leb_result lr;

	if (c->rc != WASM_OK)
		return false;
	lr = read_leb(c->p, c->len, &c->pos, bits, out);
	if (lr == LEB_TRUNCATED)
		return cursor_fail(c, start, "truncated LEB128");
	if (lr == LEB_BAD)
		return cursor_fail(c, start, "bad LEB128");
	return true;
}

static bool
cursor_byte(struct cursor *c, uint8_t *out)
{
	*out = 0;
	if (c->rc != WASM_OK)
		return false;
	if (c->pos >= c->len)
		return cursor_fail(c, c->pos, "truncated");
	*out = c->p[c->pos++];
	return true;
}

/* A wasm name: LEB128 length, then that many bytes of UTF-8. */
static bool
cursor_name(struct cursor *c, const uint8_t **name, size_t *len)
{
	size_t start = c->pos;
	uint64_t n;

	*name = NULL;
	*len = 0;
	if (!cursor_leb(c, 32, &n))
		return false;
	if (n > c->len - c->pos)
		return cursor_fail(c, start, "name runs past the section end");
	if (!scale_utf8_valid(c->p + c->pos, (size_t)n))
		return cursor_fail(c, start, "name is not valid UTF-8");
	*name = c->p + c->pos;
	*len = (size_t)n;
	c->pos += (size_t)n;
	return true;
}

/* ---- import section ---- */

#define IMPORT_FUNC 0
#define IMPORT_TABLE 1
#define IMPORT_MEMORY 2
#define IMPORT_GLOBAL 3
#define IMPORT_TAG 4

/* Table/memory limits: a flags byte (bit 0 has-max, bit 1 shared, bit 2
 * 64-bit), a minimum and maybe a maximum. */
static bool
skip_limits(struct cursor *c)
{
	size_t start = c->pos;
	uint8_t flags;
	uint64_t v;
	unsigned bits;

	if (!cursor_byte(c, &flags))
		return false;
	if (flags & ~0x07u)
		return cursor_fail(c, start, "unknown limits flags");
	bits = flags & 0x04 ? 64 : 32;
	if (!cursor_leb(c, bits, &v))
		return false;
	return (flags & 0x01) == 0 || cursor_leb(c, bits, &v);
}

static bool
skip_import_desc(struct cursor *c, uint8_t kind, size_t at)
{
	uint8_t b;
	uint64_t v;

	switch (kind) {
	case IMPORT_FUNC:
		return cursor_leb(c, 32, &v);
	case IMPORT_TABLE:
		return cursor_byte(c, &b) && skip_limits(c);
	case IMPORT_MEMORY:
		return skip_limits(c);
	case IMPORT_GLOBAL:
		if (!cursor_byte(c, &b) || !cursor_byte(c, &b))
			return false;
		return b <= 1 || cursor_fail(c, c->pos - 1,
		    "bad global mutability");
	case IMPORT_TAG:
		return cursor_byte(c, &b) && cursor_leb(c, 32, &v);
	default:
		return cursor_fail(c, at, "unknown import kind");
	}
}

/* Keeps a copy of an env function import's name. */
static int
add_env_func(struct wasm_report *out, const uint8_t *name, size_t len,
    size_t at, char *err, size_t errlen)
{
	char *copy;

	if (out->env_func_count >= WASM_MAX_ENV_IMPORTS)
		return fail(err, errlen, WASM_ERR_LIMIT,
		    "import section: more than %d env function imports",
		    WASM_MAX_ENV_IMPORTS);
	if (len > WASM_IMPORT_NAME_MAX)
		return fail(err, errlen, WASM_ERR_LIMIT,
		    "import section: env import name of %zu bytes at offset "
		    "%zu (limit %d)", len, at, WASM_IMPORT_NAME_MAX);
	if (memchr(name, '\0', len) != NULL)
		return fail(err, errlen, WASM_ERR_MALFORMED,
		    "import section: env import name with NUL at offset %zu",
		    at);
	if (out->env_funcs == NULL) {
		/* One allocation at the cap: 8 KiB, and no regrowth. */
		out->env_funcs = calloc(WASM_MAX_ENV_IMPORTS, sizeof(char *));
		if (out->env_funcs == NULL)
			return fail(err, errlen, WASM_ERR_NOMEM,
			    "out of memory");
	}
	if ((copy = malloc(len + 1)) == NULL)
		return fail(err, errlen, WASM_ERR_NOMEM, "out of memory");
	memcpy(copy, name, len);
	copy[len] = '\0';
	out->env_funcs[out->env_func_count++] = copy;
	return WASM_OK;
}

/* The smallest possible import: two empty names, a kind, a one-byte desc. */
#define IMPORT_MIN_SIZE 4

static int
parse_imports(struct cursor *c, struct wasm_report *out)
{
	uint64_t count;
	int rc;

	if (!cursor_leb(c, 32, &count))
		return c->rc;
	if (count > (c->len - c->pos) / IMPORT_MIN_SIZE)
		return fail(c->err, c->errlen, WASM_ERR_MALFORMED,
		    "import section: %llu imports cannot fit in %zu bytes",
		    (unsigned long long)count, c->len - c->pos);
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *mod, *field;
		size_t mod_len, field_len, field_at, kind_at;
		uint8_t kind;

		if (!cursor_name(c, &mod, &mod_len))
			return c->rc;
		field_at = c->pos;
		if (!cursor_name(c, &field, &field_len))
			return c->rc;
		kind_at = c->pos;
		if (!cursor_byte(c, &kind) ||
		    !skip_import_desc(c, kind, kind_at))
			return c->rc;
		out->import_count++;
		if (kind == IMPORT_FUNC && mod_len == 3 &&
		    memcmp(mod, "env", 3) == 0) {
			rc = add_env_func(out, field, field_len,
			    c->base + field_at, c->err, c->errlen);
			if (rc != WASM_OK)
				return rc;
		}
	}
	if (c->pos != c->len)
		cursor_fail(c, c->pos, "bytes after the last import");
	return c->rc;
}

/* ---- runtime_version and runtime_apis ---- */

static int
version_fail(struct scale_reader *r, struct wasm_report *out, char *err,
    size_t errlen)
{
	char why[160];

	out->has_version = false;
	return fail(err, errlen, WASM_ERR_VERSION_SECTION,
	    "runtime_version section: %s", scale_error(r, why, sizeof(why)));
}

/* After impl_version the layout grew over time: apis, then
 * transaction_version (Core API 3), then system_version (Core API 4,
 * first called state_version). A section that ends early is an older
 * layout, not an error; one that ends inside a field is. */
static void
read_version_tail(struct scale_reader *r, struct wasm_report *out)
{
	size_t count;

	if (!scale_read_seq_len(r, &count, SIZE_MAX, 12))
		return;
	for (size_t i = 0; i < count; i++) {
		const uint8_t *id;
		uint32_t version;

		scale_read_view(r, &id, 8);
		scale_read_u32(r, &version);
		/* A node takes the Core version from here only when there is
		 * no runtime_apis section (which has been decoded by now). */
		if (scale_ok(r) && !out->has_apis && out->core_version == 0 &&
		    memcmp(id, core_api_id, 8) == 0)
			out->core_version = version;
	}
	if (!scale_ok(r))
		return;
	out->version_api_count = count;
	if (scale_remaining(r) == 0)
		return;
	if (!scale_read_u32(r, &out->transaction_version))
		return;
	out->has_transaction_version = true;
	if (scale_remaining(r) == 0)
		return;
	if (!scale_read_u8(r, &out->system_version))
		return;
	out->has_system_version = true;
	out->version_extra_bytes = scale_remaining(r);
}

int
wasm_decode_runtime_version(const uint8_t *p, size_t len, size_t base,
    struct wasm_report *out, char *err, size_t errlen)
{
	struct scale_reader r;

	scale_reader_init_at(&r, p, len, base);
	out->has_transaction_version = false;
	out->has_system_version = false;
	out->transaction_version = 0;
	out->system_version = 0;
	out->version_api_count = 0;
	out->version_extra_bytes = 0;
	scale_read_str_copy(&r, out->spec_name, sizeof(out->spec_name));
	scale_read_str_copy(&r, out->impl_name, sizeof(out->impl_name));
	scale_read_u32(&r, &out->authoring_version);
	scale_read_u32(&r, &out->spec_version);
	scale_read_u32(&r, &out->impl_version);
	if (scale_ok(&r))
		read_version_tail(&r, out);
	if (!scale_ok(&r))
		return version_fail(&r, out, err, errlen);
	out->has_version = true;
	return WASM_OK;
}

int
wasm_decode_runtime_apis(const uint8_t *p, size_t len, size_t base,
    struct wasm_report *out, char *err, size_t errlen)
{
	out->has_apis = false;
	out->api_count = 0;
	out->apis_kept = 0;
	out->core_version = 0;
	/* No length prefix: the section is the bare (id, version) pairs. */
	if (len % 12 != 0)
		return fail(err, errlen, WASM_ERR_APIS_SECTION,
		    "runtime_apis section at offset %zu: %zu bytes is not a "
		    "whole number of 12-byte entries", base, len);
	for (size_t off = 0; off < len; off += 12) {
		struct wasm_api api;

		memcpy(api.id, p + off, 8);
		api.version = (uint32_t)p[off + 8] |
		    (uint32_t)p[off + 9] << 8 | (uint32_t)p[off + 10] << 16 |
		    (uint32_t)p[off + 11] << 24;
		if (memcmp(api.id, core_api_id, 8) == 0 &&
		    out->core_version == 0)
			out->core_version = api.version;
		if (out->apis_kept < WASM_MAX_APIS)
			out->apis[out->apis_kept++] = api;
		out->api_count++;
	}
	out->has_apis = true;
	return WASM_OK;
}

/* ---- section walk ---- */

struct found_sections {
	const uint8_t *version;
	size_t version_len, version_at;
	const uint8_t *apis;
	size_t apis_len, apis_at;
	bool have_imports;
};

static bool
name_is(const uint8_t *name, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(name, want, len) == 0;
}

/* Notes where runtime_version and runtime_apis are; two of either would
 * leave it to chance which one a node reads, so that is refused. */
static int
handle_custom(struct cursor *c, struct found_sections *found, size_t at)
{
	const uint8_t *name, *body;
	size_t name_len, body_len, body_at;

	if (!cursor_name(c, &name, &name_len))
		return c->rc;
	body = c->p + c->pos;
	body_len = c->len - c->pos;
	body_at = c->base + c->pos;
	if (name_is(name, name_len, "runtime_version")) {
		if (found->version != NULL)
			return fail(c->err, c->errlen, WASM_ERR_MALFORMED,
			    "duplicate runtime_version section at offset %zu",
			    at);
		found->version = body;
		found->version_len = body_len;
		found->version_at = body_at;
	} else if (name_is(name, name_len, "runtime_apis")) {
		if (found->apis != NULL)
			return fail(c->err, c->errlen, WASM_ERR_MALFORMED,
			    "duplicate runtime_apis section at offset %zu",
			    at);
		found->apis = body;
		found->apis_len = body_len;
		found->apis_at = body_at;
	}
	return WASM_OK;
}

static int
handle_section(const uint8_t *m, uint8_t id, size_t at, size_t body_at,
    size_t size, struct found_sections *found, struct wasm_report *out,
    char *err, size_t errlen)
{
	struct cursor c = {
		.p = m + body_at, .len = size, .base = body_at,
		.section = id == SECTION_CUSTOM ? "custom" : "import",
		.rc = WASM_OK, .err = err, .errlen = errlen,
	};

	if (id == SECTION_CUSTOM)
		return handle_custom(&c, found, at);
	if (id != SECTION_IMPORT)
		return WASM_OK;
	if (found->have_imports)
		return fail(err, errlen, WASM_ERR_MALFORMED,
		    "duplicate import section at offset %zu", at);
	found->have_imports = true;
	return parse_imports(&c, out);
}

/* Walks every section after the 8-byte header: an id byte and a LEB128
 * size that must fit in what is left. */
static int
walk_sections(const uint8_t *m, size_t len, struct found_sections *found,
    struct wasm_report *out, char *err, size_t errlen)
{
	size_t pos = HEADER_SIZE;

	while (pos < len) {
		size_t at = pos;
		uint8_t id = m[pos++];
		uint64_t size;
		enum leb_result lr;
		int rc;

		if (id > SECTION_ID_MAX)
			return fail(err, errlen, WASM_ERR_MALFORMED,
			    "unknown section id %u at offset %zu", id, at);
		lr = read_leb(m, len, &pos, 32, &size);
		if (lr == LEB_TRUNCATED)
			return fail(err, errlen, WASM_ERR_TRUNCATED,
			    "truncated section header at offset %zu", at);
		if (lr == LEB_BAD)
			return fail(err, errlen, WASM_ERR_MALFORMED,
			    "bad LEB128 size of section %u at offset %zu",
			    id, at);
		if (size > len - pos)
			return fail(err, errlen, WASM_ERR_TRUNCATED,
			    "truncated section %u at offset %zu: declares "
			    "%llu bytes, %zu remain", id, at,
			    (unsigned long long)size, len - pos);
		rc = handle_section(m, id, at, pos, (size_t)size, found, out,
		    err, errlen);
		if (rc != WASM_OK)
			return rc;
		out->section_count++;
		pos += (size_t)size;
	}
	return WASM_OK;
}

static int
check_header(const uint8_t *m, size_t len, bool compressed, char *err,
    size_t errlen)
{
	uint32_t version;

	if (len < sizeof(wasm_magic) ||
	    memcmp(m, wasm_magic, sizeof(wasm_magic)) != 0)
		return fail(err, errlen, WASM_ERR_BAD_MAGIC, compressed ?
		    "bad magic: the compressed blob does not hold wasm" :
		    "bad magic: neither wasm (00 61 73 6d) nor compressed "
		    "wasm (52 bc 53 76 46 db 8e 05)");
	if (len < HEADER_SIZE)
		return fail(err, errlen, WASM_ERR_TRUNCATED,
		    "truncated wasm header: %zu of 8 bytes", len);
	version = (uint32_t)m[4] | (uint32_t)m[5] << 8 |
	    (uint32_t)m[6] << 16 | (uint32_t)m[7] << 24;
	if (version != 1)
		return fail(err, errlen, WASM_ERR_BAD_VERSION,
		    "bad version: wasm binary version %u, expected 1",
		    (unsigned)version);
	return WASM_OK;
}

/* Decodes the two runtime sections once the walk has found them, and
 * checks the version's layout against the Core API version. */
static int
decode_runtime_sections(const struct found_sections *found,
    struct wasm_report *out, char *err, size_t errlen)
{
	int rc;

	if (found->apis != NULL) {
		rc = wasm_decode_runtime_apis(found->apis, found->apis_len,
		    found->apis_at, out, err, errlen);
		if (rc != WASM_OK)
			return rc;
	}
	if (found->version == NULL)
		return fail(err, errlen, WASM_NO_VERSION,
		    "not a runtime: no runtime_version section");
	rc = wasm_decode_runtime_version(found->version, found->version_len,
	    found->version_at, out, err, errlen);
	if (rc != WASM_OK)
		return rc;
	out->version_short_for_core =
	    (out->core_version >= 3 && !out->has_transaction_version) ||
	    (out->core_version >= 4 && !out->has_system_version);
	return WASM_OK;
}

static void
hash_input(const uint8_t *blob, size_t len, struct wasm_report *out)
{
	static const char digits[] = "0123456789abcdef";

	crypto_generichash(out->code_hash, sizeof(out->code_hash), blob, len,
	    NULL, 0);
	out->code_hash_hex[0] = '0';
	out->code_hash_hex[1] = 'x';
	for (size_t i = 0; i < sizeof(out->code_hash); i++) {
		out->code_hash_hex[2 + 2 * i] = digits[out->code_hash[i] >> 4];
		out->code_hash_hex[3 + 2 * i] = digits[out->code_hash[i] & 15];
	}
	out->code_hash_hex[2 + 2 * sizeof(out->code_hash)] = '\0';
}

/* After a refusal the report keeps what is known of the input (its size,
 * hash, form and, once decompressed, the module's size) and nothing that
 * came from a module that was refused. */
static void
keep_only_input_facts(struct wasm_report *out)
{
	struct wasm_report keep;

	wasm_report_free(out);
	memset(&keep, 0, sizeof(keep));
	keep.compressed = out->compressed;
	keep.input_size = out->input_size;
	keep.uncompressed_size = out->uncompressed_size;
	memcpy(keep.code_hash, out->code_hash, sizeof(keep.code_hash));
	memcpy(keep.code_hash_hex, out->code_hash_hex,
	    sizeof(keep.code_hash_hex));
	*out = keep;
}

/* Everything after the input checks: header, sections, runtime data. */
static int
inspect_module(const uint8_t *m, size_t len, struct wasm_report *out,
    char *err, size_t errlen)
{
	struct found_sections found;
	int rc;

	memset(&found, 0, sizeof(found));
	out->uncompressed_size = len;
	if ((rc = check_header(m, len, out->compressed, err, errlen)) !=
	    WASM_OK)
		return rc;
	if ((rc = walk_sections(m, len, &found, out, err, errlen)) != WASM_OK)
		return rc;
	return decode_runtime_sections(&found, out, err, errlen);
}

int
wasm_inspect(const uint8_t *blob, size_t len, struct wasm_report *out,
    char *err, size_t errlen)
{
	uint8_t *module = NULL;
	size_t module_len = 0;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL)
		return fail(err, errlen, WASM_ERR_ARG, "bad arguments");
	memset(out, 0, sizeof(*out));
	if (blob == NULL && len > 0)
		return fail(err, errlen, WASM_ERR_ARG, "bad arguments");
	if (len > WASM_MAX_INPUT)
		return fail(err, errlen, WASM_ERR_TOO_LARGE,
		    has_zstd_prefix(blob, len) ?
		    "over 10 MiB compressed (%zu bytes)" :
		    "over 10 MiB (%zu bytes)", len);
	if (sodium_init() < 0)
		return fail(err, errlen, WASM_ERR_NOMEM,
		    "libsodium failed to initialise");
	out->input_size = len;
	hash_input(blob, len, out);
	out->compressed = has_zstd_prefix(blob, len);
	if (out->compressed) {
		rc = wasm_decompress(blob, len, &module, &module_len, err,
		    errlen);
		if (rc == WASM_OK)
			rc = inspect_module(module, module_len, out, err,
			    errlen);
		free(module);
	} else {
		rc = inspect_module(blob, len, out, err, errlen);
	}
	if (rc < 0)
		keep_only_input_facts(out);
	return rc;
}

void
wasm_report_free(struct wasm_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->env_func_count; i++)
		free(r->env_funcs[i]);
	free(r->env_funcs);
	r->env_funcs = NULL;
	r->env_func_count = 0;
}

static bool
has_env_func(const struct wasm_report *r, const char *name)
{
	for (size_t i = 0; i < r->env_func_count; i++)
		if (strcmp(r->env_funcs[i], name) == 0)
			return true;
	return false;
}

size_t
wasm_new_host_functions(const struct wasm_report *new_code,
    const struct wasm_report *current, const char **names, size_t cap)
{
	size_t found = 0;

	if (new_code == NULL)
		return 0;
	for (size_t i = 0; i < new_code->env_func_count; i++) {
		const char *name = new_code->env_funcs[i];

		if (current != NULL && has_env_func(current, name))
			continue;
		if (names != NULL && found < cap)
			names[found] = name;
		found++;
	}
	return found;
}
