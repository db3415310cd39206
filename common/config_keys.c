/* The sign worker's key list in the config: where each key lives, never
 * the key. See config_keys.h. */
#include "config_keys.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "textutil.h"

static int __attribute__((format(printf, 3, 4)))
refuse(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *const schemes[] = { "sr25519", "ed25519", "sphincs", NULL };
static const char *const key_members[] = { "scheme", "file", "password_file",
	"suri", NULL };

bool
config_scheme_known(const char *scheme)
{
	for (size_t i = 0; schemes[i] != NULL; i++)
		if (strcmp(scheme, schemes[i]) == 0)
			return true;
	return false;
}

static bool
is_member(const char *name)
{
	for (size_t i = 0; key_members[i] != NULL; i++)
		if (strcmp(name, key_members[i]) == 0)
			return true;
	return false;
}

static char *
member_buffer(struct config_key *k, const char *name, size_t *size)
{
	if (strcmp(name, "scheme") == 0) {
		*size = sizeof(k->scheme);
		return k->scheme;
	}
	if (strcmp(name, "file") == 0) {
		*size = sizeof(k->file);
		return k->file;
	}
	if (strcmp(name, "password_file") == 0) {
		*size = sizeof(k->password_file);
		return k->password_file;
	}
	*size = sizeof(k->suri);
	return k->suri;
}

static int
parse_member(struct config_key *k, const char *name, const json_t *value,
    const char *where, char *why, size_t whylen)
{
	size_t size, len;
	char *dst;

	if (!is_member(name)) {
		snprintf(why, whylen, "unknown key \"%s.%.64s\" (known: scheme, "
		    "file, password_file, suri)", where, name);
		return -1;
	}
	if (!json_is_string(value)) {
		snprintf(why, whylen, "key \"%s.%s\" must be a string", where,
		    name);
		return -1;
	}
	dst = member_buffer(k, name, &size);
	len = json_string_length(value);
	if (strlen(json_string_value(value)) != len || len >= size) {
		snprintf(why, whylen, "key \"%s.%s\" must be a string without "
		    "NUL bytes of at most %zu bytes", where, name, size - 1);
		return -1;
	}
	memcpy(dst, json_string_value(value), len + 1);
	return 0;
}

static int
parse_key(struct config_key *k, const json_t *value, const char *where,
    char *why, size_t whylen)
{
	const char *name;
	json_t *member;

	memset(k, 0, sizeof(*k));
	if (!json_is_object(value)) {
		snprintf(why, whylen, "key \"%s\" must be an object such as "
		    "{\"scheme\": \"sr25519\", \"file\": \"/etc/rtforge/keys/"
		    "sudo.json\", \"password_file\": \"sudo-pass\"}", where);
		return -1;
	}
	json_object_foreach((json_t *)value, name, member) {
		if (parse_member(k, name, member, where, why, whylen) == -1)
			return -1;
	}
	return 0;
}

int
config_keys_parse(struct config_sign *sign, const json_t *value,
    const char *path, char *why, size_t whylen)
{
	size_t i;
	json_t *item;

	if (!json_is_array(value)) {
		snprintf(why, whylen, "key \"%s\" must be an array of key "
		    "objects", path);
		return -1;
	}
	if (json_array_size(value) > CONFIG_KEYS_MAX) {
		snprintf(why, whylen, "key \"%s\" lists %zu keys; at most %d "
		    "are allowed", path, json_array_size(value),
		    CONFIG_KEYS_MAX);
		return -1;
	}
	memset(sign->keys, 0, sizeof(sign->keys));
	sign->key_count = 0;
	json_array_foreach(value, i, item) {
		char where[64];
		snprintf(where, sizeof(where), "%s[%zu]", path, i);
		if (parse_key(&sign->keys[i], item, where, why, whylen) == -1)
			return -1;
		sign->key_count++;
	}
	return 0;
}

static bool
terminated(const char *buf, size_t size)
{
	return memchr(buf, '\0', size) != NULL;
}

static bool
is_absolute_clean(const char *s)
{
	return s[0] == '/' && strstr(s, "/../") == NULL &&
	    (strlen(s) < 3 || strcmp(s + strlen(s) - 3, "/..") != 0);
}

/* A systemd credential name: what LoadCredential= accepts, no path. */
static bool
is_credential_name(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > 255 || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-", *p) != NULL))
			return false;
	return true;
}

static int
validate_key(const struct config_key *k, size_t i, bool dev, char *why,
    size_t whylen)
{
	if (!terminated(k->scheme, sizeof(k->scheme)) ||
	    !terminated(k->file, sizeof(k->file)) ||
	    !terminated(k->password_file, sizeof(k->password_file)) ||
	    !terminated(k->suri, sizeof(k->suri)))
		return refuse(why, whylen, "key \"sign.keys[%zu]\" has a "
		    "value that is not NUL-terminated", i);
	if (!config_scheme_known(k->scheme))
		return refuse(why, whylen, "key \"sign.keys[%zu].scheme\" "
		    "must be \"sr25519\", \"ed25519\" or \"sphincs\"", i);
	if (k->suri[0] != '\0') {
		if (!dev)
			return refuse(why, whylen, "key \"sign.keys[%zu]."
			    "suri\" is allowed only with --dev: a secret must "
			    "not live in the config, which every role reads; "
			    "put it in a file (mode 0600, owned by the sign "
			    "user) and set \"file\"", i);
		if (k->file[0] != '\0')
			return refuse(why, whylen, "key \"sign.keys[%zu]\" "
			    "sets both \"suri\" and \"file\"; keep one", i);
		if (!utf8_valid((const uint8_t *)k->suri, strlen(k->suri)))
			return refuse(why, whylen, "key \"sign.keys[%zu]."
			    "suri\" must be UTF-8", i);
		return 0;
	}
	if (!is_absolute_clean(k->file))
		return refuse(why, whylen, "key \"sign.keys[%zu].file\" must "
		    "be an absolute path with no \"..\" segment", i);
	if (k->password_file[0] != '\0' && !is_absolute_clean(k->password_file)
	    && !is_credential_name(k->password_file))
		return refuse(why, whylen, "key \"sign.keys[%zu]."
		    "password_file\" must be an absolute path, or the name of a "
		    "systemd credential (letters, digits, \".\", \"_\", \"-\")",
		    i);
	return 0;
}

static bool
is_hash_text(const char *s)
{
	if (strncmp(s, "0x", 2) != 0 || strlen(s) != 66)
		return false;
	for (const char *p = s + 2; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		    (*p >= 'A' && *p <= 'F')))
			return false;
	return true;
}

int
config_keys_validate(const struct config_sign *sign, bool dev, char *why,
    size_t whylen)
{
	if (sign->key_count > CONFIG_KEYS_MAX)
		return refuse(why, whylen, "key \"sign.keys\" lists too many "
		    "keys");
	for (size_t i = 0; i < sign->key_count; i++)
		if (validate_key(&sign->keys[i], i, dev, why, whylen) == -1)
			return -1;
	if (sign->key_count > 0 && sign->account_index >= sign->key_count)
		return refuse(why, whylen, "key \"sign.account_index\" is %u, "
		    "but \"sign.keys\" has only %zu key%s (indices from 0)",
		    sign->account_index, sign->key_count,
		    sign->key_count == 1 ? "" : "s");
	if (!terminated(sign->genesis_hash, sizeof(sign->genesis_hash)) ||
	    (sign->genesis_hash[0] != '\0' && !is_hash_text(sign->genesis_hash)))
		return refuse(why, whylen, "key \"sign.genesis_hash\" must be "
		    "\"\" or 0x and 64 hex digits (the chain's block 0 hash, "
		    "from chain_getBlockHash(0))");
	return 0;
}

static json_t *
key_to_json(const struct config_key *k)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (json_object_set_new(o, "scheme", json_string(k->scheme)) == -1 ||
	    (k->file[0] && json_object_set_new(o, "file",
	    json_string(k->file)) == -1) ||
	    (k->password_file[0] && json_object_set_new(o, "password_file",
	    json_string(k->password_file)) == -1) ||
	    (k->suri[0] && json_object_set_new(o, "suri",
	    json_string(k->suri)) == -1)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
config_keys_to_json(const struct config_sign *sign)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < sign->key_count &&
	    i < CONFIG_KEYS_MAX; i++)
		if (json_array_append_new(a, key_to_json(&sign->keys[i])) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}
