/* Internals of SPHINCS+-SHAKE-256f-simple (round 3.1), shared by
 * sphincs.c, sphincs_hash.c, sphincs_merkle.c, sphincs_wots.c and
 * sphincs_fors.c. Nothing outside those files should include this. */
#ifndef RTFORGE_SPHINCS_INTERNAL_H
#define RTFORGE_SPHINCS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "keccak.h"

/* Parameter set 256f. */
#define SPX_N 32			/* hash output, bytes */
#define SPX_FULL_HEIGHT 68		/* hypertree height h */
#define SPX_LAYERS 17			/* d */
#define SPX_TREE_HEIGHT 4		/* h' = h / d */
#define SPX_FORS_TREES 35		/* k */
#define SPX_FORS_HEIGHT 9		/* a */
#define SPX_FORS_LEAVES (1u << SPX_FORS_HEIGHT)
#define SPX_WOTS_W 16
#define SPX_WOTS_LOGW 4
#define SPX_WOTS_LEN1 (8 * SPX_N / SPX_WOTS_LOGW)	/* 64 */
#define SPX_WOTS_LEN2 3
#define SPX_WOTS_LEN (SPX_WOTS_LEN1 + SPX_WOTS_LEN2)	/* 67 */

#define SPX_ADRS_BYTES 32
#define SPX_WOTS_SIG_BYTES (SPX_WOTS_LEN * SPX_N)
#define SPX_LAYER_SIG_BYTES (SPX_WOTS_SIG_BYTES + SPX_TREE_HEIGHT * SPX_N)
#define SPX_FORS_SIG_BYTES (SPX_FORS_TREES * (SPX_FORS_HEIGHT + 1) * SPX_N)

/* H_msg output: FORS message bits, then the tree index, then the leaf. */
#define SPX_FORS_MSG_BYTES ((SPX_FORS_TREES * SPX_FORS_HEIGHT + 7) / 8)	/* 40 */
#define SPX_TREE_BITS (SPX_FULL_HEIGHT - SPX_TREE_HEIGHT)		/* 64 */
#define SPX_TREE_BYTES ((SPX_TREE_BITS + 7) / 8)			/* 8 */
#define SPX_LEAF_BYTES ((SPX_TREE_HEIGHT + 7) / 8)			/* 1 */
#define SPX_DIGEST_BYTES \
	(SPX_FORS_MSG_BYTES + SPX_TREE_BYTES + SPX_LEAF_BYTES)		/* 49 */

/* ADRS.type values of round 3.1. The two PRF types are new in 3.1: they
 * separate secret-key generation from chain and tree hashing. */
enum spx_adrs_type {
	SPX_ADRS_WOTS_HASH = 0,
	SPX_ADRS_WOTS_PK = 1,
	SPX_ADRS_TREE = 2,
	SPX_ADRS_FORS_TREE = 3,
	SPX_ADRS_FORS_ROOTS = 4,
	SPX_ADRS_WOTS_PRF = 5,
	SPX_ADRS_FORS_PRF = 6,
};

/* The 32-byte address, kept serialised because that is what gets hashed:
 * eight big-endian 32-bit words — layer, tree (a 96-bit field in words
 * 1..3, of which only the low 64 bits are used), type, then three words
 * whose meaning depends on the type (key pair; chain or tree height; hash
 * step or tree index). */
struct spx_adrs {
	uint8_t bytes[SPX_ADRS_BYTES];
};

/* Starts an address for (layer, tree, type) with words 5..7 zero. */
void spx_adrs_init(struct spx_adrs *adrs, uint32_t layer, uint64_t tree,
    enum spx_adrs_type type);
/* Changes only the type word, keeping words 5..7, as the reference does
 * when it turns a PRF address into the matching hash address. */
void spx_adrs_set_type(struct spx_adrs *adrs, enum spx_adrs_type type);
void spx_adrs_set_keypair(struct spx_adrs *adrs, uint32_t keypair);
void spx_adrs_set_chain(struct spx_adrs *adrs, uint32_t chain);
void spx_adrs_set_hash(struct spx_adrs *adrs, uint32_t step);
void spx_adrs_set_tree_height(struct spx_adrs *adrs, uint32_t height);
void spx_adrs_set_tree_index(struct spx_adrs *adrs, uint32_t index);

/* What every tweakable hash needs. sk_seed is all zero when only
 * verifying. sponge is scratch space kept here so that one wipe at the end
 * of signing clears any secret-derived sponge state. */
struct spx_ctx {
	uint8_t pk_seed[SPX_N];
	uint8_t sk_seed[SPX_N];
	struct shake256_ctx sponge;
};

/* T_l / F / H (simple): SHAKE256(PK.seed ‖ ADRS ‖ in, n bytes),
 * in being `blocks` n-byte values. out may alias in. */
void spx_thash(struct spx_ctx *ctx, uint8_t out[SPX_N], const uint8_t *in,
    size_t blocks, const struct spx_adrs *adrs);
/* PRF, round 3.1: SHAKE256(PK.seed ‖ ADRS ‖ SK.seed, n bytes). */
void spx_prf(struct spx_ctx *ctx, uint8_t out[SPX_N],
    const struct spx_adrs *adrs);
/* PRF_msg: R = SHAKE256(SK.prf ‖ opt_rand ‖ M, n bytes). */
void spx_prf_msg(uint8_t r[SPX_N], const uint8_t sk_prf[SPX_N],
    const uint8_t opt_rand[SPX_N], const uint8_t *msg, size_t len);

/* H_msg, split the way the reference splits it. */
struct spx_digest {
	uint8_t fors_msg[SPX_FORS_MSG_BYTES];
	uint64_t tree;		/* which bottom-layer tree */
	uint32_t leaf;		/* which leaf (WOTS key pair) in it */
};
void spx_hash_msg(struct spx_digest *digest, const uint8_t r[SPX_N],
    const uint8_t pk[2 * SPX_N], const uint8_t *msg, size_t len);

/* Produces leaf `index` of a Merkle tree (index counts from the tree's
 * leaf_offset, see spx_treehash). */
typedef void (*spx_leaf_fn)(struct spx_ctx *ctx, uint8_t leaf[SPX_N],
    uint32_t index, void *arg);

/* Computes the root of the tree of `height` whose leaves are
 * leaf_offset .. leaf_offset + 2^height - 1, and, when auth_path is not
 * NULL, the authentication path of leaf leaf_offset + auth_leaf.
 * node_adrs has layer, tree, type and (for FORS) key pair set; the height
 * and index words are filled in here. leaf_offset places a FORS tree
 * among the k trees of its FORS key, whose node indices run on across
 * them. */
void spx_treehash(struct spx_ctx *ctx, uint8_t root[SPX_N],
    uint8_t *auth_path, uint32_t auth_leaf, uint32_t leaf_offset,
    unsigned height, spx_leaf_fn gen_leaf, void *arg,
    struct spx_adrs *node_adrs);

/* Climbs from leaf leaf_offset + leaf_index to the root with auth_path. */
void spx_root_from_path(struct spx_ctx *ctx, uint8_t root[SPX_N],
    const uint8_t leaf[SPX_N], uint32_t leaf_index, uint32_t leaf_offset,
    const uint8_t *auth_path, unsigned height, struct spx_adrs *node_adrs);

/* WOTS+: the base-w digits of an n-byte message, checksum appended. */
void spx_wots_digits(unsigned digits[SPX_WOTS_LEN], const uint8_t msg[SPX_N]);

/* Leaf generator for a hypertree subtree (an spx_leaf_fn; arg is a
 * struct spx_wots_leaf_job). The leaf is the compressed WOTS public key;
 * for the key pair sign_leaf it also writes the WOTS signature of the
 * digits, reusing the chains it walks anyway. */
struct spx_wots_leaf_job {
	uint32_t layer;
	uint64_t tree;
	uint32_t sign_leaf;		/* UINT32_MAX: sign nothing */
	const unsigned *digits;		/* SPX_WOTS_LEN digits, or NULL */
	uint8_t *sig;			/* SPX_WOTS_SIG_BYTES, or NULL */
};
void spx_wots_leaf(struct spx_ctx *ctx, uint8_t leaf[SPX_N], uint32_t index,
    void *job);

/* Completes the chains of a WOTS signature of msg and compresses them to
 * the leaf they claim to be. */
void spx_wots_leaf_from_sig(struct spx_ctx *ctx, uint8_t leaf[SPX_N],
    const uint8_t sig[SPX_WOTS_SIG_BYTES], const uint8_t msg[SPX_N],
    uint32_t layer, uint64_t tree, uint32_t keypair);

/* FORS on the bottom layer: the key is selected by (tree, keypair) from
 * the message digest. Both write the FORS public key to pk. */
void spx_fors_sign(struct spx_ctx *ctx, uint8_t sig[SPX_FORS_SIG_BYTES],
    uint8_t pk[SPX_N], const uint8_t msg[SPX_FORS_MSG_BYTES], uint64_t tree,
    uint32_t keypair);
void spx_fors_pk_from_sig(struct spx_ctx *ctx, uint8_t pk[SPX_N],
    const uint8_t sig[SPX_FORS_SIG_BYTES],
    const uint8_t msg[SPX_FORS_MSG_BYTES], uint64_t tree, uint32_t keypair);

#endif
