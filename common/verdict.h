/* Where a built runtime stands against the chain's current one: the same
 * rule the page shows and the sign worker's pre-flight enforces, so the
 * two can never disagree. */
#ifndef RTFORGE_VERDICT_H
#define RTFORGE_VERDICT_H

#include <jansson.h>

/* artifact_runtime: the artifact's "runtime" object (spec_name and
 * spec_version, absent when the blob had no version section);
 * chain_runtime: GET /api/chain's "runtime" object. Returns a new object
 * {"verdict": "ready"|"nothing_to_do"|"refused", "reason": "..."}, or NULL
 * on allocation failure. */
json_t *verdict_for(const json_t *artifact_runtime,
    const json_t *chain_runtime);

#endif
