/* Unit tests for common/metadata*.c: the real metadata @polkadot/types-
 * support ships (V14, V15, V16; facts checked against @polkadot/types),
 * every input form, hand-made blobs for the edge cases, and hostile bytes:
 * truncation at many points, flipped bytes, lying counts, missing and
 * out-of-order ids, duplicate indices, bad magic and versions. */
#include "metadata.h"
#include "scale.h"
#include "testlib.h"
#include "test_metadata_blobs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x6d657461ULL;

static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The raw blob inside a shipped file (unwrapping the V15/V16 form). */
static uint8_t *
support_raw(const char *name, size_t *len)
{
	uint8_t *bin = support_metadata(name, len), *raw;
	const uint8_t *blob;
	size_t blob_len;
	char err[256];

	if (bin == NULL || bin[0] == 'm')
		return bin;
	if (!metadata_unwrap_opaque(bin, *len, &blob, &blob_len, err,
	    sizeof(err))) {
		printf("unwrap %s: %s\n", name, err);
		free(bin);
		return NULL;
	}
	raw = malloc(blob_len);
	if (raw == NULL)
		exit(2);
	memcpy(raw, blob, blob_len);
	free(bin);
	*len = blob_len;
	return raw;
}

static struct metadata *
load(const char *name)
{
	size_t len;
	uint8_t *bin = support_metadata(name, &len);
	struct metadata *md;
	char err[512];

	if (bin == NULL)
		return NULL;
	md = metadata_decode_any(bin, len, err, sizeof(err));
	if (md == NULL)
		printf("decode %s: %s\n", name, err);
	free(bin);
	return md;
}

static void
check_common_facts(const struct metadata *md, uint8_t balances_index,
    uint8_t ss58)
{
	uint8_t idx[2];
	const struct md_pallet *p;
	const struct md_constant *c;
	const struct md_type *calls;
	const struct md_variant *v;

	p = metadata_pallet(md, "System");
	CHECK(p != NULL && p->index == 0);
	p = metadata_pallet(md, "Balances");
	CHECK(p != NULL && p->index == balances_index);
	CHECK(metadata_pallet_by_index(md, balances_index) == p);
	CHECK(metadata_call_index(md, "System", "remark", idx) &&
	    idx[0] == 0 && idx[1] == 0);
	CHECK(metadata_call_index(md, "System", "set_code", idx) &&
	    idx[0] == 0 && idx[1] == 2);
	CHECK(metadata_call_index(md, "System", "set_code_without_checks",
	    idx) && idx[1] == 3);
	/* Exact compares only. */
	CHECK(!metadata_call_index(md, "system", "set_code", idx));
	CHECK(!metadata_call_index(md, "System", "set_cod", idx));
	CHECK(metadata_pallet(md, "Balance") == NULL);
	c = metadata_constant(md, "System", "SS58Prefix");
	CHECK(c != NULL && c->value_len == 2 && c->value[0] == ss58 &&
	    c->value[1] == 0);
	c = metadata_constant(md, "Balances", "MaxLocks");
	CHECK(c != NULL && c->value_len == 4 && c->value[0] == 0x32);
	CHECK(c != NULL && strstr(c->docs, "maximum number of locks") != NULL);
	/* System's storage: Events is a plain Vec<EventRecord>. */
	{
		const struct md_storage_entry *e = metadata_storage(md,
		    "System", "Events");
		const struct md_storage_entry *a = metadata_storage(md,
		    "System", "Account");
		const struct md_type *t;

		CHECK(e != NULL && !e->is_map && !e->optional);
		t = e != NULL ? metadata_type(md, e->value) : NULL;
		CHECK(t != NULL && t->def == MD_SEQUENCE);
		CHECK(a != NULL && a->is_map && a->nhashers == 1 &&
		    a->hashers[0] == MD_BLAKE2_128_CONCAT);
		CHECK(a != NULL && a->key != METADATA_NO_TYPE);
	}
	p = metadata_pallet(md, "System");
	calls = p != NULL ? metadata_type(md, p->errors) : NULL;
	v = metadata_variant_by_index(calls, 3);
	CHECK(v != NULL && strcmp(v->name, "NonDefaultComposite") == 0);
	CHECK(v != NULL && strstr(v->docs, "non-default composite") != NULL);
	CHECK(metadata_variant_by_name(calls, "NonDefaultComposite") == v);
	CHECK(metadata_type(md, (uint32_t)md->ntypes) == NULL);
	CHECK(metadata_type(md, 0) == &md->types[0]);
	CHECK(md->extrinsic.version == 4 || md->extrinsic.version == 5);
	CHECK(md->call_enum == md->extrinsic.call);
	CHECK(metadata_type(md, md->call_enum) != NULL &&
	    metadata_type(md, md->call_enum)->def == MD_VARIANT);
	CHECK(metadata_type(md, md->event_enum) != NULL &&
	    metadata_type(md, md->event_enum)->def == MD_VARIANT);
	CHECK(metadata_extension(md, "CheckNonce") != NULL);
	CHECK(metadata_extension(md, "checknonce") == NULL);
}

/* Facts from @polkadot/types 16.5.6 reading the same files. */
static void
test_v14_substrate(void)
{
	struct metadata *md = load("v14/substrate");
	const struct md_pallet *sudo;
	const struct md_variant *v;
	uint8_t idx[2];
	const struct md_constant *c;

	if (md == NULL)
		return;
	CHECK(md->version == 14);
	CHECK(md->ntypes == 945);
	CHECK(md->npallets == 80);
	check_common_facts(md, 6, 42);
	sudo = metadata_pallet(md, "Sudo");
	CHECK(sudo != NULL && sudo->index == 22);
	CHECK(metadata_call_index(md, "Sudo", "sudo", idx) && idx[0] == 22 &&
	    idx[1] == 0);
	v = metadata_call(md, "Sudo", "sudo_unchecked_weight");
	CHECK(v != NULL && v->index == 1 && v->nfields == 2);
	CHECK(v != NULL && strcmp(v->fields[0].name, "call") == 0 &&
	    v->fields[0].type == 141 && v->fields[1].type == 10);
	CHECK(v != NULL && strcmp(v->fields[0].type_name,
	    "Box<<T as Config>::RuntimeCall>") == 0);
	/* V14's address/call/signature come from the UncheckedExtrinsic's
	 * params, as polkadot-js's toV15 takes them. */
	CHECK(md->extrinsic.type != METADATA_NO_TYPE);
	CHECK(md->extrinsic.address == 166);
	CHECK(md->extrinsic.call == 141);
	CHECK(md->extrinsic.signature == 315);
	CHECK(md->extrinsic.nextensions == 9);
	CHECK(md->extrinsic.nextensions == 9 && strcmp(
	    md->extrinsic.extensions[0].identifier, "CheckNonZeroSender") == 0);
	CHECK(md->extrinsic.nextensions == 9 && strcmp(
	    md->extrinsic.extensions[8].identifier, "CheckMetadataHash") == 0);
	CHECK(md->extrinsic.nextensions == 9 &&
	    md->extrinsic.extensions[0].type == 934);
	CHECK(md->error_enum == METADATA_NO_TYPE);
	c = metadata_constant(md, "System", "BlockHashCount");
	CHECK(c != NULL && c->type == 4 && c->value_len == 4 &&
	    c->value[0] == 0x60 && c->value[1] == 0x09);
	c = metadata_constant(md, "System", "BlockLength");
	CHECK(c != NULL && c->type == 521 && c->value_len == 12);
	CHECK(strcmp(metadata_type(md, 0)->path, "sp_core::crypto::AccountId32")
	    == 0);
	metadata_free(md);
}

static void
test_v14_kusama(void)
{
	struct metadata *md = load("v14/kusama");

	if (md == NULL)
		return;
	CHECK(md->ntypes == 930);
	CHECK(md->npallets == 64);
	check_common_facts(md, 4, 2);
	CHECK(metadata_extension(md, "ChargeTransactionPayment") != NULL);
	metadata_free(md);
}

static void
test_v15(void)
{
	struct metadata *md = load("v15/substrate");
	const struct md_extrinsic *x;

	if (md == NULL)
		return;
	x = &md->extrinsic;
	CHECK(md->version == 15);
	CHECK(md->ntypes == 1128);
	CHECK(md->npallets == 85);
	check_common_facts(md, 6, 42);
	CHECK(x->address == 163 && x->call == 139 && x->signature == 313);
	CHECK(x->extra != METADATA_NO_TYPE);
	CHECK(x->type == METADATA_NO_TYPE);
	CHECK(x->nextensions == 10 && strcmp(x->extensions[9].identifier,
	    "WeightReclaim") == 0 && x->extensions[0].type == 485);
	CHECK(md->error_enum != METADATA_NO_TYPE);
	CHECK(metadata_pallet(md, "Sudo") != NULL &&
	    metadata_pallet(md, "Sudo")->index == 22);
	metadata_free(md);

	md = load("v15/polkadot");
	if (md == NULL)
		return;
	CHECK(md->ntypes == 1081);
	CHECK(md->npallets == 61);
	check_common_facts(md, 5, 0);
	CHECK(metadata_pallet(md, "Sudo") == NULL);
	CHECK(metadata_extension(md, "PrevalidateAttests") != NULL);
	metadata_free(md);
}

static void
test_v16(void)
{
	struct metadata *md = load("v16/substrate");
	const struct md_extrinsic *x;

	if (md == NULL)
		return;
	x = &md->extrinsic;
	CHECK(md->version == 16);
	CHECK(md->ntypes == 1137);
	CHECK(md->npallets == 85);
	check_common_facts(md, 6, 42);
	CHECK(x->nversions == 2 && x->versions[0] == 4 && x->versions[1] == 5);
	CHECK(x->version == 5);
	CHECK(x->nextensions == 11 && strcmp(x->extensions[0].identifier,
	    "AuthorizeCall") == 0);
	CHECK(md->runtime_type == METADATA_NO_TYPE);
	metadata_free(md);
}

/* Raw bytes, hex with and without 0x, Option<OpaqueMetadata>,
 * OpaqueMetadata, and None. */
static void
test_forms(void)
{
	size_t len, hexlen, i;
	uint8_t *raw = support_raw("v14/substrate", &len), *wrapped;
	char *hex, err[256];
	struct metadata *md;
	struct scale_writer w;
	size_t wlen;
	const uint8_t *blob;
	size_t blob_len;

	if (raw == NULL)
		return;
	md = metadata_decode(raw, len, err, sizeof(err));
	CHECK(md != NULL && md->npallets == 80);
	metadata_free(md);

	hexlen = 2 + 2 * len;
	hex = malloc(hexlen + 3);
	if (hex == NULL)
		exit(2);
	strcpy(hex, " 0x");
	for (i = 0; i < len; i++)
		sprintf(hex + 3 + 2 * i, "%02x", raw[i]);
	strcat(hex, "\n");
	md = metadata_decode_any((uint8_t *)hex, strlen(hex), err, sizeof(err));
	CHECK(md != NULL && md->npallets == 80);
	metadata_free(md);
	md = metadata_decode_any((uint8_t *)hex + 3, strlen(hex) - 3, err,
	    sizeof(err));
	CHECK(md != NULL && md->npallets == 80);
	metadata_free(md);
	hex[10] = 'g';
	md = metadata_decode_any((uint8_t *)hex, strlen(hex), err, sizeof(err));
	CHECK(md == NULL);
	free(hex);

	scale_writer_init(&w, METADATA_MAX_BYTES + 16);
	scale_write_option_tag(&w, true);
	scale_write_bytes(&w, raw, len);
	wrapped = scale_writer_take(&w, &wlen);
	CHECK(metadata_unwrap_opaque(wrapped, wlen, &blob, &blob_len, err,
	    sizeof(err)) && blob_len == len && memcmp(blob, raw, len) == 0);
	md = metadata_decode_any(wrapped, wlen, err, sizeof(err));
	CHECK(md != NULL && md->npallets == 80);
	metadata_free(md);
	/* A trailing byte after the Option is refused. */
	CHECK(!metadata_unwrap_opaque(wrapped, wlen - 1, &blob, &blob_len, err,
	    sizeof(err)));
	md = metadata_decode_any(wrapped + 1, wlen - 1, err, sizeof(err));
	CHECK(md != NULL && md->npallets == 80);
	if (md == NULL)
		printf("  vec form: %s\n", err);
	metadata_free(md);
	free(wrapped);

	{
		const uint8_t none[1] = { 0 };

		CHECK(!metadata_unwrap_opaque(none, 1, &blob, &blob_len, err,
		    sizeof(err)));
		CHECK(strstr(err, "None") != NULL);
		md = metadata_decode_any(none, 1, err, sizeof(err));
		CHECK(md == NULL && strstr(err, "None") != NULL);
	}
	free(raw);
}

static void
test_bad_magic_and_version(void)
{
	uint8_t blob[16] = { 'm', 'e', 't', 'a', 14 };
	char err[256];

	memcpy(blob, "mexa", 4);
	CHECK(metadata_decode(blob, 5, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "magic") != NULL);
	memcpy(blob, "meta", 4);
	blob[4] = 13;
	CHECK(metadata_decode(blob, 5, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "version 13") != NULL);
	blob[4] = 17;
	CHECK(metadata_decode(blob, 5, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "version 17") != NULL);
	CHECK(metadata_decode(blob, 4, err, sizeof(err)) == NULL);
	CHECK(metadata_decode(blob, 0, err, sizeof(err)) == NULL);
	blob[4] = 14;
	CHECK(metadata_decode(blob, 5, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "types") != NULL);
	CHECK(metadata_decode_any(blob, 3, err, sizeof(err)) == NULL);
}

/* Every prefix in a stride (and every one of the first 2 KiB) is refused
 * with a message that names a place; none crashes or leaks. */
static void
test_truncated(void)
{
	size_t len, cut, refused = 0, tried = 0;
	uint8_t *raw = support_raw("v14/substrate", &len);
	char err[512];
	bool all_named = true;

	if (raw == NULL)
		return;
	for (cut = 0; cut < len; cut += cut < 2048 ? 1 : 1021) {
		uint8_t *copy = malloc(cut > 0 ? cut : 1);
		struct metadata *md;

		if (copy == NULL)
			exit(2);
		memcpy(copy, raw, cut);
		md = metadata_decode(copy, cut, err, sizeof(err));
		tried++;
		if (md == NULL)
			refused++;
		if (md == NULL && cut >= 5 && strstr(err, "offset") == NULL) {
			all_named = false;
			printf("  cut %zu: %s\n", cut, err);
		}
		metadata_free(md);
		free(copy);
	}
	CHECK(refused == tried);
	CHECK(all_named);
	{
		struct metadata *md = metadata_decode(raw, len - 1, err,
		    sizeof(err));

		CHECK(md == NULL && strstr(err, "runtime type") != NULL);
	}
	free(raw);
}

/* Flipped bytes: whatever the decoder says, it says it without a crash,
 * and a refusal always carries a reason. */
static void
test_corrupted(void)
{
	size_t len, i, refused = 0;
	uint8_t *raw = support_raw("v14/kusama", &len);
	char err[512];

	if (raw == NULL)
		return;
	for (i = 0; i < 400; i++) {
		size_t pos = rng_next() % len;
		uint8_t old = raw[pos];
		struct metadata *md;

		raw[pos] ^= (uint8_t)(1u << (rng_next() % 8));
		err[0] = '\0';
		md = metadata_decode(raw, len, err, sizeof(err));
		if (md == NULL) {
			refused++;
			CHECK(err[0] != '\0');
		}
		metadata_free(md);
		raw[pos] = old;
	}
	printf("  corrupted: %zu of 400 refused\n", refused);
	CHECK(refused > 0);
	free(raw);
}

/* A valid hand-made blob: u32 (0), a self-referential composite (1), a
 * call enum (2); one pallet. */
static uint8_t *
small_blob(size_t *len, bool dup_variant)
{
	struct scale_writer w;
	const uint8_t answer[4] = { 42, 0, 0, 0 };

	b_begin(&w, 3);
	b_primitive(&w, 0, MD_U32);
	b_type_head(&w, 1, "test::Loop");
	scale_write_u8(&w, MD_COMPOSITE);
	scale_write_compact(&w, 1);
	b_field(&w, "next", 1);
	b_docs_none(&w);
	b_type_head(&w, 2, "test::Call");
	scale_write_u8(&w, MD_VARIANT);
	scale_write_compact(&w, 2);
	b_str(&w, "ping");
	scale_write_compact(&w, 1);
	b_field(&w, "n", 0);
	scale_write_u8(&w, 5);
	b_docs_none(&w);
	b_str(&w, "pong");
	scale_write_compact(&w, 0);
	scale_write_u8(&w, dup_variant ? 5 : 9);
	scale_write_compact(&w, 2);
	b_str(&w, "Two");
	b_str(&w, "lines.");
	b_docs_none(&w);
	scale_write_compact(&w, 1);
	b_pallet_test(&w, 2, 0, answer, sizeof(answer));
	b_finish(&w);
	return scale_writer_take(&w, len);
}

static void
test_hand_made(void)
{
	size_t len;
	uint8_t *blob = small_blob(&len, false);
	char err[512];
	struct metadata *md = metadata_decode(blob, len, err, sizeof(err));
	const struct md_variant *v;
	uint8_t idx[2];
	const struct md_constant *c;

	CHECK(md != NULL);
	if (md == NULL) {
		printf("  %s\n", err);
		free(blob);
		return;
	}
	CHECK(md->ntypes == 3 && md->npallets == 1);
	CHECK(metadata_type(md, 1)->fields[0].type == 1);
	CHECK(metadata_call_index(md, "Test", "pong", idx) && idx[0] == 7 &&
	    idx[1] == 9);
	v = metadata_call(md, "Test", "pong");
	CHECK(v != NULL && strcmp(v->docs, "Two\nlines.") == 0);
	c = metadata_constant(md, "Test", "Answer");
	CHECK(c != NULL && c->value_len == 4 && c->value[0] == 42 &&
	    strcmp(c->docs, "The answer.") == 0);
	CHECK(md->extrinsic.address == METADATA_NO_TYPE);
	metadata_free(md);
	free(blob);

	blob = small_blob(&len, true);
	md = metadata_decode(blob, len, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "variant index 5 used twice") != NULL &&
	    strstr(err, "types[2]") != NULL);
	free(blob);
}

static struct metadata *
decode_writer(struct scale_writer *w, char *err, size_t errlen)
{
	size_t len;
	uint8_t *blob = scale_writer_take(w, &len);
	struct metadata *md = metadata_decode(blob, len, err, errlen);

	free(blob);
	return md;
}

static void
test_hostile_registry(void)
{
	struct scale_writer w;
	char err[512];
	struct metadata *md;

	/* A count of 2^30 types in a few bytes. */
	scale_writer_init(&w, 1024);
	scale_write_raw(&w, "meta", 4);
	scale_write_u8(&w, 14);
	scale_write_compact(&w, 1u << 30);
	scale_write_raw(&w, "\0\0\0\0\0\0\0\0", 8);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "types") != NULL);
	printf("  2^30 types: %s\n", err);

	/* 2^30 fields in one composite. */
	b_begin(&w, 1);
	b_type_head(&w, 0, NULL);
	scale_write_u8(&w, MD_COMPOSITE);
	scale_write_compact(&w, 1u << 30);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "types[0].def") != NULL);

	/* Ids out of order. */
	b_begin(&w, 2);
	b_primitive(&w, 1, MD_U8);
	b_primitive(&w, 0, MD_U8);
	scale_write_compact(&w, 0);
	b_finish(&w);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "type id 1 where 0 was due") != NULL);

	/* A reference to a type that does not exist. */
	b_begin(&w, 1);
	b_type_head(&w, 0, NULL);
	scale_write_u8(&w, MD_SEQUENCE);
	scale_write_compact(&w, 5);
	b_docs_none(&w);
	scale_write_compact(&w, 0);
	b_finish(&w);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "type id 5") != NULL);

	/* Unknown def tag and primitive. */
	b_begin(&w, 1);
	b_type_head(&w, 0, NULL);
	scale_write_u8(&w, 8);
	scale_write_raw(&w, "\0\0\0\0\0\0", 6);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "definition tag 8") != NULL);
	printf("  %s\n", err);
	b_begin(&w, 1);
	b_primitive(&w, 0, (enum md_prim)15);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "primitive 15") != NULL);

	/* A pallet's calls type that does not exist, or is not an enum. */
	b_begin(&w, 1);
	b_primitive(&w, 0, MD_U32);
	scale_write_compact(&w, 1);
	b_pallet_test(&w, 3, 0, (const uint8_t *)"abcd", 4);
	b_finish(&w);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "(Test).calls") != NULL &&
	    strstr(err, "type id 3") != NULL);
	b_begin(&w, 1);
	b_primitive(&w, 0, MD_U32);
	scale_write_compact(&w, 1);
	b_pallet_test(&w, 0, 0, (const uint8_t *)"abcd", 4);
	b_finish(&w);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "not an enum") != NULL);

	/* Two pallets with one index. */
	b_begin(&w, 1);
	b_primitive(&w, 0, MD_U32);
	scale_write_compact(&w, 2);
	b_pallet_test(&w, UINT32_MAX, 0, (const uint8_t *)"abcd", 4);
	b_pallet_test(&w, UINT32_MAX, 0, (const uint8_t *)"abcd", 4);
	b_finish(&w);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "pallet index 7") != NULL);

	/* Trailing bytes. */
	b_begin(&w, 1);
	b_primitive(&w, 0, MD_U32);
	scale_write_compact(&w, 0);
	b_finish(&w);
	scale_write_u8(&w, 0);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md == NULL && strstr(err, "trailing") != NULL);

	/* A name with a NUL in it. */
	b_begin(&w, 1);
	b_type_head(&w, 0, "a\0b" + 0);
	scale_write_u8(&w, MD_PRIMITIVE);
	scale_write_u8(&w, MD_U8);
	b_docs_none(&w);
	scale_write_compact(&w, 0);
	b_finish(&w);
	md = decode_writer(&w, err, sizeof(err));
	CHECK(md != NULL);	/* the C string stops at "a": still valid */
	metadata_free(md);
}

static void
test_lower_camel(void)
{
	char buf[64];

	CHECK_STR(metadata_lower_camel("System", buf, sizeof(buf)), "system");
	CHECK_STR(metadata_lower_camel("TransactionPayment", buf, sizeof(buf)),
	    "transactionPayment");
	CHECK_STR(metadata_lower_camel("XcmPallet", buf, sizeof(buf)),
	    "xcmPallet");
	CHECK_STR(metadata_lower_camel("NFTOrder", buf, sizeof(buf)),
	    "nftOrder");
	CHECK_STR(metadata_lower_camel("DMP", buf, sizeof(buf)), "dmp");
	CHECK_STR(metadata_lower_camel("", buf, sizeof(buf)), "");
	CHECK_STR(metadata_lower_camel("Sudo", buf, 3), "su");
}

int
main(void)
{
	RUN(test_v14_substrate);
	RUN(test_v14_kusama);
	RUN(test_v15);
	RUN(test_v16);
	RUN(test_forms);
	RUN(test_bad_magic_and_version);
	RUN(test_truncated);
	RUN(test_corrupted);
	RUN(test_hand_made);
	RUN(test_hostile_registry);
	RUN(test_lower_camel);
	return testlib_summary();
}
