/* FORS, the few-time signature that signs the message digest; its public
 * key is what the bottom hypertree layer signs. */
#include <string.h>

#include <sodium.h>

#include "sphincs_internal.h"

/* Splits the FORS part of the digest into k indices of a bits each. Round
 * 3.1 reads the bits least significant first within each byte, and the
 * first bit read is bit 0 of the index (FIPS 205 changed this order). */
static void
message_to_indices(uint32_t indices[SPX_FORS_TREES],
    const uint8_t msg[SPX_FORS_MSG_BYTES])
{
	unsigned bit = 0;

	for (unsigned tree = 0; tree < SPX_FORS_TREES; tree++) {
		indices[tree] = 0;
		for (unsigned j = 0; j < SPX_FORS_HEIGHT; j++, bit++) {
			uint32_t value = (msg[bit >> 3] >> (bit & 7)) & 1u;

			indices[tree] |= value << j;
		}
	}
}

struct fors_leaf_job {
	uint64_t tree;
	uint32_t keypair;
};

/* The FORS secret value of leaf `index` (counted across all k trees). */
static void
fors_secret(struct spx_ctx *ctx, uint8_t out[SPX_N], uint64_t tree,
    uint32_t keypair, uint32_t index)
{
	struct spx_adrs adrs;

	spx_adrs_init(&adrs, 0, tree, SPX_ADRS_FORS_PRF);
	spx_adrs_set_keypair(&adrs, keypair);
	spx_adrs_set_tree_height(&adrs, 0);
	spx_adrs_set_tree_index(&adrs, index);
	spx_prf(ctx, out, &adrs);
}

/* A leaf is F of its secret value under the FORS_TREE address (height
 * 0, the same index). */
static void
fors_leaf_from_secret(struct spx_ctx *ctx, uint8_t leaf[SPX_N],
    const uint8_t secret[SPX_N], uint64_t tree, uint32_t keypair,
    uint32_t index)
{
	struct spx_adrs adrs;

	spx_adrs_init(&adrs, 0, tree, SPX_ADRS_FORS_TREE);
	spx_adrs_set_keypair(&adrs, keypair);
	spx_adrs_set_tree_height(&adrs, 0);
	spx_adrs_set_tree_index(&adrs, index);
	spx_thash(ctx, leaf, secret, 1, &adrs);
}

static void
fors_leaf(struct spx_ctx *ctx, uint8_t leaf[SPX_N], uint32_t index, void *arg)
{
	const struct fors_leaf_job *job = arg;
	uint8_t secret[SPX_N];

	fors_secret(ctx, secret, job->tree, job->keypair, index);
	fors_leaf_from_secret(ctx, leaf, secret, job->tree, job->keypair,
	    index);
	sodium_memzero(secret, sizeof(secret));
}

/* Compresses the k tree roots into the FORS public key. */
static void
fors_roots_to_pk(struct spx_ctx *ctx, uint8_t pk[SPX_N],
    const uint8_t roots[SPX_FORS_TREES][SPX_N], uint64_t tree,
    uint32_t keypair)
{
	struct spx_adrs adrs;

	spx_adrs_init(&adrs, 0, tree, SPX_ADRS_FORS_ROOTS);
	spx_adrs_set_keypair(&adrs, keypair);
	spx_thash(ctx, pk, &roots[0][0], SPX_FORS_TREES, &adrs);
}

void
spx_fors_sign(struct spx_ctx *ctx, uint8_t sig[SPX_FORS_SIG_BYTES],
    uint8_t pk[SPX_N], const uint8_t msg[SPX_FORS_MSG_BYTES], uint64_t tree,
    uint32_t keypair)
{
	uint32_t indices[SPX_FORS_TREES];
	uint8_t roots[SPX_FORS_TREES][SPX_N];
	struct fors_leaf_job job = { .tree = tree, .keypair = keypair };
	struct spx_adrs node_adrs;

	message_to_indices(indices, msg);
	spx_adrs_init(&node_adrs, 0, tree, SPX_ADRS_FORS_TREE);
	spx_adrs_set_keypair(&node_adrs, keypair);
	for (unsigned i = 0; i < SPX_FORS_TREES; i++) {
		uint32_t offset = i * SPX_FORS_LEAVES;
		uint8_t *secret = sig;
		uint8_t *auth_path = sig + SPX_N;

		/* Each tree reveals one secret value and its path. */
		fors_secret(ctx, secret, tree, keypair, offset + indices[i]);
		spx_treehash(ctx, roots[i], auth_path, indices[i], offset,
		    SPX_FORS_HEIGHT, fors_leaf, &job, &node_adrs);
		sig += (SPX_FORS_HEIGHT + 1) * SPX_N;
	}
	fors_roots_to_pk(ctx, pk, (const uint8_t (*)[SPX_N])roots, tree,
	    keypair);
}

void
spx_fors_pk_from_sig(struct spx_ctx *ctx, uint8_t pk[SPX_N],
    const uint8_t sig[SPX_FORS_SIG_BYTES],
    const uint8_t msg[SPX_FORS_MSG_BYTES], uint64_t tree, uint32_t keypair)
{
	uint32_t indices[SPX_FORS_TREES];
	uint8_t roots[SPX_FORS_TREES][SPX_N];
	uint8_t leaf[SPX_N];
	struct spx_adrs node_adrs;

	message_to_indices(indices, msg);
	spx_adrs_init(&node_adrs, 0, tree, SPX_ADRS_FORS_TREE);
	spx_adrs_set_keypair(&node_adrs, keypair);
	for (unsigned i = 0; i < SPX_FORS_TREES; i++) {
		uint32_t offset = i * SPX_FORS_LEAVES;
		const uint8_t *secret = sig;
		const uint8_t *auth_path = sig + SPX_N;

		fors_leaf_from_secret(ctx, leaf, secret, tree, keypair,
		    offset + indices[i]);
		spx_root_from_path(ctx, roots[i], leaf, indices[i], offset,
		    auth_path, SPX_FORS_HEIGHT, &node_adrs);
		sig += (SPX_FORS_HEIGHT + 1) * SPX_N;
	}
	fors_roots_to_pk(ctx, pk, (const uint8_t (*)[SPX_N])roots, tree,
	    keypair);
}
