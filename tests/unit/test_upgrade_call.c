/* Unit tests for worker-sign/upgrade_call.c: the exact bytes of every
 * upgrade call on the kitchensink metadata that @polkadot/types-support
 * ships (V14 and V15), Sudo.sudo_unchecked_weight's weight on Rococo 9140
 * (a bare u64) and on kitchensink ({ref_time, proof_size}), Rococo's
 * refusals, a 16 MiB code, a hand-made registry whose calls have shapes we
 * must refuse, and bad inputs.
 *
 * Rococo 9140's metadata is not shipped as a file: it comes from the
 * genesis runtime in @substrate/connect's chain spec, run offline by
 * chopsticks' wasm executor (node, from node_modules), or from the file
 * $RTFORGE_ROCOCO_METADATA names. Without either those checks are skipped
 * with the reason. */
#include "metadata.h"
#include "scale.h"
#include "scale_value.h"
#include "testlib.h"
#include "test_metadata_blobs.h"
#include "upgrade_call.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MiB ((size_t)1 << 20)

/* Metadata_metadata of the Rococo genesis code, printed as hex. CommonJS
 * with import(): chopsticks' executor starts a worker thread, which would
 * inherit (and refuse) --input-type=module. */
#define ROCOCO_SCRIPT \
	"(async () => {" \
	"const fs = require(\"node:fs\");" \
	"const c = await import(\"@acala-network/chopsticks-core\");" \
	"const spec = \"node_modules/@substrate/connect/dist/connector/specs/" \
	"rococo_v2_1.json\";" \
	"const top = JSON.parse(fs.readFileSync(spec, \"utf8\")).genesis.raw.top;" \
	"const r = await c.runTask({ wasm: top[\"0x3a636f6465\"], calls: " \
	"[[\"Metadata_metadata\", []]], mockSignatureHost: false, " \
	"allowUnresolvedImports: false, runtimeLogLevel: 0 }, " \
	"{ ...c.emptyTaskHandler, getStorage: async (k) => top[k] });" \
	"await c.destroyWorker();" \
	"if (!r.Call) { console.error(JSON.stringify(r)); process.exit(1); }" \
	"console.log(\"metadata \" + r.Call.result);" \
	"})().catch((e) => { console.error(String(e)); process.exit(1); });"

static struct metadata *
decode_or_skip(const char *what, const uint8_t *bin, size_t len)
{
	char err[512];
	struct metadata *md = metadata_decode_any(bin, len, err, sizeof(err));

	if (md == NULL)
		printf("skip: decode %s: %s\n", what, err);
	return md;
}

static struct metadata *
kitchensink(const char *name)
{
	size_t len;
	uint8_t *bin = support_metadata(name, &len);
	struct metadata *md;

	if (bin == NULL)
		return NULL;
	md = decode_or_skip(name, bin, len);
	free(bin);
	return md;
}

/* The hex after "metadata " in node's output, or NULL. */
static uint8_t *
rococo_from_node(size_t *len)
{
	FILE *p = popen("node -e '" ROCOCO_SCRIPT "' "
	    "2>&1", "r");
	size_t cap = 4 * MiB, n = 0, got;
	char *text, *hex;
	uint8_t *bin = NULL;

	if (p == NULL)
		return NULL;
	text = malloc(cap + 1);
	while (text != NULL && n < cap && (got = fread(text + n, 1, cap - n,
	    p)) > 0)
		n += got;
	if (pclose(p) != 0 || text == NULL || n == cap) {
		if (text != NULL) {
			text[n < 300 ? n : 300] = '\0';
			printf("skip: node could not run the Rococo genesis "
			    "runtime: %s\n", text);
		}
		free(text);
		return NULL;
	}
	text[n] = '\0';
	hex = strstr(text, "metadata 0x");
	if (hex != NULL) {
		char err[256];

		hex += strlen("metadata ");
		bin = metadata_unhex(hex, strcspn(hex, "\n"),
		    METADATA_MAX_BYTES + 16, len, err, sizeof(err));
		if (bin == NULL)
			printf("skip: Rococo metadata from node: %s\n", err);
	} else {
		printf("skip: no metadata in node's output\n");
	}
	free(text);
	return bin;
}

static struct metadata *
rococo(void)
{
	const char *file = getenv("RTFORGE_ROCOCO_METADATA");
	size_t len = 0;
	uint8_t *bin = NULL;
	struct metadata *md;

	if (file != NULL) {
		FILE *f = fopen(file, "rb");

		bin = malloc(2 * METADATA_MAX_BYTES);
		if (f != NULL && bin != NULL)
			len = fread(bin, 1, 2 * METADATA_MAX_BYTES, f);
		if (f != NULL)
			fclose(f);
		if (len == 0) {
			printf("skip: cannot read %s\n", file);
			free(bin);
			return NULL;
		}
	} else {
		bin = rococo_from_node(&len);
		if (bin == NULL)
			return NULL;
	}
	md = decode_or_skip("Rococo 9140", bin, len);
	free(bin);
	return md;
}

static struct metadata *ks14, *ks15, *roc;

/* out/out_len equal the bytes of hex; prints both when not. */
static void
check_hex(const uint8_t *out, size_t out_len, const char *hex)
{
	size_t len;
	char err[128];
	uint8_t *want = metadata_unhex(hex, strlen(hex), 1 << 20, &len, err,
	    sizeof(err));
	bool same = want != NULL && out != NULL && out_len == len &&
	    memcmp(out, want, len) == 0;

	CHECK(same);
	if (!same) {
		printf("  want %s\n  got  0x", hex);
		for (size_t i = 0; out != NULL && i < out_len && i < 200; i++)
			printf("%02x", out[i]);
		printf("\n");
	}
	free(want);
}

static bool
contains(const char *haystack, const char *needle)
{
	bool yes = strstr(haystack, needle) != NULL;

	if (!yes)
		printf("  \"%s\" lacks \"%s\"\n", haystack, needle);
	return yes;
}

static const uint8_t small_code[5] = { 1, 2, 3, 4, 5 };
/* System.set_code(0x0102030405) on kitchensink: System 0, set_code 2. */
#define KS_SET_CODE "0x0002140102030405"

static void
test_type_names(void)
{
	static const char *const names[] = { "sudo", "authorize_upgrade",
	    "democracy_proposal" };
	size_t i;

	for (i = 0; i < 3; i++) {
		int t = upgrade_type_parse(names[i]);

		CHECK(t == (int)i);
		CHECK_STR(upgrade_type_name((enum upgrade_type)t), names[i]);
	}
	CHECK(upgrade_type_parse(NULL) == -1);
	CHECK(upgrade_type_parse("") == -1);
	CHECK(upgrade_type_parse("Sudo") == -1);
	CHECK(upgrade_type_parse("sudo ") == -1);
	CHECK(upgrade_type_parse("authorize") == -1);
	CHECK_STR(upgrade_type_name((enum upgrade_type)7), "unknown");
	CHECK_STR(upgrade_type_name((enum upgrade_type)-1), "unknown");
}

static void
set_code_on(struct metadata *md)
{
	uint8_t *out, code64[64], idx[2];
	size_t out_len;
	char err[UPGRADE_CALL_ERR_MAX];

	CHECK(upgrade_call_set_code(md, small_code, sizeof(small_code), &out,
	    &out_len, err, sizeof(err)) == 0);
	check_hex(out, out_len, KS_SET_CODE);
	free(out);
	/* 64 bytes: the compact length takes two bytes, 0x0101. */
	memset(code64, 0xab, sizeof(code64));
	CHECK(upgrade_call_set_code(md, code64, sizeof(code64), &out,
	    &out_len, err, sizeof(err)) == 0);
	CHECK(out != NULL && out_len == 2 + 2 + 64);
	CHECK(out != NULL && out[0] == 0x00 && out[1] == 0x02 &&
	    out[2] == 0x01 && out[3] == 0x01 && out[4] == 0xab &&
	    out[67] == 0xab);
	CHECK(metadata_call_index(md, "System", "set_code", idx) &&
	    idx[0] == 0 && idx[1] == 2);
	free(out);
}

static void
test_set_code(void)
{
	if (ks14 == NULL || ks15 == NULL) {
		printf("skip: set_code needs the kitchensink metadata\n");
		return;
	}
	set_code_on(ks14);
	set_code_on(ks15);
}

static void
sudo_on(struct metadata *md)
{
	uint8_t *inner, *out;
	size_t inner_len, out_len;
	char err[UPGRADE_CALL_ERR_MAX];

	CHECK(upgrade_call_set_code(md, small_code, sizeof(small_code),
	    &inner, &inner_len, err, sizeof(err)) == 0);
	/* Sudo is pallet 22 (0x16); sudo 0, sudo_unchecked_weight 1. */
	CHECK(upgrade_call_sudo(md, inner, inner_len, 0, &out, &out_len, err,
	    sizeof(err)) == 0);
	check_hex(out, out_len, "0x1600" "0002140102030405");
	free(out);
	/* Weight {ref_time: Compact<u64>, proof_size: Compact<u64>}: 00 00. */
	CHECK(upgrade_call_sudo(md, inner, inner_len, 1, &out, &out_len, err,
	    sizeof(err)) == 0);
	check_hex(out, out_len, "0x1601" "0002140102030405" "0000");
	free(out);
	/* Sudo of sudo: the inner call may itself be any call. */
	CHECK(upgrade_call_sudo(md, (const uint8_t *)"\x16\x00\x00\x02\x14"
	    "\x01\x02\x03\x04\x05", 10, 0, &out, &out_len, err,
	    sizeof(err)) == 0);
	check_hex(out, out_len, "0x16001600" "0002140102030405");
	free(out);
	free(inner);
}

static void
test_sudo(void)
{
	if (ks14 == NULL || ks15 == NULL) {
		printf("skip: sudo needs the kitchensink metadata\n");
		return;
	}
	sudo_on(ks14);
	sudo_on(ks15);
}

static void
others_on(struct metadata *md)
{
	uint8_t hash[32], *out;
	size_t out_len;
	char err[UPGRADE_CALL_ERR_MAX];
	const struct md_constant *c;

	memset(hash, 0x11, sizeof(hash));
	CHECK(upgrade_call_supported(md, UPGRADE_TYPE_SUDO, err,
	    sizeof(err)) == 0);
	CHECK(upgrade_call_supported(md, UPGRADE_TYPE_AUTHORIZE, err,
	    sizeof(err)) == 0);
	CHECK(upgrade_call_supported(md, UPGRADE_TYPE_DEMOCRACY, err,
	    sizeof(err)) == 0);
	/* authorize_upgrade is System 9, apply_authorized_upgrade 11. */
	CHECK(upgrade_call_authorize(md, hash, &out, &out_len, err,
	    sizeof(err)) == 0);
	check_hex(out, out_len, "0x0009" "1111111111111111111111111111111111"
	    "111111111111111111111111111111");
	free(out);
	CHECK(upgrade_call_apply_authorized(md, small_code, sizeof(small_code),
	    &out, &out_len, err, sizeof(err)) == 0);
	check_hex(out, out_len, "0x000b140102030405");
	free(out);
	/* Preimage is pallet 34 (0x22), note_preimage 0. */
	CHECK(upgrade_call_note_preimage(md, small_code, sizeof(small_code),
	    &out, &out_len, err, sizeof(err)) == 0);
	check_hex(out, out_len, "0x2200140102030405");
	free(out);
	/* Democracy 13 (0x0d), propose 0, Bounded::Lookup 2 {hash, len: u32},
	 * value Compact<u128> MinimumDeposit = 100 DOLLARS = 10^16. */
	c = metadata_constant(md, "Democracy", "MinimumDeposit");
	CHECK(c != NULL && c->value_len == 16 && memcmp(c->value,
	    "\x00\x00\xc1\x6f\xf2\x86\x23\x00", 8) == 0);
	memset(hash, 0x22, sizeof(hash));
	CHECK(upgrade_call_democracy_propose(md, hash, 9, &out, &out_len, err,
	    sizeof(err)) == 0);
	check_hex(out, out_len, "0x0d0002" "2222222222222222222222222222222222"
	    "222222222222222222222222222222" "09000000" "0f0000c16ff28623");
	free(out);
	/* A length that needs all four bytes. */
	CHECK(upgrade_call_democracy_propose(md, hash, 0x01020304, &out,
	    &out_len, err, sizeof(err)) == 0);
	CHECK(out != NULL && out_len == 3 + 32 + 4 + 8 && out[35] == 0x04 &&
	    out[38] == 0x01);
	free(out);
}

static void
test_other_calls(void)
{
	if (ks14 == NULL || ks15 == NULL) {
		printf("skip: the other calls need the kitchensink metadata\n");
		return;
	}
	others_on(ks14);
	others_on(ks15);
}

static void
test_rococo(void)
{
	uint8_t *inner, *out = (uint8_t *)1, hash[32];
	size_t inner_len, out_len = 1;
	char err[UPGRADE_CALL_ERR_MAX];

	if (roc == NULL) {
		printf("skip: Rococo 9140 checks (no metadata, reason above)\n");
		return;
	}
	memset(hash, 0x33, sizeof(hash));
	CHECK(upgrade_call_supported(roc, UPGRADE_TYPE_SUDO, err,
	    sizeof(err)) == 0);
	/* Rococo 9140: System 0 with set_code at 3; Sudo 32 (0x20). */
	CHECK(upgrade_call_set_code(roc, small_code, sizeof(small_code),
	    &inner, &inner_len, err, sizeof(err)) == 0);
	check_hex(inner, inner_len, "0x0003140102030405");
	CHECK(upgrade_call_sudo(roc, inner, inner_len, 0, &out, &out_len, err,
	    sizeof(err)) == 0);
	check_hex(out, out_len, "0x2000" "0003140102030405");
	free(out);
	/* Weight is a bare u64 here: eight zero bytes. */
	CHECK(upgrade_call_sudo(roc, inner, inner_len, 1, &out, &out_len, err,
	    sizeof(err)) == 0);
	check_hex(out, out_len, "0x2001" "0003140102030405"
	    "0000000000000000");
	free(out);
	free(inner);

	CHECK(upgrade_call_supported(roc, UPGRADE_TYPE_AUTHORIZE, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "no System.authorize_upgrade call"));
	CHECK(contains(err, "use upgrade_type \"sudo\""));
	CHECK(upgrade_call_supported(roc, UPGRADE_TYPE_DEMOCRACY, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "no Preimage pallet"));
	CHECK(contains(err, "use upgrade_type \"sudo\""));

	out = (uint8_t *)1;
	CHECK(upgrade_call_authorize(roc, hash, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(out == NULL && out_len == 0);
	CHECK(contains(err, "System.authorize_upgrade"));
	CHECK(upgrade_call_apply_authorized(roc, small_code, 5, &out,
	    &out_len, err, sizeof(err)) == -1);
	CHECK(contains(err, "System.apply_authorized_upgrade"));
	CHECK(upgrade_call_note_preimage(roc, small_code, 5, &out, &out_len,
	    err, sizeof(err)) == -1);
	CHECK(contains(err, "Preimage pallet"));
	CHECK(upgrade_call_democracy_propose(roc, hash, 9, &out, &out_len,
	    err, sizeof(err)) == -1);
	CHECK(contains(err, "no Democracy pallet"));
	CHECK(out == NULL);
}

/* A 16 MiB code (the limit) is encoded, wrapped in sudo and noted; one
 * byte more is refused. */
static void
test_large_code(void)
{
	size_t big = 16 * MiB, out_len, sudo_len;
	uint8_t *code = malloc(big + 1), *out, *sudo;
	char err[UPGRADE_CALL_ERR_MAX];
	bool same;

	if (ks15 == NULL || code == NULL) {
		printf("skip: the large code needs the kitchensink metadata\n");
		free(code);
		return;
	}
	for (size_t i = 0; i < big + 1; i++)
		code[i] = (uint8_t)(i * 7 + (i >> 12));
	CHECK(upgrade_call_set_code(ks15, code, big, &out, &out_len, err,
	    sizeof(err)) == 0);
	/* Compact 2^24 in four-byte mode: (2^24 << 2) | 2 = 0x04000002. */
	same = out != NULL && out_len == 2 + 4 + big && memcmp(out,
	    "\x00\x02\x02\x00\x00\x04", 6) == 0 && memcmp(out + 6, code, big)
	    == 0;
	CHECK(same);
	CHECK(upgrade_call_sudo(ks15, out, out_len, 1, &sudo, &sudo_len, err,
	    sizeof(err)) == 0);
	CHECK(sudo != NULL && sudo_len == out_len + 4 && memcmp(sudo,
	    "\x16\x01", 2) == 0 && memcmp(sudo + 2, out, out_len) == 0 &&
	    sudo[sudo_len - 1] == 0 && sudo[sudo_len - 2] == 0);
	free(sudo);
	CHECK(upgrade_call_note_preimage(ks15, out, out_len, &sudo, &sudo_len,
	    err, sizeof(err)) == 0);
	CHECK(sudo != NULL && sudo_len == 2 + 4 + out_len);
	free(sudo);
	free(out);
	CHECK(upgrade_call_set_code(ks15, code, big + 1, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(out == NULL);
	CHECK(contains(err, "over the 16777216-byte limit"));
	free(out);
	CHECK(upgrade_call_apply_authorized(ks15, code, big + 1, &out,
	    &out_len, err, sizeof(err)) == -1);
	free(out);
	free(code);
}

static void
test_bad_inputs(void)
{
	uint8_t hash[32], *out = (uint8_t *)1;
	size_t out_len = 1;
	char err[UPGRADE_CALL_ERR_MAX];
	struct metadata *md = ks15;

	if (md == NULL) {
		printf("skip: bad inputs need the kitchensink metadata\n");
		return;
	}
	memset(hash, 0x44, sizeof(hash));
	CHECK(upgrade_call_set_code(md, NULL, 0, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(out == NULL && out_len == 0);
	CHECK(contains(err, "the code is missing"));
	CHECK(upgrade_call_set_code(md, small_code, 0, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "the code is empty"));
	CHECK(upgrade_call_set_code(NULL, small_code, 5, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "no metadata"));
	CHECK(upgrade_call_set_code(md, small_code, 5, NULL, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(upgrade_call_supported(NULL, UPGRADE_TYPE_SUDO, err,
	    sizeof(err)) == -1);
	CHECK(upgrade_call_supported(md, (enum upgrade_type)9, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "unknown upgrade type 9"));
	CHECK(upgrade_call_sudo(md, NULL, 0, 0, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "the call to wrap is missing"));
	/* Bytes that are not one call: refused by the encoder's check. */
	CHECK(upgrade_call_sudo(md, (const uint8_t *)"\xff\xff\x00", 3, 0,
	    &out, &out_len, err, sizeof(err)) == -1);
	CHECK(out == NULL);
	CHECK(contains(err, "does not decode"));
	/* A call with a byte left over is not exactly one call. */
	CHECK(upgrade_call_sudo(md, (const uint8_t *)"\x00\x02\x04\x01\x00", 5,
	    0, &out, &out_len, err, sizeof(err)) == -1);
	CHECK(upgrade_call_authorize(md, NULL, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "the code hash is missing"));
	CHECK(upgrade_call_authorize(md, hash, &out, &out_len, err,
	    sizeof(err)) == 0 && out_len == 34 && memcmp(out + 2, hash, 32) ==
	    0);
	free(out);
	CHECK(upgrade_call_democracy_propose(md, hash, 0, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "length is 0"));
	CHECK(upgrade_call_democracy_propose(md, NULL, 9, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(upgrade_call_note_preimage(md, NULL, 0, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "the preimage is missing"));
	/* A small err buffer is cut, never overrun. */
	CHECK(upgrade_call_set_code(md, NULL, 0, &out, &out_len, err, 5) ==
	    -1);
	CHECK(strlen(err) == 4);
}

/* A hand-made V14 registry where the upgrade calls exist in shapes we
 * cannot fill: set_code takes a u32, authorize_upgrade a 16-byte hash,
 * Democracy.propose the pre-Bounded (proposal_hash, value); no Sudo. */
enum {
	R_U8, R_U32, R_BYTES, R_H128, R_H256, R_U128, R_CU128,
	R_SYSTEM, R_DEMOCRACY, R_PREIMAGE, R_COUNT
};

static void
r_array(struct scale_writer *w, uint32_t id, uint32_t n)
{
	b_type_head(w, id, NULL);
	scale_write_u8(w, MD_ARRAY);
	scale_write_u32(w, n);
	scale_write_compact(w, R_U8);
	b_docs_none(w);
}

/* A field with its Rust type name, so refusals can show it. */
static void
r_field(struct scale_writer *w, const char *name, uint32_t type,
    const char *type_name)
{
	scale_write_option_tag(w, true);
	b_str(w, name);
	scale_write_compact(w, type);
	scale_write_option_tag(w, true);
	b_str(w, type_name);
	b_docs_none(w);
}

static void
r_calls(struct scale_writer *w, uint32_t id, size_t ncalls)
{
	b_type_head(w, id, "test::Call");
	scale_write_u8(w, MD_VARIANT);
	scale_write_compact(w, ncalls);
}

static void
r_call_end(struct scale_writer *w, uint8_t index)
{
	scale_write_u8(w, index);
	b_docs_none(w);
}

static void
r_pallet(struct scale_writer *w, const char *name, uint8_t index,
    uint32_t calls, bool min_deposit)
{
	static const uint8_t deposit[16] = { 100 };

	b_str(w, name);
	scale_write_option_tag(w, false);		/* storage */
	scale_write_option_tag(w, true);
	scale_write_compact(w, calls);
	scale_write_option_tag(w, false);		/* events */
	scale_write_compact(w, min_deposit ? 1 : 0);
	if (min_deposit) {
		b_str(w, "MinimumDeposit");
		scale_write_compact(w, R_U128);
		scale_write_bytes(w, deposit, sizeof(deposit));
		b_docs_none(w);
	}
	scale_write_option_tag(w, false);		/* errors */
	scale_write_u8(w, index);
}

static struct metadata *
odd_registry(void)
{
	struct scale_writer w;
	uint8_t *blob;
	size_t len;
	char err[256];
	struct metadata *md;

	b_begin(&w, R_COUNT);
	b_primitive(&w, R_U8, MD_U8);
	b_primitive(&w, R_U32, MD_U32);
	b_type_head(&w, R_BYTES, NULL);
	scale_write_u8(&w, MD_SEQUENCE);
	scale_write_compact(&w, R_U8);
	b_docs_none(&w);
	r_array(&w, R_H128, 16);
	r_array(&w, R_H256, 32);
	b_primitive(&w, R_U128, MD_U128);
	b_type_head(&w, R_CU128, NULL);
	scale_write_u8(&w, MD_COMPACT);
	scale_write_compact(&w, R_U128);
	b_docs_none(&w);
	r_calls(&w, R_SYSTEM, 3);
	b_str(&w, "set_code");
	scale_write_compact(&w, 1);
	r_field(&w, "code", R_U32, "u32");
	r_call_end(&w, 2);
	b_str(&w, "authorize_upgrade");
	scale_write_compact(&w, 1);
	r_field(&w, "code_hash", R_H128, "[u8; 16]");
	r_call_end(&w, 9);
	b_str(&w, "apply_authorized_upgrade");
	scale_write_compact(&w, 1);
	r_field(&w, "new_code", R_BYTES, "Vec<u8>");
	r_call_end(&w, 11);
	b_docs_none(&w);
	r_calls(&w, R_DEMOCRACY, 1);
	b_str(&w, "propose");
	scale_write_compact(&w, 2);
	r_field(&w, "proposal_hash", R_H256, "T::Hash");
	r_field(&w, "value", R_CU128, "BalanceOf<T>");
	r_call_end(&w, 0);
	b_docs_none(&w);
	r_calls(&w, R_PREIMAGE, 1);
	b_str(&w, "note_preimage");
	scale_write_compact(&w, 1);
	r_field(&w, "blob", R_BYTES, "Vec<u8>");
	r_call_end(&w, 0);
	b_docs_none(&w);
	scale_write_compact(&w, 3);
	r_pallet(&w, "System", 0, R_SYSTEM, false);
	r_pallet(&w, "Democracy", 14, R_DEMOCRACY, true);
	r_pallet(&w, "Preimage", 10, R_PREIMAGE, false);
	b_finish(&w);
	blob = scale_writer_take(&w, &len);
	md = blob != NULL ? metadata_decode(blob, len, err, sizeof(err)) :
	    NULL;
	if (md == NULL)
		printf("odd registry: %s\n", blob != NULL ? err : w.why);
	free(blob);
	return md;
}

static void
test_odd_shapes(void)
{
	struct metadata *md = odd_registry();
	uint8_t hash[32] = { 0 }, *out;
	size_t out_len;
	char err[UPGRADE_CALL_ERR_MAX];

	CHECK(md != NULL);
	if (md == NULL)
		return;
	CHECK(upgrade_call_supported(md, UPGRADE_TYPE_SUDO, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "this chain has no Sudo pallet"));
	CHECK(contains(err, "no upgrade type rtforge builds works"));
	CHECK(upgrade_call_set_code(md, small_code, 5, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "System.set_code takes (code: u32) on this chain, "
	    "not one byte string"));
	CHECK(upgrade_call_supported(md, UPGRADE_TYPE_AUTHORIZE, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "System.authorize_upgrade takes (code_hash: "
	    "[u8; 16])"));
	CHECK(upgrade_call_authorize(md, hash, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "(a 32-byte hash)"));
	/* A renamed argument is still found by its type. */
	CHECK(upgrade_call_apply_authorized(md, small_code, 5, &out, &out_len,
	    err, sizeof(err)) == 0);
	check_hex(out, out_len, "0x000b140102030405");
	free(out);
	CHECK(upgrade_call_note_preimage(md, small_code, 5, &out, &out_len,
	    err, sizeof(err)) == 0);
	check_hex(out, out_len, "0x0a00140102030405");
	free(out);
	CHECK(upgrade_call_supported(md, UPGRADE_TYPE_DEMOCRACY, err,
	    sizeof(err)) == -1);
	CHECK(contains(err, "Democracy.propose takes (proposal_hash: T::Hash, "
	    "value: BalanceOf<T>)"));
	CHECK(contains(err, "Bounded call with Lookup"));
	CHECK(upgrade_call_democracy_propose(md, hash, 9, &out, &out_len, err,
	    sizeof(err)) == -1);
	CHECK(out == NULL);
	metadata_free(md);
}

int
main(void)
{
	ks14 = kitchensink("v14/substrate");
	ks15 = kitchensink("v15/substrate");
	roc = rococo();
	RUN(test_type_names);
	RUN(test_set_code);
	RUN(test_sudo);
	RUN(test_other_calls);
	RUN(test_rococo);
	RUN(test_large_code);
	RUN(test_bad_inputs);
	RUN(test_odd_shapes);
	metadata_free(ks14);
	metadata_free(ks15);
	metadata_free(roc);
	return testlib_summary();
}
