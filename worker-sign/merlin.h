/* Merlin transcripts (merlin.cool, v1.0) on STROBE-128: the Fiat–Shamir
 * transcripts sr25519 signs and derives keys with.
 *
 * Every message is framed as meta-AD(label ‖ u32 LE length) followed by
 * AD(message), so no two sequences of appends collide.
 *
 * The transcript RNG makes a secret witness (a signing nonce) from the
 * public transcript, the prover's secret seeds and fresh randomness: it
 * stays safe if either the secret seeds or the randomness is good.
 *
 * Transcripts that have seen secrets, and every RNG, must be cleared. */
#ifndef RTFORGE_MERLIN_H
#define RTFORGE_MERLIN_H

#include <stddef.h>
#include <stdint.h>

#include "strobe.h"

#define MERLIN_RNG_ENTROPY_LEN 32

struct merlin_transcript {
	struct strobe128 strobe;
};

/* The transcript RNG: a copy of a transcript's state that has been rekeyed
 * with witnesses and randomness. */
struct merlin_rng {
	struct strobe128 strobe;
};

/* Labels are C strings: every label Merlin users pass is a fixed ASCII
 * literal. Messages are byte ranges. */
void merlin_init(struct merlin_transcript *t, const char *protocol_label);
void merlin_append_message(struct merlin_transcript *t, const char *label,
    const uint8_t *msg, size_t len);
void merlin_append_u64(struct merlin_transcript *t, const char *label,
    uint64_t value);
/* Len is at most UINT32_MAX, as Merlin frames lengths in 32 bits. */
void merlin_challenge_bytes(struct merlin_transcript *t, const char *label,
    uint8_t *out, size_t len);
void merlin_clear(struct merlin_transcript *t);

/* Starts an RNG from the transcript's current state (which is unchanged). */
void merlin_rng_begin(struct merlin_rng *rng,
    const struct merlin_transcript *t);
/* Mixes in a secret witness under a label; repeatable. */
void merlin_rng_rekey_with_witness(struct merlin_rng *rng, const char *label,
    const uint8_t *witness, size_t len);
/* Mixes in fresh randomness; after this the RNG can produce bytes. */
void merlin_rng_finalize(struct merlin_rng *rng,
    const uint8_t entropy[MERLIN_RNG_ENTROPY_LEN]);
void merlin_rng_bytes(struct merlin_rng *rng, uint8_t *out, size_t len);
void merlin_rng_clear(struct merlin_rng *rng);

#endif
