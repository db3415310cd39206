/* Hex, storage keys and node calls for the upgrade flow. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "twox.h"
#include "upgrade_int.h"

char *
upgrade_hex(const uint8_t *data, size_t len)
{
	if (len > (SIZE_MAX - 3) / 2)
		return NULL;
	char *out = malloc(2 * len + 3);
	if (out == NULL)
		return NULL;
	out[0] = '0';
	out[1] = 'x';
	sodium_bin2hex(out + 2, 2 * len + 1, data, len);
	return out;
}

int
upgrade_unhex32(const char *text, uint8_t out[32])
{
	size_t len;
	if (text == NULL || strlen(text) != 66 || text[0] != '0' ||
	    (text[1] != 'x' && text[1] != 'X'))
		return -1;
	return sodium_hex2bin(out, 32, text + 2, 64, NULL, &len, NULL) == 0 &&
	    len == 32 ? 0 : -1;
}

uint8_t *
upgrade_unhex(const json_t *s, size_t max, size_t *len, char *err,
    size_t errlen)
{
	if (!json_is_string(s)) {
		snprintf(err, errlen, "the node answered %s where hex was "
		    "expected", json_is_null(s) ? "null" : "a non-string");
		return NULL;
	}
	return metadata_unhex(json_string_value(s), json_string_length(s), max,
	    len, err, errlen);
}

char *
upgrade_storage_key(const char *pallet, const char *item,
    const uint8_t *map_key, size_t map_key_len)
{
	uint8_t key[TWOX_STORAGE_PREFIX_LEN + 16 + 64];
	size_t len = TWOX_STORAGE_PREFIX_LEN;
	twox_storage_prefix(key, pallet, item);
	if (map_key != NULL) {
		if (map_key_len > 64)
			return NULL;
		crypto_generichash(key + len, 16, map_key, map_key_len, NULL, 0);
		len += 16;
		memcpy(key + len, map_key, map_key_len);
		len += map_key_len;
	}
	return upgrade_hex(key, len);
}

uint64_t
upgrade_rpc(const char *method, json_t *params, size_t cap, rpc_callback cb,
    void *arg)
{
	char *text = params ? json_dumps(params, JSON_COMPACT) : NULL;
	json_decref(params);
	if (text == NULL || uctx.rpc == NULL) {
		free(text);
		return 0;
	}
	uint64_t id = rpc_call(uctx.rpc, method, text, UPGRADE_RPC_TIMEOUT, cap,
	    cb, arg);
	free(text);
	return id;
}

/* ["<first>", "0x…"] or ["0x…"] built by hand: jansson would scan and
 * copy a multi-megabyte hex string several times over. Both strings are
 * plain ASCII that needs no escaping (a method name, hex digits). */
uint64_t
upgrade_rpc_hex(const char *method, const char *first, const char *hex,
    size_t cap, rpc_callback cb, void *arg)
{
	size_t first_len = first ? strlen(first) : 0, hex_len = strlen(hex);
	size_t len = first_len + hex_len + 16;
	char *text = malloc(len);
	if (text == NULL || uctx.rpc == NULL) {
		free(text);
		return 0;
	}
	size_t at = 0;
	text[at++] = '[';
	if (first) {
		text[at++] = '"';
		memcpy(text + at, first, first_len);
		at += first_len;
		text[at++] = '"';
		text[at++] = ',';
	}
	text[at++] = '"';
	memcpy(text + at, hex, hex_len);
	at += hex_len;
	text[at++] = '"';
	text[at++] = ']';
	text[at] = '\0';
	uint64_t id = rpc_call(uctx.rpc, method, text, UPGRADE_RPC_TIMEOUT, cap,
	    cb, arg);
	free(text);
	return id;
}
