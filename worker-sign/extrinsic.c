/* Signed and unsigned version-4 extrinsics; see extrinsic.h. The address
 * and signature are written in the shape the metadata's types give them;
 * the extensions come from extrinsic_ext.c. */
#include "extrinsic.h"
#include "extrinsic_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keccak.h"
#include "scale.h"

#define XT_VERSION 4
#define XT_SIGNED_BIT 0x80
/* The most byte arrays a signature variant may be made of. */
#define SIG_LAYOUT_MAX 4
#define VARIANT_LIST_MAX 256

/* How the chosen signature is written: an enum tag (or none), then the
 * signature, then the public key when the chain wants it alongside. */
struct sig_form {
	bool tagged;
	uint8_t tag;
	bool with_public;
};

static bool
offers_v4(const struct metadata *md, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < md->extrinsic.nversions; i++)
		if (md->extrinsic.versions[i] == XT_VERSION)
			return true;
	snprintf(err, errlen, "the chain's metadata does not offer extrinsic "
	    "version 4 (it offers version %u)", md->extrinsic.version);
	return false;
}

static bool
call_size_ok(size_t call_len, char *err, size_t errlen)
{
	if (call_len == 0) {
		snprintf(err, errlen, "the call is empty");
		return false;
	}
	/* Room for the prefix, address, a SPHINCS+ signature and extras. */
	if (call_len > EXTRINSIC_MAX_BYTES - 65536) {
		snprintf(err, errlen, "the call is %zu bytes; an extrinsic is "
		    "capped at %zu bytes", call_len, EXTRINSIC_MAX_BYTES);
		return false;
	}
	return true;
}

/* "A, B, C" into buf. */
static const char *
variant_names(const struct md_type *t, char *buf, size_t bufsize)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; t != NULL && i < t->nvariants && used < bufsize; i++) {
		int n = snprintf(buf + used, bufsize - used, "%s%s",
		    i > 0 ? ", " : "", t->variants[i].name);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

/* MultiAddress-like: the Id variant holding a 32-byte account id. */
static int
write_address_id(const struct metadata *md, uint32_t type,
    struct scale_writer *w, char *err, size_t errlen)
{
	const struct md_type *t = metadata_type(md, type);
	const struct md_variant *v = metadata_variant_by_name(t, "Id");
	char desc[XT_TYPE_DESC_MAX];

	if (v == NULL) {
		char names[VARIANT_LIST_MAX];

		snprintf(err, errlen, "this chain's address type %s has no Id "
		    "variant; its variants are: %s", xt_type_desc(md, type,
		    desc, sizeof(desc)), variant_names(t, names,
		    sizeof(names)));
		return -1;
	}
	if (v->nfields != 1 || !xt_is_byte_array(md, v->fields[0].type, 32)) {
		snprintf(err, errlen, "this chain's address variant Id in type %s "
		    "does not hold a 32-byte account id", xt_type_desc(md,
		    type, desc, sizeof(desc)));
		return -1;
	}
	scale_write_enum_tag(w, v->index);
	return 0;
}

static int
write_address(const struct metadata *md, const uint8_t account[32],
    struct scale_writer *w, char *err, size_t errlen)
{
	uint32_t type = md->extrinsic.address;
	const struct md_type *t = metadata_type(md, type);
	char desc[XT_TYPE_DESC_MAX];

	if (t == NULL) {
		snprintf(err, errlen, "the metadata names no address type for "
		    "extrinsics");
		return -1;
	}
	if (t->def == MD_VARIANT) {
		if (write_address_id(md, type, w, err, errlen) != 0)
			return -1;
	} else if (!xt_is_byte_array(md, type, 32)) {
		snprintf(err, errlen, "this chain's address type %s is neither "
		    "an enum with Id nor a 32-byte account id",
		    xt_type_desc(md, type, desc, sizeof(desc)));
		return -1;
	}
	scale_write_array(w, account, 32);
	return 0;
}

static const struct md_variant *
signature_variant(const struct md_type *t, enum key_scheme scheme)
{
	size_t i;

	switch (scheme) {
	case KEY_SCHEME_SR25519:
		return metadata_variant_by_name(t, "Sr25519");
	case KEY_SCHEME_ED25519:
		return metadata_variant_by_name(t, "Ed25519");
	case KEY_SCHEME_SPHINCS:
		for (i = 0; i < t->nvariants; i++)
			if (strcasestr(t->variants[i].name, "sphincs") != NULL)
				return &t->variants[i];
		return NULL;
	}
	return NULL;
}

static const char *
scheme_variant_label(enum key_scheme scheme)
{
	switch (scheme) {
	case KEY_SCHEME_SR25519:
		return "Sr25519";
	case KEY_SCHEME_ED25519:
		return "Ed25519";
	case KEY_SCHEME_SPHINCS:
		return "SphincsPlus";
	}
	return "?";
}

/* The byte arrays a variant's fields (or a bare type) are made of, and
 * their total. */
static bool
fields_bytes(const struct metadata *md, const struct md_variant *v,
    uint32_t bare, size_t *total)
{
	size_t lens[SIG_LAYOUT_MAX], n, i, f;

	*total = 0;
	if (v == NULL) {
		if (!xt_byte_layout(md, bare, lens, SIG_LAYOUT_MAX, &n))
			return false;
		for (i = 0; i < n; i++)
			*total += lens[i];
		return true;
	}
	for (f = 0; f < v->nfields; f++) {
		if (!xt_byte_layout(md, v->fields[f].type, lens,
		    SIG_LAYOUT_MAX, &n))
			return false;
		for (i = 0; i < n; i++)
			*total += lens[i];
	}
	return true;
}

static int
signature_form(const struct metadata *md, enum key_scheme scheme,
    struct sig_form *form, char *err, size_t errlen)
{
	uint32_t type = md->extrinsic.signature;
	const struct md_type *t = metadata_type(md, type);
	const struct md_variant *v = NULL;
	size_t total, sig_len = key_scheme_signature_len(scheme);
	size_t pk_len = key_scheme_public_len(scheme);
	char desc[XT_TYPE_DESC_MAX];

	memset(form, 0, sizeof(*form));
	if (t == NULL) {
		snprintf(err, errlen, "the metadata names no signature type "
		    "for extrinsics");
		return -1;
	}
	if (t->def == MD_VARIANT) {
		v = signature_variant(t, scheme);
		if (v == NULL) {
			char names[VARIANT_LIST_MAX];

			snprintf(err, errlen, "this chain's signature type %s "
			    "has no %s variant for a %s key; its variants "
			    "are: %s", xt_type_desc(md, type, desc,
			    sizeof(desc)), scheme_variant_label(scheme),
			    key_scheme_name(scheme),
			    variant_names(t, names, sizeof(names)));
			return -1;
		}
		form->tagged = true;
		form->tag = v->index;
	}
	if (!fields_bytes(md, v, type, &total) ||
	    (total != sig_len && total != sig_len + pk_len)) {
		snprintf(err, errlen, "this chain's signature %s%s in type %s is "
		    "not %zu bytes (a %s signature) nor %zu (the signature "
		    "and its public key)", v != NULL ? "variant " : "",
		    v != NULL ? v->name : "", xt_type_desc(md, type, desc,
		    sizeof(desc)), sig_len, key_scheme_name(scheme),
		    sig_len + pk_len);
		return -1;
	}
	form->with_public = total == sig_len + pk_len;
	return 0;
}

/* call ‖ extra ‖ implicit, or its blake2b-256 when long: hashed in
 * place, so a 10 MiB set_code call is not copied for it. */
static uint8_t *
payload_to_sign(const uint8_t *call, size_t call_len, const uint8_t *extra,
    size_t extra_len, const uint8_t *implicit, size_t implicit_len,
    size_t *out_len, char *err, size_t errlen)
{
	const uint8_t *part[3] = { call, extra, implicit };
	size_t part_len[3] = { call_len, extra_len, implicit_len };
	size_t total = call_len + extra_len + implicit_len, i, at = 0;
	crypto_generichash_state st;
	uint8_t *out;

	*out_len = 0;
	if (total > EXTRINSIC_PAYLOAD_HASH_OVER) {
		if ((out = malloc(EXTRINSIC_HASH_LEN)) == NULL)
			goto oom;
		crypto_generichash_init(&st, NULL, 0, EXTRINSIC_HASH_LEN);
		for (i = 0; i < 3; i++)
			if (part_len[i] > 0)
				crypto_generichash_update(&st, part[i],
				    part_len[i]);
		crypto_generichash_final(&st, out, EXTRINSIC_HASH_LEN);
		*out_len = EXTRINSIC_HASH_LEN;
		return out;
	}
	if ((out = malloc(total)) == NULL)
		goto oom;
	for (i = 0; i < 3; i++) {
		if (part_len[i] > 0)
			memcpy(out + at, part[i], part_len[i]);
		at += part_len[i];
	}
	*out_len = total;
	return out;
oom:
	snprintf(err, errlen, "signed payload: out of memory");
	return NULL;
}

int
extrinsic_signed_payload(const struct metadata *md, const uint8_t *call,
    size_t call_len, const struct extrinsic_params *p, uint8_t **out,
    size_t *out_len, char *err, size_t errlen)
{
	uint8_t *extra, *implicit;
	size_t extra_len, implicit_len;

	*out = NULL;
	*out_len = 0;
	if (!call_size_ok(call_len, err, errlen) ||
	    extrinsic_extensions_encode(md, p, &extra, &extra_len, &implicit,
	    &implicit_len, err, errlen) != 0)
		return -1;
	*out = payload_to_sign(call, call_len, extra, extra_len, implicit,
	    implicit_len, out_len, err, errlen);
	free(extra);
	free(implicit);
	return *out != NULL ? 0 : -1;
}

void
extrinsic_tx_hash(const uint8_t *xt, size_t len, enum extrinsic_hasher h,
    uint8_t out[EXTRINSIC_HASH_LEN])
{
	if (h == EXTRINSIC_HASHER_KECCAK_256)
		keccak256(out, xt, len);
	else
		crypto_generichash(out, EXTRINSIC_HASH_LEN, xt, len, NULL, 0);
}

/* Compact<u32>(len) ‖ body, as the final extrinsic. */
static int
finish(struct scale_writer *body, enum extrinsic_hasher hasher,
    uint8_t **out, size_t *out_len, uint8_t *tx_hash, char *err,
    size_t errlen)
{
	struct scale_writer w;

	scale_writer_init(&w, EXTRINSIC_MAX_BYTES);
	if (scale_writer_ok(body)) {
		scale_write_compact(&w, body->len);
		scale_write_raw(&w, body->buf, body->len);
	}
	if (!scale_writer_ok(body) || !scale_writer_ok(&w)) {
		snprintf(err, errlen, "extrinsic: %s (the cap is %zu bytes)",
		    !scale_writer_ok(body) ? body->why : w.why,
		    EXTRINSIC_MAX_BYTES);
		scale_writer_free(&w);
		return -1;
	}
	*out = scale_writer_take(&w, out_len);
	if (*out == NULL) {
		snprintf(err, errlen, "extrinsic: out of memory");
		return -1;
	}
	if (tx_hash != NULL)
		extrinsic_tx_hash(*out, *out_len, hasher, tx_hash);
	return 0;
}

static int
sign_payload(const struct extrinsic_signer *s, const uint8_t *msg,
    size_t len, uint8_t *sig, char *err, size_t errlen)
{
	size_t want = key_scheme_signature_len(s->scheme), got = 0;

	if (s->sign(s->arg, s->index, msg, len, sig, CUSTODY_SIGNATURE_MAX,
	    &got, err, errlen) != 0)
		return -1;
	if (got != want) {
		snprintf(err, errlen, "the %s signer gave %zu bytes, not %zu",
		    key_scheme_name(s->scheme), got, want);
		return -1;
	}
	return 0;
}

static bool
signer_ok(const struct extrinsic_signer *s, char *err, size_t errlen)
{
	if (s == NULL || s->sign == NULL ||
	    s->public_len != key_scheme_public_len(s->scheme)) {
		snprintf(err, errlen, "no usable signer (missing sign function "
		    "or a public key of the wrong length)");
		return false;
	}
	return true;
}

int
extrinsic_build_signed_with(const struct metadata *md, const uint8_t *call,
    size_t call_len, const struct extrinsic_params *p,
    const struct extrinsic_signer *s, uint8_t **out, size_t *out_len,
    uint8_t tx_hash[EXTRINSIC_HASH_LEN], char *err, size_t errlen)
{
	struct scale_writer body;
	struct sig_form form;
	uint8_t *extra = NULL, *implicit = NULL, *msg = NULL, *sig = NULL;
	size_t extra_len, implicit_len, msg_len;
	int rc = -1;

	*out = NULL;
	*out_len = 0;
	scale_writer_init(&body, EXTRINSIC_MAX_BYTES);
	if (!signer_ok(s, err, errlen) || !offers_v4(md, err, errlen) ||
	    !call_size_ok(call_len, err, errlen))
		goto done;
	/* Everything the metadata must allow is checked before signing. */
	scale_write_u8(&body, XT_SIGNED_BIT | XT_VERSION);
	if (write_address(md, s->account_id, &body, err, errlen) != 0 ||
	    signature_form(md, s->scheme, &form, err, errlen) != 0 ||
	    extrinsic_extensions_encode(md, p, &extra, &extra_len, &implicit,
	    &implicit_len, err, errlen) != 0)
		goto done;
	msg = payload_to_sign(call, call_len, extra, extra_len, implicit,
	    implicit_len, &msg_len, err, errlen);
	if (msg == NULL)
		goto done;
	if ((sig = malloc(CUSTODY_SIGNATURE_MAX)) == NULL) {
		snprintf(err, errlen, "extrinsic: out of memory");
		goto done;
	}
	if (sign_payload(s, msg, msg_len, sig, err, errlen) != 0)
		goto done;
	if (form.tagged)
		scale_write_enum_tag(&body, form.tag);
	scale_write_array(&body, sig, key_scheme_signature_len(s->scheme));
	if (form.with_public)
		scale_write_array(&body, s->public_key, s->public_len);
	if (extra_len > 0)
		scale_write_raw(&body, extra, extra_len);
	scale_write_raw(&body, call, call_len);
	rc = finish(&body, p->hasher, out, out_len, tx_hash, err, errlen);
done:
	scale_writer_free(&body);
	free(extra);
	free(implicit);
	free(msg);
	free(sig);
	return rc;
}

static int
custody_sign_cb(void *arg, size_t index, const uint8_t *msg, size_t len,
    uint8_t *sig, size_t sig_cap, size_t *sig_len, char *err, size_t errlen)
{
	return custody_sign(arg, index, msg, len, sig, sig_cap, sig_len, err,
	    errlen);
}

int
extrinsic_signer_from_custody(struct extrinsic_signer *s, struct custody *c,
    size_t key_index, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (custody_scheme(c, key_index, &s->scheme) != 0 ||
	    custody_public(c, key_index, s->public_key, sizeof(s->public_key),
	    &s->public_len) != 0 ||
	    custody_account_id(c, key_index, s->account_id) != 0) {
		snprintf(err, errlen, "no key at index %zu in custody",
		    key_index);
		return -1;
	}
	s->sign = custody_sign_cb;
	s->arg = c;
	s->index = key_index;
	return 0;
}

int
extrinsic_build_signed(const struct metadata *md, const uint8_t *call,
    size_t call_len, const struct extrinsic_params *p, struct custody *c,
    size_t key_index, uint8_t **out, size_t *out_len,
    uint8_t tx_hash[EXTRINSIC_HASH_LEN], char *err, size_t errlen)
{
	struct extrinsic_signer s;

	*out = NULL;
	*out_len = 0;
	if (extrinsic_signer_from_custody(&s, c, key_index, err, errlen) != 0)
		return -1;
	return extrinsic_build_signed_with(md, call, call_len, p, &s, out,
	    out_len, tx_hash, err, errlen);
}

int
extrinsic_build_unsigned(const struct metadata *md, const uint8_t *call,
    size_t call_len, enum extrinsic_hasher hasher, uint8_t **out,
    size_t *out_len, uint8_t tx_hash[EXTRINSIC_HASH_LEN], char *err,
    size_t errlen)
{
	struct scale_writer body;
	int rc = -1;

	*out = NULL;
	*out_len = 0;
	scale_writer_init(&body, EXTRINSIC_MAX_BYTES);
	if (offers_v4(md, err, errlen) && call_size_ok(call_len, err,
	    errlen)) {
		scale_write_u8(&body, XT_VERSION);
		scale_write_raw(&body, call, call_len);
		rc = finish(&body, hasher, out, out_len, tx_hash, err, errlen);
	}
	scale_writer_free(&body);
	return rc;
}
