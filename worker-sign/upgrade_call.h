/* The calls a runtime upgrade sends, built only from the chain's metadata
 * (pallet and call indices, argument names and types), never hand-encoded:
 *
 *   System.set_code(code)                      the proposal (srtool's hash)
 *   Sudo.sudo(call)                            upgrade_type "sudo"
 *   Sudo.sudo_unchecked_weight(call, weight 0) when sudo would not fit
 *   System.authorize_upgrade(code_hash)        "authorize_upgrade", step 1
 *   System.apply_authorized_upgrade(code)      step 2, sent unsigned
 *   Preimage.note_preimage(bytes)              "democracy_proposal", step 1
 *   Democracy.propose(Lookup{hash, len}, MinimumDeposit)   step 2
 *
 * Every function returns 0 and a new buffer in *out (free it), or -1 with
 * one line in err naming what the chain lacks or what did not fit, e.g.
 * "this chain has no System.authorize_upgrade call (Rococo 9140 and other
 * runtimes before polkadot-sdk 1.7 lack it): use upgrade_type \"sudo\"". */
#ifndef RTFORGE_UPGRADE_CALL_H
#define RTFORGE_UPGRADE_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "metadata.h"

#define UPGRADE_CALL_ERR_MAX 512

enum upgrade_type {
	UPGRADE_TYPE_SUDO,
	UPGRADE_TYPE_AUTHORIZE,
	UPGRADE_TYPE_DEMOCRACY,
};

/* "sudo", "authorize_upgrade", "democracy_proposal" <-> the enum; -1 for
 * an unknown name. */
int upgrade_type_parse(const char *name);
const char *upgrade_type_name(enum upgrade_type type);

/* 0 when the chain has every pallet and call the type needs, else -1
 * with err naming the first one missing and what to use instead. */
int upgrade_call_supported(const struct metadata *md, enum upgrade_type type,
    char *err, size_t errlen);

int upgrade_call_set_code(const struct metadata *md, const uint8_t *code,
    size_t code_len, uint8_t **out, size_t *out_len, char *err,
    size_t errlen);

/* Sudo.sudo(inner), or with unchecked_weight Sudo.sudo_unchecked_weight(
 * inner, the weight type's zero value), whatever that type is. */
int upgrade_call_sudo(const struct metadata *md, const uint8_t *inner,
    size_t inner_len, int unchecked_weight, uint8_t **out, size_t *out_len,
    char *err, size_t errlen);

int upgrade_call_authorize(const struct metadata *md,
    const uint8_t code_hash[32], uint8_t **out, size_t *out_len, char *err,
    size_t errlen);

int upgrade_call_apply_authorized(const struct metadata *md,
    const uint8_t *code, size_t code_len, uint8_t **out, size_t *out_len,
    char *err, size_t errlen);

int upgrade_call_note_preimage(const struct metadata *md,
    const uint8_t *bytes, size_t len, uint8_t **out, size_t *out_len,
    char *err, size_t errlen);

/* Democracy.propose(proposal: Bounded::Lookup{hash: blake2b-256 of the
 * noted call, len}, value: the Democracy.MinimumDeposit constant). */
int upgrade_call_democracy_propose(const struct metadata *md,
    const uint8_t call_hash[32], uint32_t call_len, uint8_t **out,
    size_t *out_len, char *err, size_t errlen);

#endif
