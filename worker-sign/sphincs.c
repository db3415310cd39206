/* SPHINCS+-SHAKE-256f-simple (round 3.1): key generation, signing and
 * verification on top of FORS, WOTS+ and the Merkle code.
 *
 * Signature layout (49,856 bytes):
 *   R (32) ‖ FORS (35 × (secret 32 + path 9 × 32)) ‖
 *   17 × (WOTS signature 67 × 32 ‖ path 4 × 32), bottom layer first. */
#include <string.h>

#include <sodium.h>

#include "sphincs.h"
#include "sphincs_internal.h"

_Static_assert(SPX_N + SPX_FORS_SIG_BYTES + SPX_LAYERS * SPX_LAYER_SIG_BYTES
    == SPHINCS_SIG_BYTES, "signature size");
_Static_assert(SPX_TREE_HEIGHT * SPX_LAYERS == SPX_FULL_HEIGHT,
    "d divides h");

/* Secret-key field offsets. */
#define SK_SEED 0
#define SK_PRF SPX_N
#define SK_PK (2 * SPX_N)	/* PK.seed ‖ PK.root */

/* An empty message may come as NULL; the sponge wants a pointer. */
static const uint8_t *
message_bytes(const uint8_t *msg)
{
	static const uint8_t empty[1];

	return msg != NULL ? msg : empty;
}

/* Signs `root` (the FORS key, or the root of the subtree below) with key
 * pair `leaf` of subtree (layer, tree), writes the WOTS signature and the
 * authentication path to sig, and replaces root with this subtree's
 * root. */
static void
sign_layer(struct spx_ctx *ctx, uint8_t sig[SPX_LAYER_SIG_BYTES],
    uint8_t root[SPX_N], uint32_t layer, uint64_t tree, uint32_t leaf)
{
	unsigned digits[SPX_WOTS_LEN];
	struct spx_wots_leaf_job job = {
		.layer = layer,
		.tree = tree,
		.sign_leaf = leaf,
		.digits = digits,
		.sig = sig,
	};
	struct spx_adrs node_adrs;

	spx_wots_digits(digits, root);
	spx_adrs_init(&node_adrs, layer, tree, SPX_ADRS_TREE);
	spx_treehash(ctx, root, sig + SPX_WOTS_SIG_BYTES, leaf, 0,
	    SPX_TREE_HEIGHT, spx_wots_leaf, &job, &node_adrs);
}

/* The inverse step of verification: the subtree root that sig claims. */
static void
verify_layer(struct spx_ctx *ctx, const uint8_t sig[SPX_LAYER_SIG_BYTES],
    uint8_t root[SPX_N], uint32_t layer, uint64_t tree, uint32_t leaf)
{
	uint8_t wots_leaf[SPX_N];
	struct spx_adrs node_adrs;

	spx_wots_leaf_from_sig(ctx, wots_leaf, sig, root, layer, tree, leaf);
	spx_adrs_init(&node_adrs, layer, tree, SPX_ADRS_TREE);
	spx_root_from_path(ctx, root, wots_leaf, leaf, 0,
	    sig + SPX_WOTS_SIG_BYTES, SPX_TREE_HEIGHT, &node_adrs);
}

/* Moves one layer up: the tree index's low h' bits pick the leaf. */
static void
next_layer(uint64_t *tree, uint32_t *leaf)
{
	*leaf = (uint32_t)(*tree & ((UINT64_C(1) << SPX_TREE_HEIGHT) - 1));
	*tree >>= SPX_TREE_HEIGHT;
}

int
sphincs_keypair_from_seed(uint8_t pk[SPHINCS_PK_BYTES],
    uint8_t sk[SPHINCS_SK_BYTES], const uint8_t seed[SPHINCS_SEED_BYTES])
{
	struct spx_ctx ctx;
	struct spx_wots_leaf_job job;
	struct spx_adrs node_adrs;
	uint8_t root[SPX_N];

	if (pk == NULL || sk == NULL || seed == NULL)
		return -1;
	memcpy(ctx.sk_seed, seed + SK_SEED, SPX_N);
	memcpy(ctx.pk_seed, seed + SK_PK, SPX_N);

	/* PK.root is the root of the single tree on the top layer. */
	memset(&job, 0, sizeof(job));
	job.layer = SPX_LAYERS - 1;
	job.tree = 0;
	job.sign_leaf = UINT32_MAX;
	spx_adrs_init(&node_adrs, SPX_LAYERS - 1, 0, SPX_ADRS_TREE);
	spx_treehash(&ctx, root, NULL, 0, 0, SPX_TREE_HEIGHT, spx_wots_leaf,
	    &job, &node_adrs);

	/* seed may overlap sk: it is fully read (into ctx) before here. */
	memmove(sk, seed, SPHINCS_SEED_BYTES);
	memcpy(sk + SK_PK + SPX_N, root, SPX_N);
	memcpy(pk, ctx.pk_seed, SPX_N);
	memcpy(pk + SPX_N, root, SPX_N);
	sodium_memzero(&ctx, sizeof(ctx));
	return 0;
}

int
sphincs_sign(uint8_t sig[SPHINCS_SIG_BYTES], const uint8_t *msg, size_t len,
    const uint8_t sk[SPHINCS_SK_BYTES], const uint8_t *opt_rand)
{
	struct spx_ctx ctx;
	struct spx_digest digest;
	uint8_t root[SPX_N];
	const uint8_t *pk;
	uint8_t *out = sig;

	if (sig == NULL || sk == NULL || (msg == NULL && len > 0))
		return -1;
	pk = sk + SK_PK;
	msg = message_bytes(msg);
	/* Deterministic signing, as the reference's non-randomised mode. */
	if (opt_rand == NULL)
		opt_rand = pk;
	memcpy(ctx.sk_seed, sk + SK_SEED, SPX_N);
	memcpy(ctx.pk_seed, pk, SPX_N);

	spx_prf_msg(out, sk + SK_PRF, opt_rand, msg, len);
	spx_hash_msg(&digest, out, pk, msg, len);
	out += SPX_N;

	spx_fors_sign(&ctx, out, root, digest.fors_msg, digest.tree,
	    digest.leaf);
	out += SPX_FORS_SIG_BYTES;

	for (uint32_t layer = 0; layer < SPX_LAYERS; layer++) {
		sign_layer(&ctx, out, root, layer, digest.tree, digest.leaf);
		out += SPX_LAYER_SIG_BYTES;
		next_layer(&digest.tree, &digest.leaf);
	}
	sodium_memzero(&ctx, sizeof(ctx));
	return 0;
}

int
sphincs_verify(const uint8_t sig[SPHINCS_SIG_BYTES], const uint8_t *msg,
    size_t len, const uint8_t pk[SPHINCS_PK_BYTES])
{
	struct spx_ctx ctx;
	struct spx_digest digest;
	uint8_t root[SPX_N];
	const uint8_t *in = sig;

	if (sig == NULL || pk == NULL || (msg == NULL && len > 0))
		return -1;
	msg = message_bytes(msg);
	memset(&ctx, 0, sizeof(ctx));
	memcpy(ctx.pk_seed, pk, SPX_N);

	spx_hash_msg(&digest, in, pk, msg, len);
	in += SPX_N;

	spx_fors_pk_from_sig(&ctx, root, in, digest.fors_msg, digest.tree,
	    digest.leaf);
	in += SPX_FORS_SIG_BYTES;

	for (uint32_t layer = 0; layer < SPX_LAYERS; layer++) {
		verify_layer(&ctx, in, root, layer, digest.tree, digest.leaf);
		in += SPX_LAYER_SIG_BYTES;
		next_layer(&digest.tree, &digest.leaf);
	}
	return sodium_memcmp(root, pk + SPX_N, SPX_N) == 0 ? 0 : -1;
}
