/* WOTS+ one-time signatures, the leaves of every hypertree subtree. */
#include <string.h>

#include <sodium.h>

#include "sphincs_internal.h"

void
spx_wots_digits(unsigned digits[SPX_WOTS_LEN], const uint8_t msg[SPX_N])
{
	unsigned checksum = 0;

	/* High nibble first, as the reference's base_w reads bytes. */
	for (unsigned i = 0; i < SPX_N; i++) {
		digits[2 * i] = msg[i] >> 4;
		digits[2 * i + 1] = msg[i] & 0x0f;
	}
	for (unsigned i = 0; i < SPX_WOTS_LEN1; i++)
		checksum += SPX_WOTS_W - 1 - digits[i];
	/* The checksum (at most 64 * 15 = 960) fills len2 = 3 digits, most
	 * significant first. The reference shifts it left by 4 and reads
	 * the top 12 bits of two bytes: the same digits. */
	for (unsigned i = 0; i < SPX_WOTS_LEN2; i++) {
		unsigned shift = SPX_WOTS_LOGW * (SPX_WOTS_LEN2 - 1 - i);

		digits[SPX_WOTS_LEN1 + i] =
		    (checksum >> shift) & (SPX_WOTS_W - 1);
	}
}

/* Walks a chain from step `start` for `steps` steps; the hash address of
 * each step is the step it starts from. value is updated in place. */
static void
chain_walk(struct spx_ctx *ctx, uint8_t value[SPX_N], unsigned start,
    unsigned steps, struct spx_adrs *adrs)
{
	for (unsigned step = start; step < start + steps; step++) {
		spx_adrs_set_hash(adrs, step);
		spx_thash(ctx, value, value, 1, adrs);
	}
}

void
spx_wots_leaf(struct spx_ctx *ctx, uint8_t leaf[SPX_N], uint32_t index,
    void *arg)
{
	const struct spx_wots_leaf_job *job = arg;
	int signing = index == job->sign_leaf && job->sig != NULL;
	uint8_t chain_tops[SPX_WOTS_LEN][SPX_N];
	uint8_t value[SPX_N];
	struct spx_adrs adrs, pk_adrs;

	spx_adrs_init(&adrs, job->layer, job->tree, SPX_ADRS_WOTS_HASH);
	spx_adrs_set_keypair(&adrs, index);
	for (unsigned chain = 0; chain < SPX_WOTS_LEN; chain++) {
		/* The chain's secret start: PRF under the WOTS_PRF address
		 * of (key pair, chain, hash 0). */
		spx_adrs_set_type(&adrs, SPX_ADRS_WOTS_PRF);
		spx_adrs_set_chain(&adrs, chain);
		spx_adrs_set_hash(&adrs, 0);
		spx_prf(ctx, value, &adrs);
		spx_adrs_set_type(&adrs, SPX_ADRS_WOTS_HASH);
		if (signing) {
			unsigned digit = job->digits[chain];

			chain_walk(ctx, value, 0, digit, &adrs);
			memcpy(job->sig + (size_t)chain * SPX_N, value, SPX_N);
			chain_walk(ctx, value, digit, SPX_WOTS_W - 1 - digit,
			    &adrs);
		} else {
			chain_walk(ctx, value, 0, SPX_WOTS_W - 1, &adrs);
		}
		memcpy(chain_tops[chain], value, SPX_N);
	}
	/* Chain starts and middles are one-time secrets. */
	sodium_memzero(value, sizeof(value));

	spx_adrs_init(&pk_adrs, job->layer, job->tree, SPX_ADRS_WOTS_PK);
	spx_adrs_set_keypair(&pk_adrs, index);
	spx_thash(ctx, leaf, &chain_tops[0][0], SPX_WOTS_LEN, &pk_adrs);
}

void
spx_wots_leaf_from_sig(struct spx_ctx *ctx, uint8_t leaf[SPX_N],
    const uint8_t sig[SPX_WOTS_SIG_BYTES], const uint8_t msg[SPX_N],
    uint32_t layer, uint64_t tree, uint32_t keypair)
{
	unsigned digits[SPX_WOTS_LEN];
	uint8_t chain_tops[SPX_WOTS_LEN][SPX_N];
	struct spx_adrs adrs, pk_adrs;

	spx_wots_digits(digits, msg);
	spx_adrs_init(&adrs, layer, tree, SPX_ADRS_WOTS_HASH);
	spx_adrs_set_keypair(&adrs, keypair);
	for (unsigned chain = 0; chain < SPX_WOTS_LEN; chain++) {
		memcpy(chain_tops[chain], sig + (size_t)chain * SPX_N, SPX_N);
		spx_adrs_set_chain(&adrs, chain);
		chain_walk(ctx, chain_tops[chain], digits[chain],
		    SPX_WOTS_W - 1 - digits[chain], &adrs);
	}
	spx_adrs_init(&pk_adrs, layer, tree, SPX_ADRS_WOTS_PK);
	spx_adrs_set_keypair(&pk_adrs, keypair);
	spx_thash(ctx, leaf, &chain_tops[0][0], SPX_WOTS_LEN, &pk_adrs);
}
