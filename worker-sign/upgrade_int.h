/* Shared between the upgrade's files: the one upgrade in flight and the
 * steps that move it on. Each step issues one node call whose callback is
 * the next step, so the flow reads top to bottom across upgrade_*.c. */
#ifndef RTFORGE_UPGRADE_INT_H
#define RTFORGE_UPGRADE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "config.h"
#include "extrinsic.h"
#include "metadata.h"
#include "rpc_client.h"
#include "signer.h"
#include "ss58.h"
#include "upgrade.h"
#include "upgrade_call.h"
#include "wasm_inspect.h"

#define UPGRADE_ERR_MAX 768
#define UPGRADE_RPC_TIMEOUT 30		/* seconds, per node call */
#define UPGRADE_INCLUSION_TIMEOUT 180	/* submitted -> in a block */
#define UPGRADE_FINALITY_TIMEOUT 60	/* in a block -> finalized */
#define UPGRADE_POLL_MS 500
#define UPGRADE_CODE_MAX WASM_MAX_INPUT

struct upgrade {
	uint64_t id;
	uint32_t request_id;
	bool answered;		/* the front's request has its answer */
	bool accepted;		/* 202 sent: a record and events exist */
	uint64_t next_event_id;
	json_t *record;

	/* the request */
	enum upgrade_type type;
	unsigned account_index;
	bool dry_run;
	bool use_quantum_sig;
	uint32_t mortal_period;	/* 0: immortal */
	uint8_t birth_hash[32];	/* mortal: the hash of the era's birth block */
	char expected_hash[67];
	char who[128];
	json_t *artifact;	/* the front's record of it */

	/* the artifact, read and inspected here */
	uint8_t *code;
	size_t code_len;
	struct wasm_report report;
	bool report_valid;

	/* the chain */
	json_t *chain;		/* chain_status's object */
	struct metadata *md;
	uint8_t genesis[32];
	uint8_t best_hash[32];
	uint32_t best_number;
	enum extrinsic_hasher hasher;

	/* the signer */
	enum key_scheme scheme;
	uint8_t account[32];
	char ss58[SS58_ADDRESS_MAX];
	uint32_t nonce;

	/* what is sent */
	bool unchecked_weight;	/* Sudo.sudo_unchecked_weight(…, 0) */
	char unchecked_reason[160];
	uint8_t *call;
	size_t call_len;
	/* authorize_upgrade: System.apply_authorized_upgrade(code), unsigned;
	 * democracy_proposal: Democracy.propose(…), signed with nonce + 1.
	 * Sent once the first extrinsic is in a block with the right events. */
	uint8_t *call2;
	size_t call2_len;
	int part;		/* 1, or 2 while the second is followed */
	uint8_t proposal_hash[32];	/* blake2b-256 of System.set_code(code) */
	uint8_t *xt;
	size_t xt_len;
	uint8_t tx_hash[32];
	bool sent;		/* an extrinsic went to the node: it may be on chain */
	bool signed_for_real;	/* else a zero signature (dry run) */
	json_t *fee;		/* {"partial_fee", "weight", "class"} */

	/* following it */
	uint32_t scanned_number;	/* blocks up to this one were searched */
	uint32_t scan_target;
	time_t deadline;
	char block_hash[67];
	uint32_t block_number;
	int xt_index;
	json_t *events;		/* decoded, of the current extrinsic only */
	json_t *events_all;	/* of every extrinsic sent, in order */
	json_t *outcome;	/* what the events say */
	bool finalized;
	struct event *timer;
};

/* upgrade.c */
extern struct upgrade_context {
	struct event_base *base;
	const struct rtforge_config *cfg;
	struct signer *signer;
	struct rpc_client *rpc;
	upgrade_reply_fn reply;
	upgrade_event_fn event;
	char init_error[256];
} uctx;

/* Refuses the request (before 202) or fails the upgrade (after), with the
 * check's name; ends the upgrade. status 0 picks 422. */
void upgrade_refuse(struct upgrade *u, unsigned status, const char *check,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Ends an upgrade that rtforge can no longer follow: "unknown" once its
 * extrinsic was sent (it may be on chain), else "failed" like
 * upgrade_finish. */
void upgrade_lost(struct upgrade *u, const char *error);
/* Accepts (202) and writes the first record. */
void upgrade_accept(struct upgrade *u);
/* A "step" event: {"step": name, …fields}; fields is given away. */
void upgrade_step(struct upgrade *u, const char *step, json_t *fields);
/* Ends the upgrade with its result (complete, or error when !success). */
void upgrade_finish(struct upgrade *u, bool success, const char *error);
void upgrade_save(struct upgrade *u);
/* The audit line written before the real signature is made. */
void upgrade_audit_sign(struct upgrade *u);
/* A dry run's 200 answer (body given away); ends it. */
void upgrade_dry_run_answer(struct upgrade *u, json_t *body);

/* upgrade_preflight.c: from the request's checks to the signed extrinsic
 * (or the dry run's answer). */
void upgrade_preflight_start(struct upgrade *u);

/* Builds u->call (and u->call2) for the type; the extrinsic from u->call
 * (for_real: signed by the key, else a zero signature) or, for part 2 of
 * authorize_upgrade, the unsigned one from u->call2. false after refusing
 * or failing the upgrade. */
bool upgrade_build_calls(struct upgrade *u);
bool upgrade_build_extrinsic(struct upgrade *u, bool for_real);

/* upgrade_follow.c: rollback copy, submission, inclusion, events,
 * finality, post-check. */
void upgrade_follow_start(struct upgrade *u);

/* upgrade_rpc.c: small pieces over rpc_client. */
char *upgrade_hex(const uint8_t *data, size_t len);	/* "0x…", malloc'd */
int upgrade_unhex32(const char *text, uint8_t out[32]);
uint8_t *upgrade_unhex(const json_t *s, size_t max, size_t *len, char *err,
    size_t errlen);
/* A storage key for a plain value, or a Blake2_128Concat map entry. */
char *upgrade_storage_key(const char *pallet, const char *item,
    const uint8_t *map_key, size_t map_key_len);
/* rpc_call with params built from a jansson pack format. */
uint64_t upgrade_rpc(const char *method, json_t *params, size_t cap,
    rpc_callback cb, void *arg);
/* The same for [first?, hex] params: first may be NULL; both must be
 * plain ASCII without quotes or backslashes. */
uint64_t upgrade_rpc_hex(const char *method, const char *first,
    const char *hex, size_t cap, rpc_callback cb, void *arg);

#endif
