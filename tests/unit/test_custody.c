/* Key custody (worker-sign/custody.c): keys go into guarded memory, come
 * out only as signatures that the schemes' own verify functions accept,
 * describe() shows no secret, and the memory is locked, excluded from
 * dumps and inaccessible while idle (read from /proc/self/smaps: reading
 * the key itself would fault, which is the point). */
#include "custody.h"
#include "keccak.h"
#include "ss58.h"
#include "testlib.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <sodium.h>

static const uint8_t msg[] = "rtforge custody test message";

static void
fixed_bytes(uint8_t *out, size_t len, uint8_t start)
{
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(start + 7 * i);
}

/* The flags and permissions of the mapping that holds p, from smaps. */
static bool
mapping_of(const void *p, char *perms, size_t perms_len, char *flags,
    size_t flags_len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool inside = false, found = false;
	uintptr_t a = (uintptr_t)p;

	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;
		char pr[8];
		if (sscanf(line, "%lx-%lx %7s ", &lo, &hi, pr) == 3 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			inside = a >= lo && a < hi;
			if (inside)
				snprintf(perms, perms_len, "%s", pr);
		} else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
			snprintf(flags, flags_len, "%s", line + 8);
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

static bool
has_flag(const char *flags, const char *flag)
{
	char padded[8];

	snprintf(padded, sizeof(padded), " %s ", flag);
	return strstr(flags, padded) != NULL;
}

static int
add_sr25519(struct custody *c, uint8_t seed_start, struct key_secret **where)
{
	char err[CUSTODY_ERR_MAX];
	uint8_t seed[32];
	struct key_secret *s = custody_reserve(c, err, sizeof(err));

	if (s == NULL)
		return -1;
	fixed_bytes(seed, sizeof(seed), seed_start);
	s->scheme = KEY_SCHEME_SR25519;
	if (sr25519_keypair_from_mini_secret(&s->key.sr25519, seed) != 0) {
		custody_abort(c);
		return -1;
	}
	if (where)
		*where = s;
	return custody_commit(c, err, sizeof(err));
}

static void
test_harden(void)
{
	char err[CUSTODY_ERR_MAX];
	struct rlimit rl;

	CHECK(custody_harden_process(err, sizeof(err)) == 0);
	CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
	CHECK(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 &&
	    rl.rlim_max == 0);
}

static void
test_sr25519(void)
{
	char err[CUSTODY_ERR_MAX];
	struct custody *c = custody_new(err, sizeof(err));
	uint8_t sig[CUSTODY_SIGNATURE_MAX], pk[CUSTODY_PUBLIC_MAX];
	uint8_t id[32];
	size_t sig_len = 0, pk_len = 0;
	enum key_scheme scheme;
	struct key_secret *slot = NULL;
	char perms[8] = "", flags[256] = "";

	CHECK(c != NULL);
	CHECK(add_sr25519(c, 1, &slot) == 0);
	CHECK(custody_count(c) == 1);
	CHECK(custody_scheme(c, 0, &scheme) == 0 &&
	    scheme == KEY_SCHEME_SR25519);
	CHECK(custody_public(c, 0, pk, sizeof(pk), &pk_len) == 0 &&
	    pk_len == 32);
	CHECK(custody_account_id(c, 0, id) == 0 && memcmp(id, pk, 32) == 0);
	CHECK(custody_sign(c, 0, msg, sizeof(msg), sig, sizeof(sig), &sig_len,
	    err, sizeof(err)) == 0 && sig_len == 64);
	CHECK(sr25519_verify(sig, (const uint8_t *)"substrate", 9, msg,
	    sizeof(msg), pk) == 0);
	CHECK(sr25519_verify(sig, (const uint8_t *)"substrate", 9, msg,
	    sizeof(msg) - 1, pk) != 0);
	/* Idle key memory: no access, locked, not in core dumps. */
	CHECK(mapping_of(slot, perms, sizeof(perms), flags, sizeof(flags)));
	CHECK_STR(perms, "---p");
	CHECK(has_flag(flags, "lo"));
	CHECK(has_flag(flags, "dd"));
	/* Signing leaves it inaccessible again. */
	CHECK(mapping_of(slot, perms, sizeof(perms), flags, sizeof(flags)) &&
	    strcmp(perms, "---p") == 0);
	/* A too-small buffer and an unknown index are refused. */
	CHECK(custody_sign(c, 0, msg, sizeof(msg), sig, 63, &sig_len, err,
	    sizeof(err)) != 0);
	CHECK(custody_sign(c, 1, msg, sizeof(msg), sig, sizeof(sig), &sig_len,
	    err, sizeof(err)) != 0);
	CHECK(strstr(err, "no key with index 1") != NULL);
	CHECK(custody_public(c, 1, pk, sizeof(pk), &pk_len) != 0);
	custody_free(c);
}

static void
test_ed25519(void)
{
	char err[CUSTODY_ERR_MAX];
	struct custody *c = custody_new(err, sizeof(err));
	uint8_t seed[32], sig[64], pk[CUSTODY_PUBLIC_MAX];
	size_t sig_len = 0, pk_len = 0;
	struct key_secret *s = custody_reserve(c, err, sizeof(err));

	CHECK(s != NULL);
	fixed_bytes(seed, sizeof(seed), 9);
	s->scheme = KEY_SCHEME_ED25519;
	CHECK(ed25519_keypair_from_seed(&s->key.ed25519, seed) == 0);
	CHECK(custody_commit(c, err, sizeof(err)) == 0);
	CHECK(custody_public(c, 0, pk, sizeof(pk), &pk_len) == 0 &&
	    pk_len == 32);
	CHECK(custody_sign(c, 0, msg, sizeof(msg), sig, sizeof(sig), &sig_len,
	    err, sizeof(err)) == 0 && sig_len == 64);
	CHECK(ed25519_verify(sig, msg, sizeof(msg), pk) == 0);
	sig[5] ^= 1;
	CHECK(ed25519_verify(sig, msg, sizeof(msg), pk) != 0);
	custody_free(c);
}

static void
test_sphincs(void)
{
	char err[CUSTODY_ERR_MAX];
	struct custody *c = custody_new(err, sizeof(err));
	uint8_t seed[SPHINCS_SEED_BYTES], pk[SPHINCS_PK_BYTES];
	uint8_t sk[SPHINCS_SK_BYTES], got[CUSTODY_PUBLIC_MAX], id[32], want[32];
	uint8_t *sig1 = malloc(SPHINCS_SIG_BYTES), *sig2 =
	    malloc(SPHINCS_SIG_BYTES);
	size_t len = 0;
	struct key_secret *s;

	fixed_bytes(seed, sizeof(seed), 3);
	CHECK(sphincs_keypair_from_seed(pk, sk, seed) == 0);
	s = custody_reserve(c, err, sizeof(err));
	CHECK(s != NULL);
	s->scheme = KEY_SCHEME_SPHINCS;
	memcpy(s->key.sphincs, sk, sizeof(sk));
	CHECK(custody_commit(c, err, sizeof(err)) == 0);
	CHECK(custody_public(c, 0, got, sizeof(got), &len) == 0 &&
	    len == SPHINCS_PK_BYTES && memcmp(got, pk, len) == 0);
	keccak256(want, pk, sizeof(pk));
	CHECK(custody_account_id(c, 0, id) == 0 && memcmp(id, want, 32) == 0);
	CHECK(custody_sign(c, 0, msg, sizeof(msg), sig1, SPHINCS_SIG_BYTES,
	    &len, err, sizeof(err)) == 0 && len == SPHINCS_SIG_BYTES);
	CHECK(sphincs_verify(sig1, msg, sizeof(msg), pk) == 0);
	/* Deterministic: the same message gives the same signature. */
	CHECK(custody_sign(c, 0, msg, sizeof(msg), sig2, SPHINCS_SIG_BYTES,
	    &len, err, sizeof(err)) == 0);
	CHECK(memcmp(sig1, sig2, SPHINCS_SIG_BYTES) == 0);
	CHECK(custody_sign(c, 0, msg, sizeof(msg), sig2, 64, &len, err,
	    sizeof(err)) != 0);
	CHECK(strstr(err, "49856") != NULL);
	sodium_memzero(sk, sizeof(sk));
	free(sig1);
	free(sig2);
	custody_free(c);
}

/* A slot whose public key disagrees with its secret is refused. */
static void
test_commit_refuses_mismatch(void)
{
	char err[CUSTODY_ERR_MAX];
	struct custody *c = custody_new(err, sizeof(err));
	uint8_t seed[SPHINCS_SEED_BYTES], pk[SPHINCS_PK_BYTES];
	struct key_secret *s;

	s = custody_reserve(c, err, sizeof(err));
	fixed_bytes(seed, 32, 1);
	s->scheme = KEY_SCHEME_SR25519;
	CHECK(sr25519_keypair_from_mini_secret(&s->key.sr25519, seed) == 0);
	s->key.sr25519.public_key[0] ^= 1;
	CHECK(custody_commit(c, err, sizeof(err)) == -1);
	CHECK(strstr(err, "does not match") != NULL);
	CHECK(custody_count(c) == 0);

	s = custody_reserve(c, err, sizeof(err));
	CHECK(s != NULL);
	fixed_bytes(seed, sizeof(seed), 3);
	s->scheme = KEY_SCHEME_SPHINCS;
	CHECK(sphincs_keypair_from_seed(pk, s->key.sphincs, seed) == 0);
	s->key.sphincs[SPHINCS_SK_BYTES - 1] ^= 1;
	CHECK(custody_commit(c, err, sizeof(err)) == -1);

	s = custody_reserve(c, err, sizeof(err));
	CHECK(s != NULL);
	s->scheme = KEY_SCHEME_ED25519;
	CHECK(ed25519_keypair_from_seed(&s->key.ed25519, seed) == 0);
	s->key.ed25519.secret[40] ^= 1;	/* the public half of the secret */
	CHECK(custody_commit(c, err, sizeof(err)) == -1);
	CHECK(custody_count(c) == 0);
	custody_free(c);
}

static void
test_limits(void)
{
	char err[CUSTODY_ERR_MAX];
	struct custody *c = custody_new(err, sizeof(err));

	CHECK(custody_reserve(c, err, sizeof(err)) != NULL);
	CHECK(custody_reserve(c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "already being loaded") != NULL);
	custody_abort(c);
	for (int i = 0; i < CUSTODY_MAX_KEYS; i++)
		CHECK(add_sr25519(c, (uint8_t)(10 + i), NULL) == i);
	CHECK(custody_reserve(c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "at most 8 keys") != NULL);
	CHECK(custody_commit(c, err, sizeof(err)) == -1);
	custody_free(c);
	custody_free(NULL);
}

/* describe() gives public data for every key and no secret byte: the
 * JSON text is searched for each secret's hex. */
static void
test_describe(void)
{
	char err[CUSTODY_ERR_MAX], hex[2 * SPHINCS_SK_BYTES + 1];
	char address[SS58_ADDRESS_MAX];
	struct custody *c = custody_new(err, sizeof(err));
	uint8_t seed[SPHINCS_SEED_BYTES], pk[SPHINCS_PK_BYTES], id[32];
	uint8_t sr_secret[64], ed_secret[64], sp_secret[SPHINCS_SK_BYTES];
	struct key_secret *s;
	json_t *j;
	char *text;

	s = custody_reserve(c, err, sizeof(err));
	fixed_bytes(seed, 32, 21);
	s->scheme = KEY_SCHEME_SR25519;
	sr25519_keypair_from_mini_secret(&s->key.sr25519, seed);
	memcpy(sr_secret, s->key.sr25519.secret, 64);
	CHECK(custody_commit(c, err, sizeof(err)) == 0);
	s = custody_reserve(c, err, sizeof(err));
	s->scheme = KEY_SCHEME_ED25519;
	ed25519_keypair_from_seed(&s->key.ed25519, seed);
	memcpy(ed_secret, s->key.ed25519.secret, 64);
	CHECK(custody_commit(c, err, sizeof(err)) == 1);
	s = custody_reserve(c, err, sizeof(err));
	fixed_bytes(seed, sizeof(seed), 33);
	s->scheme = KEY_SCHEME_SPHINCS;
	sphincs_keypair_from_seed(pk, s->key.sphincs, seed);
	memcpy(sp_secret, s->key.sphincs, sizeof(sp_secret));
	CHECK(custody_commit(c, err, sizeof(err)) == 2);

	j = custody_describe(c, 42);
	CHECK(j != NULL && json_array_size(j) == 3);
	text = json_dumps(j, JSON_COMPACT);
	CHECK(text != NULL);
	/* Each secret's first 32 bytes (the seed or key scalar) and the
	 * nonce/PRF halves must not appear, in any case. */
	sodium_bin2hex(hex, sizeof(hex), sr_secret, 32);
	CHECK(strcasestr(text, hex) == NULL);
	sodium_bin2hex(hex, sizeof(hex), sr_secret + 32, 32);
	CHECK(strcasestr(text, hex) == NULL);
	sodium_bin2hex(hex, sizeof(hex), ed_secret, 32);
	CHECK(strcasestr(text, hex) == NULL);
	sodium_bin2hex(hex, sizeof(hex), sp_secret, 64);
	CHECK(strcasestr(text, hex) == NULL);
	/* And it does hold the public facts. */
	CHECK_STR(json_string_value(json_object_get(json_array_get(j, 2),
	    "scheme")), "sphincs");
	sodium_bin2hex(hex, sizeof(hex), pk, sizeof(pk));
	CHECK(strstr(text, hex) != NULL);
	custody_account_id(c, 2, id);
	ss58_encode(address, sizeof(address), id, 42);
	CHECK_STR(json_string_value(json_object_get(json_array_get(j, 2),
	    "ss58")), address);
	CHECK(json_integer_value(json_object_get(json_array_get(j, 1),
	    "index")) == 1);
	free(text);
	json_decref(j);
	/* Prefix 46 is reserved: describe fails rather than lie. */
	CHECK(custody_describe(c, 46) == NULL);
	sodium_memzero(sr_secret, sizeof(sr_secret));
	sodium_memzero(ed_secret, sizeof(ed_secret));
	sodium_memzero(sp_secret, sizeof(sp_secret));
	custody_free(c);
}

/* After custody_free the memory is unmapped, so it cannot be inspected;
 * what can be checked is the wipe primitive every path uses. */
static void
test_wipe(void)
{
	uint8_t buf[100];
	bool zero = true;

	memset(buf, 0xa5, sizeof(buf));
	custody_wipe(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		zero = zero && buf[i] == 0;
	CHECK(zero);
	custody_wipe(NULL, 10);
}

static void
test_scheme_names(void)
{
	enum key_scheme s;

	CHECK(key_scheme_parse("ed25519", &s) == 0 && s == KEY_SCHEME_ED25519);
	CHECK(key_scheme_parse("sphincs+", &s) == 0 && s == KEY_SCHEME_SPHINCS);
	CHECK(key_scheme_parse("ecdsa", &s) != 0);
	CHECK(key_scheme_parse(NULL, &s) != 0);
	CHECK_STR(key_scheme_name(KEY_SCHEME_SR25519), "sr25519");
	CHECK(key_scheme_signature_len(KEY_SCHEME_SPHINCS) == 49856);
	CHECK(key_scheme_public_len(KEY_SCHEME_ED25519) == 32);
}

int
main(void)
{
	RUN(test_harden);
	RUN(test_sr25519);
	RUN(test_ed25519);
	RUN(test_sphincs);
	RUN(test_commit_refuses_mismatch);
	RUN(test_limits);
	RUN(test_describe);
	RUN(test_wipe);
	RUN(test_scheme_names);
	return testlib_summary();
}
