/* Secret URIs (worker-sign/suri.c) → sr25519 and ed25519 keypairs.
 * The public keys were made by @polkadot/keyring 14.0.3,
 * new Keyring({type}).addFromUri(suri).publicKey, printed by
 * tests/sr25519-crosscheck/vectors.mjs and copied here. The other phrase is
 * one of tests/unit/test_bip39.c's; the hex seed is the ASCII of
 * "rtforge sr25519 test seed 32 by.". The word list is read from
 * python3-mnemonic; without it the mnemonic cases skip. */
#include "suri.h"
#include "testlib.h"

#include <sodium.h>
#include <stdint.h>

#define OTHER "cat forget teach wink roast alter dash avoid vendor bulb maple person"
#define SEED "0x7274666f7267652073723235353139207465737420736565642033322062792e"

struct vector {
	const char *suri;
	const char *public_hex;
};

static const struct vector sr25519_vectors[] = {
	{ "//Alice", "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d" },
	{ "//Alice//stash", "be5ddb1579b72e84524fc29e78609e3caf42e85aa118ebfe0b0ad404b5bdd25f" },
	{ "//Bob", "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48" },
	{ "//Alice/stash", "42693199aba1dec4d835602e19d16d173df9b3b7b65359fd7accdf874749bf61" },
	{ "//1", "b606fc73f57f03cdb4c932d475ab426043e429cecc2ffff0d2672b0df8398c48" },
	{ "//Alice//18446744073709551615", "466cf6eea4b2c4737b522d1404e64cc3e9b2cecff85dbf7da0c76b67ebf9e204" },
	{ "//a junction whose SCALE encoding is longer than thirty-two bytes", "721313425c79a3b09808d9d98138cf448480f15f91093f6d906342b2024b2238" },
	{ SEED, "e8d9a3989b0e0678d255c758ad3260f7c4f495ce9909418b9aeb97aee755327f" },
	{ SEED "//rtforge/7", "8e06794b90b974f2d7d37467dc6aed99e68eb37c176afeb357413c79c99f6f3c" },
	{ OTHER, "aa665859c22abe7c5ea5494daa803da6e9d1e3bf7253357b6a35a21884339367" },
	{ OTHER "///Tr0ub4dor&3", "380b6e23f2a6a2ead9378eb4dedcf82edbd13033b10652858fb68733d6e3ce14" },
	{ OTHER "//polkadot//0///pass/with/slashes", "f6f0789c47482ff9c0791f27d34a2e1d466f9ffb434ff46dee97209ef462006e" },
	{ "///dev password", "3ced19e904da7be3b5e4aac869390a54dfd65d32dc652e19e0e8d995ab0e747f" },
};

static const struct vector ed25519_vectors[] = {
	{ "//Alice", "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee" },
	{ "//Alice//stash", "451781cd0c5504504f69ceec484cc66e4c22a2b6a9d20fb1a426d91ad074a2a8" },
	{ "//Bob", "d17c2d7823ebf260fd138f2d7e27d114c0145d968b5ff5006125f2414fadae69" },
	{ "//1", "bf3a763d817cee09bf785b9cc6118f58dab5c03f3ace6d524899bcb28ac74f27" },
	{ "//Alice//18446744073709551615", "daaa8e24d9a76895c56c0ef08570ba781cdfea90fe6345ad96742627f7159272" },
	{ "//a junction whose SCALE encoding is longer than thirty-two bytes", "ac826260266c1eefd7fe97b884f9d2148afc41945dd69cd9e0b3c2bbe69ac204" },
	{ SEED, "e7b59dcd5ccd5e2bdc0de59ef87dbe8f1f5862a6e3ebe7b7e5212b5d789cf642" },
	{ OTHER, "0d4e2f716be615d4c7342fdc8a0ed358e2ea29e69340714aad90c473aa717a2e" },
	{ OTHER "///Tr0ub4dor&3", "a46daf3d35fdab8a1aa0fede291585a5a4b725d52906bd95269261e90e113a22" },
	{ OTHER "//polkadot//0///pass/with/slashes", "49c9aa457f65cbf5b9ca581b94ebea66c9e263f0c3c9c57364a2c93b6151e938" },
	{ "///dev password", "ba061ab81619376fc109b568b8ffcb52cd4d8859b65ab0a94ce471c106e8b463" },
};

static struct bip39_wordlist list;
static const struct bip39_wordlist *wordlist;

static int
needs_wordlist(const char *suri)
{
	return strncmp(suri, "0x", 2) != 0;
}

static void
check_vectors(enum suri_scheme scheme, const struct vector *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct suri_keypair kp;
		char err[SURI_ERR_MAX], hex[65];
		enum suri_error rc;

		if (wordlist == NULL && needs_wordlist(v[i].suri))
			continue;
		rc = suri_to_keypair(&kp, scheme, v[i].suri,
		    strlen(v[i].suri), wordlist, err, sizeof err);
		CHECK(rc == SURI_OK);
		if (rc != SURI_OK)
			fprintf(stderr, "  %s: %s\n", v[i].suri, err);
		sodium_bin2hex(hex, sizeof hex, suri_public_key(&kp), 32);
		CHECK_STR(hex, v[i].public_hex);
		CHECK(kp.from_dev_phrase == (v[i].suri[0] == '/'));
		suri_keypair_clear(&kp);
	}
}

static void
test_sr25519_public_keys(void)
{
	check_vectors(SURI_SCHEME_SR25519, sr25519_vectors,
	    sizeof sr25519_vectors / sizeof sr25519_vectors[0]);
}

static void
test_ed25519_public_keys(void)
{
	check_vectors(SURI_SCHEME_ED25519, ed25519_vectors,
	    sizeof ed25519_vectors / sizeof ed25519_vectors[0]);
}

/* The keypair a SURI gives signs, and its signature verifies. */
static void
test_keypairs_sign(void)
{
	struct suri_keypair kp;
	uint8_t sig[64];
	const char *suri = SEED "//rtforge";

	CHECK(suri_to_keypair(&kp, SURI_SCHEME_SR25519, suri, strlen(suri),
	    NULL, NULL, 0) == SURI_OK);
	CHECK(sr25519_sign(sig, &kp.key.sr25519,
	    (const uint8_t *)SR25519_SUBSTRATE_CONTEXT, 9,
	    (const uint8_t *)"m", 1) == 0);
	CHECK(sr25519_verify(sig, (const uint8_t *)SR25519_SUBSTRATE_CONTEXT,
	    9, (const uint8_t *)"m", 1, suri_public_key(&kp)) == 0);
	CHECK(suri_to_keypair(&kp, SURI_SCHEME_ED25519, suri, strlen(suri),
	    NULL, NULL, 0) == SURI_OK);
	CHECK(ed25519_sign(sig, &kp.key.ed25519, (const uint8_t *)"m", 1) ==
	    0);
	CHECK(ed25519_verify(sig, (const uint8_t *)"m", 1,
	    suri_public_key(&kp)) == 0);
	suri_keypair_clear(&kp);
}

/* The dev phrase spelt out is flagged as a dev key too. */
static void
test_dev_phrase_flag(void)
{
	struct suri_keypair kp;
	const char *spelt = SURI_DEV_PHRASE "//Alice";

	if (wordlist == NULL)
		return;
	CHECK(suri_to_keypair(&kp, SURI_SCHEME_SR25519, spelt, strlen(spelt),
	    wordlist, NULL, 0) == SURI_OK);
	CHECK(kp.from_dev_phrase);
	CHECK(suri_to_keypair(&kp, SURI_SCHEME_SR25519, OTHER, strlen(OTHER),
	    wordlist, NULL, 0) == SURI_OK);
	CHECK(!kp.from_dev_phrase);
	suri_keypair_clear(&kp);
}

static void
test_parse_parts(void)
{
	struct suri_parts p;
	const char *suri = "word word//hard/soft//3///pass//word";

	CHECK(suri_parse(&p, suri, strlen(suri), NULL, 0) == SURI_OK);
	CHECK(p.root == suri && p.root_len == 9);
	CHECK(p.junction_count == 3);
	CHECK(p.junctions[0].hard && !p.junctions[1].hard &&
	    p.junctions[2].hard);
	CHECK(p.junctions[2].chain_code[0] == 3 &&
	    sodium_is_zero(p.junctions[2].chain_code + 1, 31));
	CHECK(p.junctions[0].chain_code[0] == 4 << 2 &&
	    memcmp(p.junctions[0].chain_code + 1, "hard", 4) == 0);
	CHECK(p.password_len == 10 &&
	    memcmp(p.password, "pass//word", 10) == 0);
	/* An empty password is a password (Substrate: Some("")). */
	CHECK(suri_parse(&p, "//Alice///", 10, NULL, 0) == SURI_OK);
	CHECK(p.password != NULL && p.password_len == 0);
	CHECK(suri_parse(&p, "//Alice", 7, NULL, 0) == SURI_OK);
	CHECK(p.password == NULL && p.root_len == 0);
	suri_parts_clear(&p);
}

/* A failure with its code, and a message that does not quote the SURI. */
static void
expect_error(enum suri_scheme scheme, const char *suri, size_t len,
    enum suri_error expected, const char *secret_text)
{
	struct suri_keypair kp;
	char err[SURI_ERR_MAX];
	enum suri_error rc;

	memset(err, 'x', sizeof err);
	rc = suri_to_keypair(&kp, scheme, suri, len, wordlist, err,
	    sizeof err);
	CHECK(rc == expected);
	if (rc != expected)
		fprintf(stderr, "  got %d (%s) for case %d\n", rc, err,
		    expected);
	CHECK(strncmp(err, "secret URI: ", 12) == 0);
	CHECK(secret_text == NULL || strstr(err, secret_text) == NULL);
	CHECK(sodium_is_zero((const uint8_t *)&kp.key, sizeof kp.key));
	CHECK(strcmp(suri_strerror(rc), "unknown error") != 0);
}

static void
expect_error_str(enum suri_scheme scheme, const char *suri,
    enum suri_error expected, const char *secret_text)
{
	expect_error(scheme, suri, strlen(suri), expected, secret_text);
}

static void
test_errors(void)
{
	const enum suri_scheme sr = SURI_SCHEME_SR25519;
	char long_suri[SURI_MAX_LEN + 2];
	char many[3 * (SURI_MAX_JUNCTIONS + 1) + 1];
	char long_junction[SURI_JUNCTION_MAX_LEN + 4];

	expect_error_str(sr, "", SURI_ERR_EMPTY, NULL);
	memset(long_suri, 'a', sizeof long_suri - 1);
	long_suri[sizeof long_suri - 1] = '\0';
	expect_error_str(sr, long_suri, SURI_ERR_TOO_LONG, NULL);
	expect_error_str(sr, "//Alice\n", SURI_ERR_CONTROL_CHAR, "Alice");
	expect_error(sr, "//Al\0ce", 7, SURI_ERR_CONTROL_CHAR, NULL);

	expect_error_str(sr, "0x1234//Alice", SURI_ERR_HEX_SEED, "1234");
	expect_error_str(sr, SEED "00", SURI_ERR_HEX_SEED, "7274");
	expect_error_str(sr, "0x7274666f7267652073723235353139207465737420736"
	    "565642033322062792g", SURI_ERR_HEX_SEED, "7274");
	expect_error_str(sr, SEED "///secretpw", SURI_ERR_PASSWORD_WITH_SEED,
	    "secretpw");

	expect_error_str(sr, SEED "//", SURI_ERR_EMPTY_JUNCTION, NULL);
	expect_error_str(sr, SEED "/", SURI_ERR_EMPTY_JUNCTION, NULL);
	expect_error_str(sr, SEED "//a//", SURI_ERR_EMPTY_JUNCTION, NULL);
	expect_error_str(sr, SEED "//0xdead", SURI_ERR_AMBIGUOUS_JUNCTION,
	    "dead");
	expect_error_str(sr, SEED "//+5", SURI_ERR_AMBIGUOUS_JUNCTION, NULL);
	expect_error_str(sr, SEED "//18446744073709551616",
	    SURI_ERR_AMBIGUOUS_JUNCTION, "18446744073709551616");

	memset(long_junction, 'j', sizeof long_junction - 1);
	long_junction[0] = '/';
	long_junction[1] = '/';
	long_junction[sizeof long_junction - 1] = '\0';
	expect_error_str(sr, long_junction, SURI_ERR_JUNCTION_TOO_LONG,
	    "jjj");
	for (size_t i = 0; i <= SURI_MAX_JUNCTIONS; i++)
		memcpy(many + 3 * i, "//a", 3);
	many[sizeof many - 1] = '\0';
	expect_error_str(sr, many, SURI_ERR_TOO_MANY_JUNCTIONS, NULL);

	expect_error_str(SURI_SCHEME_ED25519, SEED "//Alice/stash",
	    SURI_ERR_SOFT_ED25519, "stash");
	/* A mnemonic without a word list. */
	{
		struct suri_keypair kp;
		CHECK(suri_to_keypair(&kp, sr, "//Alice", 7, NULL, NULL, 0) ==
		    SURI_ERR_NO_WORDLIST);
	}
}

static void
test_mnemonic_errors(void)
{
	const enum suri_scheme sr = SURI_SCHEME_SR25519;

	if (wordlist == NULL)
		return;
	/* An unknown word is named by position, never spelt out. */
	expect_error_str(sr, "cat forget teach wink roast alter dash avoid "
	    "vendor bulb maple zzzsecret//Alice", SURI_ERR_MNEMONIC,
	    "zzzsecret");
	expect_error_str(sr, "cat forget teach wink roast alter dash avoid "
	    "vendor bulb maple maple", SURI_ERR_MNEMONIC, "maple");
	expect_error_str(sr, "cat  forget", SURI_ERR_MNEMONIC, "forget");
	expect_error_str(sr, "0X12//Alice", SURI_ERR_HEX_SEED, NULL);
}

int
main(void)
{
	enum bip39_error err;

	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return 1;
	}
	err = bip39_wordlist_load(&list, NULL);
	if (err == BIP39_OK)
		wordlist = &list;
	else
		printf("skip: mnemonic cases, the BIP-39 word list %s: %s\n",
		    BIP39_DEFAULT_WORDLIST, bip39_strerror(err));
	RUN(test_sr25519_public_keys);
	RUN(test_ed25519_public_keys);
	RUN(test_keypairs_sign);
	RUN(test_dev_phrase_flag);
	RUN(test_parse_parts);
	RUN(test_errors);
	RUN(test_mnemonic_errors);
	return testlib_summary();
}
