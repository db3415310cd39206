/* Browser sessions: a random 256-bit id in an HttpOnly cookie, kept here
 * only as its BLAKE2b hash (a memory dump shows no usable id), with the
 * token it was opened with and an expiry. In memory: a restart logs
 * everyone out, which costs one login. */
#include <string.h>

#include <sodium.h>

#include "auth_int.h"

#define SESSIONS_MAX 1024

struct session {
	uint8_t id_hash[32];
	int token_index;	/* -1: free */
	time_t expires;
};

static struct session sessions[SESSIONS_MAX];
static bool ready;

static void
init_once(void)
{
	if (ready)
		return;
	for (size_t i = 0; i < SESSIONS_MAX; i++)
		sessions[i].token_index = -1;
	ready = true;
}

static bool
hash_id(const char *id_hex, uint8_t out[32])
{
	uint8_t id[32];
	size_t len;
	if (id_hex == NULL || strlen(id_hex) != AUTH_SESSION_ID_HEX ||
	    sodium_hex2bin(id, sizeof(id), id_hex, AUTH_SESSION_ID_HEX, NULL,
	    &len, NULL) != 0 || len != sizeof(id))
		return false;
	crypto_generichash(out, 32, id, sizeof(id), NULL, 0);
	sodium_memzero(id, sizeof(id));
	return true;
}

/* A free or expired slot, else the one closest to expiry. */
static struct session *
free_slot(time_t now)
{
	struct session *oldest = &sessions[0];
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		if (sessions[i].token_index < 0 || sessions[i].expires <= now)
			return &sessions[i];
		if (sessions[i].expires < oldest->expires)
			oldest = &sessions[i];
	}
	return oldest;
}

int
sessions_create(int token_index, unsigned ttl,
    char id_hex[AUTH_SESSION_ID_HEX + 1], time_t *expires)
{
	uint8_t id[32];
	time_t now = time(NULL);
	init_once();
	randombytes_buf(id, sizeof(id));
	struct session *s = free_slot(now);
	crypto_generichash(s->id_hash, 32, id, sizeof(id), NULL, 0);
	s->token_index = token_index;
	s->expires = now + (time_t)ttl;
	sodium_bin2hex(id_hex, AUTH_SESSION_ID_HEX + 1, id, sizeof(id));
	sodium_memzero(id, sizeof(id));
	*expires = s->expires;
	return 0;
}

static struct session *
find(const char *id_hex)
{
	uint8_t h[32];
	init_once();
	if (!hash_id(id_hex, h))
		return NULL;
	for (size_t i = 0; i < SESSIONS_MAX; i++)
		if (sessions[i].token_index >= 0 &&
		    sodium_memcmp(sessions[i].id_hash, h, 32) == 0)
			return &sessions[i];
	return NULL;
}

int
sessions_lookup(const char *id_hex)
{
	struct session *s = find(id_hex);
	if (s == NULL)
		return -1;
	if (s->expires <= time(NULL)) {
		s->token_index = -1;
		return -1;
	}
	return s->token_index;
}

void
sessions_delete(const char *id_hex)
{
	struct session *s = find(id_hex);
	if (s) {
		sodium_memzero(s, sizeof(*s));
		s->token_index = -1;
	}
}

void
sessions_forget_tokens(const bool *kept, size_t count)
{
	init_once();
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		int t = sessions[i].token_index;
		if (t >= 0 && ((size_t)t >= count || !kept[t]))
			sessions[i].token_index = -1;
	}
}
