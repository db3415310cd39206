/* An uploaded runtime, the build worker's half of POST /api/upgrade/upload.
 * The front hands the request body over in a sealed memfd without looking
 * at it. Here the seals are checked, the bytes read with a cap and
 * inspected exactly like a built runtime (common/wasm_inspect.c), and a
 * runtime is stored content-addressed beside the builds and recorded as a
 * finished job of kind "upload"; anything else is refused with the
 * inspection's reason and nothing is stored. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "build_worker.h"
#include "fsutil.h"
#include "ipc_types.h"
#include "jobfile.h"
#include "jobs.h"
#include "log.h"
#include "timefmt.h"
#include "wasm_inspect.h"

/* Sealed against any change of its bytes or size: what was inspected is
 * what gets stored. (F_SEAL_SEAL only stops further sealing.) */
#define UPLOAD_SEALS_NEEDED (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
/* Newest job records searched for an artifact with the same bytes. */
#define UPLOAD_DUPLICATE_SCAN 500

struct upload {
	char name[IPC_UPLOAD_NAME_MAX + 1];
	uint8_t *blob;
	size_t len;
	struct wasm_report report;
	bool inspected;
};

static unsigned
refuse(json_t **body, unsigned status, const char *reason, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static unsigned
refuse(json_t **body, unsigned status, const char *reason, const char *fmt,
    ...)
{
	char msg[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*body = json_pack("{s:s}", "error", msg);
	if (*body && reason)
		json_object_set_new(*body, "reason", json_string(reason));
	return status;
}

bool
upload_name_ok(const char *name, size_t len)
{
	static const char suffix[] = ".wasm";
	const size_t suffix_len = sizeof(suffix) - 1;
	if (len <= suffix_len || len > IPC_UPLOAD_NAME_MAX || name[0] == '.' ||
	    memcmp(name + len - suffix_len, suffix, suffix_len) != 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Reads the whole sealed file; its size cannot change under us. */
static unsigned
read_sealed(int fd, struct upload *up, json_t **body)
{
	int seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & UPLOAD_SEALS_NEEDED) != UPLOAD_SEALS_NEEDED)
		return refuse(body, 500, NULL, "internal error: the upload "
		    "did not arrive sealed against writes (%s); nothing was "
		    "stored, try again", seals < 0 ? strerror(errno) :
		    "seals missing");
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0)
		return refuse(body, 500, NULL, "internal error: the upload is "
		    "not a regular file; nothing was stored, try again");
	if (st.st_size == 0)
		return refuse(body, 400, "empty", "the upload is empty; send "
		    "the runtime's bytes as the request body");
	if ((uint64_t)st.st_size > WASM_MAX_INPUT)
		return refuse(body, 413, "too large", "the upload is %jd bytes; "
		    "a runtime may be at most %zu bytes (10 MiB)",
		    (intmax_t)st.st_size, WASM_MAX_INPUT);
	up->len = (size_t)st.st_size;
	up->blob = malloc(up->len);
	if (up->blob == NULL)
		return refuse(body, 503, NULL, "out of memory reading the "
		    "upload; try again");
	for (size_t got = 0; got < up->len;) {
		ssize_t n = pread(fd, up->blob + got, up->len - got,
		    (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return refuse(body, 500, NULL, "internal error: cannot "
			    "read the upload at byte %zu: %s", got, n < 0 ?
			    strerror(errno) : "it ended early");
		got += (size_t)n;
	}
	return 0;
}

static unsigned
inspect(struct upload *up, json_t **body)
{
	char why[256];
	int rc = wasm_inspect(up->blob, up->len, &up->report, why,
	    sizeof(why));
	up->inspected = true;
	switch (rc) {
	case WASM_OK:
		return 0;
	case WASM_ERR_NOMEM:
	case WASM_ERR_ARG:
		return refuse(body, 503, NULL, "the upload could not be "
		    "inspected: %s; try again", why);
	case WASM_ERR_TOO_LARGE:
		return refuse(body, 413, wasm_status_name(rc), "the upload is "
		    "refused: %s; a runtime may be at most 10 MiB", why);
	default:
		/* WASM_NO_VERSION too: a build may warn about it, but nobody
		 * can tell what an upload without a version would upgrade
		 * to. */
		return refuse(body, 422, wasm_status_name(rc), "the upload is "
		    "refused: %s; nothing was stored", why);
	}
}

/* A stored artifact's file is still there with its size: the record can
 * be handed out again. */
static bool
stored_file_present(json_t *artifact)
{
	const char *rel = json_string_value(json_object_get(artifact, "path"));
	json_int_t size = json_integer_value(json_object_get(artifact, "size"));
	char path[1200];
	struct stat st;
	return rel && strncmp(rel, "artifacts/", 10) == 0 &&
	    strstr(rel, "..") == NULL && fs_join(path, sizeof(path),
	    bw.cfg->state_dir, rel) == 0 && stat(path, &st) == 0 &&
	    S_ISREG(st.st_mode) && st.st_size == (off_t)size;
}

/* The newest runtime artifact (built or uploaded) with these bytes, or
 * NULL. */
static json_t *
find_same_bytes(const char *hash)
{
	size_t count;
	uint64_t *ids = jobfile_list_ids(bw.cfg->state_dir, &count);
	json_t *found = NULL;
	for (size_t i = count, seen = 0; ids && i > 0 && found == NULL &&
	    seen < UPLOAD_DUPLICATE_SCAN; i--, seen++) {
		json_t *job = jobfile_load_record(bw.cfg->state_dir,
		    ids[i - 1]);
		json_t *a = json_object_get(job, "artifact");
		const char *kind = json_string_value(json_object_get(a,
		    "kind"));
		const char *ahash = json_string_value(json_object_get(a,
		    "hash"));
		if (kind && ahash && strcmp(kind, "runtime") == 0 &&
		    strcasecmp(ahash, hash) == 0 && stored_file_present(a))
			found = json_incref(a);
		json_decref(job);
	}
	free(ids);
	return found;
}

static unsigned
reply_existing(json_t *artifact, json_t **body)
{
	const char *source = json_string_value(json_object_get(artifact,
	    "source"));
	char msg[400];
	snprintf(msg, sizeof(msg), "these bytes are already stored as %s "
	    "(job %s, %s); nothing new was stored", json_string_value(
	    json_object_get(artifact, "path")), json_string_value(
	    json_object_get(artifact, "job_id")), source ? "an upload" :
	    "a build");
	json_object_set_new(artifact, "already_stored", json_true());
	json_object_set_new(artifact, "message", json_string(msg));
	*body = artifact;
	return 200;
}

/* Content-addressed: the directory is the hash, so a file already there
 * under the same name holds these bytes unless something damaged it. */
static unsigned
store_file(const struct upload *up, struct artifact_info *a, json_t **body)
{
	char dir[1400], dst[1600];
	const char *hex = up->report.code_hash_hex + 2;
	if (fs_join(dir, sizeof(dir), bw.cfg->state_dir, "artifacts") != 0 ||
	    fs_join(dir + strlen(dir), sizeof(dir) - strlen(dir), "", hex) !=
	    0 || fs_join(dst, sizeof(dst), dir, up->name) != 0)
		return refuse(body, 500, NULL, "the artifact path is too long");
	char have[67];
	bool intact = access(dst, F_OK) == 0 && artifact_hash_path(dst,
	    have) == 0 && strcmp(have, up->report.code_hash_hex) == 0;
	if (fs_mkdirs(dir, 0750) != 0 || (!intact && fs_write_atomic(dst,
	    up->blob, up->len, 0640) != 0)) {
		int e = errno;
		log_warn("cannot store the upload in %s", dir);
		return refuse(body, 500, NULL, "cannot store the upload in "
		    "the artifact store: %s", strerror(e));
	}
	memset(a, 0, sizeof(*a));
	snprintf(a->path, sizeof(a->path), "artifacts/%s/%s", hex, up->name);
	memcpy(a->hash, up->report.code_hash_hex, sizeof(a->hash));
	a->size = up->len;
	format_rfc3339(time(NULL), a->built_at, sizeof(a->built_at));
	return 0;
}

static void
describe(const struct upload *up, const struct artifact_info *a, char *out,
    size_t len)
{
	const struct wasm_report *r = &up->report;
	snprintf(out, len, "uploaded runtime %s spec_version %u, "
	    "transaction_version %u, %zu APIs, %zu bytes uncompressed; stored "
	    "%s (%" PRIu64 " bytes, blake2b-256 %s)", r->spec_name,
	    r->spec_version, r->transaction_version, r->api_count,
	    r->uncompressed_size, a->path, a->size, a->hash);
}

static unsigned
store(struct upload *up, json_t **body)
{
	json_t *existing = find_same_bytes(up->report.code_hash_hex);
	if (existing)
		return reply_existing(existing, body);
	if (up->name[0] == '\0')
		snprintf(up->name, sizeof(up->name), "%s", up->report.compressed ?
		    "runtime.compact.compressed.wasm" : "runtime.wasm");
	struct artifact_info a;
	unsigned status = store_file(up, &a, body);
	if (status != 0)
		return status;
	char note[1000];
	describe(up, &a, note, sizeof(note));
	struct build_job *job = job_record_upload(&a,
	    artifact_runtime_json(&up->report), note);
	json_t *o = job ? job_artifact_json(job) : NULL;
	job_free(job);
	if (o == NULL)
		return refuse(body, 503, NULL, "out of memory recording the "
		    "upload; try again");
	json_object_set_new(o, "already_stored", json_false());
	json_object_set_new(o, "message", json_string("stored; submit it "
	    "with POST /api/upgrade/submit and this hash as \"artifact\""));
	*body = o;
	return 201;
}

unsigned
upload_receive(const char *name, size_t name_len, int fd, json_t **body)
{
	struct upload up;
	memset(&up, 0, sizeof(up));
	*body = NULL;
	unsigned status;
	if (name_len > 0 && !upload_name_ok(name, name_len))
		status = refuse(body, 400, NULL, "the file name in ?name= must "
		    "be 1 to %d letters, digits, '.', '_' or '-', not starting "
		    "with '.', ending in .wasm", IPC_UPLOAD_NAME_MAX);
	else {
		memcpy(up.name, name, name_len);
		up.name[name_len] = '\0';
		status = read_sealed(fd, &up, body);
		if (status == 0)
			status = inspect(&up, body);
		if (status == 0)
			status = store(&up, body);
	}
	close(fd);
	if (up.inspected)
		wasm_report_free(&up.report);
	free(up.blob);
	if (*body == NULL) {
		*body = json_pack("{s:s}", "error", "out of memory; try again");
		status = 503;
	}
	return status;
}
