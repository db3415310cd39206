/* Merlin transcripts; see merlin.h. */
#include "merlin.h"

#include <assert.h>
#include <string.h>

#include <sodium.h>

static void
u32_le(uint8_t out[4], size_t value)
{
	/* Merlin frames lengths in 32 bits; anything longer is a bug here,
	 * since every message sr25519 appends is small. */
	assert(value <= UINT32_MAX);
	for (size_t i = 0; i < 4; i++)
		out[i] = (uint8_t)(value >> (8 * i));
}

/* meta-AD(label), continued with meta-AD(u32 LE length). */
static void
frame(struct strobe128 *s, const char *label, size_t len)
{
	uint8_t len_le[4];

	u32_le(len_le, len);
	strobe128_meta_ad(s, (const uint8_t *)label, strlen(label), false);
	strobe128_meta_ad(s, len_le, sizeof len_le, true);
}

void
merlin_init(struct merlin_transcript *t, const char *protocol_label)
{
	static const char merlin_version[] = "Merlin v1.0";

	strobe128_init(&t->strobe, (const uint8_t *)merlin_version,
	    sizeof merlin_version - 1);
	merlin_append_message(t, "dom-sep", (const uint8_t *)protocol_label,
	    strlen(protocol_label));
}

void
merlin_append_message(struct merlin_transcript *t, const char *label,
    const uint8_t *msg, size_t len)
{
	frame(&t->strobe, label, len);
	strobe128_ad(&t->strobe, msg, len, false);
}

void
merlin_append_u64(struct merlin_transcript *t, const char *label,
    uint64_t value)
{
	uint8_t le[8];

	for (size_t i = 0; i < 8; i++)
		le[i] = (uint8_t)(value >> (8 * i));
	merlin_append_message(t, label, le, sizeof le);
}

void
merlin_challenge_bytes(struct merlin_transcript *t, const char *label,
    uint8_t *out, size_t len)
{
	frame(&t->strobe, label, len);
	strobe128_prf(&t->strobe, out, len, false);
}

void
merlin_clear(struct merlin_transcript *t)
{
	strobe128_clear(&t->strobe);
}

void
merlin_rng_begin(struct merlin_rng *rng, const struct merlin_transcript *t)
{
	memcpy(&rng->strobe, &t->strobe, sizeof rng->strobe);
}

void
merlin_rng_rekey_with_witness(struct merlin_rng *rng, const char *label,
    const uint8_t *witness, size_t len)
{
	frame(&rng->strobe, label, len);
	strobe128_key(&rng->strobe, witness, len, false);
}

void
merlin_rng_finalize(struct merlin_rng *rng,
    const uint8_t entropy[MERLIN_RNG_ENTROPY_LEN])
{
	static const char rng_label[] = "rng";

	strobe128_meta_ad(&rng->strobe, (const uint8_t *)rng_label,
	    sizeof rng_label - 1, false);
	strobe128_key(&rng->strobe, entropy, MERLIN_RNG_ENTROPY_LEN, false);
}

void
merlin_rng_bytes(struct merlin_rng *rng, uint8_t *out, size_t len)
{
	uint8_t len_le[4];

	u32_le(len_le, len);
	strobe128_meta_ad(&rng->strobe, len_le, sizeof len_le, false);
	strobe128_prf(&rng->strobe, out, len, false);
}

void
merlin_rng_clear(struct merlin_rng *rng)
{
	strobe128_clear(&rng->strobe);
}
