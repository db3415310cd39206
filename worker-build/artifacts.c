/* The content-addressed artifact store: a finished build's output is
 * copied to <state>/artifacts/<blake2b-256 hex>/<file name>. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "build_worker.h"
#include "fsutil.h"
#include "provenance.h"
#include "wasm_inspect.h"
#include "log.h"
#include "timefmt.h"

static char target_dir[CONFIG_PATH_MAX + 16];
static char cargo_home[CONFIG_PATH_MAX + 16];

const char *
build_target_dir(void)
{
	if (target_dir[0] == '\0') {
		if (bw.cfg->build.target_dir[0])
			snprintf(target_dir, sizeof(target_dir), "%s",
			    bw.cfg->build.target_dir);
		else
			fs_join(target_dir, sizeof(target_dir),
			    bw.cfg->state_dir, "target");
	}
	return target_dir;
}

const char *
build_verify_target_dir(void)
{
	static char dir[CONFIG_PATH_MAX + 32];
	if (dir[0] == '\0')
		fs_join(dir, sizeof(dir), bw.cfg->state_dir, "verify-target");
	return dir;
}

const char *
build_cargo_home(void)
{
	if (cargo_home[0] == '\0') {
		if (bw.cfg->build.cargo_home[0])
			snprintf(cargo_home, sizeof(cargo_home), "%s",
			    bw.cfg->build.cargo_home);
		else
			fs_join(cargo_home, sizeof(cargo_home),
			    bw.cfg->state_dir, "cargo-home");
	}
	return cargo_home;
}

int
artifact_cargo_path(const struct build_job *job, char *out, size_t len)
{
	const struct config_build *b = &bw.cfg->build;
	const char *configured = job->kind == JOB_RUNTIME ?
	    b->runtime_artifact : b->node_artifact;
	int n;
	if (configured[0])
		n = snprintf(out, len, "%s", configured);
	else if (job->kind == JOB_NODE)
		n = snprintf(out, len, "%s/%s", job->profile, b->node_package);
	else {
		char underscored[CONFIG_NAME_MAX];
		snprintf(underscored, sizeof(underscored), "%s",
		    b->runtime_package);
		for (char *p = underscored; *p; p++)
			if (*p == '-')
				*p = '_';
		n = snprintf(out, len, "%s/wbuild/%s/%s.compact.compressed.wasm",
		    job->profile, b->runtime_package, underscored);
	}
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

static void
to_hex(const unsigned char *bin, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 15];
	}
	out[2 * len] = '\0';
}

static int
hash_file(const char *path, struct artifact_info *a, bool want_sha256)
{
	crypto_generichash_state b2;
	crypto_hash_sha256_state sha;
	unsigned char digest[32], buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	crypto_generichash_init(&b2, NULL, 0, sizeof(digest));
	crypto_hash_sha256_init(&sha);
	a->size = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		crypto_generichash_update(&b2, buf, (size_t)n);
		if (want_sha256)
			crypto_hash_sha256_update(&sha, buf, (size_t)n);
		a->size += (uint64_t)n;
	}
	close(fd);
	crypto_generichash_final(&b2, digest, sizeof(digest));
	a->hash[0] = '0';
	a->hash[1] = 'x';
	to_hex(digest, sizeof(digest), a->hash + 2);
	a->sha256[0] = '\0';
	if (want_sha256) {
		crypto_hash_sha256_final(&sha, digest);
		to_hex(digest, sizeof(digest), a->sha256);
	}
	return 0;
}

int
artifact_hash_path(const char *path, char hash[67])
{
	struct artifact_info a;
	if (hash_file(path, &a, false) != 0)
		return -1;
	memcpy(hash, a.hash, sizeof(a.hash));
	return 0;
}

json_t *
artifact_runtime_json(const struct wasm_report *r)
{
	json_t *o = json_pack("{s:b, s:I, s:I, s:I, s:I}", "compressed",
	    r->compressed, "compressed_size", (json_int_t)r->input_size,
	    "uncompressed_size", (json_int_t)r->uncompressed_size, "api_count",
	    (json_int_t)r->api_count, "host_functions",
	    (json_int_t)r->env_func_count);
	if (o == NULL || !r->has_version)
		return o;
	json_object_set_new(o, "spec_name", json_string(r->spec_name));
	json_object_set_new(o, "impl_name", json_string(r->impl_name));
	json_object_set_new(o, "authoring_version",
	    json_integer(r->authoring_version));
	json_object_set_new(o, "spec_version", json_integer(r->spec_version));
	json_object_set_new(o, "impl_version", json_integer(r->impl_version));
	json_object_set_new(o, "transaction_version",
	    r->has_transaction_version ?
	    json_integer(r->transaction_version) : json_null());
	return o;
}

/* What the build produced must be a runtime a node can load; anything
 * else fails the job with the reason. The inspection reads untrusted
 * bytes, which is why it happens here and never in the front. */
static int
inspect_runtime(struct build_job *job, const char *path, char *err,
    size_t errlen)
{
	struct wasm_report report;
	char why[256];
	size_t len;
	uint8_t *blob = (uint8_t *)fs_read_capped(path, WASM_MAX_INPUT,
	    &len);
	if (blob == NULL) {
		snprintf(err, errlen, "the built runtime %s is unreadable or "
		    "over 10 MiB: %s", path, strerror(errno));
		return -1;
	}
	int status = wasm_inspect(blob, len, &report, why, sizeof(why));
	free(blob);
	if (status < 0) {
		snprintf(err, errlen, "the build produced a file that is not a "
		    "runtime: %s", why);
		wasm_report_free(&report);
		return -1;
	}
	if (status == WASM_NO_VERSION)
		job_emit_log(job, "warning", why);
	json_object_set_new(job->artifact_extra, "runtime",
	    artifact_runtime_json(&report));
	char msg[200];
	if (report.has_version)
		snprintf(msg, sizeof(msg), "runtime %s spec_version %u, "
		    "transaction_version %u, %zu APIs, %zu bytes uncompressed",
		    report.spec_name, report.spec_version,
		    report.transaction_version, report.api_count,
		    report.uncompressed_size);
	else
		snprintf(msg, sizeof(msg), "runtime without version section, "
		    "%zu APIs", report.api_count);
	job_emit_log(job, "info", msg);
	wasm_report_free(&report);
	return 0;
}

int
artifact_store(struct build_job *job, char *err, size_t errlen)
{
	char rel[CONFIG_PATH_MAX], src[2 * CONFIG_PATH_MAX], dir[1400],
	    dst[1600];
	struct artifact_info *a = &job->artifact;
	if (artifact_cargo_path(job, rel, sizeof(rel)) != 0 ||
	    fs_join(src, sizeof(src), build_target_dir(), rel) != 0) {
		snprintf(err, errlen, "artifact path too long");
		return -1;
	}
	struct stat st;
	if (stat(src, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cargo succeeded but the artifact %s is "
		    "missing; check build.%s_artifact in the config", src,
		    job->kind == JOB_RUNTIME ? "runtime" : "node");
		return -1;
	}
	if (hash_file(src, a, job->kind == JOB_NODE) != 0) {
		snprintf(err, errlen, "cannot read the artifact %s: %s", src,
		    strerror(errno));
		return -1;
	}
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	snprintf(a->path, sizeof(a->path), "artifacts/%s/%s", a->hash + 2,
	    base);
	if (fs_join(dir, sizeof(dir), bw.cfg->state_dir, "artifacts") != 0 ||
	    fs_join(dir + strlen(dir), sizeof(dir) - strlen(dir), "",
	    a->hash + 2) != 0 || fs_join(dst, sizeof(dst), dir, base) != 0) {
		snprintf(err, errlen, "artifact path too long");
		return -1;
	}
	mode_t mode = job->kind == JOB_NODE ? 0750 : 0640;
	if (fs_mkdirs(dir, 0750) != 0 || (access(dst, F_OK) != 0 &&
	    fs_copy_file(src, dst, mode) != 0)) {
		snprintf(err, errlen, "cannot store the artifact in %s: %s",
		    dir, strerror(errno));
		return -1;
	}
	format_rfc3339(time(NULL), a->built_at, sizeof(a->built_at));
	json_decref(job->artifact_extra);
	job->artifact_extra = json_pack("{s:o}", "provenance",
	    provenance_collect(&bw.cfg->build, job->features, job->git_dirty));
	if (job->kind == JOB_RUNTIME && inspect_runtime(job, dst, err,
	    errlen) != 0)
		return -1;
	job->has_artifact = true;
	char msg[1800];
	snprintf(msg, sizeof(msg), "stored %s (%" PRIu64 " bytes, blake2b-256 "
	    "%s)", a->path, a->size, a->hash);
	job_emit_log(job, "info", msg);
	return 0;
}
