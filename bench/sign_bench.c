/* Signing benchmark (issue #5): how long rtforge's own signers take to sign
 * and verify a 32-byte payload, per scheme. bench/sign.mjs runs this
 * program in turns with the independent implementations (PQClean for
 * SPHINCS+, @polkadot/util-crypto for sr25519 and ed25519) and prints the
 * ratios; see there.
 *
 *   bench_sign [SPHINCS_ITERATIONS [FAST_ITERATIONS]]
 *
 * Keys are random, made before any timing, and held in libsodium guarded
 * memory. Every signature made is verified (a verify that fails stops the
 * run: timing a signer that makes garbage proves nothing), and one
 * tampered signature per scheme must be refused. The output is one JSON
 * object on stdout:
 *
 *   {"payload": HEX, "schemes": [{"scheme": NAME, "iterations": N,
 *    "sign_us": MEDIAN, "verify_us": MEDIAN, "sign_us_min": MIN,
 *    "verify_us_min": MIN, "public_key": HEX, "signature": HEX}, ...]}
 *
 * The public key and the last signature let the caller check the
 * signatures with another implementation. Exit 0, or 1 with the reason on
 * stderr. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ed25519.h"
#include "sphincs.h"
#include "sr25519.h"

#define PAYLOAD_LEN 32
#define SIG_MAX SPHINCS_SIG_BYTES
#define ITERATIONS_MAX 100000
#define SPHINCS_ITERATIONS_DEFAULT 5
#define FAST_ITERATIONS_DEFAULT 200

static const uint8_t *const context =
    (const uint8_t *)SR25519_SUBSTRATE_CONTEXT;
static const size_t context_len = sizeof SR25519_SUBSTRATE_CONTEXT - 1;

/* The secrets, in one guarded allocation. */
struct bench_keys {
	struct sr25519_keypair sr25519;
	struct ed25519_keypair ed25519;
	uint8_t sphincs_sk[SPHINCS_SK_BYTES];
	uint8_t sphincs_pk[SPHINCS_PK_BYTES];
};

struct scheme {
	const char *name;
	size_t sig_len;
	int iterations;
	int (*sign)(uint8_t *, const struct bench_keys *, const uint8_t *,
	    size_t);
	int (*verify)(const uint8_t *, const struct bench_keys *,
	    const uint8_t *, size_t);
	const uint8_t *(*public_key)(const struct bench_keys *, size_t *);
};

static int
sr_sign(uint8_t *sig, const struct bench_keys *k, const uint8_t *msg,
    size_t len)
{
	return sr25519_sign(sig, &k->sr25519, context, context_len, msg, len);
}

static int
sr_verify(const uint8_t *sig, const struct bench_keys *k, const uint8_t *msg,
    size_t len)
{
	return sr25519_verify(sig, context, context_len, msg, len,
	    k->sr25519.public_key);
}

static const uint8_t *
sr_public(const struct bench_keys *k, size_t *len)
{
	*len = SR25519_PUBLIC_LEN;
	return k->sr25519.public_key;
}

static int
ed_sign(uint8_t *sig, const struct bench_keys *k, const uint8_t *msg,
    size_t len)
{
	return ed25519_sign(sig, &k->ed25519, msg, len);
}

static int
ed_verify(const uint8_t *sig, const struct bench_keys *k, const uint8_t *msg,
    size_t len)
{
	return ed25519_verify(sig, msg, len, k->ed25519.public_key);
}

static const uint8_t *
ed_public(const struct bench_keys *k, size_t *len)
{
	*len = ED25519_PUBLIC_LEN;
	return k->ed25519.public_key;
}

/* Deterministic, as the sign worker's custody signs. */
static int
sx_sign(uint8_t *sig, const struct bench_keys *k, const uint8_t *msg,
    size_t len)
{
	return sphincs_sign(sig, msg, len, k->sphincs_sk, NULL);
}

static int
sx_verify(const uint8_t *sig, const struct bench_keys *k, const uint8_t *msg,
    size_t len)
{
	return sphincs_verify(sig, msg, len, k->sphincs_pk);
}

static const uint8_t *
sx_public(const struct bench_keys *k, size_t *len)
{
	*len = SPHINCS_PK_BYTES;
	return k->sphincs_pk;
}

static int
make_keys(struct bench_keys *k)
{
	uint8_t seed[SPHINCS_SEED_BYTES];
	int r;

	randombytes_buf(seed, sizeof seed);
	r = sr25519_keypair_from_mini_secret(&k->sr25519, seed) != 0 ||
	    ed25519_keypair_from_seed(&k->ed25519, seed + 32) != 0 ||
	    sphincs_keypair_from_seed(k->sphincs_pk, k->sphincs_sk, seed) != 0;
	sodium_memzero(seed, sizeof seed);
	return r ? -1 : 0;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts xs in place. */
static double
median(double *xs, int n)
{
	qsort(xs, (size_t)n, sizeof *xs, compare_double);
	return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

static json_t *
hex_string(const uint8_t *bytes, size_t len)
{
	char *hex = malloc(len * 2 + 1);
	json_t *s;

	if (hex == NULL)
		return NULL;
	sodium_bin2hex(hex, len * 2 + 1, bytes, len);
	s = json_string(hex);
	free(hex);
	return s;
}

/* A flipped byte in the middle of the signature must make it invalid. */
static int
refuses_tampered(const struct scheme *s, const struct bench_keys *k,
    uint8_t *sig, const uint8_t *payload)
{
	int refused;

	sig[s->sig_len / 2] ^= 0x01;
	refused = s->verify(sig, k, payload, PAYLOAD_LEN) != 0;
	sig[s->sig_len / 2] ^= 0x01;
	return refused;
}

/* Times s->iterations sign and verify pairs; the result in *out. */
static int
run_scheme(const struct scheme *s, const struct bench_keys *k,
    const uint8_t *payload, uint8_t *sig, double *sign_us, double *verify_us,
    json_t **out)
{
	size_t pk_len;
	const uint8_t *pk;
	double sign_median, verify_median;

	for (int i = 0; i < s->iterations; i++) {
		double t0, t1, t2;

		t0 = now_us();
		if (s->sign(sig, k, payload, PAYLOAD_LEN) != 0) {
			fprintf(stderr, "bench_sign: %s: signing failed "
			    "(iteration %d)\n", s->name, i);
			return -1;
		}
		t1 = now_us();
		if (s->verify(sig, k, payload, PAYLOAD_LEN) != 0) {
			fprintf(stderr, "bench_sign: %s: our own signature "
			    "does not verify (iteration %d)\n", s->name, i);
			return -1;
		}
		t2 = now_us();
		sign_us[i] = t1 - t0;
		verify_us[i] = t2 - t1;
	}
	if (!refuses_tampered(s, k, sig, payload)) {
		fprintf(stderr, "bench_sign: %s: a tampered signature "
		    "verifies\n", s->name);
		return -1;
	}
	/* median() sorts, so the minimum is then the first. */
	sign_median = median(sign_us, s->iterations);
	verify_median = median(verify_us, s->iterations);
	pk = s->public_key(k, &pk_len);
	*out = json_pack("{s:s, s:i, s:f, s:f, s:f, s:f, s:o*, s:o*}",
	    "scheme", s->name, "iterations", s->iterations,
	    "sign_us", sign_median, "verify_us", verify_median,
	    "sign_us_min", sign_us[0], "verify_us_min", verify_us[0],
	    "public_key", hex_string(pk, pk_len),
	    "signature", hex_string(sig, s->sig_len));
	if (*out == NULL) {
		fprintf(stderr, "bench_sign: %s: out of memory for the "
		    "result\n", s->name);
		return -1;
	}
	return 0;
}

static int
parse_iterations(const char *arg, int *out)
{
	char *end;
	long n;

	n = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || n < 1 || n > ITERATIONS_MAX) {
		fprintf(stderr, "bench_sign: iterations \"%s\": need 1 to "
		    "%d\n", arg, ITERATIONS_MAX);
		return -1;
	}
	*out = (int)n;
	return 0;
}

static int
run_all(struct scheme *schemes, size_t count, const struct bench_keys *k)
{
	uint8_t payload[PAYLOAD_LEN];
	uint8_t *sig = malloc(SIG_MAX);
	double *sign_us = calloc(ITERATIONS_MAX, sizeof(double));
	double *verify_us = calloc(ITERATIONS_MAX, sizeof(double));
	json_t *root = json_object(), *list = json_array(), *one;
	int r = -1;

	if (sig == NULL || sign_us == NULL || verify_us == NULL ||
	    root == NULL || list == NULL) {
		fprintf(stderr, "bench_sign: out of memory\n");
		goto done;
	}
	randombytes_buf(payload, sizeof payload);
	for (size_t i = 0; i < count; i++) {
		if (run_scheme(&schemes[i], k, payload, sig, sign_us,
		    verify_us, &one) != 0)
			goto done;
		if (json_array_append_new(list, one) != 0) {
			fprintf(stderr, "bench_sign: out of memory\n");
			goto done;
		}
	}
	if (json_object_set_new(root, "payload", hex_string(payload,
	    sizeof payload)) != 0 ||
	    json_object_set(root, "schemes", list) != 0) {
		fprintf(stderr, "bench_sign: out of memory\n");
		goto done;
	}
	if (json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(7)) != 0 ||
	    fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
		fprintf(stderr, "bench_sign: cannot write the result\n");
		goto done;
	}
	r = 0;
done:
	json_decref(list);
	json_decref(root);
	free(verify_us);
	free(sign_us);
	free(sig);
	return r;
}

int
main(int argc, char **argv)
{
	struct scheme schemes[] = {
		{ "sr25519", SR25519_SIGNATURE_LEN, FAST_ITERATIONS_DEFAULT,
		    sr_sign, sr_verify, sr_public },
		{ "ed25519", ED25519_SIGNATURE_LEN, FAST_ITERATIONS_DEFAULT,
		    ed_sign, ed_verify, ed_public },
		{ "sphincs-shake-256f-simple", SPHINCS_SIG_BYTES,
		    SPHINCS_ITERATIONS_DEFAULT, sx_sign, sx_verify,
		    sx_public },
	};
	struct bench_keys *keys;
	int sphincs_n = SPHINCS_ITERATIONS_DEFAULT;
	int fast_n = FAST_ITERATIONS_DEFAULT;
	int r;

	if (argc > 3) {
		fprintf(stderr, "usage: bench_sign [SPHINCS_ITERATIONS "
		    "[FAST_ITERATIONS]]\n");
		return 1;
	}
	if ((argc > 1 && parse_iterations(argv[1], &sphincs_n) != 0) ||
	    (argc > 2 && parse_iterations(argv[2], &fast_n) != 0))
		return 1;
	schemes[0].iterations = schemes[1].iterations = fast_n;
	schemes[2].iterations = sphincs_n;
	if (sodium_init() < 0) {
		fprintf(stderr, "bench_sign: libsodium failed to start\n");
		return 1;
	}
	if ((keys = sodium_malloc(sizeof(*keys))) == NULL) {
		fprintf(stderr, "bench_sign: no guarded memory for the keys\n");
		return 1;
	}
	if (make_keys(keys) != 0) {
		fprintf(stderr, "bench_sign: key generation failed\n");
		sodium_free(keys);
		return 1;
	}
	r = run_all(schemes, sizeof schemes / sizeof schemes[0], keys);
	sodium_free(keys);	/* wipes before unmapping */
	return r == 0 ? 0 : 1;
}
