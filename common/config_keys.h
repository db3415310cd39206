/* The "sign" section's key list, kept apart from config.c's table because
 * it is the one array of objects in the config. Messages are written
 * without the file's name; config.c prefixes it. */
#ifndef RTFORGE_CONFIG_KEYS_H
#define RTFORGE_CONFIG_KEYS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Shapes only: an array of at most CONFIG_KEYS_MAX objects with the known
 * string members. Returns 0, or -1 with why filled. */
int config_keys_parse(struct config_sign *sign, const json_t *value,
    const char *path, char *why, size_t whylen);

/* Values: schemes, absolute paths, a SURI only in dev, account_index in
 * range, the genesis pin's form. */
int config_keys_validate(const struct config_sign *sign, bool dev,
    char *why, size_t whylen);

json_t *config_keys_to_json(const struct config_sign *sign);

bool config_scheme_known(const char *scheme);

#endif
