/* What GET /api/chain shows about the connected node, gathered with
 * rpc_client in one go: eight JSON-RPC calls, six of them at once.
 *
 *   genesis_hash   chain_getBlockHash [0]
 *   runtime        state_getRuntimeVersion: {spec_name, impl_name,
 *                  spec_version, impl_version, transaction_version,
 *                  authoring_version}
 *   best           chain_getBlockHash [] (the best hash), then
 *                  chain_getHeader [that hash] for its number: {number, hash}
 *                  (a consistent pair even while blocks are being built)
 *   finalized      chain_getFinalizedHead, then chain_getHeader: {number,
 *                  hash}
 *   sudo_key       state_getStorage of twox128("Sudo") ++ twox128("Key"):
 *                  "0x…" or null when the chain has no Sudo (no such value)
 *   node_url       the URL asked
 *   metadata_version  the version byte after the "meta" magic
 * plus the raw metadata (state_getMetadata, hex-decoded, capped), handed
 * over untouched for the metadata decoder.
 *
 * Header hashes are never computed here: chopsticks' headers are not
 * canonical, so hashes always come from the node.
 *
 * Wiring it into the sign worker (sketch):
 *
 *	static void
 *	chain_done(json_t *status, uint8_t *md, size_t md_len,
 *	    enum rpc_status why, const char *error, void *arg)
 *	{
 *		if (error != NULL) {
 *			// why == RPC_ERR_UNREACHABLE / RPC_ERR_TIMEOUT: 502
 *			reply_error(arg, error);
 *			return;
 *		}
 *		reply_json(arg, status);	// then keep or drop both
 *		json_decref(status);
 *		free(md);
 *	}
 *	...
 *	chain_status_fetch(rpc, NULL, chain_done, request);
 */
#ifndef RTFORGE_CHAIN_STATUS_H
#define RTFORGE_CHAIN_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rpc_client.h"

/* Decoded metadata over this is refused (real runtimes: 0.1–1 MiB). */
#define CHAIN_METADATA_MAX (16u << 20)
#define CHAIN_STATUS_TIMEOUT 20		/* seconds, per call */

struct chain_status_options {
	int timeout_seconds;		/* per call; 0: CHAIN_STATUS_TIMEOUT */
	size_t metadata_max;		/* decoded bytes; 0: CHAIN_METADATA_MAX */
	int skip_metadata;		/* 1: no state_getMetadata call */
};

/* Called exactly once, never from inside chain_status_fetch().
 * Success: error is NULL, why is RPC_OK; status is the object above and
 * metadata/metadata_len the raw bytes (NULL/0 with skip_metadata). Both
 * now belong to the callee: json_decref(status), free(metadata).
 * Failure: status and metadata are NULL; why is the failing call's
 * rpc_status (RPC_ERR_NOT_JSONRPC when the node answered something that is
 * not what the step needs); error is one line naming the step, e.g.
 *   "runtime version (state_getRuntimeVersion): node http://…: …"
 * or, when the node cannot be reached at all, the client's own line:
 *   "node http://127.0.0.1:9944 is not reachable (connection refused):
 *    start the node or fix node_url in the config".
 * Freeing the rpc client while a fetch runs makes it fail with the
 * client's "cancelled" line (the callback still comes, right then). */
typedef void (*chain_status_cb)(json_t *status, uint8_t *metadata,
    size_t metadata_len, enum rpc_status why, const char *error, void *arg);

/* Starts the calls. opts may be NULL (defaults). Returns 0, or -1 (out of
 * memory or the client is closing; then there is no callback). */
int chain_status_fetch(struct rpc_client *rpc,
    const struct chain_status_options *opts, chain_status_cb cb, void *arg);

#endif
