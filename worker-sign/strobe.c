/* STROBE-128 on Keccak-f[1600]; see strobe.h. The state is kept as bytes,
 * because STROBE addresses it byte by byte, and converted to the lanes
 * keccak_f1600 wants only around each permutation. */
#include "strobe.h"

#include <assert.h>
#include <string.h>

#include <sodium.h>

#include "keccak.h"

/* Operation flags from the STROBE specification. */
enum {
	STROBE_FLAG_I = 1,	/* inbound */
	STROBE_FLAG_A = 2,	/* application data */
	STROBE_FLAG_C = 4,	/* cipher: output depends on the state */
	STROBE_FLAG_T = 8,	/* transport (never used by Merlin) */
	STROBE_FLAG_M = 16,	/* meta */
	STROBE_FLAG_K = 32,	/* key */
};

static void
permute_bytes(uint8_t state[200])
{
	uint64_t lanes[25];

	for (size_t i = 0; i < 25; i++) {
		uint64_t lane = 0;
		for (size_t b = 0; b < 8; b++)
			lane |= (uint64_t)state[8 * i + b] << (8 * b);
		lanes[i] = lane;
	}
	keccak_f1600(lanes);
	for (size_t i = 0; i < 25; i++)
		for (size_t b = 0; b < 8; b++)
			state[8 * i + b] = (uint8_t)(lanes[i] >> (8 * b));
	sodium_memzero(lanes, sizeof lanes);
}

/* STROBE's padding (pos_begin, then the cSHAKE-style 0x04 and the final
 * 0x80 at the end of the rate) and a permutation. */
static void
run_f(struct strobe128 *s)
{
	s->state[s->pos] ^= s->pos_begin;
	s->state[s->pos + 1] ^= 0x04;
	s->state[STROBE128_RATE + 1] ^= 0x80;
	permute_bytes(s->state);
	s->pos = 0;
	s->pos_begin = 0;
}

static void
advance(struct strobe128 *s)
{
	s->pos++;
	if (s->pos == STROBE128_RATE)
		run_f(s);
}

static void
absorb(struct strobe128 *s, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		s->state[s->pos] ^= data[i];
		advance(s);
	}
}

static void
overwrite(struct strobe128 *s, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		s->state[s->pos] = data[i];
		advance(s);
	}
}

/* Squeezing zeroes what it read: STROBE's PRF is "xor into a zero
 * buffer", and the state then holds zero where the output was. */
static void
squeeze(struct strobe128 *s, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		out[i] = s->state[s->pos];
		s->state[s->pos] = 0;
		advance(s);
	}
}

static void
begin_op(struct strobe128 *s, uint8_t flags, bool more)
{
	uint8_t header[2];

	if (more) {
		/* Continuing an operation of another kind is a caller bug. */
		assert(s->cur_flags == flags);
		return;
	}
	assert((flags & STROBE_FLAG_T) == 0);
	header[0] = s->pos_begin;
	header[1] = flags;
	s->pos_begin = (uint8_t)(s->pos + 1);
	s->cur_flags = flags;
	absorb(s, header, sizeof header);
	/* Operations whose output depends on the state start on a fresh
	 * block, so they see everything absorbed before them. */
	if ((flags & (STROBE_FLAG_C | STROBE_FLAG_K)) != 0 && s->pos != 0)
		run_f(s);
}

void
strobe128_init(struct strobe128 *s, const uint8_t *label, size_t label_len)
{
	static const uint8_t domain[6] = { 1, STROBE128_RATE + 2, 1, 0, 1,
		96 };
	static const char version[] = "STROBEv1.0.2";

	memset(s, 0, sizeof *s);
	memcpy(s->state, domain, sizeof domain);
	memcpy(s->state + sizeof domain, version, sizeof version - 1);
	permute_bytes(s->state);
	strobe128_meta_ad(s, label, label_len, false);
}

void
strobe128_meta_ad(struct strobe128 *s, const uint8_t *data, size_t len,
    bool more)
{
	begin_op(s, STROBE_FLAG_M | STROBE_FLAG_A, more);
	absorb(s, data, len);
}

void
strobe128_ad(struct strobe128 *s, const uint8_t *data, size_t len,
    bool more)
{
	begin_op(s, STROBE_FLAG_A, more);
	absorb(s, data, len);
}

void
strobe128_prf(struct strobe128 *s, uint8_t *out, size_t len, bool more)
{
	begin_op(s, STROBE_FLAG_I | STROBE_FLAG_A | STROBE_FLAG_C, more);
	squeeze(s, out, len);
}

void
strobe128_key(struct strobe128 *s, const uint8_t *data, size_t len,
    bool more)
{
	begin_op(s, STROBE_FLAG_A | STROBE_FLAG_C, more);
	overwrite(s, data, len);
}

void
strobe128_clear(struct strobe128 *s)
{
	sodium_memzero(s, sizeof *s);
}
