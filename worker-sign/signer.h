/* The sign worker's keys: loaded once at start from the config's
 * sign.keys into custody, described (never revealed) for GET /api/signer. */
#ifndef RTFORGE_SIGNER_H
#define RTFORGE_SIGNER_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "custody.h"

struct signer {
	struct custody *custody;	/* NULL until loaded, or on failure */
	unsigned account_index;
	size_t configured;		/* keys in the config */
	char error[CUSTODY_ERR_MAX + 64]; /* why loading failed, or "" */
};

/* Hardens the process (no core, no ptrace) and loads every configured
 * key. On a failure, s->error says which key and why, and no key is kept:
 * signing with a partial key set would pick the wrong account_index. */
void signer_load(struct signer *s, const struct rtforge_config *cfg);

/* GET /api/signer: status and body (no secret, ever). */
unsigned signer_describe(const struct signer *s, uint16_t ss58_prefix,
    json_t **body);

void signer_free(struct signer *s);

#endif
