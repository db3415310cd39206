/* Type-driven SCALE <-> JSON (jansson), from a metadata registry.
 *
 * The JSON shape (the encoder takes exactly what the decoder gives, so
 * decode(encode(x)) == x):
 *   bool                 true / false
 *   u8..u32, i8..i32     integer
 *   u64, i64             integer when |v| <= 2^53, else a decimal string
 *   u128, u256, i128, i256  decimal string ("-" for negatives)
 *   char                 a one-character string
 *   str                  string
 *   Compact<T>           as T (Compact<Perbill> as Perbill, and so on)
 *   [u8; N], Vec<u8>     "0x…" lowercase hex (the encoder also takes an
 *                        array of integers)
 *   other sequences and arrays   array
 *   tuple                array; the empty tuple () is null
 *   composite            named fields: object {"field": value, …};
 *                        one unnamed field: that field's value (newtypes
 *                        such as AccountId32 or Perbill are transparent);
 *                        several unnamed fields: array; no fields: null
 *   variant              no fields: "Name"; one unnamed field:
 *                        {"Name": value}; several unnamed: {"Name": […]};
 *                        named fields: {"Name": {…}}. Option and Result
 *                        are ordinary variants: "None", {"Some": v},
 *                        {"Ok": v}, {"Err": e}.
 *   BitSequence          "0b…" string of bits, bit 0 first
 *
 * The outer call enum: where the registry says a value has the type of the
 * runtime's call enum (metadata.call_enum), the encoder also takes a
 * string "0x…" as the already-encoded call. Those bytes must decode as
 * exactly one call of that type, or they are refused.
 *
 * Limits: nesting deeper than SCALE_VALUE_MAX_DEPTH or more than
 * SCALE_VALUE_MAX_ELEMS values in one decode are refused with an error that
 * says so (a self-referential type stops at the depth limit; a Vec<()>
 * claiming 2^30 elements at the element limit). Errors name the type id,
 * the path in the value (e.g. ".event.Balances[1]") and the byte offset. */
#ifndef RTFORGE_SCALE_VALUE_H
#define RTFORGE_SCALE_VALUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metadata.h"
#include "scale.h"

#define SCALE_VALUE_MAX_DEPTH 64
#define SCALE_VALUE_MAX_ELEMS 1000000
#define SCALE_VALUE_MAX_OUTPUT ((size_t)64 << 20)	/* encoder's bytes */

/* Decodes one value of the type from the reader, leaving the reader after
 * it. NULL on failure, with the reason in err (the reader is failed too
 * when the bytes were at fault). */
json_t *scale_value_decode(const struct metadata *md, uint32_t type,
    struct scale_reader *r, char *err, size_t errlen);
/* All of data must be exactly one value of the type. */
json_t *scale_value_decode_bytes(const struct metadata *md, uint32_t type,
    const uint8_t *data, size_t len, char *err, size_t errlen);

/* A constant's value, e.g. ("System", "BlockLength") ->
 * {"max": {"normal": 3932160, …}}. NULL when absent or undecodable. */
json_t *scale_value_constant(const struct metadata *md, const char *pallet,
    const char *name, char *err, size_t errlen);

/* The System.Events storage value (Vec<EventRecord>) as an array of
 *   {"phase": {"ApplyExtrinsic": 1} | "Finalization" | "Initialization",
 *    "event": "balances.Transfer",   (pallet in lowerCamel, as polkadot-js)
 *    "pallet": "Balances", "name": "Transfer",
 *    "fields": {…} for named fields, else […] (empty for none),
 *    "topics": ["0x…", …]}
 * The EventRecord type is the one System.Events names in the metadata. */
json_t *scale_value_events(const struct metadata *md, const uint8_t *data,
    size_t len, char *err, size_t errlen);

/* A module error resolved by the metadata: pallet index and the error
 * bytes (the first is the error's variant index; V14-era runtimes send
 * one byte, later ones four). Returns {"pallet": "System", "error":
 * "SpecVersionNeedsToIncrease", "docs": "…", "index": 0, "error_index":
 * 9}, or NULL when the pallet or error is unknown. */
json_t *scale_value_module_error(const struct metadata *md, uint8_t pallet,
    const uint8_t *error, size_t error_len, char *err, size_t errlen);
/* A decoded DispatchError (the shape above): {"Module": {"index": n,
 * "error": "0x…" or n}} is resolved as scale_value_module_error does;
 * any other variant becomes {"error": "BadOrigin"} (its name), or for
 * variants with data {"error": "Token", "detail": <data>}. A new
 * reference; NULL (with err) when it is not a DispatchError shape. */
json_t *scale_value_dispatch_error(const struct metadata *md,
    const json_t *dispatch_error, char *err, size_t errlen);

/* Encodes value as the type into w. false (w untouched past what was
 * written; discard it) with the reason in err: a missing or extra field, an
 * unknown variant, a number out of range, a length that does not match,
 * the writer's cap. */
bool scale_value_encode(const struct metadata *md, uint32_t type,
    const json_t *value, struct scale_writer *w, char *err, size_t errlen);

/* The encoded call: pallet index, call index, then the call's arguments
 * from args, an object by field name (every field, nothing else) or an
 * array in field order (null or an empty array/object for a call without
 * arguments). A new buffer in *out (free it); false with the reason. */
bool scale_value_encode_call(const struct metadata *md, const char *pallet,
    const char *call, const json_t *args, uint8_t **out, size_t *out_len,
    char *err, size_t errlen);

/* The zero value of a type in the JSON shape: 0 for numbers (also
 * through Compact), false, "", "0x" or [] for sequences, zero-filled
 * arrays, and for a variant its first variant with zero fields (None for
 * Option). So a caller can fill an argument whose type differs between
 * runtimes (Sudo.sudo_unchecked_weight's weight: a bare u64 on Rococo
 * 9140, {ref_time, proof_size} later) without knowing which. NULL with the
 * reason for a type without a finite zero (a type that contains itself). */
json_t *scale_value_zero(const struct metadata *md, uint32_t type, char *err,
    size_t errlen);

/* "0x" + lowercase hex of data into a new JSON string. */
json_t *scale_value_hex(const uint8_t *data, size_t len);

#endif
