/* The signed extensions' two halves and the era, from the metadata's list.
 * Each known extension checks that its registry types have the shape its
 * bytes assume; see extrinsic.h for the table. */
#include "extrinsic.h"
#include "extrinsic_internal.h"

#include <stdio.h>
#include <string.h>

#include "scale.h"

/* Extensions carry a few dozen bytes; a cap keeps a hostile registry from
 * making the writer grow. */
#define EXT_HALF_MAX ((size_t)64 << 10)

struct ext_ctx {
	const struct metadata *md;
	const struct extrinsic_params *p;
	const char *name;	/* the extension's identifier */
	const char *half;	/* "extra" or "implicit" */
	char *err;
	size_t errlen;
};

typedef int (*half_fn)(const struct ext_ctx *, uint32_t,
    struct scale_writer *);

static int
refuse_shape(const struct ext_ctx *x, uint32_t type, const char *expected)
{
	char desc[XT_TYPE_DESC_MAX];

	snprintf(x->err, x->errlen, "signed extension %s: its %s type %s is "
	    "not %s; refusing to sign for a shape rtforge does not know",
	    x->name, x->half, xt_type_desc(x->md, type, desc, sizeof(desc)),
	    expected);
	return -1;
}

static int
half_nothing(const struct ext_ctx *x, uint32_t type, struct scale_writer *w)
{
	(void)w;
	if (!xt_zero_sized(x->md, type))
		return refuse_shape(x, type, "empty");
	return 0;
}

static int
write_u32(const struct ext_ctx *x, uint32_t type, struct scale_writer *w,
    uint32_t value)
{
	if (!xt_is_primitive(x->md, type, MD_U32))
		return refuse_shape(x, type, "a u32");
	scale_write_u32(w, value);
	return 0;
}

static int
half_spec_version(const struct ext_ctx *x, uint32_t type,
    struct scale_writer *w)
{
	return write_u32(x, type, w, x->p->spec_version);
}

static int
half_tx_version(const struct ext_ctx *x, uint32_t type,
    struct scale_writer *w)
{
	return write_u32(x, type, w, x->p->transaction_version);
}

static int
half_genesis(const struct ext_ctx *x, uint32_t type, struct scale_writer *w)
{
	if (!xt_is_byte_array(x->md, type, 32))
		return refuse_shape(x, type, "a 32-byte hash");
	scale_write_array(w, x->p->genesis_hash, 32);
	return 0;
}

static int
half_birth(const struct ext_ctx *x, uint32_t type, struct scale_writer *w)
{
	if (!xt_is_byte_array(x->md, type, 32))
		return refuse_shape(x, type, "a 32-byte hash");
	scale_write_array(w, x->p->era.mortal ? x->p->era.birth_hash :
	    x->p->genesis_hash, 32);
	return 0;
}

/* sp_runtime's Era as scale-info describes it: Immortal at index 0 and
 * Mortal1..Mortal255(u8) at the index of their first byte, which is how
 * the two-byte form encodes. */
static int
half_era(const struct ext_ctx *x, uint32_t type, struct scale_writer *w)
{
	const struct md_type *t = metadata_type(x->md, xt_unwrap(x->md,
	    type));
	const struct md_variant *v;
	uint8_t era[2];
	size_t len;

	v = metadata_variant_by_name(t, "Immortal");
	if (v == NULL || v->index != 0 || v->nfields != 0)
		return refuse_shape(x, type, "an Era enum with Immortal = 0");
	if (extrinsic_era_encode(&x->p->era, era, &len, x->err,
	    x->errlen) != 0)
		return -1;
	if (len == 2) {
		v = metadata_variant_by_index(t, era[0]);
		if (v == NULL || v->nfields != 1 ||
		    !xt_is_primitive(x->md, v->fields[0].type, MD_U8))
			return refuse_shape(x, type, "an Era enum with "
			    "Mortal variants of one u8");
	}
	scale_write_raw(w, era, len);
	return 0;
}

static int
write_compact(const struct ext_ctx *x, uint32_t type, struct scale_writer *w,
    uint64_t value, const char *what)
{
	if (!xt_is_compact_uint(x->md, type))
		return refuse_shape(x, type, what);
	scale_write_compact(w, value);
	return 0;
}

static int
half_nonce(const struct ext_ctx *x, uint32_t type, struct scale_writer *w)
{
	return write_compact(x, type, w, x->p->nonce, "a Compact nonce");
}

static int
half_tip(const struct ext_ctx *x, uint32_t type, struct scale_writer *w)
{
	return write_compact(x, type, w, x->p->tip, "a Compact tip");
}

/* An Option (or any enum) whose None has no fields: its index. */
static bool
write_none(const struct metadata *md, uint32_t type, struct scale_writer *w)
{
	const struct md_variant *v = metadata_variant_by_name(
	    metadata_type(md, xt_unwrap(md, type)), "None");

	if (v == NULL || v->nfields != 0)
		return false;
	scale_write_enum_tag(w, v->index);
	return true;
}

static int
half_asset_tip(const struct ext_ctx *x, uint32_t type,
    struct scale_writer *w)
{
	const struct md_type *t = metadata_type(x->md, type);

	if (t == NULL || t->def != MD_COMPOSITE || t->nfields != 2 ||
	    !xt_is_compact_uint(x->md, t->fields[0].type))
		return refuse_shape(x, type, "{Compact tip, Option asset}");
	scale_write_compact(w, x->p->tip);
	if (!write_none(x->md, t->fields[1].type, w))
		return refuse_shape(x, type, "{Compact tip, Option asset}");
	return 0;
}

/* frame_metadata_hash_extension's Mode: Disabled (or a bare u8 0). */
static int
half_mode(const struct ext_ctx *x, uint32_t type, struct scale_writer *w)
{
	const struct md_type *t = metadata_type(x->md, xt_unwrap(x->md,
	    type));
	const struct md_variant *v = metadata_variant_by_name(t, "Disabled");

	if (v != NULL && v->nfields == 0) {
		scale_write_enum_tag(w, v->index);
		return 0;
	}
	if (xt_is_primitive(x->md, type, MD_U8)) {
		scale_write_u8(w, 0);
		return 0;
	}
	return refuse_shape(x, type, "a Mode enum with Disabled");
}

static int
half_none(const struct ext_ctx *x, uint32_t type, struct scale_writer *w)
{
	if (!write_none(x->md, type, w))
		return refuse_shape(x, type, "an Option");
	return 0;
}

static const struct ext_rule {
	const char *identifier;
	half_fn extra;
	half_fn implicit;
} ext_rules[] = {
	{ "CheckNonZeroSender", half_nothing, half_nothing },
	{ "CheckWeight", half_nothing, half_nothing },
	{ "WeightReclaim", half_nothing, half_nothing },
	{ "AuthorizeCall", half_nothing, half_nothing },
	{ "CheckSpecVersion", half_nothing, half_spec_version },
	{ "CheckTxVersion", half_nothing, half_tx_version },
	{ "CheckGenesis", half_nothing, half_genesis },
	{ "CheckMortality", half_era, half_birth },
	{ "CheckEra", half_era, half_birth },
	{ "CheckNonce", half_nonce, half_nothing },
	{ "ChargeTransactionPayment", half_tip, half_nothing },
	{ "ChargeAssetTxPayment", half_asset_tip, half_nothing },
	{ "CheckMetadataHash", half_mode, half_none },
};

static const struct ext_rule *
ext_rule(const char *identifier)
{
	size_t i;

	for (i = 0; i < sizeof(ext_rules) / sizeof(ext_rules[0]); i++)
		if (strcmp(ext_rules[i].identifier, identifier) == 0)
			return &ext_rules[i];
	return NULL;
}

static int
encode_one(struct ext_ctx *x, const struct md_extension *e,
    struct scale_writer *extra, struct scale_writer *implicit)
{
	const struct ext_rule *rule = ext_rule(e->identifier);

	x->name = e->identifier;
	if (rule == NULL) {
		if (xt_zero_sized(x->md, e->type) &&
		    xt_zero_sized(x->md, e->implicit))
			return 0;
		snprintf(x->err, x->errlen, "signed extension %s is unknown "
		    "to rtforge and carries data; refusing to guess its "
		    "bytes", e->identifier);
		return -1;
	}
	x->half = "extra";
	if (rule->extra(x, e->type, extra) != 0)
		return -1;
	x->half = "implicit";
	return rule->implicit(x, e->implicit, implicit);
}

static uint8_t *
take(struct scale_writer *w, size_t *len)
{
	if (w->len == 0) {
		*len = 0;
		scale_writer_free(w);
		return NULL;
	}
	return scale_writer_take(w, len);
}

int
extrinsic_extensions_encode(const struct metadata *md,
    const struct extrinsic_params *p, uint8_t **extra, size_t *extra_len,
    uint8_t **implicit, size_t *implicit_len, char *err, size_t errlen)
{
	struct ext_ctx x = { md, p, "", "", err, errlen };
	struct scale_writer we, wi;
	size_t i;

	*extra = *implicit = NULL;
	*extra_len = *implicit_len = 0;
	scale_writer_init(&we, EXT_HALF_MAX);
	scale_writer_init(&wi, EXT_HALF_MAX);
	for (i = 0; i < md->extrinsic.nextensions; i++)
		if (encode_one(&x, &md->extrinsic.extensions[i], &we,
		    &wi) != 0)
			goto fail;
	if (!scale_writer_ok(&we) || !scale_writer_ok(&wi)) {
		snprintf(err, errlen, "signed extensions: %s",
		    !scale_writer_ok(&we) ? we.why : wi.why);
		goto fail;
	}
	*extra = take(&we, extra_len);
	*implicit = take(&wi, implicit_len);
	return 0;
fail:
	scale_writer_free(&we);
	scale_writer_free(&wi);
	return -1;
}

static unsigned
trailing_zeros(uint32_t v)
{
	unsigned n = 0;

	while (v != 0 && (v & 1) == 0) {
		v >>= 1;
		n++;
	}
	return n;
}

static bool
period_ok(uint32_t period)
{
	return period >= EXTRINSIC_ERA_MIN_PERIOD &&
	    period <= EXTRINSIC_ERA_MAX_PERIOD && (period & (period - 1)) == 0;
}

static uint32_t
quantize_factor(uint32_t period)
{
	return period >> 12 > 1 ? period >> 12 : 1;
}

uint32_t
extrinsic_era_birth(uint32_t period, uint32_t current)
{
	uint32_t phase, q;

	if (!period_ok(period))
		return current;
	q = quantize_factor(period);
	phase = current % period / q * q;
	/* Era::birth: the latest block at or before current with that
	 * phase. */
	return ((current < phase ? phase : current) - phase) / period *
	    period + phase;
}

int
extrinsic_era_encode(const struct extrinsic_era *era, uint8_t out[2],
    size_t *len, char *err, size_t errlen)
{
	uint32_t q, phase;
	unsigned low;
	uint16_t v;

	if (!era->mortal) {
		out[0] = 0x00;
		*len = 1;
		return 0;
	}
	if (!period_ok(era->period)) {
		snprintf(err, errlen, "mortal era period %u: it must be a "
		    "power of two from %u to %u", era->period,
		    EXTRINSIC_ERA_MIN_PERIOD, EXTRINSIC_ERA_MAX_PERIOD);
		return -1;
	}
	q = quantize_factor(era->period);
	phase = era->current % era->period;
	low = trailing_zeros(era->period) - 1;
	if (low < 1)
		low = 1;
	if (low > 15)
		low = 15;
	v = (uint16_t)(low | (phase / q) << 4);
	out[0] = (uint8_t)(v & 0xff);
	out[1] = (uint8_t)(v >> 8);
	*len = 2;
	return 0;
}
