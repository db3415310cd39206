/* Checks on request bodies, apart from HTTP so that they can be fuzzed
 * and tested alone. */
#ifndef RTFORGE_REQUEST_CHECK_H
#define RTFORGE_REQUEST_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define FEATURES_COUNT_MAX 32
#define FEATURE_NAME_MAX 64

/* Parses a body as one JSON object (an empty body is {}). Returns it, or
 * NULL with *status (400 or 413) and a message for the client in err. */
json_t *request_parse_json(const char *data, size_t len, size_t cap,
    int *status, char *err, size_t errlen);

/* Validates a build request body; 0, or an HTTP status with err set. */
int request_check_build(json_t *body, bool node, char *err, size_t len);

/* Validates an upgrade submission body: exactly one of "wasm_path" or
 * "artifact", an "expected_hash" (0x + 64 hex), an "upgrade_type" of
 * sudo / authorize_upgrade / democracy_proposal (default sudo), and the
 * optional account_index, use_quantum_sig, dry_run, wait, mortal_period.
 * 0, or an HTTP status (400) with err set. */
int request_check_upgrade(json_t *body, char *err, size_t len);

/* True for "0x" followed by exactly 64 hex digits. */
bool request_is_hash(const char *s);

#endif
