/* The guarded key store; see custody.h for the rules it keeps. */
#include "custody.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sodium.h>

#include "keccak.h"
#include "ss58.h"

struct custody_key {
	enum key_scheme scheme;
	uint8_t public_key[CUSTODY_PUBLIC_MAX];
	size_t public_len;
	uint8_t account_id[CUSTODY_ACCOUNT_ID_LEN];
	struct key_secret *secret;	/* sodium_malloc; PROT_NONE when idle */
};

struct custody {
	size_t count;
	struct custody_key keys[CUSTODY_MAX_KEYS];
	struct key_secret *reserved;	/* being filled by a loader */
};

static const char *const scheme_names[] = {
	[KEY_SCHEME_SR25519] = "sr25519",
	[KEY_SCHEME_ED25519] = "ed25519",
	[KEY_SCHEME_SPHINCS] = "sphincs",
};

const char *
key_scheme_name(enum key_scheme scheme)
{
	if ((size_t)scheme < sizeof(scheme_names) / sizeof(scheme_names[0]))
		return scheme_names[scheme];
	return "unknown";
}

int
key_scheme_parse(const char *name, enum key_scheme *scheme)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(scheme_names) / sizeof(scheme_names[0]);
	    i++) {
		if (strcmp(name, scheme_names[i]) == 0) {
			*scheme = (enum key_scheme)i;
			return 0;
		}
	}
	if (strcmp(name, "sphincs+") == 0) {
		*scheme = KEY_SCHEME_SPHINCS;
		return 0;
	}
	return -1;
}

size_t
key_scheme_public_len(enum key_scheme scheme)
{
	return scheme == KEY_SCHEME_SPHINCS ? SPHINCS_PK_BYTES :
	    SR25519_PUBLIC_LEN;
}

size_t
key_scheme_signature_len(enum key_scheme scheme)
{
	return scheme == KEY_SCHEME_SPHINCS ? SPHINCS_SIG_BYTES :
	    SR25519_SIGNATURE_LEN;
}

void
custody_wipe(void *p, size_t len)
{
	if (p != NULL)
		sodium_memzero(p, len);
}

int
custody_harden_process(char *err, size_t errlen)
{
	struct rlimit none = { 0, 0 };

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		snprintf(err, errlen, "custody: prctl(PR_SET_DUMPABLE, 0): %s",
		    strerror(errno));
		return -1;
	}
	if (setrlimit(RLIMIT_CORE, &none) != 0) {
		snprintf(err, errlen, "custody: setrlimit(RLIMIT_CORE, 0): %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

struct custody *
custody_new(char *err, size_t errlen)
{
	struct custody *c;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "custody: libsodium failed to start");
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		snprintf(err, errlen, "custody: out of memory");
	return c;
}

/* libsodium locks and marks sodium_malloc pages itself but ignores
 * failures; do it again on the page-aligned span and insist on mlock.
 * mlock goes through syscall(2): AddressSanitizer intercepts mlock() and
 * turns it into a no-op that reports success, libsodium's call included,
 * so the sanitizer build would otherwise hold its keys in swappable
 * memory without anyone knowing. */
static int
guard_pages(void *p, size_t len, char *err, size_t errlen)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)p & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + len + page - 1) & ~(page - 1);

	if (madvise((void *)start, end - start, MADV_DONTDUMP) != 0) {
		snprintf(err, errlen, "custody: cannot exclude key memory "
		    "from core dumps (madvise: %s)", strerror(errno));
		return -1;
	}
	if (syscall(SYS_mlock, (void *)start, end - start) != 0) {
		snprintf(err, errlen, "custody: cannot lock key memory in RAM "
		    "(mlock: %s): raise the memlock limit (LimitMEMLOCK=)",
		    strerror(errno));
		return -1;
	}
	return 0;
}

static void
secret_free(struct key_secret *s)
{
	if (s == NULL)
		return;
	/* sodium_free wipes the region before unmapping it; it needs it
	 * writable to check the canary. */
	sodium_mprotect_readwrite(s);
	sodium_memzero(s, sizeof(*s));
	sodium_free(s);
}

struct key_secret *
custody_reserve(struct custody *c, char *err, size_t errlen)
{
	struct key_secret *s;

	if (c->reserved != NULL) {
		snprintf(err, errlen, "custody: a key is already being loaded");
		return NULL;
	}
	if (c->count >= CUSTODY_MAX_KEYS) {
		snprintf(err, errlen, "custody: at most %d keys can be held",
		    CUSTODY_MAX_KEYS);
		return NULL;
	}
	if ((s = sodium_malloc(sizeof(*s))) == NULL) {
		snprintf(err, errlen, "custody: cannot allocate guarded "
		    "memory: %s", strerror(errno));
		return NULL;
	}
	sodium_memzero(s, sizeof(*s));
	if (guard_pages(s, sizeof(*s), err, errlen) != 0) {
		sodium_free(s);
		return NULL;
	}
	c->reserved = s;
	return s;
}

void
custody_abort(struct custody *c)
{
	if (c == NULL)
		return;
	secret_free(c->reserved);
	c->reserved = NULL;
}

/* Recomputes the public key from the secret; 0 when it matches what the
 * slot says and out gets it. */
static int
recompute_public(const struct key_secret *s, uint8_t *out, size_t *len)
{
	struct sr25519_keypair sr;
	struct ed25519_keypair ed;
	uint8_t sk[SPHINCS_SK_BYTES];
	int rc = -1;

	switch (s->scheme) {
	case KEY_SCHEME_SR25519:
		if (sr25519_keypair_from_secret(&sr, s->key.sr25519.secret) ==
		    0 && sodium_memcmp(sr.public_key, s->key.sr25519.public_key,
		    SR25519_PUBLIC_LEN) == 0) {
			memcpy(out, sr.public_key, SR25519_PUBLIC_LEN);
			*len = SR25519_PUBLIC_LEN;
			rc = 0;
		}
		sr25519_keypair_clear(&sr);
		break;
	case KEY_SCHEME_ED25519:
		if (ed25519_keypair_from_seed(&ed, s->key.ed25519.secret) ==
		    0 && sodium_memcmp(&ed, &s->key.ed25519, sizeof(ed)) == 0) {
			memcpy(out, ed.public_key, ED25519_PUBLIC_LEN);
			*len = ED25519_PUBLIC_LEN;
			rc = 0;
		}
		ed25519_keypair_clear(&ed);
		break;
	case KEY_SCHEME_SPHINCS:
		/* The public key is recomputed from the seeds (the first 96
		 * bytes), never trusted from the secret key's tail. */
		if (sphincs_keypair_from_seed(out, sk, s->key.sphincs) == 0 &&
		    sodium_memcmp(sk, s->key.sphincs, SPHINCS_SK_BYTES) == 0) {
			*len = SPHINCS_PK_BYTES;
			rc = 0;
		}
		sodium_memzero(sk, sizeof(sk));
		break;
	}
	return rc;
}

int
custody_commit(struct custody *c, char *err, size_t errlen)
{
	struct key_secret *s = c->reserved;
	struct custody_key *k;

	if (s == NULL) {
		snprintf(err, errlen, "custody: no key is being loaded");
		return -1;
	}
	k = &c->keys[c->count];
	memset(k, 0, sizeof(*k));
	if ((size_t)s->scheme >= sizeof(scheme_names) /
	    sizeof(scheme_names[0])) {
		snprintf(err, errlen, "custody: unknown key scheme");
		custody_abort(c);
		return -1;
	}
	if (recompute_public(s, k->public_key, &k->public_len) != 0) {
		snprintf(err, errlen, "%s key: its public key does not match "
		    "the one its secret gives (corrupt, or another scheme)",
		    key_scheme_name(s->scheme));
		custody_abort(c);
		return -1;
	}
	if (s->scheme == KEY_SCHEME_SPHINCS)
		keccak256(k->account_id, k->public_key, k->public_len);
	else
		memcpy(k->account_id, k->public_key, CUSTODY_ACCOUNT_ID_LEN);
	k->scheme = s->scheme;
	if (sodium_mprotect_noaccess(s) != 0) {
		snprintf(err, errlen, "custody: cannot protect key memory "
		    "(mprotect: %s)", strerror(errno));
		custody_abort(c);
		return -1;
	}
	k->secret = s;
	c->reserved = NULL;
	return (int)c->count++;
}

size_t
custody_count(const struct custody *c)
{
	return c == NULL ? 0 : c->count;
}

static const struct custody_key *
key_at(const struct custody *c, size_t index)
{
	if (c == NULL || index >= c->count)
		return NULL;
	return &c->keys[index];
}

int
custody_scheme(const struct custody *c, size_t index,
    enum key_scheme *scheme)
{
	const struct custody_key *k = key_at(c, index);

	if (k == NULL)
		return -1;
	*scheme = k->scheme;
	return 0;
}

int
custody_public(const struct custody *c, size_t index, uint8_t *out,
    size_t cap, size_t *len)
{
	const struct custody_key *k = key_at(c, index);

	if (k == NULL || cap < k->public_len)
		return -1;
	memcpy(out, k->public_key, k->public_len);
	*len = k->public_len;
	return 0;
}

int
custody_account_id(const struct custody *c, size_t index,
    uint8_t out[CUSTODY_ACCOUNT_ID_LEN])
{
	const struct custody_key *k = key_at(c, index);

	if (k == NULL)
		return -1;
	memcpy(out, k->account_id, CUSTODY_ACCOUNT_ID_LEN);
	return 0;
}

static int
sign_with(const struct key_secret *s, const uint8_t *msg, size_t len,
    uint8_t *sig)
{
	switch (s->scheme) {
	case KEY_SCHEME_SR25519:
		return sr25519_sign(sig, &s->key.sr25519,
		    (const uint8_t *)SR25519_SUBSTRATE_CONTEXT,
		    strlen(SR25519_SUBSTRATE_CONTEXT), msg, len);
	case KEY_SCHEME_ED25519:
		return ed25519_sign(sig, &s->key.ed25519, msg, len);
	case KEY_SCHEME_SPHINCS:
		return sphincs_sign(sig, msg, len, s->key.sphincs, NULL);
	}
	return -1;
}

int
custody_sign(struct custody *c, size_t index, const uint8_t *msg,
    size_t len, uint8_t *sig, size_t sig_cap, size_t *sig_len, char *err,
    size_t errlen)
{
	const struct custody_key *k = key_at(c, index);
	size_t need;
	int rc;

	if (k == NULL) {
		snprintf(err, errlen, "custody: no key with index %zu (%zu "
		    "loaded)", index, custody_count(c));
		return -1;
	}
	need = key_scheme_signature_len(k->scheme);
	if (sig == NULL || sig_cap < need || (msg == NULL && len > 0)) {
		snprintf(err, errlen, "custody: a %s signature needs %zu bytes",
		    key_scheme_name(k->scheme), need);
		return -1;
	}
	if (sodium_mprotect_readonly(k->secret) != 0) {
		snprintf(err, errlen, "custody: cannot unprotect key memory "
		    "(mprotect: %s)", strerror(errno));
		return -1;
	}
	rc = sign_with(k->secret, msg == NULL ? (const uint8_t *)"" : msg,
	    len, sig);
	if (sodium_mprotect_noaccess(k->secret) != 0)
		rc = -1;	/* never leave a key readable */
	if (rc != 0) {
		sodium_memzero(sig, need);
		snprintf(err, errlen, "custody: %s signing failed",
		    key_scheme_name(k->scheme));
		return -1;
	}
	*sig_len = need;
	return 0;
}

static json_t *
hex_string(const uint8_t *bytes, size_t len)
{
	char hex[2 + 2 * CUSTODY_PUBLIC_MAX + 1] = "0x";

	if (len > CUSTODY_PUBLIC_MAX)
		return NULL;
	sodium_bin2hex(hex + 2, sizeof(hex) - 2, bytes, len);
	return json_string(hex);
}

static json_t *
describe_key(const struct custody_key *k, size_t index, uint16_t prefix)
{
	char address[SS58_ADDRESS_MAX];

	if (ss58_encode(address, sizeof(address), k->account_id, prefix) !=
	    SS58_OK)
		return NULL;
	return json_pack("{s:I, s:s, s:o, s:o, s:s}", "index",
	    (json_int_t)index, "scheme", key_scheme_name(k->scheme),
	    "public_key", hex_string(k->public_key, k->public_len),
	    "account_id", hex_string(k->account_id, CUSTODY_ACCOUNT_ID_LEN),
	    "ss58", address);
}

json_t *
custody_describe(const struct custody *c, uint16_t ss58_prefix)
{
	json_t *all = json_array();

	for (size_t i = 0; all != NULL && i < custody_count(c); i++) {
		json_t *one = describe_key(&c->keys[i], i, ss58_prefix);
		if (one == NULL || json_array_append_new(all, one) != 0) {
			json_decref(all);
			return NULL;
		}
	}
	return all;
}

void
custody_free(struct custody *c)
{
	if (c == NULL)
		return;
	custody_abort(c);
	for (size_t i = 0; i < c->count; i++)
		secret_free(c->keys[i].secret);
	sodium_memzero(c, sizeof(*c));
	free(c);
}
