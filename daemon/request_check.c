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

