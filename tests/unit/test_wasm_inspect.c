/* Unit tests for common/wasm_inspect.c. Minimal wasm modules are built
 * here, byte by byte (header, a type section, an import section with env
 * functions, runtime_apis and runtime_version custom sections), inspected
 * plain and compressed, cut at every byte, corrupted, and turned into
 * bombs. Then the real blobs on this machine: Rococo's genesis code (from
 * @substrate/connect's chain spec) and the demo runtime artifact, each
 * skipped with a printed reason when absent. */
#include "scale.h"
#include "testlib.h"
#include "wasm_inspect.h"

#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define FUZZ_SEED 0x3a636f6465ULL	/* ":code" */
#define FUZZ_ROUNDS 20000
#define MIB ((size_t)1 << 20)

#define ROCOCO_SPEC \
	"node_modules/@substrate/connect/dist/connector/specs/rococo_v2_1.json"
#define DEMO_WASM_DEFAULT "/tmp/dw-final/release/wbuild/demo-runtime/" \
	"demo_runtime.compact.compressed.wasm"
/* Measured independently (Python hashlib, zstd(1)) on the blob in
 * @substrate/connect 0.6.5's rococo_v2_1.json. */
#define ROCOCO_GENESIS_SIZE 859727
#define ROCOCO_GENESIS_WASM_SIZE 3557434
#define ROCOCO_GENESIS_HASH "0xe49e1a81ddc4e80d0aed4adf9321136d" \
	"d7a197deaf8a14a8d52012348f8e05b6"

static uint64_t rng_state;

static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool
access_ok(const char *path)
{
	return access(path, R_OK) == 0;
}

static uint8_t *
heap_copy(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len > 0 ? len : 1);

	if (p == NULL)
		exit(2);
	if (len > 0)
		memcpy(p, src, len);
	return p;
}

/* ---- building modules ---- */

static void
put_leb(struct scale_writer *w, uint64_t v)
{
	do {
		uint8_t b = v & 0x7f;

		v >>= 7;
		scale_write_u8(w, (uint8_t)(b | (v != 0 ? 0x80 : 0)));
	} while (v != 0);
}

static void
put_name(struct scale_writer *w, const char *name)
{
	put_leb(w, strlen(name));
	scale_write_raw(w, name, strlen(name));
}

static void
put_section(struct scale_writer *w, uint8_t id, const uint8_t *body,
    size_t len)
{
	scale_write_u8(w, id);
	put_leb(w, len);
	scale_write_raw(w, body, len);
}

/* A custom section: name, then body. */
static void
put_custom(struct scale_writer *w, const char *name, const uint8_t *body,
    size_t len)
{
	struct scale_writer s;

	scale_writer_init(&s, 1 << 20);
	put_name(&s, name);
	scale_write_raw(&s, body, len);
	put_section(w, 0, s.buf, s.len);
	scale_writer_free(&s);
}

/* A custom section named "pad" whose whole encoding is exactly `total`
 * bytes of zeros after its header, for sizing a module precisely. */
static void
put_padding(struct scale_writer *w, size_t total)
{
	static const uint8_t zeros[65536];
	size_t body, header = 1 + 4 + 4;	/* id, 4-byte LEB, "pad" name */

	body = total - header;
	scale_write_u8(w, 0);
	/* A fixed 4-byte LEB (padded form), so the size is exact. */
	scale_write_u8(w, (uint8_t)(((body + 4) & 0x7f) | 0x80));
	scale_write_u8(w, (uint8_t)((((body + 4) >> 7) & 0x7f) | 0x80));
	scale_write_u8(w, (uint8_t)((((body + 4) >> 14) & 0x7f) | 0x80));
	scale_write_u8(w, (uint8_t)(((body + 4) >> 21) & 0x7f));
	put_name(w, "pad");
	while (body > 0) {
		size_t n = body < sizeof(zeros) ? body : sizeof(zeros);

		scale_write_raw(w, zeros, n);
		body -= n;
	}
}

enum layout {
	LAYOUT_NONE,		/* no runtime_version section at all */
	LAYOUT_NO_TX,		/* stops after apis */
	LAYOUT_NO_SYS,		/* has transaction_version */
	LAYOUT_FULL,		/* has system_version too */
};

static void
put_version_body(struct scale_writer *w, enum layout layout, size_t napis)
{
	static const uint8_t some_id[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	scale_write_str(w, "testrt");
	scale_write_str(w, "test-impl");
	scale_write_u32(w, 1);		/* authoring */
	scale_write_u32(w, 101);	/* spec */
	scale_write_u32(w, 2);		/* impl */
	scale_write_compact(w, napis);
	for (size_t i = 0; i < napis; i++) {
		scale_write_array(w, some_id, 8);
		scale_write_u32(w, (uint32_t)i);
	}
	if (layout >= LAYOUT_NO_SYS)
		scale_write_u32(w, 3);	/* transaction_version */
	if (layout >= LAYOUT_FULL)
		scale_write_u8(w, 1);	/* system_version */
}

struct mod_opts {
	enum layout layout;
	bool apis;
	const char *extra_import;	/* another env function, or NULL */
	size_t pad_to;			/* pad the module to this size */
	bool two_versions;
};

static const uint8_t core_id[8] = {
	0xdf, 0x6a, 0xcb, 0x68, 0x99, 0x07, 0x60, 0x9b
};

static void
put_imports(struct scale_writer *w, const char *extra)
{
	struct scale_writer s;

	scale_writer_init(&s, 4096);
	put_leb(&s, extra != NULL ? 6 : 5);
	put_name(&s, "env");		/* env.memory: not a function */
	put_name(&s, "memory");
	scale_write_u8(&s, 2);
	scale_write_u8(&s, 0);
	put_leb(&s, 17);
	put_name(&s, "env");
	put_name(&s, "ext_storage_get_version_1");
	scale_write_u8(&s, 0);
	put_leb(&s, 0);
	put_name(&s, "env");
	put_name(&s, "ext_hashing_blake2_256_version_1");
	scale_write_u8(&s, 0);
	put_leb(&s, 1);
	put_name(&s, "other");		/* a function, but not from env */
	put_name(&s, "not_env");
	scale_write_u8(&s, 0);
	put_leb(&s, 0);
	put_name(&s, "env");		/* a global import */
	put_name(&s, "some_global");
	scale_write_u8(&s, 3);
	scale_write_u8(&s, 0x7f);
	scale_write_u8(&s, 0);
	if (extra != NULL) {
		put_name(&s, "env");
		put_name(&s, extra);
		scale_write_u8(&s, 0);
		put_leb(&s, 0);
	}
	put_section(w, 2, s.buf, s.len);
	scale_writer_free(&s);
}

static void
put_apis(struct scale_writer *w)
{
	struct scale_writer s;
	static const uint8_t other[8] = { 0x37, 0xe3, 0x97, 0xfc, 0x7c, 0x91,
	    0xf5, 0xe4 };

	scale_writer_init(&s, 4096);
	scale_write_array(&s, core_id, 8);
	scale_write_u32(&s, 4);
	scale_write_array(&s, other, 8);
	scale_write_u32(&s, 1);
	put_custom(w, "runtime_apis", s.buf, s.len);
	scale_writer_free(&s);
}

static void
put_version(struct scale_writer *w, enum layout layout)
{
	struct scale_writer s;

	scale_writer_init(&s, 4096);
	put_version_body(&s, layout, 0);
	put_custom(w, "runtime_version", s.buf, s.len);
	scale_writer_free(&s);
}

/* Builds a module; bounds[] (when given) receives each section's end
 * offset, *nbounds their count. */
static uint8_t *
build_module(const struct mod_opts *o, size_t *len, size_t *bounds,
    size_t *nbounds)
{
	static const uint8_t header[8] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
	static const uint8_t types[] = { 0x02, 0x60, 0x00, 0x00, 0x60, 0x01,
	    0x7f, 0x01, 0x7f };
	struct scale_writer w;
	size_t n = 0;

	scale_writer_init(&w, 64 * MIB);
	scale_write_raw(&w, header, sizeof(header));
	put_section(&w, 1, types, sizeof(types));
	if (bounds != NULL)
		bounds[n++] = w.len;
	put_imports(&w, o->extra_import);
	if (bounds != NULL)
		bounds[n++] = w.len;
	if (o->apis) {
		put_apis(&w);
		if (bounds != NULL)
			bounds[n++] = w.len;
	}
	if (o->pad_to > 0) {
		/* The version section goes after the padding, so work out
		 * its size first with a scratch writer. */
		struct scale_writer v;

		scale_writer_init(&v, 4096);
		if (o->layout != LAYOUT_NONE)
			put_version(&v, o->layout);
		put_padding(&w, o->pad_to - w.len - v.len);
		scale_write_raw(&w, v.buf, v.len);
		scale_writer_free(&v);
	} else if (o->layout != LAYOUT_NONE) {
		put_version(&w, o->layout);
		if (o->two_versions)
			put_version(&w, o->layout);
	}
	if (bounds != NULL && o->layout != LAYOUT_NONE)
		bounds[n++] = w.len;
	if (nbounds != NULL)
		*nbounds = n;
	if (!scale_writer_ok(&w)) {
		fprintf(stderr, "module builder: %s\n", w.why);
		exit(2);
	}
	return scale_writer_take(&w, len);
}

static uint8_t *
standard_module(size_t *len)
{
	struct mod_opts o = { .layout = LAYOUT_FULL, .apis = true };

	return build_module(&o, len, NULL, NULL);
}

/* Substrate's compressed form: the prefix, then one zstd frame. */
static uint8_t *
compress_blob(const uint8_t *src, size_t len, int level, bool content_size,
    size_t *outlen)
{
	size_t bound = ZSTD_compressBound(len) + 8, n;
	uint8_t *out = malloc(bound);
	ZSTD_CCtx *cctx = ZSTD_createCCtx();

	if (out == NULL || cctx == NULL)
		exit(2);
	memcpy(out, wasm_zstd_prefix, 8);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag,
	    content_size ? 1 : 0);
	if (content_size) {
		n = ZSTD_compress2(cctx, out + 8, bound - 8, src, len);
	} else {
		/* Streaming with no pledged size: no content size in the
		 * frame header. */
		ZSTD_inBuffer ib = { src, len, 0 };
		ZSTD_outBuffer ob = { out + 8, bound - 8, 0 };

		n = ZSTD_compressStream2(cctx, &ob, &ib, ZSTD_e_end);
		if (!ZSTD_isError(n) && n != 0)
			exit(2);
		n = ob.pos;
	}
	ZSTD_freeCCtx(cctx);
	if (ZSTD_isError(n))
		exit(2);
	*outlen = 8 + n;
	return out;
}

/* Inspects an exactly sized heap copy; returns the status. */
static int
inspect_copy(const uint8_t *blob, size_t len, struct wasm_report *rep,
    char *err, size_t errlen)
{
	uint8_t *copy = heap_copy(blob, len);
	int rc = wasm_inspect(copy, len, rep, err, errlen);

	free(copy);
	return rc;
}

static bool
report_has_env(const struct wasm_report *r, const char *name)
{
	for (size_t i = 0; i < r->env_func_count; i++)
		if (strcmp(r->env_funcs[i], name) == 0)
			return true;
	return false;
}

static void
hash_hex(const uint8_t *b, size_t len, char out[67])
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), b, len, NULL, 0);
	out[0] = '0';
	out[1] = 'x';
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 + 2 * i, "%02x", h[i]);
}

/* ---- tests on hand-made modules ---- */

static void
check_standard_fields(const struct wasm_report *r)
{
	CHECK(r->has_version);
	CHECK_STR(r->spec_name, "testrt");
	CHECK_STR(r->impl_name, "test-impl");
	CHECK(r->authoring_version == 1 && r->spec_version == 101);
	CHECK(r->impl_version == 2 && r->version_api_count == 0);
	CHECK(r->has_transaction_version && r->transaction_version == 3);
	CHECK(r->has_system_version && r->system_version == 1);
	CHECK(r->version_extra_bytes == 0 && !r->version_short_for_core);
	CHECK(r->has_apis && r->api_count == 2 && r->apis_kept == 2);
	CHECK(r->core_version == 4 && r->apis[1].version == 1);
	CHECK(memcmp(r->apis[0].id, core_id, 8) == 0);
	CHECK(r->import_count == 5 && r->env_func_count == 2);
	CHECK(r->env_func_count == 2 &&
	    strcmp(r->env_funcs[0], "ext_storage_get_version_1") == 0 &&
	    strcmp(r->env_funcs[1], "ext_hashing_blake2_256_version_1") == 0);
	CHECK(r->section_count == 4);
}

static void
test_plain_module(void)
{
	size_t len;
	uint8_t *m = standard_module(&len);
	struct wasm_report r;
	char err[256], want_hash[67];

	CHECK(inspect_copy(m, len, &r, err, sizeof(err)) == WASM_OK);
	CHECK_STR(err, "");
	check_standard_fields(&r);
	CHECK(!r.compressed && r.input_size == len);
	CHECK(r.uncompressed_size == len);
	hash_hex(m, len, want_hash);
	CHECK_STR(r.code_hash_hex, want_hash);
	wasm_report_free(&r);
	CHECK(r.env_funcs == NULL && r.env_func_count == 0);
	wasm_report_free(&r);	/* twice is harmless */
	free(m);
}

static void
test_compressed_module(void)
{
	size_t len, clen;
	uint8_t *m = standard_module(&len);
	struct wasm_report r;
	char err[256], want_hash[67], module_hash[67];

	for (int with_size = 0; with_size < 2; with_size++) {
		uint8_t *c = compress_blob(m, len, 3, with_size, &clen);

		CHECK(inspect_copy(c, clen, &r, err, sizeof(err)) == WASM_OK);
		check_standard_fields(&r);
		CHECK(r.compressed && r.input_size == clen);
		CHECK(r.uncompressed_size == len);
		/* The code hash is of the bytes submitted: compressed. */
		hash_hex(c, clen, want_hash);
		hash_hex(m, len, module_hash);
		CHECK_STR(r.code_hash_hex, want_hash);
		CHECK(strcmp(r.code_hash_hex, module_hash) != 0);
		wasm_report_free(&r);
		free(c);
	}
	free(m);
}

static void
test_decompress_api(void)
{
	size_t len, clen, outlen;
	uint8_t *m = standard_module(&len), *c, *out;
	char err[256];

	c = compress_blob(m, len, 19, true, &clen);
	CHECK(wasm_decompress(c, clen, &out, &outlen, err, sizeof(err)) ==
	    WASM_OK);
	CHECK(out != NULL && outlen == len && memcmp(out, m, len) == 0);
	free(out);
	/* Plain input: nothing to do, nothing allocated. */
	CHECK(wasm_decompress(m, len, &out, &outlen, err, sizeof(err)) ==
	    WASM_OK && out == NULL && outlen == 0);
	free(c);
	free(m);
}

static void
test_no_version_section(void)
{
	struct mod_opts o = { .layout = LAYOUT_NONE, .apis = true };
	size_t len;
	uint8_t *m = build_module(&o, &len, NULL, NULL);
	struct wasm_report r;
	char err[256];

	CHECK(inspect_copy(m, len, &r, err, sizeof(err)) == WASM_NO_VERSION);
	CHECK_STR(err, "not a runtime: no runtime_version section");
	CHECK_STR(wasm_status_name(WASM_NO_VERSION), "no version section");
	/* Everything else is still there for the caller to show. */
	CHECK(!r.has_version && r.spec_name[0] == '\0');
	CHECK(r.has_apis && r.api_count == 2 && r.core_version == 4);
	CHECK(r.env_func_count == 2 && r.section_count == 3);
	CHECK(r.code_hash_hex[0] == '0' && strlen(r.code_hash_hex) == 66);
	wasm_report_free(&r);
	free(m);

	/* Neither runtime section: still a distinct, non-crashing answer. */
	o.apis = false;
	m = build_module(&o, &len, NULL, NULL);
	CHECK(inspect_copy(m, len, &r, err, sizeof(err)) == WASM_NO_VERSION);
	CHECK(!r.has_apis && r.api_count == 0 && r.core_version == 0);
	wasm_report_free(&r);
	free(m);
}

static void
test_old_layouts(void)
{
	struct mod_opts o = { .layout = LAYOUT_NO_TX, .apis = true };
	size_t len;
	uint8_t *m = build_module(&o, &len, NULL, NULL);
	struct wasm_report r;
	char err[256];

	CHECK(inspect_copy(m, len, &r, err, sizeof(err)) == WASM_OK);
	CHECK(r.has_version && r.spec_version == 101);
	CHECK(!r.has_transaction_version && !r.has_system_version);
	/* Core 4 in runtime_apis wants both fields: a node would fail. */
	CHECK(r.version_short_for_core);
	wasm_report_free(&r);
	free(m);

	o.layout = LAYOUT_NO_SYS;
	m = build_module(&o, &len, NULL, NULL);
	CHECK(inspect_copy(m, len, &r, err, sizeof(err)) == WASM_OK);
	CHECK(r.has_transaction_version && r.transaction_version == 3);
	CHECK(!r.has_system_version && r.version_short_for_core);
	wasm_report_free(&r);
	free(m);

	/* Without runtime_apis there is no Core version to hold it to. */
	o.apis = false;
	o.layout = LAYOUT_NO_TX;
	m = build_module(&o, &len, NULL, NULL);
	CHECK(inspect_copy(m, len, &r, err, sizeof(err)) == WASM_OK);
	CHECK(!r.version_short_for_core && r.core_version == 0);
	wasm_report_free(&r);
	free(m);
}

/* Without runtime_apis, a node takes the Core version from the version
 * section's own apis; so does the layout check. */
static void
test_core_from_version_apis(void)
{
	struct scale_writer w, v;
	struct wasm_report r;
	char err[256];
	uint8_t *m;
	size_t len;

	scale_writer_init(&v, 4096);
	scale_write_str(&v, "a");
	scale_write_str(&v, "b");
	scale_write_u32(&v, 1);
	scale_write_u32(&v, 2);
	scale_write_u32(&v, 3);
	scale_write_compact(&v, 1);
	scale_write_array(&v, core_id, 8);
	scale_write_u32(&v, 4);
	scale_writer_init(&w, 4096);
	scale_write_raw(&w, "\0asm\1\0\0\0", 8);
	put_custom(&w, "runtime_version", v.buf, v.len);
	scale_writer_free(&v);
	m = scale_writer_take(&w, &len);
	CHECK(inspect_copy(m, len, &r, err, sizeof(err)) == WASM_OK);
	CHECK(!r.has_apis && r.version_api_count == 1 && r.core_version == 4);
	CHECK(!r.has_transaction_version && r.version_short_for_core);
	CHECK(r.spec_version == 2 && r.env_func_count == 0);
	wasm_report_free(&r);
	free(m);
}

/* Decodes a hand-made runtime_version section body. */
static int
decode_version(const struct scale_writer *s, struct wasm_report *r,
    char *err, size_t errlen)
{
	uint8_t *copy = heap_copy(s->buf, s->len);
	int rc;

	memset(r, 0, sizeof(*r));
	rc = wasm_decode_runtime_version(copy, s->len, 500, r, err, errlen);
	free(copy);
	return rc;
}

static void
test_version_sections(void)
{
	struct scale_writer s;
	struct wasm_report r;
	char err[256];

	/* apis inside the version section, and bytes after system_version
	 * (a newer layout): both accepted and reported. */
	scale_writer_init(&s, 4096);
	put_version_body(&s, LAYOUT_FULL, 3);
	scale_write_u32(&s, 0xabcdef);
	CHECK(decode_version(&s, &r, err, sizeof(err)) == WASM_OK);
	CHECK(r.version_api_count == 3 && r.has_system_version);
	CHECK(r.version_extra_bytes == 4 && r.transaction_version == 3);
	scale_writer_free(&s);

	/* Cut inside transaction_version: an error, not an older layout. */
	scale_writer_init(&s, 4096);
	put_version_body(&s, LAYOUT_NO_TX, 0);
	scale_write_u16(&s, 7);
	CHECK(decode_version(&s, &r, err, sizeof(err)) ==
	    WASM_ERR_VERSION_SECTION);
	CHECK(!r.has_version && strstr(err, "truncated u32") != NULL);
	CHECK(strstr(err, "at offset 530") != NULL);	/* 500 + 30 */
	scale_writer_free(&s);

	/* spec_name claims 100 bytes; 5 follow. */
	scale_writer_init(&s, 4096);
	scale_write_compact(&s, 100);
	scale_write_raw(&s, "short", 5);
	CHECK(decode_version(&s, &r, err, sizeof(err)) ==
	    WASM_ERR_VERSION_SECTION);
	CHECK(strstr(err, "at offset 502") != NULL &&
	    strstr(err, "needs 100 bytes, 5 remain") != NULL);
	scale_writer_free(&s);

	/* A spec_name longer than the cap, and one that is not UTF-8. */
	scale_writer_init(&s, 4096);
	scale_write_compact(&s, 200);
	for (int i = 0; i < 200; i++)
		scale_write_u8(&s, 'a');
	CHECK(decode_version(&s, &r, err, sizeof(err)) ==
	    WASM_ERR_VERSION_SECTION && strstr(err, "limit") != NULL);
	scale_writer_free(&s);
	scale_writer_init(&s, 4096);
	scale_write_bytes(&s, (const uint8_t *)"\xff\xfe", 2);
	CHECK(decode_version(&s, &r, err, sizeof(err)) ==
	    WASM_ERR_VERSION_SECTION && strstr(err, "UTF-8") != NULL);
	scale_writer_free(&s);

	/* An apis vec claiming 2^30 entries: refused without allocating. */
	scale_writer_init(&s, 4096);
	scale_write_str(&s, "x");
	scale_write_str(&s, "y");
	scale_write_u32(&s, 1);
	scale_write_u32(&s, 2);
	scale_write_u32(&s, 3);
	scale_write_compact(&s, 1u << 30);
	scale_write_u32(&s, 0);
	CHECK(decode_version(&s, &r, err, sizeof(err)) ==
	    WASM_ERR_VERSION_SECTION);
	CHECK(strstr(err, "1073741824 elements") != NULL);
	scale_writer_free(&s);

	/* An empty section. */
	scale_writer_init(&s, 16);
	CHECK(decode_version(&s, &r, err, sizeof(err)) ==
	    WASM_ERR_VERSION_SECTION);
	scale_writer_free(&s);
}

static void
test_apis_section(void)
{
	uint8_t body[13 * 12];
	struct wasm_report r;
	char err[256];

	memset(&r, 0, sizeof(r));
	memset(body, 0, sizeof(body));
	CHECK(wasm_decode_runtime_apis(body, 0, 0, &r, err, sizeof(err)) ==
	    WASM_OK && r.has_apis && r.api_count == 0);
	CHECK(wasm_decode_runtime_apis(body, 13, 40, &r, err, sizeof(err)) ==
	    WASM_ERR_APIS_SECTION && !r.has_apis);
	CHECK(strstr(err, "13 bytes") != NULL && strstr(err, "40") != NULL);
	memcpy(body + 12, core_id, 8);
	body[20] = 3;
	CHECK(wasm_decode_runtime_apis(body, sizeof(body), 0, &r, err,
	    sizeof(err)) == WASM_OK);
	CHECK(r.api_count == 13 && r.apis_kept == 13 && r.core_version == 3);
}

/* A module: the standard header, then raw section bytes. */
static int
inspect_sections(const uint8_t *sections, size_t n, char *err, size_t errlen)
{
	uint8_t buf[512];
	struct wasm_report r;
	int rc;

	memcpy(buf, "\0asm\1\0\0\0", 8);
	memcpy(buf + 8, sections, n);
	rc = inspect_copy(buf, 8 + n, &r, err, errlen);
	wasm_report_free(&r);
	return rc;
}

#define SECTIONS(...) ((const uint8_t[]){ __VA_ARGS__ }), \
	sizeof((const uint8_t[]){ __VA_ARGS__ })

static void
test_header_refusals(void)
{
	struct wasm_report r;
	char err[256];

	CHECK(inspect_copy((const uint8_t *)"\0asn\1\0\0\0", 8, &r, err,
	    sizeof(err)) == WASM_ERR_BAD_MAGIC);
	CHECK(strstr(err, "bad magic") != NULL);
	CHECK(inspect_copy((const uint8_t *)"", 0, &r, err, sizeof(err)) ==
	    WASM_ERR_BAD_MAGIC);
	CHECK(wasm_inspect(NULL, 0, &r, err, sizeof(err)) ==
	    WASM_ERR_BAD_MAGIC);
	CHECK(wasm_inspect(NULL, 5, &r, err, sizeof(err)) == WASM_ERR_ARG);
	CHECK(wasm_inspect((const uint8_t *)"x", 1, NULL, err, sizeof(err))
	    == WASM_ERR_ARG);
	CHECK(inspect_copy((const uint8_t *)"\0asm\2\0\0\0", 8, &r, err,
	    sizeof(err)) == WASM_ERR_BAD_VERSION);
	CHECK(strstr(err, "version 2, expected 1") != NULL);
	/* The component-model layer/version. */
	CHECK(inspect_copy((const uint8_t *)"\0asm\x0d\0\1\0", 8, &r, err,
	    sizeof(err)) == WASM_ERR_BAD_VERSION);
	CHECK(inspect_copy((const uint8_t *)"\0asm\1\0", 6, &r, err,
	    sizeof(err)) == WASM_ERR_TRUNCATED);
	/* The bare header: a valid, empty module, and not a runtime. */
	CHECK(inspect_copy((const uint8_t *)"\0asm\1\0\0\0", 8, &r, err,
	    sizeof(err)) == WASM_NO_VERSION);
	wasm_report_free(&r);
	/* A null err buffer is allowed. */
	CHECK(inspect_copy((const uint8_t *)"nope", 4, &r, NULL, 0) ==
	    WASM_ERR_BAD_MAGIC);
}

static void
test_section_refusals(void)
{
	char err[256];

	/* Declares 100 bytes, has 3. */
	CHECK(inspect_sections(SECTIONS(1, 100, 1, 2, 3), err, sizeof(err))
	    == WASM_ERR_TRUNCATED);
	CHECK(strstr(err, "truncated section 1 at offset 8: declares 100 "
	    "bytes, 3 remain") != NULL);
	/* The largest size a LEB128 u32 can say. */
	CHECK(inspect_sections(SECTIONS(0, 0xff, 0xff, 0xff, 0xff, 0x0f, 1,
	    'x'), err, sizeof(err)) == WASM_ERR_TRUNCATED);
	CHECK(strstr(err, "declares 4294967295 bytes") != NULL);
	/* Size LEB cut short, too long, and overflowing 32 bits. */
	CHECK(inspect_sections(SECTIONS(1, 0x80, 0x80), err, sizeof(err)) ==
	    WASM_ERR_TRUNCATED);
	CHECK(strstr(err, "truncated section header at offset 8") != NULL);
	CHECK(inspect_sections(SECTIONS(1, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x00), err, sizeof(err)) == WASM_ERR_MALFORMED);
	CHECK(inspect_sections(SECTIONS(1, 0xff, 0xff, 0xff, 0xff, 0x1f),
	    err, sizeof(err)) == WASM_ERR_MALFORMED);
	CHECK(strstr(err, "bad LEB128") != NULL);
	/* A padded (non-minimal) LEB128 is valid wasm. */
	CHECK(inspect_sections(SECTIONS(1, 0x81, 0x80, 0x00, 0x00), err,
	    sizeof(err)) == WASM_NO_VERSION);
	/* Section id out of range; only the id byte, no size. */
	CHECK(inspect_sections(SECTIONS(0x20, 0), err, sizeof(err)) ==
	    WASM_ERR_MALFORMED && strstr(err, "unknown section id 32") != NULL);
	CHECK(inspect_sections(SECTIONS(1), err, sizeof(err)) ==
	    WASM_ERR_TRUNCATED);
	/* A custom section whose name runs past the section. */
	CHECK(inspect_sections(SECTIONS(0, 3, 10, 'a', 'b'), err,
	    sizeof(err)) == WASM_ERR_MALFORMED);
	CHECK(strstr(err, "custom section: name runs past the section end "
	    "at offset 10") != NULL);
	/* A custom section with an empty payload (no name length at all). */
	CHECK(inspect_sections(SECTIONS(0, 0), err, sizeof(err)) ==
	    WASM_ERR_MALFORMED);
	/* runtime_apis of 5 bytes. */
	CHECK(inspect_sections(SECTIONS(0, 18, 12, 'r', 'u', 'n', 't', 'i',
	    'm', 'e', '_', 'a', 'p', 'i', 's', 1, 2, 3, 4, 5), err,
	    sizeof(err)) == WASM_ERR_APIS_SECTION);
	/* runtime_version whose spec_name lies about its length. */
	CHECK(inspect_sections(SECTIONS(0, 19, 15, 'r', 'u', 'n', 't', 'i',
	    'm', 'e', '_', 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x50, 'a', 'b'),
	    err, sizeof(err)) == WASM_ERR_VERSION_SECTION);
	CHECK(strstr(err, "at offset 27") != NULL);
}

static void
test_import_refusals(void)
{
	char err[256];

	/* Claims 200 imports in 2 bytes. */
	CHECK(inspect_sections(SECTIONS(2, 3, 0xc8, 0x01, 0), err,
	    sizeof(err)) == WASM_ERR_MALFORMED);
	CHECK(strstr(err, "200 imports cannot fit") != NULL);
	/* Unknown import kind 9. */
	CHECK(inspect_sections(SECTIONS(2, 8, 1, 3, 'e', 'n', 'v', 1, 'f', 9),
	    err, sizeof(err)) == WASM_ERR_MALFORMED);
	CHECK(strstr(err, "unknown import kind at offset 17") != NULL);
	/* Field name is not UTF-8. */
	CHECK(inspect_sections(SECTIONS(2, 9, 1, 3, 'e', 'n', 'v', 1, 0xff, 0,
	    0), err, sizeof(err)) == WASM_ERR_MALFORMED);
	CHECK(strstr(err, "UTF-8") != NULL);
	/* A byte left over after the last import. */
	CHECK(inspect_sections(SECTIONS(2, 10, 1, 3, 'e', 'n', 'v', 1, 'f', 0,
	    0, 0x55), err, sizeof(err)) == WASM_ERR_MALFORMED);
	CHECK(strstr(err, "bytes after the last import") != NULL);
	/* Memory limits with unknown flags; a global with mutability 2. */
	CHECK(inspect_sections(SECTIONS(2, 10, 1, 3, 'e', 'n', 'v', 1, 'm', 2,
	    0x10, 1), err, sizeof(err)) == WASM_ERR_MALFORMED);
	CHECK(inspect_sections(SECTIONS(2, 10, 1, 3, 'e', 'n', 'v', 1, 'g', 3,
	    0x7f, 2), err, sizeof(err)) == WASM_ERR_MALFORMED);
	/* memory64 limits with a max, a table, a tag: all accepted. */
	CHECK(inspect_sections(SECTIONS(2, 31, 3,
	    3, 'e', 'n', 'v', 1, 'm', 2, 0x05, 0x80, 0x80, 0x80, 0x80, 0x10,
	    1,
	    3, 'e', 'n', 'v', 1, 't', 1, 0x70, 0, 1,
	    0, 1, 'x', 4, 0, 0), err, sizeof(err)) == WASM_NO_VERSION);
	/* Two import sections. */
	CHECK(inspect_sections(SECTIONS(2, 1, 0, 2, 1, 0), err, sizeof(err))
	    == WASM_ERR_MALFORMED && strstr(err, "duplicate import") != NULL);
}

static void
test_import_limits(void)
{
	struct scale_writer w, s;
	struct wasm_report r;
	char err[256], name[300];
	uint8_t *m;
	size_t len;

	/* One env function import more than the cap. */
	scale_writer_init(&w, 1 << 20);
	scale_write_raw(&w, "\0asm\1\0\0\0", 8);
	scale_writer_init(&s, 1 << 20);
	put_leb(&s, WASM_MAX_ENV_IMPORTS + 1);
	for (int i = 0; i <= WASM_MAX_ENV_IMPORTS; i++) {
		snprintf(name, sizeof(name), "ext_f%d", i);
		put_name(&s, "env");
		put_name(&s, name);
		scale_write_u8(&s, 0);
		put_leb(&s, 0);
	}
	put_section(&w, 2, s.buf, s.len);
	scale_writer_free(&s);
	m = scale_writer_take(&w, &len);
	CHECK(inspect_copy(m, len, &r, err, sizeof(err)) == WASM_ERR_LIMIT);
	CHECK(strstr(err, "more than 1024 env function imports") != NULL);
	CHECK(r.env_funcs == NULL && r.env_func_count == 0);
	free(m);

	/* A 256-byte name, and a name with a NUL in it. */
	for (int variant = 0; variant < 2; variant++) {
		scale_writer_init(&w, 1 << 20);
		scale_write_raw(&w, "\0asm\1\0\0\0", 8);
		scale_writer_init(&s, 1 << 20);
		put_leb(&s, 2);
		put_name(&s, "env");
		put_name(&s, "fine");
		scale_write_u8(&s, 0);
		put_leb(&s, 0);
		put_name(&s, "env");
		if (variant == 0) {
			memset(name, 'n', 256);
			name[256] = '\0';
			put_name(&s, name);
		} else {
			put_leb(&s, 3);
			scale_write_raw(&s, "a\0b", 3);
		}
		scale_write_u8(&s, 0);
		put_leb(&s, 0);
		put_section(&w, 2, s.buf, s.len);
		scale_writer_free(&s);
		m = scale_writer_take(&w, &len);
		CHECK(inspect_copy(m, len, &r, err, sizeof(err)) ==
		    (variant == 0 ? WASM_ERR_LIMIT : WASM_ERR_MALFORMED));
		CHECK(r.env_funcs == NULL);
		free(m);
	}
}

static void
test_duplicate_version(void)
{
	struct mod_opts o = { .layout = LAYOUT_FULL, .apis = true,
	    .two_versions = true };
	size_t len;
	uint8_t *m = build_module(&o, &len, NULL, NULL);
	struct wasm_report r;
	char err[256];

	CHECK(inspect_copy(m, len, &r, err, sizeof(err)) ==
	    WASM_ERR_MALFORMED);
	CHECK(strstr(err, "duplicate runtime_version") != NULL);
	/* A refusal keeps only facts about the input. */
	CHECK(!r.has_version && !r.has_apis && r.env_funcs == NULL);
	CHECK(r.input_size == len && r.uncompressed_size == len);
	CHECK(strlen(r.code_hash_hex) == 66);
	free(m);
}

static void
test_size_limits(void)
{
	size_t big = WASM_MAX_INPUT + 1;
	uint8_t *blob = calloc(1, big);
	struct wasm_report r;
	char err[256];

	if (blob == NULL)
		exit(2);
	memcpy(blob, wasm_zstd_prefix, 8);
	CHECK(wasm_inspect(blob, big, &r, err, sizeof(err)) ==
	    WASM_ERR_TOO_LARGE);
	CHECK(strstr(err, "over 10 MiB compressed") != NULL);
	CHECK(r.input_size == 0);	/* refused before anything was done */
	memcpy(blob, "\0asm\1\0\0\0", 8);
	CHECK(wasm_inspect(blob, big, &r, err, sizeof(err)) ==
	    WASM_ERR_TOO_LARGE);
	CHECK(strstr(err, "over 10 MiB") != NULL);
	/* Exactly 10 MiB is not refused for its size (a zero-filled module
	 * is refused for its first section instead). */
	CHECK(wasm_inspect(blob, WASM_MAX_INPUT, &r, err, sizeof(err)) ==
	    WASM_ERR_MALFORMED);
	free(blob);
}

static void
test_zstd_refusals(void)
{
	size_t len, clen;
	uint8_t *m = standard_module(&len), *c, *bad;
	struct wasm_report r;
	char err[256];

	c = compress_blob(m, len, 3, true, &clen);
	/* The prefix alone; the prefix and a truncated frame. */
	CHECK(inspect_copy(c, 8, &r, err, sizeof(err)) == WASM_ERR_ZSTD);
	CHECK(inspect_copy(c, clen - 1, &r, err, sizeof(err)) ==
	    WASM_ERR_ZSTD);
	CHECK(strstr(err, "truncated") != NULL);
	/* Not a zstd frame after the prefix. */
	bad = heap_copy(c, clen);
	bad[8] ^= 0xff;
	CHECK(inspect_copy(bad, clen, &r, err, sizeof(err)) == WASM_ERR_ZSTD);
	CHECK(strstr(err, "zstd: ") != NULL);
	CHECK(r.compressed && r.input_size == clen && r.uncompressed_size == 0);
	free(bad);
	/* Trailing garbage, and a second frame. */
	bad = malloc(2 * clen);
	if (bad == NULL)
		exit(2);
	memcpy(bad, c, clen);
	memcpy(bad + clen, "junk", 4);
	CHECK(inspect_copy(bad, clen + 4, &r, err, sizeof(err)) ==
	    WASM_ERR_TRAILING);
	CHECK(strstr(err, "4 trailing bytes after the zstd frame") != NULL);
	memcpy(bad + clen, c + 8, clen - 8);
	CHECK(inspect_copy(bad, 2 * clen - 8, &r, err, sizeof(err)) ==
	    WASM_ERR_TRAILING);
	free(bad);
	free(c);
	/* A frame that holds something other than wasm. */
	c = compress_blob((const uint8_t *)"hello, world", 12, 3, true, &clen);
	CHECK(inspect_copy(c, clen, &r, err, sizeof(err)) ==
	    WASM_ERR_BAD_MAGIC);
	CHECK(strstr(err, "compressed blob does not hold wasm") != NULL);
	CHECK(r.uncompressed_size == 12);
	free(c);
	free(m);
}

/* A zstd frame by hand: one raw block holding `payload`, and a frame
 * header that declares content size `fcs`, with or without the single-
 * segment flag (which makes the window the content size). */
static uint8_t *
raw_frame(const uint8_t *payload, size_t n, uint64_t fcs, bool single,
    size_t *outlen)
{
	struct scale_writer w;

	scale_writer_init(&w, n + 64);
	scale_write_raw(&w, wasm_zstd_prefix, 8);
	scale_write_u32(&w, 0xfd2fb528);		/* zstd magic */
	scale_write_u8(&w, single ? 0xe0 : 0xc0);	/* 8-byte size */
	if (!single)
		scale_write_u8(&w, 0x50);		/* window 2^20 */
	scale_write_u64(&w, fcs);
	/* Block header: last block, raw, size n. */
	scale_write_u8(&w, (uint8_t)(((n << 3) | 1) & 0xff));
	scale_write_u8(&w, (uint8_t)((n << 3) >> 8));
	scale_write_u8(&w, (uint8_t)((n << 3) >> 16));
	scale_write_raw(&w, payload, n);
	return scale_writer_take(&w, outlen);
}

static void
test_lying_frame_header(void)
{
	size_t len, flen;
	uint8_t *m = standard_module(&len), *f;
	struct wasm_report r;
	char err[256];

	/* Honest hand-made frame: proves the construction. */
	f = raw_frame(m, len, len, false, &flen);
	CHECK(inspect_copy(f, flen, &r, err, sizeof(err)) == WASM_OK);
	CHECK(r.uncompressed_size == len && r.spec_version == 101);
	wasm_report_free(&r);
	free(f);
	/* Declares 1 TiB of content: never allocated (ASan would abort on
	 * such a malloc); zstd finds the lie at the end of the frame. */
	f = raw_frame(m, len, (uint64_t)1 << 40, false, &flen);
	CHECK(inspect_copy(f, flen, &r, err, sizeof(err)) == WASM_ERR_ZSTD);
	free(f);
	/* Declares less than it holds. */
	f = raw_frame(m, len, 10, false, &flen);
	CHECK(inspect_copy(f, flen, &r, err, sizeof(err)) < 0);
	free(f);
	/* Single segment of 1 TiB: a 1 TiB window, over the window limit. */
	f = raw_frame(m, len, (uint64_t)1 << 40, true, &flen);
	CHECK(inspect_copy(f, flen, &r, err, sizeof(err)) == WASM_ERR_ZSTD);
	free(f);
	free(m);
}

static void
test_bomb(void)
{
	size_t zlen = 60 * MIB, clen;
	uint8_t *zeros = calloc(1, zlen), *c;
	struct wasm_report r;
	char err[256];

	if (zeros == NULL)
		exit(2);
	c = compress_blob(zeros, zlen, 1, true, &clen);
	free(zeros);
	printf("bomb: 60 MiB of zeros in %zu compressed bytes\n", clen);
	CHECK(inspect_copy(c, clen, &r, err, sizeof(err)) == WASM_ERR_BOMB);
	CHECK_STR(err, "decompresses to more than 50 MiB");
	CHECK(r.compressed && r.input_size == clen);
	free(c);
	/* The same without a content size in the frame header. */
	zeros = calloc(1, zlen);
	if (zeros == NULL)
		exit(2);
	c = compress_blob(zeros, zlen, 1, false, &clen);
	free(zeros);
	CHECK(inspect_copy(c, clen, &r, err, sizeof(err)) == WASM_ERR_BOMB);
	free(c);
}

/* Substrate's limit allows exactly 50 MiB; one byte more is a bomb. */
static void
test_bomb_boundary(void)
{
	struct mod_opts o = { .layout = LAYOUT_FULL, .apis = true };
	struct wasm_report r;
	char err[256];

	for (int extra = 0; extra < 2; extra++) {
		size_t len, clen;
		uint8_t *m, *c;

		o.pad_to = WASM_MAX_UNCOMPRESSED + (size_t)extra;
		m = build_module(&o, &len, NULL, NULL);
		CHECK(len == o.pad_to);
		c = compress_blob(m, len, 1, extra == 0, &clen);
		free(m);
		CHECK(inspect_copy(c, clen, &r, err, sizeof(err)) ==
		    (extra == 0 ? WASM_OK : WASM_ERR_BOMB));
		if (extra == 0)
			CHECK(r.uncompressed_size == WASM_MAX_UNCOMPRESSED &&
			    r.spec_version == 101);
		wasm_report_free(&r);
		free(c);
	}
}

/* Every prefix of a small module: a cut at a section boundary is a
 * shorter valid module (and, with runtime_version last, never a runtime);
 * a cut inside the header or a section is refused, naming the section's
 * offset. */
static void
test_every_truncation_plain(void)
{
	struct mod_opts o = { .layout = LAYOUT_FULL, .apis = true };
	size_t len, bounds[8], nb, bad = 0;
	uint8_t *m = build_module(&o, &len, bounds, &nb);
	struct wasm_report r;
	char err[256];

	for (size_t cut = 0; cut < len; cut++) {
		bool at_bound = cut == 8;
		size_t section_at = 8;
		int rc, want;

		for (size_t i = 0; i < nb; i++) {
			if (bounds[i] == cut)
				at_bound = true;
			if (bounds[i] <= cut)
				section_at = bounds[i];
		}
		rc = inspect_copy(m, cut, &r, err, sizeof(err));
		want = cut < 4 ? WASM_ERR_BAD_MAGIC : cut < 8 ?
		    WASM_ERR_TRUNCATED : at_bound ? WASM_NO_VERSION :
		    WASM_ERR_TRUNCATED;
		if (rc != want) {
			fprintf(stderr, "  cut %zu: %d (%s), want %d\n", cut,
			    rc, err, want);
			bad++;
		} else if (want == WASM_ERR_TRUNCATED && cut >= 8) {
			char at[40];

			snprintf(at, sizeof(at), "at offset %zu", section_at);
			if (strstr(err, at) == NULL) {
				fprintf(stderr, "  cut %zu: \"%s\" lacks "
				    "\"%s\"\n", cut, err, at);
				bad++;
			}
		}
		wasm_report_free(&r);
	}
	CHECK(bad == 0);
	/* The whole module is fine. */
	CHECK(inspect_copy(m, len, &r, err, sizeof(err)) == WASM_OK);
	wasm_report_free(&r);
	free(m);
}

static void
test_every_truncation_compressed(void)
{
	size_t len, clen, bad = 0;
	uint8_t *m = standard_module(&len);
	uint8_t *c = compress_blob(m, len, 19, true, &clen);
	struct wasm_report r;
	char err[256];

	for (size_t cut = 0; cut < clen; cut++) {
		int rc = inspect_copy(c, cut, &r, err, sizeof(err));
		int want = cut < 8 ? WASM_ERR_BAD_MAGIC : WASM_ERR_ZSTD;

		if (rc != want) {
			fprintf(stderr, "  compressed cut %zu: %d (%s)\n", cut,
			    rc, err);
			bad++;
		}
		wasm_report_free(&r);
	}
	CHECK(bad == 0);
	free(c);
	free(m);
}

static void
test_new_host_functions(void)
{
	struct mod_opts o = { .layout = LAYOUT_FULL, .apis = true };
	size_t len_a, len_b;
	uint8_t *a = build_module(&o, &len_a, NULL, NULL), *b;
	struct wasm_report ra, rb;
	const char *names[4];
	char err[256];

	o.extra_import = "ext_brand_new_version_1";
	b = build_module(&o, &len_b, NULL, NULL);
	CHECK(inspect_copy(a, len_a, &ra, err, sizeof(err)) == WASM_OK);
	CHECK(inspect_copy(b, len_b, &rb, err, sizeof(err)) == WASM_OK);
	CHECK(rb.env_func_count == 3 && rb.import_count == 6);
	CHECK(wasm_new_host_functions(&rb, &ra, names, 4) == 1);
	CHECK_STR(names[0], "ext_brand_new_version_1");
	CHECK(wasm_new_host_functions(&ra, &rb, names, 4) == 0);
	CHECK(wasm_new_host_functions(&ra, &ra, names, 4) == 0);
	/* Against nothing, everything is new; the count ignores the cap. */
	CHECK(wasm_new_host_functions(&rb, NULL, names, 1) == 3);
	CHECK_STR(names[0], "ext_storage_get_version_1");
	CHECK(wasm_new_host_functions(&rb, NULL, NULL, 0) == 3);
	wasm_report_free(&ra);
	wasm_report_free(&rb);
	free(a);
	free(b);
}

/* Random byte changes to a valid module, plain and compressed: whatever
 * the answer, no crash, no leak, and a consistent report. */
static void
test_fuzz_mutations(void)
{
	size_t len, clen, bad = 0, counts[3] = { 0, 0, 0 };
	uint8_t *m = standard_module(&len);
	uint8_t *c = compress_blob(m, len, 3, true, &clen);

	printf("fuzz seed 0x%llx, %d rounds\n", (unsigned long long)FUZZ_SEED,
	    FUZZ_ROUNDS);
	rng_state = FUZZ_SEED;
	for (int i = 0; i < FUZZ_ROUNDS; i++) {
		bool use_c = i % 4 == 3;
		const uint8_t *src = use_c ? c : m;
		size_t n = use_c ? clen : len;
		uint8_t *copy = heap_copy(src, n);
		struct wasm_report r;
		char err[256];
		int rc, flips = 1 + (int)(rng_next() % 4);

		for (int f = 0; f < flips; f++) {
			size_t at = rng_next() % n;

			copy[at] = rng_next() % 3 == 0 ? (uint8_t)rng_next() :
			    (uint8_t)(copy[at] ^ (1u << (rng_next() % 8)));
		}
		/* Sometimes also cut it. */
		if (rng_next() % 4 == 0)
			n = rng_next() % n;
		rc = wasm_inspect(copy, n, &r, err, sizeof(err));
		counts[rc == WASM_OK ? 0 : rc == WASM_NO_VERSION ? 1 : 2]++;
		if ((rc < 0 && (r.env_funcs != NULL || r.has_version)) ||
		    (rc != WASM_OK && r.has_version) ||
		    (rc != WASM_OK && err[0] == '\0') ||
		    r.env_func_count > WASM_MAX_ENV_IMPORTS)
			bad++;
		wasm_report_free(&r);
		free(copy);
	}
	printf("fuzz: %zu ok, %zu no version, %zu refused\n", counts[0],
	    counts[1], counts[2]);
	CHECK(bad == 0);
	CHECK(counts[2] > 0);
	free(c);
	free(m);
}

/* ---- real blobs ---- */

static uint8_t *
read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;

	*len = 0;
	if (f == NULL)
		return NULL;
	buf = malloc(max);
	if (buf == NULL)
		exit(2);
	*len = fread(buf, 1, max, f);
	fclose(f);
	return buf;
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes "0x…" hex (sscanf per byte would rescan the 1.7 MB string each
 * time). */
static bool
unhex_blob(const char *hex, uint8_t **out, size_t *len)
{
	size_t n;

	if (strncmp(hex, "0x", 2) == 0)
		hex += 2;
	n = strlen(hex);
	if (n % 2 != 0)
		return false;
	*out = malloc(n / 2 > 0 ? n / 2 : 1);
	if (*out == NULL)
		exit(2);
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(*out);
			*out = NULL;
			return false;
		}
		(*out)[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return true;
}

/* genesis.raw.top[":code"] of the Rococo chain spec, or NULL. */
static uint8_t *
rococo_genesis_code(size_t *len)
{
	json_error_t jerr;
	json_t *spec = json_load_file(ROCOCO_SPEC, 0, &jerr);
	const char *hex;
	uint8_t *code = NULL;

	if (spec == NULL)
		return NULL;
	hex = json_string_value(json_object_get(json_object_get(
	    json_object_get(json_object_get(spec, "genesis"), "raw"), "top"),
	    "0x3a636f6465"));
	if (hex == NULL || !unhex_blob(hex, &code, len))
		code = NULL;
	json_decref(spec);
	return code;
}

static const char *
demo_wasm_path(void)
{
	const char *env = getenv("RTFORGE_DEMO_WASM");

	return env != NULL && env[0] != '\0' ? env : DEMO_WASM_DEFAULT;
}

/* b2sum's blake2b-256 of a file, as "0x…", or false when b2sum is not
 * there: an independent check of the code hash. */
static bool
b2sum_of(const char *path, char out[67])
{
	char cmd[600], line[200];
	FILE *p;
	bool ok;

	if (strchr(path, '\'') != NULL)
		return false;
	snprintf(cmd, sizeof(cmd), "b2sum -l 256 '%s' 2>/dev/null", path);
	if ((p = popen(cmd, "r")) == NULL)
		return false;
	ok = fgets(line, sizeof(line), p) != NULL && strlen(line) > 64 &&
	    line[64] == ' ';
	pclose(p);
	if (ok) {
		out[0] = '0';
		out[1] = 'x';
		memcpy(out + 2, line, 64);
		out[66] = '\0';
	}
	return ok;
}

static void
test_rococo_genesis(void)
{
	size_t len;
	uint8_t *code;
	struct wasm_report r;
	char err[256];
	int rc;

	if (!access_ok(ROCOCO_SPEC)) {
		printf("skipped: Rococo genesis inspection, because %s is "
		    "missing (npm install @substrate/connect@0.6.5)\n",
		    ROCOCO_SPEC);
		return;
	}
	code = rococo_genesis_code(&len);
	CHECK(code != NULL);
	if (code == NULL)
		return;
	rc = inspect_copy(code, len, &r, err, sizeof(err));
	printf("rococo genesis: %s, %zu -> %zu bytes, %s, %zu APIs (Core %u),"
	    " %zu env imports\n", wasm_status_name(rc), r.input_size,
	    r.uncompressed_size, r.code_hash_hex, r.api_count, r.core_version,
	    r.env_func_count);
	CHECK(rc == WASM_NO_VERSION);
	CHECK_STR(err, "not a runtime: no runtime_version section");
	CHECK(r.compressed && !r.has_version);
	CHECK(r.input_size == ROCOCO_GENESIS_SIZE);
	CHECK(r.uncompressed_size == ROCOCO_GENESIS_WASM_SIZE);
	CHECK_STR(r.code_hash_hex, ROCOCO_GENESIS_HASH);
	CHECK(r.has_apis && r.api_count == 20 && r.core_version == 4);
	CHECK(r.env_func_count == 47 && r.import_count == 48);
	CHECK(report_has_env(&r, "ext_storage_get_version_1"));
	CHECK(report_has_env(&r, "ext_allocator_malloc_version_1"));
	CHECK(!report_has_env(&r, "memory"));
	wasm_report_free(&r);
	free(code);
}

static void
test_demo_runtime(void)
{
	const char *path = demo_wasm_path();
	size_t len, glen;
	uint8_t *blob = read_file(path, WASM_MAX_INPUT + 1, &len), *genesis;
	struct wasm_report r, g;
	char err[256], want_hash[67];
	int rc;

	if (blob == NULL) {
		printf("skipped: demo runtime inspection, because %s does not "
		    "exist (build the demo runtime or set RTFORGE_DEMO_WASM)\n",
		    path);
		return;
	}
	rc = inspect_copy(blob, len, &r, err, sizeof(err));
	printf("demo runtime: %s, %s %u (%s), tx %u, system %u, %zu -> %zu "
	    "bytes, %s\n", wasm_status_name(rc), r.spec_name, r.spec_version,
	    r.impl_name, r.transaction_version, r.system_version,
	    r.input_size, r.uncompressed_size, r.code_hash_hex);
	CHECK(rc == WASM_OK);
	CHECK(r.compressed && r.has_version);
	CHECK_STR(r.spec_name, "rococo");
	CHECK_STR(r.impl_name, "parity-rococo-v2.0");
	CHECK(r.spec_version == 9141);
	CHECK(r.has_transaction_version && r.transaction_version == 0);
	CHECK(r.has_system_version && !r.version_short_for_core);
	CHECK(r.api_count == 20 && r.env_func_count == 47);
	if (b2sum_of(path, want_hash))
		CHECK_STR(r.code_hash_hex, want_hash);
	else
		printf("skipped: b2sum cross-check, because b2sum is not "
		    "available\n");

	genesis = access_ok(ROCOCO_SPEC) ? rococo_genesis_code(&glen) : NULL;
	if (genesis == NULL) {
		printf("skipped: demo vs genesis host functions, because %s "
		    "is missing\n", ROCOCO_SPEC);
	} else {
		const char *names[8];

		CHECK(wasm_inspect(genesis, glen, &g, err, sizeof(err)) ==
		    WASM_NO_VERSION);
		CHECK(wasm_new_host_functions(&r, &g, names, 8) == 0);
		CHECK(wasm_new_host_functions(&g, &r, names, 8) == 0);
		wasm_report_free(&g);
		free(genesis);
	}
	wasm_report_free(&r);
	free(blob);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 2;
	RUN(test_plain_module);
	RUN(test_compressed_module);
	RUN(test_decompress_api);
	RUN(test_no_version_section);
	RUN(test_old_layouts);
	RUN(test_version_sections);
	RUN(test_core_from_version_apis);
	RUN(test_apis_section);
	RUN(test_header_refusals);
	RUN(test_section_refusals);
	RUN(test_import_refusals);
	RUN(test_import_limits);
	RUN(test_duplicate_version);
	RUN(test_size_limits);
	RUN(test_zstd_refusals);
	RUN(test_lying_frame_header);
	RUN(test_bomb);
	RUN(test_bomb_boundary);
	RUN(test_every_truncation_plain);
	RUN(test_every_truncation_compressed);
	RUN(test_new_host_functions);
	RUN(test_fuzz_mutations);
	RUN(test_rococo_genesis);
	RUN(test_demo_runtime);
	return testlib_summary();
}
