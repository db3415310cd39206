/* The runtime upgrade, end to end, in the sign worker: pre-flight checks
 * against the live chain, the call built from its metadata, signing with
 * the custodied key, submission, inclusion, events and the post-check
 * that the chain now runs exactly the artifact's code.
 *
 * One upgrade at a time. The front's request is answered once: a refusal
 * (409/422/502 with {"error", "check"}), a dry run's figures (200), or 202
 * {"upgrade_id"} once the checks passed; from then on the upgrade speaks
 * through its event stream and record (upgrade_store.h). */
#ifndef RTFORGE_UPGRADE_H
#define RTFORGE_UPGRADE_H

#include <stdint.h>

#include <event2/event.h>
#include <jansson.h>

#include "config.h"
#include "signer.h"

/* reply(request_id, status, body): body is given away. */
typedef void (*upgrade_reply_fn)(uint32_t request_id, unsigned status,
    json_t *body);
/* A live event for the front: upgrade id, event id, name, JSON text. */
typedef void (*upgrade_event_fn)(uint64_t upgrade_id, uint64_t event_id,
    const char *name, const char *json);

/* Before the seccomp filter: opens the store (recovering interrupted
 * upgrades) and the node client. 0, or -1 with err (upgrades then answer
 * 503 with that reason). */
int upgrade_init(struct event_base *base, const struct rtforge_config *cfg,
    struct signer *signer, upgrade_reply_fn reply, upgrade_event_fn event,
    char *err, size_t errlen);

/* SIGN_UPGRADE_START: the front's JSON (the request plus "artifact", the
 * store's record of it) and the artifact's descriptor, which is now ours. */
void upgrade_start(uint32_t request_id, const char *json, size_t len, int fd);

/* "idle" or "upgrading", for the worker's status. */
const char *upgrade_state(void);

void upgrade_shutdown(void);

#endif
