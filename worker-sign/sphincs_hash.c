/* SPHINCS+ addresses and the SHAKE-256 hash functions of the "simple"
 * round-3.1 instance. Every hash input starts with fixed-size values, so
 * the sponge is fed piece by piece instead of building a buffer. */
#include <string.h>

#include <sodium.h>

#include "sphincs_internal.h"

/* Address word positions (each word is 4 bytes, big-endian). */
#define ADRS_WORD_LAYER 0
#define ADRS_WORD_TREE 1	/* words 1..3 */
#define ADRS_WORD_TYPE 4
#define ADRS_WORD_KEYPAIR 5
#define ADRS_WORD_CHAIN 6	/* also: tree height */
#define ADRS_WORD_HASH 7	/* also: tree index */

static void
store_be32(uint8_t *out, uint32_t value)
{
	out[0] = (uint8_t)(value >> 24);
	out[1] = (uint8_t)(value >> 16);
	out[2] = (uint8_t)(value >> 8);
	out[3] = (uint8_t)value;
}

static void
set_word(struct spx_adrs *adrs, unsigned word, uint32_t value)
{
	store_be32(&adrs->bytes[4 * word], value);
}

void
spx_adrs_init(struct spx_adrs *adrs, uint32_t layer, uint64_t tree,
    enum spx_adrs_type type)
{
	memset(adrs->bytes, 0, sizeof(adrs->bytes));
	set_word(adrs, ADRS_WORD_LAYER, layer);
	/* The 96-bit tree field holds a 64-bit value: word 1 stays zero. */
	set_word(adrs, ADRS_WORD_TREE + 1, (uint32_t)(tree >> 32));
	set_word(adrs, ADRS_WORD_TREE + 2, (uint32_t)tree);
	set_word(adrs, ADRS_WORD_TYPE, (uint32_t)type);
}

void
spx_adrs_set_type(struct spx_adrs *adrs, enum spx_adrs_type type)
{
	set_word(adrs, ADRS_WORD_TYPE, (uint32_t)type);
}

void
spx_adrs_set_keypair(struct spx_adrs *adrs, uint32_t keypair)
{
	set_word(adrs, ADRS_WORD_KEYPAIR, keypair);
}

void
spx_adrs_set_chain(struct spx_adrs *adrs, uint32_t chain)
{
	set_word(adrs, ADRS_WORD_CHAIN, chain);
}

void
spx_adrs_set_hash(struct spx_adrs *adrs, uint32_t step)
{
	set_word(adrs, ADRS_WORD_HASH, step);
}

void
spx_adrs_set_tree_height(struct spx_adrs *adrs, uint32_t height)
{
	set_word(adrs, ADRS_WORD_CHAIN, height);
}

void
spx_adrs_set_tree_index(struct spx_adrs *adrs, uint32_t index)
{
	set_word(adrs, ADRS_WORD_HASH, index);
}

void
spx_thash(struct spx_ctx *ctx, uint8_t out[SPX_N], const uint8_t *in,
    size_t blocks, const struct spx_adrs *adrs)
{
	shake256_init(&ctx->sponge);
	shake256_absorb(&ctx->sponge, ctx->pk_seed, SPX_N);
	shake256_absorb(&ctx->sponge, adrs->bytes, SPX_ADRS_BYTES);
	/* Everything of in is absorbed before out is written: aliasing is
	 * safe. */
	shake256_absorb(&ctx->sponge, in, blocks * SPX_N);
	shake256_squeeze(&ctx->sponge, out, SPX_N);
}

void
spx_prf(struct spx_ctx *ctx, uint8_t out[SPX_N], const struct spx_adrs *adrs)
{
	/* Round 3.1 puts PK.seed first and SK.seed last (round 3 hashed
	 * SK.seed ‖ ADRS); this is what the 3.1 KATs and PQClean use. */
	shake256_init(&ctx->sponge);
	shake256_absorb(&ctx->sponge, ctx->pk_seed, SPX_N);
	shake256_absorb(&ctx->sponge, adrs->bytes, SPX_ADRS_BYTES);
	shake256_absorb(&ctx->sponge, ctx->sk_seed, SPX_N);
	shake256_squeeze(&ctx->sponge, out, SPX_N);
}

void
spx_prf_msg(uint8_t r[SPX_N], const uint8_t sk_prf[SPX_N],
    const uint8_t opt_rand[SPX_N], const uint8_t *msg, size_t len)
{
	struct shake256_ctx sponge;

	shake256_init(&sponge);
	shake256_absorb(&sponge, sk_prf, SPX_N);
	shake256_absorb(&sponge, opt_rand, SPX_N);
	shake256_absorb(&sponge, msg, len);
	shake256_squeeze(&sponge, r, SPX_N);
	/* The sponge state was keyed with SK.prf. */
	sodium_memzero(&sponge, sizeof(sponge));
}

static uint64_t
load_be(const uint8_t *in, size_t len)
{
	uint64_t value = 0;

	for (size_t i = 0; i < len; i++)
		value = (value << 8) | in[i];
	return value;
}

void
spx_hash_msg(struct spx_digest *digest, const uint8_t r[SPX_N],
    const uint8_t pk[2 * SPX_N], const uint8_t *msg, size_t len)
{
	struct shake256_ctx sponge;
	uint8_t out[SPX_DIGEST_BYTES];
	const uint8_t *tree_bytes = out + SPX_FORS_MSG_BYTES;
	const uint8_t *leaf_bytes = tree_bytes + SPX_TREE_BYTES;

	shake256_init(&sponge);
	shake256_absorb(&sponge, r, SPX_N);
	shake256_absorb(&sponge, pk, 2 * SPX_N);
	shake256_absorb(&sponge, msg, len);
	shake256_squeeze(&sponge, out, sizeof(out));

	memcpy(digest->fors_msg, out, SPX_FORS_MSG_BYTES);
	/* Both indices are big-endian byte strings cut to their bit length;
	 * for 256f the tree index uses all 64 bits. */
	digest->tree = load_be(tree_bytes, SPX_TREE_BYTES);
#if SPX_TREE_BITS < 64
	digest->tree &= (UINT64_C(1) << SPX_TREE_BITS) - 1;
#endif
	digest->leaf = (uint32_t)load_be(leaf_bytes, SPX_LEAF_BYTES) &
	    ((UINT32_C(1) << SPX_TREE_HEIGHT) - 1);
}
