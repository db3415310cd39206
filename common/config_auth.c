/* auth.tokens and auth.trusted_proxies: see config_auth.h. */
#include "config_auth.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const char *const roles[] = { "viewer", "builder", "upgrader", NULL };

int
config_auth_role_rank(const char *role)
{
	for (int i = 0; roles[i] != NULL; i++)
		if (strcmp(role, roles[i]) == 0)
			return i + 1;
	return 0;
}

bool
config_token_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= CONFIG_TOKEN_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int
copy_member(const json_t *o, const char *name, char *dst, size_t size,
    const char *where, char *why, size_t whylen)
{
	const json_t *v = json_object_get(o, name);
	if (!json_is_string(v)) {
		snprintf(why, whylen, "key \"%s.%s\" must be a string", where,
		    name);
		return -1;
	}
	if (json_string_length(v) >= size || strlen(json_string_value(v)) !=
	    json_string_length(v)) {
		snprintf(why, whylen, "key \"%s.%s\" is longer than %zu bytes "
		    "or holds a NUL", where, name, size - 1);
		return -1;
	}
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int
parse_token(struct config_token *t, const json_t *o, const char *where,
    char *why, size_t whylen)
{
	const char *key;
	const json_t *v;
	if (!json_is_object(o)) {
		snprintf(why, whylen, "key \"%s\" must be an object {\"name\", "
		    "\"role\", \"hash\"}", where);
		return -1;
	}
	json_object_foreach((json_t *)o, key, v) {
		if (strcmp(key, "name") != 0 && strcmp(key, "role") != 0 &&
		    strcmp(key, "hash") != 0) {
			snprintf(why, whylen, "unknown key \"%s.%.64s\" (known: "
			    "name, role, hash)", where, key);
			return -1;
		}
	}
	memset(t, 0, sizeof(*t));
	if (copy_member(o, "name", t->name, sizeof(t->name), where, why,
	    whylen) != 0 || copy_member(o, "role", t->role, sizeof(t->role),
	    where, why, whylen) != 0 || copy_member(o, "hash", t->hash,
	    sizeof(t->hash), where, why, whylen) != 0)
		return -1;
	return 0;
}

int
config_auth_parse_tokens(struct config_auth *auth, const json_t *value,
    const char *path, char *why, size_t whylen)
{
	size_t i;
	const json_t *o;
	char where[96];
	if (!json_is_array(value) || json_array_size(value) >
	    CONFIG_TOKENS_MAX) {
		snprintf(why, whylen, "key \"%s\" must be an array of at most %d "
		    "tokens", path, CONFIG_TOKENS_MAX);
		return -1;
	}
	auth->token_count = 0;
	json_array_foreach(value, i, o) {
		snprintf(where, sizeof(where), "%s[%zu]", path, i);
		if (parse_token(&auth->tokens[i], o, where, why, whylen) != 0)
			return -1;
		auth->token_count = i + 1;
	}
	return 0;
}

bool
config_is_ip(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) ==
	    1;
}

int
config_auth_parse_proxies(struct config_auth *auth, const json_t *value,
    const char *path, char *why, size_t whylen)
{
	size_t i;
	const json_t *v;
	if (!json_is_array(value) || json_array_size(value) >
	    CONFIG_PROXIES_MAX) {
		snprintf(why, whylen, "key \"%s\" must be an array of at most %d "
		    "IP addresses", path, CONFIG_PROXIES_MAX);
		return -1;
	}
	auth->proxy_count = 0;
	json_array_foreach(value, i, v) {
		const char *s = json_string_value(v);
		if (s == NULL || strlen(s) >= CONFIG_ADDRESS_MAX || !config_is_ip(s)) {
			snprintf(why, whylen, "key \"%s[%zu]\" must be an IP "
			    "address such as \"127.0.0.1\" or \"::1\"", path, i);
			return -1;
		}
		snprintf(auth->trusted_proxies[i], CONFIG_ADDRESS_MAX, "%s", s);
		auth->proxy_count = i + 1;
	}
	return 0;
}

int
config_auth_validate(const struct config_auth *auth, char *why,
    size_t whylen)
{
	for (size_t i = 0; i < auth->token_count; i++) {
		const struct config_token *t = &auth->tokens[i];
		if (!config_token_name_ok(t->name)) {
			snprintf(why, whylen, "key \"auth.tokens[%zu].name\" must "
			    "match [A-Za-z0-9_-]{1,32}", i);
			return -1;
		}
		if (config_auth_role_rank(t->role) == 0) {
			snprintf(why, whylen, "key \"auth.tokens[%zu].role\" must "
			    "be \"viewer\", \"builder\" or \"upgrader\"", i);
			return -1;
		}
		if (strncmp(t->hash, "$argon2id$", 10) != 0) {
			snprintf(why, whylen, "key \"auth.tokens[%zu].hash\" must "
			    "be an argon2id hash (\"$argon2id$…\"); make one with "
			    "rtforged --hash-token", i);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(auth->tokens[j].name, t->name) == 0) {
				snprintf(why, whylen, "auth.tokens: the name \"%s\" "
				    "is used twice", t->name);
				return -1;
			}
	}
	return 0;
}

json_t *
config_auth_tokens_to_json(const struct config_auth *auth)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < auth->token_count; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "name",
		    auth->tokens[i].name, "role", auth->tokens[i].role, "hash",
		    auth->tokens[i].hash));
	return a;
}

json_t *
config_auth_proxies_to_json(const struct config_auth *auth)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < auth->proxy_count; i++)
		json_array_append_new(a, json_string(auth->trusted_proxies[i]));
	return a;
}
