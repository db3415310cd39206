/* GET /api/chain in the sign worker: the node's state from chain_status,
 * completed from the decoded metadata (Sudo, block length, SS58 prefix),
 * cached for a few seconds so the page's polling does not hammer the node.
 * The decoded metadata is kept for whoever needs the chain's types. */
#ifndef RTFORGE_CHAIN_VIEW_H
#define RTFORGE_CHAIN_VIEW_H

#include <stdint.h>

#include <event2/event.h>
#include <jansson.h>

struct metadata;

/* reply(request_id, http status, body): body is given away. */
typedef void (*chain_view_reply_fn)(uint32_t request_id, unsigned status,
    json_t *body);

int chain_view_init(struct event_base *base, const char *node_url,
    chain_view_reply_fn reply, char *err, size_t errlen);
/* Answers request_id now from the cache, or once the node has answered. */
void chain_view_request(uint32_t request_id);
/* The chain's SS58 prefix, once known; 42 before. */
uint16_t chain_view_ss58_prefix(void);
void chain_view_free(void);

#endif
