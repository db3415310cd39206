/* Key custody: the sign worker's guarded key store.
 *
 * Up to CUSTODY_MAX_KEYS keys, each with its scheme (sr25519, ed25519 or
 * SPHINCS+-SHAKE-256f-simple). Each secret lives in its own sodium_malloc
 * region (guard pages, canary), locked in RAM (mlock) and excluded from
 * core dumps (MADV_DONTDUMP); libsodium 1.0.18 does both inside
 * sodium_malloc but ignores a failure, so custody does them again and
 * refuses the key when locking fails. The region is PROT_NONE while idle
 * and read-only only for the length of one signature. Public keys and
 * account ids are kept beside, in ordinary memory: they are not secret.
 *
 * How the sign worker uses it, in this order:
 *
 *	custody_harden_process(err, sizeof err);   no core dumps, no ptrace
 *	c = custody_new(err, sizeof err);
 *	for each configured key:
 *		keyfile_load(c, &source, err, sizeof err);   (keyfile.h)
 *	sign_seccomp_enter(err, sizeof err);        (sign_seccomp.h)
 *	... custody_sign(c, account_index, payload, len, sig, cap, &siglen);
 *	... custody_describe(c, prefix) for GET /api/signer
 *	custody_free(c);
 *
 * A loader fills a key with custody_reserve() (a writable guarded slot),
 * then custody_commit(), which recomputes the public key from the secret
 * (refusing a key whose stored public half disagrees) and locks the slot
 * away; custody_abort() wipes a slot that failed to load.
 *
 * Errors are one line of English, written to err (CUSTODY_ERR_MAX is
 * always enough), and never contain a key byte. Functions returning int
 * give 0 (or an index) on success and -1 on failure. */
#ifndef RTFORGE_CUSTODY_H
#define RTFORGE_CUSTODY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ed25519.h"
#include "sphincs.h"
#include "sr25519.h"

#define CUSTODY_MAX_KEYS 8
#define CUSTODY_ERR_MAX 512
#define CUSTODY_ACCOUNT_ID_LEN 32
/* The longest public key (SPHINCS+) and signature (SPHINCS+). */
#define CUSTODY_PUBLIC_MAX SPHINCS_PK_BYTES
#define CUSTODY_SIGNATURE_MAX SPHINCS_SIG_BYTES

enum key_scheme {
	KEY_SCHEME_SR25519,
	KEY_SCHEME_ED25519,
	KEY_SCHEME_SPHINCS,	/* SPHINCS+-SHAKE-256f-simple, round 3.1 */
};

/* What a guarded slot holds. Only loaders and custody.c touch it. */
struct key_secret {
	enum key_scheme scheme;
	union {
		struct sr25519_keypair sr25519;	/* secret = a ‖ nonce */
		struct ed25519_keypair ed25519;	/* secret = seed ‖ public */
		uint8_t sphincs[SPHINCS_SK_BYTES]; /* SK.seed ‖ SK.prf ‖ PK */
	} key;
};

struct custody;

/* "sr25519", "ed25519", "sphincs". */
const char *key_scheme_name(enum key_scheme scheme);
/* Accepts the names above (and "sphincs+"); 0 or -1. */
int key_scheme_parse(const char *name, enum key_scheme *scheme);
/* Public key and signature lengths of a scheme. */
size_t key_scheme_public_len(enum key_scheme scheme);
size_t key_scheme_signature_len(enum key_scheme scheme);

/* Process-wide: PR_SET_DUMPABLE 0 (no core, no ptrace by the same user,
 * /proc/<pid>/mem closed to others) and RLIMIT_CORE 0. Call it first. */
int custody_harden_process(char *err, size_t errlen);

/* An empty store (calls sodium_init). NULL on failure. */
struct custody *custody_new(char *err, size_t errlen);

/* A writable, zeroed, guarded slot for the next key, or NULL when the
 * store is full or memory cannot be locked. One slot at a time: the
 * caller must commit or abort it before reserving another. */
struct key_secret *custody_reserve(struct custody *c, char *err,
    size_t errlen);
/* Checks the reserved slot (its public key must be the one its secret
 * gives), records the public key and account id, and makes the slot
 * inaccessible. Returns the key's index, or -1 (the slot is wiped). */
int custody_commit(struct custody *c, char *err, size_t errlen);
/* Wipes and frees the reserved slot, if any. */
void custody_abort(struct custody *c);

size_t custody_count(const struct custody *c);
int custody_scheme(const struct custody *c, size_t index,
    enum key_scheme *scheme);
/* Copies the public key (32 or 64 bytes) into out (cap bytes). */
int custody_public(const struct custody *c, size_t index, uint8_t *out,
    size_t cap, size_t *len);
/* The on-chain AccountId: the public key for sr25519 and ed25519, the
 * keccak-256 of the public key for SPHINCS+ (QuantumHarmony). */
int custody_account_id(const struct custody *c, size_t index,
    uint8_t out[CUSTODY_ACCOUNT_ID_LEN]);

/* Signs msg with key index: sr25519 (64 B, context "substrate", fresh
 * randomness), ed25519 (64 B), SPHINCS+ (49,856 B, deterministic:
 * opt_rand = PK.seed). The caller hashes Substrate payloads longer than
 * 256 bytes first; this signs exactly the bytes given. sig_cap must hold
 * the scheme's signature (CUSTODY_SIGNATURE_MAX always does). */
int custody_sign(struct custody *c, size_t index, const uint8_t *msg,
    size_t len, uint8_t *sig, size_t sig_cap, size_t *sig_len, char *err,
    size_t errlen);

/* A JSON array, one object per key, with no secret in it:
 *   {"index": 0, "scheme": "sr25519", "public_key": "0x…",
 *    "account_id": "0x…", "ss58": "5…"}
 * ss58_prefix: the chain's, or SS58_PREFIX_GENERIC (42). NULL on failure
 * (out of memory, or a prefix SS58 refuses). The caller json_decref()s. */
json_t *custody_describe(const struct custody *c, uint16_t ss58_prefix);

/* Wipes and frees every secret and the store. NULL is allowed. */
void custody_free(struct custody *c);

/* Exposed for tests: wipes len bytes at p (sodium_memzero). */
void custody_wipe(void *p, size_t len);

#endif
