#include "request_check.h"

#include <stdio.h>
#include <string.h>

json_t *
request_parse_json(const char *data, size_t len, size_t cap, int *status,
    char *err, size_t errlen)
{
	json_error_t jerr;
	*status = 400;
	if (len > cap) {
		*status = 413;
		snprintf(err, errlen, "request body of %zu bytes is over the %zu "
		    "byte limit", len, cap);
		return NULL;
	}
	if (len == 0)
		return json_object();
	json_t *o = json_loadb(data, len, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY, &jerr);
	if (o == NULL) {
		snprintf(err, errlen, "malformed JSON body at line %d column "
		    "%d: %s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		snprintf(err, errlen, "the body must be a JSON object");
		return NULL;
	}
	return o;
}

static int
check_bool(json_t *body, const char *key, char *err, size_t len)
{
	json_t *v = json_object_get(body, key);
	if (v && !json_is_boolean(v)) {
		snprintf(err, len, "field \"%s\" must be true or false", key);
		return -1;
	}
	return 0;
}

static bool
feature_ok(const char *f)
{
	size_t n = strlen(f);
	if (n == 0 || n > FEATURE_NAME_MAX || f[0] == '-' || f[0] == '/')
		return false;
	return strspn(f, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_/") == n;
}

static int
check_features(json_t *body, char *err, size_t len)
{
	json_t *arr = json_object_get(body, "features"), *f;
	size_t i;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > FEATURES_COUNT_MAX) {
		snprintf(err, len, "field \"features\" must be an array of at "
		    "most %d feature names", FEATURES_COUNT_MAX);
		return -1;
	}
	json_array_foreach(arr, i, f) {
		if (!json_is_string(f) || !feature_ok(json_string_value(f))) {
			snprintf(err, len, "features[%zu] must be a cargo "
			    "feature name: letters, digits, '-', '_' or '/', "
			    "not starting with '-' or '/', at most %d "
			    "characters", i, FEATURE_NAME_MAX);
			return -1;
		}
	}
	return 0;
}

static int
check_known_fields(json_t *body, const char *const *known, char *err,
    size_t len)
{
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v) {
		bool ok = false;
		for (size_t i = 0; known[i]; i++)
			ok = ok || strcmp(key, known[i]) == 0;
		if (!ok) {
			char list[256] = "";
			for (size_t i = 0; known[i]; i++) {
				size_t used = strlen(list);
				snprintf(list + used, sizeof(list) - used,
				    "%s%s", i ? ", " : "", known[i]);
			}
			snprintf(err, len, "unknown field \"%.64s\"; this "
			    "endpoint takes: %s", key, list);
			return -1;
		}
	}
	return 0;
}

int
request_check_build(json_t *body, bool node, char *err, size_t len)
{
	static const char *const runtime_fields[] = { "use_docker", "clean",
		"features", "verify_reproducible", NULL };
	static const char *const node_fields[] = { "use_docker", "clean",
		"target", NULL };
	if (check_known_fields(body, node ? node_fields : runtime_fields, err,
	    len) != 0 || check_bool(body, "use_docker", err, len) != 0 ||
	    check_bool(body, "clean", err, len) != 0 ||
	    check_bool(body, "verify_reproducible", err, len) != 0 ||
	    check_features(body, err, len) != 0)
		return 400;
	json_t *target = json_object_get(body, "target");
	if (target && (!json_is_string(target) ||
	    (strcmp(json_string_value(target), "release") != 0 &&
	    strcmp(json_string_value(target), "debug") != 0))) {
		snprintf(err, len, "field \"target\" must be \"release\" or "
		    "\"debug\"");
		return 400;
	}
	if (json_is_true(json_object_get(body, "use_docker"))) {
		snprintf(err, len, "container builds are not available on "
		    "this host yet; send \"use_docker\": false to build "
		    "natively");
		return 422;
	}
	return 0;
}


bool
request_is_hash(const char *s)
{
	if (s == NULL || strncmp(s, "0x", 2) != 0 || strlen(s) != 66)
		return false;
	return strspn(s + 2, "0123456789abcdefABCDEF") == 64;
}

static int
check_upgrade_type(json_t *body, char *err, size_t len)
{
	static const char *const types[] = { "sudo", "authorize_upgrade",
		"democracy_proposal", NULL };
	json_t *t = json_object_get(body, "upgrade_type");
	if (t == NULL)
		return 0;
	for (size_t i = 0; json_is_string(t) && types[i]; i++)
		if (strcmp(json_string_value(t), types[i]) == 0)
			return 0;
	snprintf(err, len, "field \"upgrade_type\" must be \"sudo\", "
	    "\"authorize_upgrade\" or \"democracy_proposal\"");
	return -1;
}

static int
check_small_uint(json_t *body, const char *key, json_int_t max, char *err,
    size_t len)
{
	json_t *v = json_object_get(body, key);
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > max)) {
		snprintf(err, len, "field \"%s\" must be an integer from 0 to "
		    "%lld", key, (long long)max);
		return -1;
	}
	return 0;
}

/* The period of a mortal era: a power of two from 4 to 65536. */
static int
check_mortal_period(json_t *body, char *err, size_t len)
{
	json_t *v = json_object_get(body, "mortal_period");
	json_int_t p = json_integer_value(v);
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || p < 4 || p > 65536 || (p & (p - 1)) != 0) {
		snprintf(err, len, "field \"mortal_period\" must be a power of "
		    "two from 4 to 65536 (blocks the transaction stays valid); "
		    "leave it out for an immortal transaction");
		return -1;
	}
	return 0;
}

static int
check_artifact_choice(json_t *body, char *err, size_t len)
{
	json_t *path = json_object_get(body, "wasm_path");
	json_t *hash = json_object_get(body, "artifact");
	if ((path == NULL) == (hash == NULL)) {
		snprintf(err, len, "name the runtime with exactly one of "
		    "\"wasm_path\" (an artifact's path from GET "
		    "/api/build/artifacts) or \"artifact\" (its hash)");
		return -1;
	}
	if (path && (!json_is_string(path) || json_string_length(path) == 0 ||
	    json_string_length(path) > 1024)) {
		snprintf(err, len, "field \"wasm_path\" must be an artifact's "
		    "\"path\" from GET /api/build/artifacts");
		return -1;
	}
	if (hash && !request_is_hash(json_string_value(hash))) {
		snprintf(err, len, "field \"artifact\" must be an artifact's "
		    "\"hash\": 0x and 64 hex digits");
		return -1;
	}
	return 0;
}

int
request_check_upgrade(json_t *body, char *err, size_t len)
{
	static const char *const fields[] = { "wasm_path", "artifact",
		"expected_hash", "upgrade_type", "account_index",
		"use_quantum_sig", "dry_run", "wait", "mortal_period", NULL };
	if (check_known_fields(body, fields, err, len) != 0 ||
	    check_artifact_choice(body, err, len) != 0 ||
	    check_upgrade_type(body, err, len) != 0 ||
	    check_small_uint(body, "account_index", 7, err, len) != 0 ||
	    check_bool(body, "use_quantum_sig", err, len) != 0 ||
	    check_bool(body, "dry_run", err, len) != 0 ||
	    check_bool(body, "wait", err, len) != 0 ||
	    check_mortal_period(body, err, len) != 0)
		return 400;
	json_t *expected = json_object_get(body, "expected_hash");
	if (expected == NULL) {
		snprintf(err, len, "field \"expected_hash\" is required: the "
		    "code hash you checked (0x and 64 hex digits), so that "
		    "what is signed is what you saw");
		return 400;
	}
	if (!request_is_hash(json_string_value(expected))) {
		snprintf(err, len, "field \"expected_hash\" must be 0x and 64 "
		    "hex digits (the artifact's blake2b-256 \"hash\")");
		return 400;
	}
	return 0;
}
