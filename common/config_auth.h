/* The "auth" section's two arrays (tokens and trusted proxies), parsed and
 * checked apart from config.c's table like config_keys.c. Messages are
 * written without the file's name; config.c prefixes it. */
#ifndef RTFORGE_CONFIG_AUTH_H
#define RTFORGE_CONFIG_AUTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* auth.tokens: [{"name", "role", "hash"}], at most CONFIG_TOKENS_MAX. */
int config_auth_parse_tokens(struct config_auth *auth, const json_t *value,
    const char *path, char *why, size_t whylen);
/* auth.trusted_proxies: ["127.0.0.1", "::1"], IP addresses. */
int config_auth_parse_proxies(struct config_auth *auth, const json_t *value,
    const char *path, char *why, size_t whylen);
/* Names unique and well-formed, roles known, hashes argon2id. */
int config_auth_validate(const struct config_auth *auth, char *why,
    size_t whylen);

json_t *config_auth_tokens_to_json(const struct config_auth *auth);
json_t *config_auth_proxies_to_json(const struct config_auth *auth);

/* "viewer" 1, "builder" 2, "upgrader" 3; 0 for anything else. */
int config_auth_role_rank(const char *role);
bool config_token_name_ok(const char *name);
/* An IPv4 or IPv6 address in text form. */
bool config_is_ip(const char *s);

#endif
