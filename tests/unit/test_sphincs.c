/* SPHINCS+-SHAKE-256f-simple (round 3.1): the published NIST known answer,
 * a signature made by PQClean, and our own sign/verify round trips with
 * every region of the signature tampered with.
 *
 * The interop vector tests/unit/data/sphincs-pqclean-vector.bin is our own
 * generated test data: a throwaway key pair made by PQClean (npm
 * pqclean@0.8.1) and a PQClean signature, written by
 * tests/sphincs-crosscheck/crosscheck.mjs --write-vector. Layout:
 * pk (64) ‖ sk (128) ‖ signature (49,856) ‖ message (the rest). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sphincs.h"
#include "testlib.h"

/* Signature regions, for tampering. */
#define SIG_R 0
#define SIG_FORS 32
#define SIG_FORS_TREE_BYTES (10 * 32)	/* secret + 9-node path */
#define SIG_HYPERTREE (SIG_FORS + 35 * SIG_FORS_TREE_BYTES)	/* 11232 */
#define SIG_LAYER_BYTES (67 * 32 + 4 * 32)			/* 2272 */
#define SIG_LAYERS 17

/* NIST KAT entry count = 0 for sphincs-shake-256f-simple. The DRBG
 * outputs below follow from the KAT's fixed entropy (bytes 0..47) through
 * the NIST AES-256-CTR DRBG (tests/sphincs-crosscheck/kat.py prints them);
 * the answer is the SHA-256 of the whole entry as PQClean prints it,
 * published as nistkat-sha256 in PQClean's META.yml for this scheme. */
static const char KAT_SEED[] =
    "061550234d158c5ec95595fe04ef7a25767f2e24cc2bc479d09d86dc9abcfde7"
    "056a8c266f9ef97ed08541dbd2e1ffa1";
static const char KAT_MSG[] =
    "d81c4d8d734fcbfbeade3d3f8a039faa2a2c9957e835ad55b22e75bf57bb556ac8";
static const char KAT_KEYGEN_SEED[] =
    "7c9935a0b07694aa0c6d10e4db6b1add2fd81a25ccb148032dcd739936737f2d"
    "b505d7cfad1b497499323c8686325e4792f267aafa3f87ca60d01cb54f29202a"
    "3e784ccb7ebcdcfd45542b7f6af778742e0f4479175084aa488b3b74340678aa";
static const char KAT_OPTRAND[] =
    "ee716762c15e3b72aa7650a63b9a510040b03c0fe70475c0463bbc45a0ba5b79";
static const char KAT_ENTRY_SHA256[] =
    "f6d0825afeb4ce25943c974a0efde5659ceea927d2507b0ea1a92e092f536acd";

static void
hex_to_bytes(uint8_t *out, const char *hex, size_t len)
{
	size_t bin_len = 0;

	if (sodium_hex2bin(out, len, hex, strlen(hex), NULL, &bin_len,
	    NULL) != 0 || bin_len != len)
		abort();	/* a typo in this file, not a test failure */
}

/* Appends "label" then the bytes in upper-case hex and a newline. */
static char *
append_hex_line(char *out, const char *label, const uint8_t *bytes,
    size_t len)
{
	static const char digits[] = "0123456789ABCDEF";

	out = stpcpy(out, label);
	for (size_t i = 0; i < len; i++) {
		*out++ = digits[bytes[i] >> 4];
		*out++ = digits[bytes[i] & 15];
	}
	*out++ = '\n';
	return out;
}

/* Formats the KAT entry exactly as PQClean's nistkat.c prints it. */
static size_t
format_kat_entry(char *text, const uint8_t seed[48], const uint8_t msg[33],
    const uint8_t *pk, const uint8_t *sk, const uint8_t *sig)
{
	char *out = text;
	uint8_t *sm = malloc(SPHINCS_SIG_BYTES + 33);

	if (sm == NULL)
		abort();
	memcpy(sm, sig, SPHINCS_SIG_BYTES);	/* sm = signature ‖ message */
	memcpy(sm + SPHINCS_SIG_BYTES, msg, 33);
	out = stpcpy(out, "count = 0\n");
	out = append_hex_line(out, "seed = ", seed, 48);
	out = stpcpy(out, "mlen = 33\n");
	out = append_hex_line(out, "msg = ", msg, 33);
	out = append_hex_line(out, "pk = ", pk, SPHINCS_PK_BYTES);
	out = append_hex_line(out, "sk = ", sk, SPHINCS_SK_BYTES);
	out += sprintf(out, "smlen = %d\n", SPHINCS_SIG_BYTES + 33);
	out = append_hex_line(out, "sm = ", sm, SPHINCS_SIG_BYTES + 33);
	free(sm);
	return (size_t)(out - text);
}

/* One key and signatures shared by the tests below. */
static uint8_t kat_pk[SPHINCS_PK_BYTES], kat_sk[SPHINCS_SK_BYTES];
static uint8_t kat_msg[33];
static uint8_t *det_sig;	/* deterministic signature of kat_msg */

static void
test_sizes(void)
{
	CHECK(SPHINCS_PK_BYTES == 64);
	CHECK(SPHINCS_SK_BYTES == 128);
	CHECK(SPHINCS_SEED_BYTES == 96);
	CHECK(SPHINCS_SIG_BYTES == 49856);
	CHECK(SIG_HYPERTREE + SIG_LAYERS * SIG_LAYER_BYTES ==
	    SPHINCS_SIG_BYTES);
}

/* The published known answer: key generation from the KAT's seed and the
 * reference's randomised signing with the KAT's opt_rand. */
static void
test_nist_kat(void)
{
	uint8_t seed[48], keygen_seed[SPHINCS_SEED_BYTES], opt_rand[32];
	uint8_t digest[crypto_hash_sha256_BYTES], expected[sizeof(digest)];
	uint8_t *sig = malloc(SPHINCS_SIG_BYTES);
	char *text = malloc(4 * SPHINCS_SIG_BYTES);
	size_t text_len;

	CHECK(sig != NULL && text != NULL);
	if (sig == NULL || text == NULL) {
		free(sig);
		free(text);
		return;
	}
	hex_to_bytes(seed, KAT_SEED, sizeof(seed));
	hex_to_bytes(kat_msg, KAT_MSG, sizeof(kat_msg));
	hex_to_bytes(keygen_seed, KAT_KEYGEN_SEED, sizeof(keygen_seed));
	hex_to_bytes(opt_rand, KAT_OPTRAND, sizeof(opt_rand));
	hex_to_bytes(expected, KAT_ENTRY_SHA256, sizeof(expected));

	CHECK(sphincs_keypair_from_seed(kat_pk, kat_sk, keygen_seed) == 0);
	/* sk = seed ‖ PK.root; pk = PK.seed ‖ PK.root. */
	CHECK(memcmp(kat_sk, keygen_seed, SPHINCS_SEED_BYTES) == 0);
	CHECK(memcmp(kat_sk + 64, kat_pk, SPHINCS_PK_BYTES) == 0);
	CHECK(sphincs_sign(sig, kat_msg, sizeof(kat_msg), kat_sk,
	    opt_rand) == 0);
	text_len = format_kat_entry(text, seed, kat_msg, kat_pk, kat_sk, sig);
	crypto_hash_sha256(digest, (const uint8_t *)text, text_len);
	CHECK(memcmp(digest, expected, sizeof(digest)) == 0);
	CHECK(sphincs_verify(sig, kat_msg, sizeof(kat_msg), kat_pk) == 0);
	free(sig);
	free(text);
}

static void
test_deterministic(void)
{
	uint8_t *again = malloc(SPHINCS_SIG_BYTES);
	uint8_t *randomised = malloc(SPHINCS_SIG_BYTES);
	uint8_t opt_rand[32];

	CHECK(det_sig != NULL && again != NULL && randomised != NULL);
	if (det_sig == NULL || again == NULL || randomised == NULL) {
		free(again);
		free(randomised);
		return;
	}
	/* Two calls give the same signature, and NULL opt_rand means
	 * opt_rand = PK.seed, as in the reference's non-randomised mode.
	 * (One signature costs about 2 s under ASan: no third call.) */
	CHECK(sphincs_sign(det_sig, kat_msg, sizeof(kat_msg), kat_sk,
	    NULL) == 0);
	CHECK(sphincs_sign(again, kat_msg, sizeof(kat_msg), kat_sk,
	    kat_pk) == 0);
	CHECK(memcmp(det_sig, again, SPHINCS_SIG_BYTES) == 0);
	CHECK(sphincs_verify(det_sig, kat_msg, sizeof(kat_msg), kat_pk) == 0);

	randombytes_buf(opt_rand, sizeof(opt_rand));
	CHECK(sphincs_sign(randomised, kat_msg, sizeof(kat_msg), kat_sk,
	    opt_rand) == 0);
	CHECK(memcmp(det_sig, randomised, SPHINCS_SIG_BYTES) != 0);
	CHECK(sphincs_verify(randomised, kat_msg, sizeof(kat_msg),
	    kat_pk) == 0);
	free(again);
	free(randomised);
}

static void
test_wrong_message_and_key(void)
{
	uint8_t msg[sizeof(kat_msg)], pk[SPHINCS_PK_BYTES];

	memcpy(msg, kat_msg, sizeof(msg));
	msg[5] ^= 0x80;
	CHECK(sphincs_verify(det_sig, msg, sizeof(msg), kat_pk) == -1);
	CHECK(sphincs_verify(det_sig, kat_msg, sizeof(kat_msg) - 1,
	    kat_pk) == -1);
	CHECK(sphincs_verify(det_sig, NULL, 0, kat_pk) == -1);

	memcpy(pk, kat_pk, sizeof(pk));
	pk[0] ^= 1;			/* PK.seed */
	CHECK(sphincs_verify(det_sig, kat_msg, sizeof(kat_msg), pk) == -1);
	memcpy(pk, kat_pk, sizeof(pk));
	pk[63] ^= 1;			/* PK.root */
	CHECK(sphincs_verify(det_sig, kat_msg, sizeof(kat_msg), pk) == -1);
}

/* Flips one bit at offset and expects verification to fail. */
static int
tampered_fails(size_t offset)
{
	int result;

	det_sig[offset] ^= 0x10;
	result = sphincs_verify(det_sig, kat_msg, sizeof(kat_msg), kat_pk);
	det_sig[offset] ^= 0x10;
	return result == -1;
}

static void
test_tampered_signature(void)
{
	CHECK(tampered_fails(SIG_R));
	CHECK(tampered_fails(SIG_R + 31));
	/* FORS: a revealed secret and an auth-path node, first and last
	 * tree. */
	CHECK(tampered_fails(SIG_FORS));
	CHECK(tampered_fails(SIG_FORS + 32 + 8 * 32 + 3));
	CHECK(tampered_fails(SIG_FORS + 34 * SIG_FORS_TREE_BYTES));
	CHECK(tampered_fails(SIG_HYPERTREE - 1));
	/* Every hypertree layer: a WOTS chain value (a different chain per
	 * layer) and an auth-path node. */
	for (size_t layer = 0; layer < SIG_LAYERS; layer++) {
		size_t base = SIG_HYPERTREE + layer * SIG_LAYER_BYTES;

		CHECK(tampered_fails(base + layer * 4 * 32 + 7));
		CHECK(tampered_fails(base + 67 * 32 + (layer % 4) * 32 + 1));
	}
	CHECK(tampered_fails(SPHINCS_SIG_BYTES - 1));
	/* And the untouched signature still verifies. */
	CHECK(sphincs_verify(det_sig, kat_msg, sizeof(kat_msg), kat_pk) == 0);
}

static void
test_empty_message(void)
{
	uint8_t *sig = malloc(SPHINCS_SIG_BYTES);
	const uint8_t empty[1] = { 0 };

	CHECK(sig != NULL);
	if (sig == NULL)
		return;
	CHECK(sphincs_sign(sig, NULL, 0, kat_sk, NULL) == 0);
	CHECK(sphincs_verify(sig, NULL, 0, kat_pk) == 0);
	CHECK(sphincs_verify(sig, empty, 0, kat_pk) == 0);
	CHECK(sphincs_verify(sig, empty, 1, kat_pk) == -1);
	free(sig);
}

static void
test_null_arguments(void)
{
	uint8_t pk[SPHINCS_PK_BYTES], sk[SPHINCS_SK_BYTES];

	CHECK(sphincs_keypair_from_seed(pk, sk, NULL) == -1);
	CHECK(sphincs_sign(NULL, kat_msg, 1, kat_sk, NULL) == -1);
	CHECK(sphincs_sign(det_sig, NULL, 1, kat_sk, NULL) == -1);
	CHECK(sphincs_sign(det_sig, kat_msg, 1, NULL, NULL) == -1);
	CHECK(sphincs_verify(NULL, kat_msg, 1, kat_pk) == -1);
	CHECK(sphincs_verify(det_sig, NULL, 1, kat_pk) == -1);
	CHECK(sphincs_verify(det_sig, kat_msg, 1, NULL) == -1);
}

/* Reads a file under $RTFORGE_TEST_DATA (default tests/unit/data). */
static uint8_t *
read_data(const char *name, size_t *lenp)
{
	const char *dir = getenv("RTFORGE_TEST_DATA");
	char path[1024];
	uint8_t *buf = NULL;
	long len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/unit/data",
	    name);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len)) &&
	    fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf != NULL)
		*lenp = (size_t)len;
	return buf;
}

/* A key and signature made by PQClean: our key generation recomputes its
 * public key from the secret key's seeds, and our verify accepts the
 * signature. */
static void
test_pqclean_vector(void)
{
	size_t len = 0;
	uint8_t *vec = read_data("sphincs-pqclean-vector.bin", &len);
	const size_t header = SPHINCS_PK_BYTES + SPHINCS_SK_BYTES;
	uint8_t pk[SPHINCS_PK_BYTES], sk[SPHINCS_SK_BYTES];
	const uint8_t *their_pk, *their_sk, *msg;
	uint8_t *sig;
	size_t msg_len;

	CHECK(vec != NULL && len > header + SPHINCS_SIG_BYTES);
	if (vec == NULL || len <= header + SPHINCS_SIG_BYTES) {
		free(vec);
		return;
	}
	their_pk = vec;
	their_sk = vec + SPHINCS_PK_BYTES;
	sig = vec + header;
	msg = sig + SPHINCS_SIG_BYTES;
	msg_len = len - header - SPHINCS_SIG_BYTES;

	CHECK(sphincs_keypair_from_seed(pk, sk, their_sk) == 0);
	CHECK(memcmp(pk, their_pk, SPHINCS_PK_BYTES) == 0);
	CHECK(memcmp(sk, their_sk, SPHINCS_SK_BYTES) == 0);
	CHECK(sphincs_verify(sig, msg, msg_len, their_pk) == 0);
	CHECK(sphincs_verify(sig, msg, msg_len - 1, their_pk) == -1);
	sig[SIG_HYPERTREE + 5 * SIG_LAYER_BYTES] ^= 1;
	CHECK(sphincs_verify(sig, msg, msg_len, their_pk) == -1);
	free(vec);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	det_sig = malloc(SPHINCS_SIG_BYTES);
	RUN(test_sizes);
	RUN(test_nist_kat);
	RUN(test_deterministic);
	RUN(test_wrong_message_and_key);
	RUN(test_tampered_signature);
	RUN(test_empty_message);
	RUN(test_null_arguments);
	RUN(test_pqclean_vector);
	free(det_sig);
	return testlib_summary();
}
