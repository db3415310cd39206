/* Extrinsics (format version 4) built from the chain's metadata: the
 * signed extensions, the address and the signature variant all come from
 * the registry at run time, never from constants.
 *
 *   signed:   Compact<u32>(len) ‖ 0x84 ‖ address ‖ signature ‖ extra ‖ call
 *   unsigned: Compact<u32>(len) ‖ 0x04 ‖ call
 *
 * The signed payload is call ‖ extra ‖ implicit, where extra and implicit
 * ("additional signed") are each extension's two halves, in the metadata's
 * order. A payload longer than 256 bytes is signed as its blake2b-256.
 *
 * Extensions this file knows (chain-facts.md, "Signed extensions"), each
 * checked against the shape its registry types must have before a byte is
 * written, so a runtime that changed one is refused rather than signed
 * for wrongly:
 *   CheckNonZeroSender, CheckWeight, WeightReclaim, AuthorizeCall  nothing
 *   CheckSpecVersion, CheckTxVersion   implicit u32
 *   CheckGenesis                       implicit genesis hash
 *   CheckMortality, CheckEra           extra Era, implicit birth hash
 *   CheckNonce                         extra Compact nonce
 *   ChargeTransactionPayment           extra Compact tip
 *   ChargeAssetTxPayment               extra Compact tip, Option None
 *   CheckMetadataHash                  extra mode Disabled, implicit None
 * Any other extension whose two types are zero-sized encodes as nothing;
 * one with content is refused by name.
 *
 * Errors are one line of English in err (EXTRINSIC_ERR_MAX is always
 * enough) naming the extension, type or variant at fault. Functions
 * returning int give 0 on success and -1 on failure. */
#ifndef RTFORGE_EXTRINSIC_H
#define RTFORGE_EXTRINSIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody.h"
#include "metadata.h"

/* A runtime upgrade call is up to ~10 MiB; the whole extrinsic is capped
 * here, and so is the call inside it. */
#define EXTRINSIC_MAX_BYTES ((size_t)16 << 20)
#define EXTRINSIC_ERR_MAX 512
#define EXTRINSIC_HASH_LEN 32
/* Payloads longer than this are signed as their blake2b-256. */
#define EXTRINSIC_PAYLOAD_HASH_OVER 256
#define EXTRINSIC_ERA_MIN_PERIOD 4u
#define EXTRINSIC_ERA_MAX_PERIOD 65536u

/* The transaction hash the node reports: blake2b-256 on standard chains,
 * keccak-256 on QuantumHarmony. */
enum extrinsic_hasher {
	EXTRINSIC_HASHER_BLAKE2_256,
	EXTRINSIC_HASHER_KECCAK_256,
};

struct extrinsic_era {
	bool mortal;		/* false: immortal (the default) */
	uint32_t period;	/* mortal: a power of two, 4..65536 */
	uint32_t current;	/* mortal: the block number it is made at */
	/* mortal: the hash of block extrinsic_era_birth(period, current);
	 * immortal: ignored (the genesis hash is signed). */
	uint8_t birth_hash[32];
};

struct extrinsic_params {
	uint8_t genesis_hash[32];
	uint32_t spec_version;
	uint32_t transaction_version;
	uint32_t nonce;
	struct extrinsic_era era;
	uint64_t tip;		/* 0 */
	/* CheckMetadataHash is always sent with mode Disabled: rtforge does
	 * not compute the metadata digest. */
	enum extrinsic_hasher hasher;	/* for the transaction hash */
};

/* Who signs: a scheme, its public key and on-chain account id, and a
 * function that signs exactly the bytes given (the builder hashes long
 * payloads first). extrinsic_signer_from_custody fills one from a custody
 * key; tests fill one from a bare keypair. */
struct extrinsic_signer {
	enum key_scheme scheme;
	uint8_t public_key[CUSTODY_PUBLIC_MAX];
	size_t public_len;
	uint8_t account_id[CUSTODY_ACCOUNT_ID_LEN];
	int (*sign)(void *arg, size_t index, const uint8_t *msg, size_t len,
	    uint8_t *sig, size_t sig_cap, size_t *sig_len, char *err,
	    size_t errlen);
	void *arg;
	size_t index;
};

int extrinsic_signer_from_custody(struct extrinsic_signer *s,
    struct custody *c, size_t key_index, char *err, size_t errlen);

/* Era: immortal is 0x00 (one byte); mortal is two bytes, the u16 LE of
 * clamp(tz(period) - 1, 1, 15) | (phase / q) << 4, q = max(period >> 12,
 * 1), phase = current % period (quantized by q). len is 1 or 2. */
int extrinsic_era_encode(const struct extrinsic_era *era, uint8_t out[2],
    size_t *len, char *err, size_t errlen);
/* The block number whose hash a mortal era signs (its birth): current
 * with its phase quantized, as Substrate's Era::birth computes it. */
uint32_t extrinsic_era_birth(uint32_t period, uint32_t current);

/* Every extension's extra and implicit halves, in the metadata's order,
 * each in a new buffer (free them; an empty half is NULL with length 0). */
int extrinsic_extensions_encode(const struct metadata *md,
    const struct extrinsic_params *p, uint8_t **extra, size_t *extra_len,
    uint8_t **implicit, size_t *implicit_len, char *err, size_t errlen);

/* What gets signed: call ‖ extra ‖ implicit, or its blake2b-256 when that
 * is longer than 256 bytes. A new buffer (free it). */
int extrinsic_signed_payload(const struct metadata *md, const uint8_t *call,
    size_t call_len, const struct extrinsic_params *p, uint8_t **out,
    size_t *out_len, char *err, size_t errlen);

/* The signed extrinsic, length-prefixed, in a new buffer (free it), and
 * its transaction hash by p->hasher (tx_hash may be NULL). */
int extrinsic_build_signed_with(const struct metadata *md,
    const uint8_t *call, size_t call_len, const struct extrinsic_params *p,
    const struct extrinsic_signer *s, uint8_t **out, size_t *out_len,
    uint8_t tx_hash[EXTRINSIC_HASH_LEN], char *err, size_t errlen);
/* The same, signed by custody key key_index. */
int extrinsic_build_signed(const struct metadata *md, const uint8_t *call,
    size_t call_len, const struct extrinsic_params *p, struct custody *c,
    size_t key_index, uint8_t **out, size_t *out_len,
    uint8_t tx_hash[EXTRINSIC_HASH_LEN], char *err, size_t errlen);

/* An unsigned (bare) extrinsic, for System.apply_authorized_upgrade:
 * Compact<u32>(len) ‖ 0x04 ‖ call. md is checked to offer version 4. */
int extrinsic_build_unsigned(const struct metadata *md, const uint8_t *call,
    size_t call_len, enum extrinsic_hasher hasher, uint8_t **out,
    size_t *out_len, uint8_t tx_hash[EXTRINSIC_HASH_LEN], char *err,
    size_t errlen);

/* The transaction hash of an encoded extrinsic (its length prefix
 * included, as the node hashes it). */
void extrinsic_tx_hash(const uint8_t *xt, size_t len,
    enum extrinsic_hasher hasher, uint8_t out[EXTRINSIC_HASH_LEN]);

#endif
