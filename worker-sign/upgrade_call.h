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
 * Arguments are found by type, not by name or position (a runtime that
 * renames `code` still works); a call that is there in a shape we cannot
 * fill (set_code taking something other than one byte string, a
 * pre-Bounded Democracy.propose) is refused, never guessed at.
 *
 * Every function returns 0 and a new buffer in *out (free it), or -1 with
 * *out NULL and one line in err naming what the chain lacks or what did not
 * fit, e.g. "this chain has no System.authorize_upgrade call (older
 * runtimes such as Rococo 9140 lack it): use upgrade_type \"sudo\"". The
 * hint after the colon names the first other upgrade type this chain
 * supports. NULL or empty bytes are refused; a code may be up to 16 MiB,
 * a call to wrap or note up to 16 MiB + 64 bytes. */
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

/* 0 when the chain has every pallet and call the type needs, in shapes we
 * can fill, else -1 with err naming the first one missing and what to use
 * instead. In order: sudo needs Sudo.sudo and System.set_code;
 * authorize_upgrade needs System.authorize_upgrade,
 * System.apply_authorized_upgrade and Sudo.sudo (authorize_upgrade is a
 * Root call, sent through Sudo); democracy_proposal needs
 * Preimage.note_preimage, Democracy.propose with a Bounded proposal, the
 * Democracy.MinimumDeposit constant and System.set_code (the preimage). */
int upgrade_call_supported(const struct metadata *md, enum upgrade_type type,
    char *err, size_t errlen);

int upgrade_call_set_code(const struct metadata *md, const uint8_t *code,
    size_t code_len, uint8_t **out, size_t *out_len, char *err,
    size_t errlen);

/* Sudo.sudo(inner), or with unchecked_weight Sudo.sudo_unchecked_weight(
 * inner, the weight type's zero value), whatever that type is (a bare u64
 * on Rococo 9140, {ref_time, proof_size} later). inner must decode as
 * exactly one call of this runtime, or it is refused. */
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
