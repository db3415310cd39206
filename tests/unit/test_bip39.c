/* BIP-39 → Substrate mini-secret, and PBKDF2-HMAC-SHA512.
 * Where the expected values came from:
 *   phrases: python3-mnemonic's Mnemonic("english").to_mnemonic(entropy),
 *     entropy being successive SHA-256 values of "rtforge bip39 vectors";
 *   entropy and mini-secrets: @polkadot/util-crypto mnemonicToEntropy and
 *     mnemonicToMiniSecret (node), through both its WebAssembly and its
 *     pure-JS path, which agreed;
 *   PBKDF2: python3 hashlib.pbkdf2_hmac("sha512", ...) (OpenSSL).
 * The word list is read from python3-mnemonic; without it the test skips. */
#include "bip39.h"
#include "testlib.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static struct bip39_wordlist list;

static const char dev_phrase[] =
    "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

static int
hex_to_bytes(uint8_t *out, size_t outlen, const char *hex)
{
	if (strlen(hex) != 2 * outlen)
		return -1;
	for (size_t i = 0; i < outlen; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static void
to_hex(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static enum bip39_error
mini_secret_hex(char hex[65], const char *phrase, const char *password)
{
	uint8_t out[BIP39_MINI_SECRET_LEN];
	enum bip39_error err = bip39_phrase_to_mini_secret(&list, phrase,
	    strlen(phrase), (const uint8_t *)password, strlen(password), out,
	    NULL);
	to_hex(hex, out, sizeof out);
	return err;
}

static const char test_password[] = "Tr0ub4dor&3";

static const struct {
	const char *phrase, *entropy, *mini_secret, *with_password;
} vectors[] = {
	{ dev_phrase, "1a486a5fbe53639984cb64b070755f7b",
	    "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e",
	    "9cd39e63141c6ca2d2d3f71d9de11a5d65145175b35294e6c353211c6e08d9b6" },
	{ "cat forget teach wink roast alter dash avoid vendor bulb maple "
	  "person",
	    "23cb6b7a7debb00ecde880f223be1e51",
	    "664833f46c104b0ec3ebc50ca58a6ecaf11b86a392a299004da33d0e3235e3e7",
	    "00c2a47144c6304a4457034ed7439231d98c73b267f0d4b2d030601fba42bfbd" },
	{ "quiz setup eager muscle empty hurt lake fever capital harvest "
	  "umbrella road cube effort search",
	    "aff89113c8c492df9f2aab220d2fb0dd73568d70",
	    "4d48df20b2b320c502652a1623dc49415a223cabcb126b998258a79243d44984",
	    "568b06981b46e05be1f2ab519441b331841d4f9a507f0dec9bd9f2e1611d8942" },
	{ "animal resist enemy pole bacon nasty almost disorder wide ten "
	  "reunion false angry card crawl fox comfort snack",
	    "0916ed27d3c1152641b1fbfabbdee129208e450caae22e39",
	    "af67ee0a07041236143efe5a9c691ae72cbff85a3ad36dfc3ef3908954c98b48",
	    "ad34acd8409f21887c185dffc88d950ab25f49d829bf80626805cee7ba690662" },
	{ "warfare tuna magnet start north beef supreme media transfer call "
	  "network buzz poverty length seek burden cousin float sail confirm "
	  "series",
	    "f71d4e17ea596428367c53e7240e530fca910030c0f4316b26f8977c",
	    "814444146cae10156f0748a8c1e2027950d76483656d8bd004f5bab363d9768c",
	    "4c76532dc023d38d53c40f3bcac6c1c3303aeb997c463eb76fb824b085ad7290" },
	{ "auction toe aspect purity portion humor foster sound fossil "
	  "mosquito strong ski decrease april theory laundry bridge dutch "
	  "twenty lady ten renew fiction search",
	    "0efc7035d72a84de17067e5bf2035ce5239215f813ed1bc88facbe4def6c5576",
	    "60dbc228e9392b26fbab651ff968ad631d520754ba9e10f6500a2f4bfe4dcb60",
	    "229e74a6e5c77aa8a52efe549151f577318b309d78a5907625af4713fece15cd" },
	{ "abandon abandon abandon abandon abandon abandon abandon abandon "
	  "abandon abandon abandon about",
	    "00000000000000000000000000000000",
	    "4ed8d4b17698ddeaa1f1559f152f87b5d472f725ca86d341bd0276f1b61197e2",
	    "cf17a158ad835e873bc3b268b00e0f6136a48772333d9213a451bae9d7dc2428" },
	{ "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo "
	  "zoo zoo zoo zoo zoo zoo vote",
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    "73c73744c78131a200a006ac140bcfb3746e9cbff23a77bf8ff8a099d3f2dbe6",
	    "1c5b2eb8d8411366ebfa71028a9136ab10c70a4ee4de1c3276568c08c29f0899" },
};

static void
test_wordlist_loaded(void)
{
	CHECK_STR(list.words[0], "abandon");
	CHECK_STR(list.words[1], "ability");
	CHECK_STR(list.words[1234], "olympic");
	CHECK_STR(list.words[2047], "zoo");
}

static void
test_polkadot_js_vectors(void)
{
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		uint8_t entropy[BIP39_ENTROPY_MAX], want[BIP39_ENTROPY_MAX];
		size_t len = 0, bad = 99;
		char hex[65];
		size_t want_len = strlen(vectors[i].entropy) / 2;
		CHECK(hex_to_bytes(want, want_len, vectors[i].entropy) == 0);
		CHECK(bip39_phrase_to_entropy(&list, vectors[i].phrase,
		    strlen(vectors[i].phrase), entropy, sizeof entropy, &len,
		    &bad) == BIP39_OK);
		CHECK(len == want_len && memcmp(entropy, want, len) == 0);
		CHECK(bad == 0);
		CHECK(mini_secret_hex(hex, vectors[i].phrase, "") == BIP39_OK);
		CHECK_STR(hex, vectors[i].mini_secret);
		CHECK(mini_secret_hex(hex, vectors[i].phrase, test_password) ==
		    BIP39_OK);
		CHECK_STR(hex, vectors[i].with_password);
	}
}

/* The password is raw bytes: polkadot-js gave this for "pässwörd" typed
 * in NFC, which NFKD normalisation would have changed. */
static void
test_utf8_password(void)
{
	char hex[65];
	CHECK(mini_secret_hex(hex, dev_phrase, "p\xc3\xa4ssw\xc3\xb6rd") ==
	    BIP39_OK);
	CHECK_STR(hex,
	    "d4fc06703096a94804cfca7bcbf0c81b536cb4b081c3846116dcdcb63002e5f5");
}

/* The entropy-level function on its own, and a NULL password. */
static void
test_entropy_to_mini_secret(void)
{
	uint8_t entropy[16], out[32];
	char hex[65];
	CHECK(hex_to_bytes(entropy, sizeof entropy,
	    "1a486a5fbe53639984cb64b070755f7b") == 0);
	bip39_entropy_to_mini_secret(out, entropy, sizeof entropy, NULL, 0);
	to_hex(hex, out, sizeof out);
	CHECK_STR(hex,
	    "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e");
}

static void
check_pbkdf2(const char *password, size_t password_len, const char *salt,
    uint32_t rounds, size_t outlen, const char *want)
{
	uint8_t out[256];
	char hex[513];
	CHECK(outlen <= sizeof out);
	CHECK(pbkdf2_hmac_sha512(out, outlen, (const uint8_t *)password,
	    password_len, (const uint8_t *)salt, strlen(salt), rounds) == 0);
	to_hex(hex, out, outlen);
	CHECK_STR(hex, want);
}

static void
test_pbkdf2_vectors(void)
{
	static char long_key[201];
	check_pbkdf2("password", 8, "salt", 1, 64,
	    "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"
	    "c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce");
	check_pbkdf2("password", 8, "salt", 2, 64,
	    "e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53c"
	    "f76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e");
	check_pbkdf2("password", 8, "salt", 4096, 64,
	    "d197b1b33db0143e018b12f3d1d1479e6cdebdcc97c5c0f87f6902e072f457b5"
	    "143f30602641b3d55cd335988cb36b84376060ecd532e039b742a239434af2d5");
	check_pbkdf2("passwordPASSWORDpassword", 24,
	    "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 64,
	    "8c0511f4c6e597c6ac6315d8f0362e225f3c501495ba23b868c005174dc4ee71"
	    "115b59f9e60cd9532fa33e0f75aefe30225c583a186cd82bd4daea9724a3d3b8");
	/* 150 bytes: three blocks, the last one cut short. */
	check_pbkdf2("password", 8, "salt", 3, 150,
	    "b6b07cb2cebf4ad84468391a543824fccffe0e0769dbe6bddf10a65673c4b648"
	    "e612d44918f9ce9a19a1294cf5140628084ba994c3b21a4ef4741220b811c633"
	    "cfc0641fccbcc4164f1bbfcb1f33f595ae9aa4a33ddcce570157775980362c0e"
	    "e28aa340c842a3ae84710167aea2f9ba34833cbf66a8922e5f165d886868fd3f"
	    "d426f9ba2a82a5e97ef8eda7d02d982ff13f1a96f0ea");
	/* A key longer than SHA-512's block, which HMAC hashes first. */
	memset(long_key, 'k', 200);
	check_pbkdf2(long_key, 200, "salt", 5, 64,
	    "98f84670ece5710c22c092cc3365f21c672d2f435ea6f0b2c2fb6332c4c45d77"
	    "596ebf9b08777164123a7a9cb889580763bf1c6e732475d796940afec1a650c8");
	check_pbkdf2("", 0, "", 1, 32,
	    "6d2ecbbbfb2e6dcd7056faf9af6aa06eae594391db983279a6bf27e0eb228614");
	{
		uint8_t out[8];
		CHECK(pbkdf2_hmac_sha512(out, sizeof out,
		    (const uint8_t *)"p", 1, (const uint8_t *)"s", 1, 0) == -1);
	}
}

static void
expect_refused(const char *phrase, size_t len, enum bip39_error want,
    size_t want_bad_word)
{
	uint8_t entropy[BIP39_ENTROPY_MAX], out[BIP39_MINI_SECRET_LEN];
	static const uint8_t zero[BIP39_ENTROPY_MAX];
	size_t ent_len = 99, bad = 99;
	enum bip39_error got;

	memset(entropy, 0xaa, sizeof entropy);
	got = bip39_phrase_to_entropy(&list, phrase, len, entropy,
	    sizeof entropy, &ent_len, &bad);
	if (got != want || bad != want_bad_word)
		fprintf(stderr, "  \"%.*s\": got %d (%s), word %zu; want %d, "
		    "word %zu\n", (int)(len > 60 ? 60 : len), phrase, got,
		    bip39_strerror(got), bad, want, want_bad_word);
	CHECK(got == want);
	CHECK(bad == want_bad_word);
	/* Nothing half-made is left in the caller's buffers. */
	CHECK(ent_len == 0 && memcmp(entropy, zero, sizeof entropy) == 0);
	memset(out, 0xaa, sizeof out);
	CHECK(bip39_phrase_to_mini_secret(&list, phrase, len,
	    (const uint8_t *)"", 0, out, NULL) == want);
	CHECK(memcmp(out, zero, sizeof out) == 0);
}

static void
expect_refused_str(const char *phrase, enum bip39_error want,
    size_t want_bad_word)
{
	expect_refused(phrase, strlen(phrase), want, want_bad_word);
}

static void
test_rejects_checksum_and_words(void)
{
	char buf[512];
	/* "walk" → "wall": both words, but the checksum breaks. */
	expect_refused_str("bottom drive obey lake curtain smoke basket hold "
	    "race lonely fit wall", BIP39_ERR_CHECKSUM, 0);
	/* Two words swapped. */
	expect_refused_str("drive bottom obey lake curtain smoke basket hold "
	    "race lonely fit walk", BIP39_ERR_CHECKSUM, 0);
	expect_refused_str("bottom drive obey lake curtain smoke basket hold "
	    "race lonely fit wakl", BIP39_ERR_UNKNOWN_WORD, 12);
	expect_refused_str("bottom drive obey lake curtain smoke bask hold "
	    "race lonely fit walk", BIP39_ERR_UNKNOWN_WORD, 7);
	/* Longer than any list word, and a prefix of one ("aban"). */
	expect_refused_str("bottomless drive obey lake curtain smoke basket "
	    "hold race lonely fit walk", BIP39_ERR_UNKNOWN_WORD, 1);
	expect_refused_str("aban drive obey lake curtain smoke basket hold "
	    "race lonely fit walk", BIP39_ERR_UNKNOWN_WORD, 1);
	expect_refused_str("zzz drive obey lake curtain smoke basket hold "
	    "race lonely fit walk", BIP39_ERR_UNKNOWN_WORD, 1);
	expect_refused_str("a drive obey lake curtain smoke basket hold "
	    "race lonely fit walk", BIP39_ERR_UNKNOWN_WORD, 1);
	/* Non-ASCII and punctuation. */
	expect_refused_str("bottom dr\xc3\xafve obey lake curtain smoke basket "
	    "hold race lonely fit walk", BIP39_ERR_UNKNOWN_WORD, 2);
	expect_refused_str("bottom, drive obey lake curtain smoke basket hold "
	    "race lonely fit walk", BIP39_ERR_UNKNOWN_WORD, 1);
	/* An embedded NUL must not end the word early. */
	snprintf(buf, sizeof buf, "%s", dev_phrase);
	buf[3] = '\0';
	expect_refused(buf, strlen(dev_phrase), BIP39_ERR_UNKNOWN_WORD, 1);
}

static void
test_rejects_word_counts(void)
{
	char buf[1024];
	expect_refused_str("", BIP39_ERR_WORD_COUNT, 0);
	expect_refused_str("bottom drive obey lake curtain smoke basket hold "
	    "race lonely fit", BIP39_ERR_WORD_COUNT, 0);
	expect_refused_str("abandon", BIP39_ERR_WORD_COUNT, 0);
	snprintf(buf, sizeof buf, "%s walk", dev_phrase);
	expect_refused_str(buf, BIP39_ERR_WORD_COUNT, 0);
	/* 25 and 27 words (27 being a multiple of 3 but over the cap). */
	buf[0] = '\0';
	for (int i = 0; i < 25; i++)
		strcat(buf, i ? " zoo" : "zoo");
	expect_refused_str(buf, BIP39_ERR_WORD_COUNT, 0);
	strcat(buf, " zoo zoo");
	expect_refused_str(buf, BIP39_ERR_WORD_COUNT, 0);
	/* Over the length cap, refused before any parsing. */
	memset(buf, 'a', sizeof buf - 1);
	buf[sizeof buf - 1] = '\0';
	expect_refused_str(buf, BIP39_ERR_TOO_LONG, 0);
	expect_refused(buf, BIP39_PHRASE_MAX + 1, BIP39_ERR_TOO_LONG, 0);
}

/* Syntax is what polkadot-js accepts: it refused every one of these
 * (mnemonicToMiniSecret, both paths: "Invalid bip39 mnemonic"). */
static void
test_rejects_spacing_and_case(void)
{
	char buf[512];
	snprintf(buf, sizeof buf, " %s", dev_phrase);
	expect_refused_str(buf, BIP39_ERR_SPACING, 0);
	snprintf(buf, sizeof buf, "%s ", dev_phrase);
	expect_refused_str(buf, BIP39_ERR_SPACING, 0);
	snprintf(buf, sizeof buf, "%s\n", dev_phrase);
	expect_refused_str(buf, BIP39_ERR_SPACING, 0);
	expect_refused_str("bottom  drive obey lake curtain smoke basket hold "
	    "race lonely fit walk", BIP39_ERR_SPACING, 0);
	expect_refused_str("bottom\tdrive\tobey\tlake\tcurtain\tsmoke\tbasket"
	    "\thold\trace\tlonely\tfit\twalk", BIP39_ERR_SPACING, 0);
	expect_refused_str("Bottom drive obey lake curtain smoke basket hold "
	    "race lonely fit walk", BIP39_ERR_UPPERCASE, 1);
	expect_refused_str("BOTTOM DRIVE OBEY LAKE CURTAIN SMOKE BASKET HOLD "
	    "RACE LONELY FIT WALK", BIP39_ERR_UPPERCASE, 1);
	expect_refused_str("bottom drive obey lake curtain smoke basket hold "
	    "race lonely fit walK", BIP39_ERR_UPPERCASE, 12);
	expect_refused_str(" ", BIP39_ERR_SPACING, 0);
}

static void
test_small_entropy_buffer(void)
{
	uint8_t entropy[15];
	size_t len = 99;
	CHECK(bip39_phrase_to_entropy(&list, dev_phrase, strlen(dev_phrase),
	    entropy, sizeof entropy, &len, NULL) == BIP39_ERR_BUFFER);
	CHECK(len == 0);
}

/* A small deterministic generator for the property test; not secret. */
static uint32_t
next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* The test's own BIP-39 encoder: entropy ‖ checksum bits, 11 at a time. */
static void
encode_phrase(char *out, size_t cap, const uint8_t *entropy, size_t len)
{
	uint8_t bits[33] = { 0 }, digest[32];
	size_t words = len * 8 * 33 / 32 / 11, at = 0;
	crypto_hash_sha256(digest, entropy, len);
	memcpy(bits, entropy, len);
	bits[len] = digest[0];
	out[0] = '\0';
	for (size_t w = 0; w < words; w++) {
		unsigned index = 0;
		for (int b = 0; b < 11; b++, at++)
			index = (index << 1) | ((bits[at / 8] >> (7 - at % 8)) & 1u);
		if (w)
			strncat(out, " ", cap - strlen(out) - 1);
		strncat(out, list.words[index], cap - strlen(out) - 1);
	}
}

/* Random entropy of every size round-trips; then changing the last word to
 * any other word is caught, unless it happens to carry the same checksum. */
static void
test_round_trip_random_entropy(void)
{
	static const size_t sizes[] = { 16, 20, 24, 28, 32 };
	uint32_t seed = 2024;
	int mismatches = 0, wrong_accepts = 0;
	for (int round = 0; round < 500; round++) {
		uint8_t entropy[32], back[32];
		char phrase[BIP39_PHRASE_MAX + 1];
		size_t n = sizes[round % 5], got = 0;
		for (size_t i = 0; i < n; i++)
			entropy[i] = (uint8_t)next_rand(&seed);
		encode_phrase(phrase, sizeof phrase, entropy, n);
		if (bip39_phrase_to_entropy(&list, phrase, strlen(phrase),
		    back, sizeof back, &got, NULL) != BIP39_OK || got != n ||
		    memcmp(back, entropy, n) != 0)
			mismatches++;
		/* Flip one entropy bit but keep the old last word's checksum
		 * part: the phrase made from the new entropy with the old
		 * checksum must be refused unless both checksums agree. */
		{
			uint8_t other[32], d_old[32], d_new[32];
			char last_old[16], *space;
			memcpy(other, entropy, n);
			other[next_rand(&seed) % (n - 1)] ^= 1;
			crypto_hash_sha256(d_old, entropy, n);
			crypto_hash_sha256(d_new, other, n);
			space = strrchr(phrase, ' ');
			snprintf(last_old, sizeof last_old, "%s", space + 1);
			encode_phrase(phrase, sizeof phrase, other, n);
			/* Swap only the checksum bits of the last word by
			 * re-encoding with the old digest byte. */
			unsigned cs = (unsigned)(n / 4);
			unsigned mask = (1u << cs) - 1;
			unsigned same = ((d_old[0] >> (8 - cs)) & mask) ==
			    ((d_new[0] >> (8 - cs)) & mask);
			space = strrchr(phrase, ' ');
			int idx_new = -1;
			for (int i = 0; i < 2048; i++)
				if (strcmp(list.words[i], space + 1) == 0)
					idx_new = i;
			unsigned forged = ((unsigned)idx_new & ~mask) |
			    ((d_old[0] >> (8 - cs)) & mask);
			snprintf(space + 1, sizeof phrase - (size_t)(space + 1 -
			    phrase), "%s", list.words[forged]);
			enum bip39_error err = bip39_phrase_to_entropy(&list,
			    phrase, strlen(phrase), back, sizeof back, &got,
			    NULL);
			if (same ? err != BIP39_OK : err != BIP39_ERR_CHECKSUM)
				wrong_accepts++;
		}
	}
	CHECK(mismatches == 0);
	CHECK(wrong_accepts == 0);
}

/* Writes text to a fresh temporary file; returns its path in path. */
static int
write_temp(char path[64], const char *text, size_t len)
{
	int fd;
	snprintf(path, 64, "/tmp/rtforge-bip39-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static enum bip39_error
load_text(const char *text, size_t len)
{
	static struct bip39_wordlist scratch;
	char path[64];
	enum bip39_error err;
	if (write_temp(path, text, len) != 0)
		return (enum bip39_error)-1;
	err = bip39_wordlist_load(&scratch, path);
	unlink(path);
	return err;
}

/* The real list's text, as loaded, joined back together. */
static size_t
list_text(char *out, size_t cap)
{
	size_t at = 0;
	for (int i = 0; i < BIP39_WORDS; i++) {
		size_t n = strlen(list.words[i]);
		if (at + n + 1 > cap)
			return 0;
		memcpy(out + at, list.words[i], n);
		out[at + n] = '\n';
		at += n + 1;
	}
	return at;
}

static void
test_wordlist_refusals(void)
{
	static char text[40000];
	size_t len = list_text(text, sizeof text);
	struct bip39_wordlist scratch;
	char *p;

	CHECK(len == 13116);
	CHECK(load_text(text, len) == BIP39_OK);
	CHECK(bip39_wordlist_load(&scratch, "/nonexistent/english.txt") ==
	    BIP39_ERR_WORDLIST_OPEN);
	CHECK(bip39_wordlist_load(&scratch, "/tmp") == BIP39_ERR_WORDLIST_OPEN);
	CHECK(load_text("", 0) == BIP39_ERR_WORDLIST_FORMAT);
	/* No final newline: well formed, but not the published bytes. */
	CHECK(load_text(text, len - 1) == BIP39_ERR_WORDLIST_HASH);
	/* One word fewer. */
	CHECK(load_text(text, len - 4) == BIP39_ERR_WORDLIST_FORMAT);
	/* 2049 words. */
	memcpy(text + len, "zzz\n", 4);
	CHECK(load_text(text, len + 4) == BIP39_ERR_WORDLIST_FORMAT);
	/* Still sorted, still 2048, but "zoo" became "zzz". */
	memcpy(text + len - 4, "zzz\n", 4);
	CHECK(load_text(text, len) == BIP39_ERR_WORDLIST_HASH);
	memcpy(text + len - 4, "zoo\n", 4);
	/* "abandon" and "ability" swapped: unsorted. */
	memcpy(text, "ability\nabandon\n", 16);
	CHECK(load_text(text, len) == BIP39_ERR_WORDLIST_FORMAT);
	memcpy(text, "abandon\nability\n", 16);
	/* A capital, a CR, an empty line, a nine-letter word. */
	text[0] = 'A';
	CHECK(load_text(text, len) == BIP39_ERR_WORDLIST_FORMAT);
	text[0] = 'a';
	text[7] = '\r';
	CHECK(load_text(text, len) == BIP39_ERR_WORDLIST_FORMAT);
	text[7] = '\n';
	CHECK(load_text("\nabandon\n", 9) == BIP39_ERR_WORDLIST_FORMAT);
	CHECK(load_text("abandonxx\n", 10) == BIP39_ERR_WORDLIST_FORMAT);
	/* Far too large: refused after reading only the cap. */
	memset(text, 'a', sizeof text);
	CHECK(load_text(text, sizeof text) == BIP39_ERR_WORDLIST_FORMAT);
	/* A failed load leaves no half-list behind. */
	CHECK(bip39_wordlist_load(&scratch, "/nonexistent") != BIP39_OK);
	CHECK(scratch.words[0][0] == '\0');
	p = scratch.words[BIP39_WORDS - 1];
	CHECK(p[0] == '\0');
}

static void
test_strerror(void)
{
	for (int e = BIP39_OK; e <= BIP39_ERR_BUFFER; e++)
		CHECK(bip39_strerror((enum bip39_error)e)[0] != '\0');
	CHECK(bip39_strerror((enum bip39_error)999) != NULL);
}

int
main(void)
{
	enum bip39_error err;
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return 1;
	}
	RUN(test_pbkdf2_vectors);
	RUN(test_entropy_to_mini_secret);
	RUN(test_strerror);
	err = bip39_wordlist_load(&list, NULL);
	if (err == BIP39_ERR_WORDLIST_OPEN) {
		printf("skip: the BIP-39 word list %s is missing "
		    "(apt-get install python3-mnemonic)\n",
		    BIP39_DEFAULT_WORDLIST);
		return testlib_summary();
	}
	CHECK(err == BIP39_OK);
	if (err != BIP39_OK) {
		fprintf(stderr, "word list: %s\n", bip39_strerror(err));
		return testlib_summary();
	}
	RUN(test_wordlist_loaded);
	RUN(test_polkadot_js_vectors);
	RUN(test_utf8_password);
	RUN(test_rejects_checksum_and_words);
	RUN(test_rejects_word_counts);
	RUN(test_rejects_spacing_and_case);
	RUN(test_small_entropy_buffer);
	RUN(test_round_trip_random_entropy);
	RUN(test_wordlist_refusals);
	return testlib_summary();
}
