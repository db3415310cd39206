/* Merkle trees for SPHINCS+: the hypertree's subtrees (height 4) and the
 * FORS trees (height 9) share this code; only their leaves and address
 * types differ. */
#include <string.h>

#include "sphincs_internal.h"

/* The tallest tree is a FORS tree. */
#define MAX_HEIGHT SPX_FORS_HEIGHT

/* Stores node (height, index) in the authentication path if it is the
 * sibling of the signed leaf's ancestor at that height. */
static void
note_auth_node(uint8_t *auth_path, uint32_t auth_leaf, unsigned height,
    unsigned tree_height, uint32_t index, const uint8_t node[SPX_N])
{
	if (auth_path == NULL || height >= tree_height)
		return;
	if (index == ((auth_leaf >> height) ^ 1u))
		memcpy(auth_path + (size_t)height * SPX_N, node, SPX_N);
}

void
spx_treehash(struct spx_ctx *ctx, uint8_t root[SPX_N], uint8_t *auth_path,
    uint32_t auth_leaf, uint32_t leaf_offset, unsigned height,
    spx_leaf_fn gen_leaf, void *arg, struct spx_adrs *node_adrs)
{
	/* Left siblings waiting for their right partner, one per height at
	 * most; pair[0..N) is the left input and pair[N..2N) the right
	 * input of the next node hash. */
	uint8_t stack[MAX_HEIGHT + 1][SPX_N];
	unsigned stack_height[MAX_HEIGHT + 1];
	unsigned depth = 0;
	uint8_t pair[2 * SPX_N];
	uint8_t *node = pair + SPX_N;

	for (uint32_t leaf = 0; leaf < (UINT32_C(1) << height); leaf++) {
		unsigned node_height = 0;
		uint32_t index = leaf;

		gen_leaf(ctx, node, leaf_offset + leaf, arg);
		note_auth_node(auth_path, auth_leaf, 0, height, index, node);
		/* Merge with the waiting left sibling while there is one of
		 * the same height: the node is then a right child. */
		while (depth > 0 && stack_height[depth - 1] == node_height) {
			depth--;
			memcpy(pair, stack[depth], SPX_N);
			node_height++;
			index >>= 1;
			spx_adrs_set_tree_height(node_adrs, node_height);
			spx_adrs_set_tree_index(node_adrs,
			    (leaf_offset >> node_height) + index);
			spx_thash(ctx, node, pair, 2, node_adrs);
			note_auth_node(auth_path, auth_leaf, node_height,
			    height, index, node);
		}
		memcpy(stack[depth], node, SPX_N);
		stack_height[depth] = node_height;
		depth++;
	}
	memcpy(root, stack[0], SPX_N);
}

void
spx_root_from_path(struct spx_ctx *ctx, uint8_t root[SPX_N],
    const uint8_t leaf[SPX_N], uint32_t leaf_index, uint32_t leaf_offset,
    const uint8_t *auth_path, unsigned height, struct spx_adrs *node_adrs)
{
	uint8_t pair[2 * SPX_N];
	uint8_t node[SPX_N];
	uint32_t index = leaf_index;

	memcpy(node, leaf, SPX_N);
	for (unsigned h = 0; h < height; h++) {
		const uint8_t *sibling = auth_path + (size_t)h * SPX_N;

		/* An odd index is a right child: the sibling goes left. */
		if (index & 1) {
			memcpy(pair, sibling, SPX_N);
			memcpy(pair + SPX_N, node, SPX_N);
		} else {
			memcpy(pair, node, SPX_N);
			memcpy(pair + SPX_N, sibling, SPX_N);
		}
		index >>= 1;
		spx_adrs_set_tree_height(node_adrs, h + 1);
		spx_adrs_set_tree_index(node_adrs,
		    (leaf_offset >> (h + 1)) + index);
		spx_thash(ctx, node, pair, 2, node_adrs);
	}
	memcpy(root, node, SPX_N);
}
