/* STROBE-128 (strobe.sourceforge.io, v1.0.2) on Keccak-f[1600], reduced to
 * what Merlin transcripts need: AD and meta-AD (absorb), PRF (squeeze) and
 * KEY (overwrite), each optionally continuing the previous operation.
 *
 * The rate is 166 bytes: 200 − 2·16 (security level 128) − 2 bytes that
 * STROBE keeps for its own padding, as Merlin's STROBE uses it.
 *
 * The state can be a function of secrets (a transcript rekeyed with a
 * secret nonce), so whoever is done with one calls strobe128_clear. */
#ifndef RTFORGE_STROBE_H
#define RTFORGE_STROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STROBE128_RATE 166

struct strobe128 {
	uint8_t state[200];
	uint8_t pos;		/* next byte within the rate */
	uint8_t pos_begin;	/* where the current operation began, + 1 */
	uint8_t cur_flags;	/* flags of the current operation */
};

/* A fresh STROBE-128 object, then meta-AD of the protocol label. */
void strobe128_init(struct strobe128 *s, const uint8_t *label,
    size_t label_len);

/* `more` continues the previous operation, which must have had the same
 * kind; otherwise a new operation begins. */
void strobe128_meta_ad(struct strobe128 *s, const uint8_t *data, size_t len,
    bool more);
void strobe128_ad(struct strobe128 *s, const uint8_t *data, size_t len,
    bool more);
void strobe128_prf(struct strobe128 *s, uint8_t *out, size_t len, bool more);
void strobe128_key(struct strobe128 *s, const uint8_t *data, size_t len,
    bool more);

void strobe128_clear(struct strobe128 *s);

#endif
