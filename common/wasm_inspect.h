/* Runtime WASM inspection: what exactly is in a blob before anyone submits
 * it. Accepts plain wasm or Substrate's compressed form (8-byte prefix then
 * one zstd frame), walks the module's sections, decodes the
 * `runtime_version` and `runtime_apis` custom sections, lists the `env`
 * function imports (the host functions the runtime needs), and hashes the
 * exact input bytes (blake2b-256, the code hash the chain will see).
 *
 * Every byte comes from outside (a build, an upload, the node), so every
 * length is checked, every buffer is capped, and decompression stops at
 * Substrate's own 50 MiB bomb limit without trusting the frame's header.
 * Inspect untrusted blobs in a worker, never in the front. */
#ifndef RTFORGE_WASM_INSPECT_H
#define RTFORGE_WASM_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Substrate's CODE_BLOB_BOMB_LIMIT: at most this many bytes once
 * decompressed (exactly this many is allowed). */
#define WASM_MAX_UNCOMPRESSED ((size_t)50 << 20)
/* Inputs larger than this are refused before anything else is done. */
#define WASM_MAX_INPUT ((size_t)10 << 20)

#define WASM_NAME_MAX 128		/* spec_name / impl_name, bytes */
#define WASM_MAX_APIS 256		/* runtime_apis entries kept */
#define WASM_MAX_ENV_IMPORTS 1024	/* env function imports; more refused */
#define WASM_IMPORT_NAME_MAX 255	/* an env import's name, refused past */

/* The 8-byte prefix of Substrate's compressed blobs. */
extern const uint8_t wasm_zstd_prefix[8];

enum wasm_status {
	WASM_OK = 0,
	/* A valid module without a runtime_version section (the Rococo genesis
	 * code is one): everything else in the report is filled; the version
	 * is unknown and can only be learnt by running Core_version. */
	WASM_NO_VERSION = 1,

	WASM_ERR_ARG = -1,		/* NULL or unusable arguments */
	WASM_ERR_NOMEM = -2,
	WASM_ERR_TOO_LARGE = -3,	/* input over 10 MiB */
	WASM_ERR_BAD_MAGIC = -4,	/* neither wasm nor compressed wasm */
	WASM_ERR_BAD_VERSION = -5,	/* wasm binary version not 1 */
	WASM_ERR_ZSTD = -6,		/* corrupt or cut zstd frame */
	WASM_ERR_BOMB = -7,		/* over 50 MiB decompressed */
	WASM_ERR_TRAILING = -8,		/* bytes after the frame */
	WASM_ERR_TRUNCATED = -9,	/* a section runs past the end */
	WASM_ERR_MALFORMED = -10,	/* bad LEB128, id, name, import */
	WASM_ERR_LIMIT = -11,		/* env imports over the caps */
	WASM_ERR_VERSION_SECTION = -12,	/* bad runtime_version */
	WASM_ERR_APIS_SECTION = -13,	/* bad runtime_apis */
};

struct wasm_api {
	uint8_t id[8];		/* blake2b-64 of the API trait's name */
	uint32_t version;
};

struct wasm_report {
	/* Filled before anything else can fail (unless the input is over
	 * 10 MiB), so a refusal can still show what was refused. */
	bool compressed;
	size_t input_size;		/* bytes given: the compressed size */
	uint8_t code_hash[32];		/* blake2b-256 of those bytes */
	char code_hash_hex[2 + 64 + 1];	/* "0x…" */

	size_t uncompressed_size;	/* the wasm module's size */
	size_t section_count;

	/* runtime_version, when has_version. Older layouts stop early: the
	 * has_* flags say which optional fields were in the section's bytes.
	 * (A node reads transaction_version only when the Core API is >= 3,
	 * and system_version only when >= 4, using 1 and 0 otherwise.) */
	bool has_version;
	char spec_name[WASM_NAME_MAX + 1];
	char impl_name[WASM_NAME_MAX + 1];
	uint32_t authoring_version;
	uint32_t spec_version;
	uint32_t impl_version;
	size_t version_api_count;	/* its own apis vec, usually empty */
	bool has_transaction_version;
	uint32_t transaction_version;
	bool has_system_version;
	uint8_t system_version;
	size_t version_extra_bytes;	/* after the last known field */
	/* The Core API version in runtime_apis asks for fields the section
	 * lacks (Core >= 3 needs transaction_version, >= 4 system_version):
	 * a node would fail to read this version. */
	bool version_short_for_core;

	/* runtime_apis, when has_apis. api_count is the full count; the
	 * first WASM_MAX_APIS are kept in apis[]. */
	bool has_apis;
	size_t api_count;
	size_t apis_kept;
	struct wasm_api apis[WASM_MAX_APIS];
	/* The Core API's version, from runtime_apis or, without that
	 * section, from runtime_version's own apis; 0 when absent. */
	uint32_t core_version;

	/* Function imports from module "env", in module order; each name a
	 * NUL-terminated copy. Owned by the report: wasm_report_free. */
	size_t import_count;		/* all imports, any module/kind */
	size_t env_func_count;
	char **env_funcs;
};

/* Inspects blob[0..len). Returns WASM_OK, WASM_NO_VERSION (err says "not a
 * runtime: no runtime_version section", the rest of the report is valid)
 * or a negative wasm_status with the reason in err; offsets in messages
 * are within the (decompressed) module, except zstd's, which are within
 * the input. On a refusal the report keeps only the facts about the
 * input (compressed, input_size, code hash, and uncompressed_size once
 * known) and owns no memory. wasm_report_free is safe after any return
 * and needed after WASM_OK and WASM_NO_VERSION. */
int wasm_inspect(const uint8_t *blob, size_t len, struct wasm_report *out,
    char *err, size_t errlen);
void wasm_report_free(struct wasm_report *r);

/* The env function imports of new_code that current lacks: host functions
 * a node running current's code may not provide. Fills names[0..cap) with
 * pointers into new_code (valid while it lives), in new_code's order, and
 * returns how many there are in all (which may exceed cap). */
size_t wasm_new_host_functions(const struct wasm_report *new_code,
    const struct wasm_report *current, const char **names, size_t cap);

/* The pieces, for callers that have them separately and for tests. */

/* Decompresses Substrate's compressed form (prefix included) into a fresh
 * malloc'd buffer, or copies nothing and returns WASM_OK with *out NULL
 * when blob has no prefix. Growth is capped at WASM_MAX_UNCOMPRESSED. */
int wasm_decompress(const uint8_t *blob, size_t len, uint8_t **out,
    size_t *outlen, char *err, size_t errlen);

/* Decodes a runtime_version / runtime_apis section payload into the
 * report's fields. `base` is the payload's offset in the module, for
 * error messages. */
int wasm_decode_runtime_version(const uint8_t *p, size_t len, size_t base,
    struct wasm_report *out, char *err, size_t errlen);
int wasm_decode_runtime_apis(const uint8_t *p, size_t len, size_t base,
    struct wasm_report *out, char *err, size_t errlen);

/* A short name for a status ("ok", "no version section", "bomb", …). */
const char *wasm_status_name(int status);

#endif
