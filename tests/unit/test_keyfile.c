/* Key files (worker-sign/keyfile*.c) into custody: hex seeds, SURIs,
 * polkadot-js keystores, SPHINCS+ keys, dev SURIs; and every refusal:
 * permissions, owner, symlinks, size, corruption, wrong passwords, absurd
 * scrypt parameters. The expected public keys are test_suri.c's, made by
 * @polkadot/keyring 14.0.3. The keystores here are built by the test with
 * libsodium in polkadot-js's layout (keystores that polkadot-js itself
 * wrote are loaded by tests/integration/keys.test.mjs). The BIP-39 word
 * list comes from python3-mnemonic; without it the mnemonic and dev-phrase
 * cases say so and skip. */
#include "keyfile.h"
#include "bip39.h"
#include "fsutil.h"
#include "keccak.h"
#include "sr25519.h"
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define SEED "0x7274666f7267652073723235353139207465737420736565642033322062792e"
#define SEED_SR "e8d9a3989b0e0678d255c758ad3260f7c4f495ce9909418b9aeb97aee755327f"
#define SEED_ED "e7b59dcd5ccd5e2bdc0de59ef87dbe8f1f5862a6e3ebe7b7e5212b5d789cf642"
#define OTHER "cat forget teach wink roast alter dash avoid vendor bulb maple person"
#define ALICE_SR "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
#define ALICE_ED "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee"
#define ALICE_SS58 "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
#define PASSWORD "correct horse"

static char dir[64];
static bool have_wordlist;
static char err[CUSTODY_ERR_MAX];

static const char *
path_of(const char *name)
{
	static char path[4][256];
	static int turn;

	turn = (turn + 1) % 4;
	snprintf(path[turn], sizeof(path[turn]), "%s/%s", dir, name);
	return path[turn];
}

static const char *
write_file(const char *name, const void *data, size_t len, mode_t mode)
{
	const char *path = path_of(name);
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len ||
	    fchmod(fd, mode) != 0) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
	close(fd);
	return path;
}

static const char *
write_text(const char *name, const char *text)
{
	return write_file(name, text, strlen(text), 0600);
}

/* Loads src into a fresh custody; returns the public key hex ("" on
 * failure, with err set). */
static const char *
load(const struct key_source *src)
{
	static char hex[2 * CUSTODY_PUBLIC_MAX + 1];
	struct custody *c = custody_new(err, sizeof(err));
	uint8_t pk[CUSTODY_PUBLIC_MAX];
	size_t len;

	hex[0] = '\0';
	err[0] = '\0';
	if (keyfile_load(c, src, err, sizeof(err)) == 0 &&
	    custody_public(c, 0, pk, sizeof(pk), &len) == 0)
		sodium_bin2hex(hex, sizeof(hex), pk, len);
	custody_free(c);
	return hex;
}

static const char *
load_file(const char *scheme, const char *path, const char *password_file)
{
	struct key_source src = { .scheme = scheme, .file = path,
	    .password_file = password_file };

	return load(&src);
}

static void
test_hex_seed(void)
{
	CHECK_STR(load_file("sr25519", write_text("seed", SEED "\n"), NULL),
	    SEED_SR);
	CHECK_STR(load_file(NULL, write_text("seed", SEED "\r\n"), NULL),
	    SEED_SR);
	CHECK_STR(load_file("ed25519", write_text("seed", SEED), NULL),
	    SEED_ED);
	/* 64 hex digits without 0x are a seed too. */
	CHECK_STR(load_file("sr25519", write_text("seed", SEED + 2), NULL),
	    SEED_SR);
	/* A seed with a path. */
	CHECK_STR(load_file("sr25519", write_text("seed",
	    SEED "//rtforge/7\n"), NULL),
	    "8e06794b90b974f2d7d37467dc6aed99e68eb37c176afeb357413c79c99f6f3c");
	/* Corrupt hex: refused, and the message quotes none of it. */
	CHECK_STR(load_file("sr25519", write_text("seed",
	    "0x7274666f7267652073723235353139207465737420736565642033322062792g"),
	    NULL), "");
	CHECK(strstr(err, "key file") != NULL);
	CHECK(strstr(err, "7274666f") == NULL);
	/* Two line endings: the second is a control character in the SURI. */
	CHECK_STR(load_file("sr25519", write_text("seed", SEED "\n\n"), NULL),
	    "");
	/* password_file makes no sense for a SURI. */
	CHECK_STR(load_file("sr25519", write_text("seed", SEED), path_of("x")),
	    "");
	CHECK(strstr(err, "///password") != NULL);
}

static void
test_suri_files(void)
{
	struct key_source src = { .scheme = "sr25519" };
	struct custody *c;
	json_t *j;

	if (!have_wordlist) {
		printf("skipped: SURI files need the BIP-39 list "
		    "(python3-mnemonic)\n");
		return;
	}
	CHECK_STR(load_file("sr25519", write_text("suri",
	    OTHER "///Tr0ub4dor&3\n"), NULL),
	    "380b6e23f2a6a2ead9378eb4dedcf82edbd13033b10652858fb68733d6e3ce14");
	/* //Alice is the public dev phrase: only with --dev. */
	src.file = write_text("alice", "//Alice\n");
	CHECK_STR(load(&src), "");
	CHECK(strstr(err, "dev phrase") != NULL);
	src.dev = true;
	CHECK_STR(load(&src), ALICE_SR);
	src.scheme = "ed25519";
	CHECK_STR(load(&src), ALICE_ED);
	/* The address GET /api/signer will show. */
	src.scheme = NULL;
	c = custody_new(err, sizeof(err));
	CHECK(keyfile_load(c, &src, err, sizeof(err)) == 0);
	j = custody_describe(c, 42);
	CHECK_STR(json_string_value(json_object_get(json_array_get(j, 0),
	    "ss58")), ALICE_SS58);
	json_decref(j);
	custody_free(c);
	/* A bad mnemonic is refused without quoting it. */
	CHECK_STR(load_file("sr25519", write_text("suri",
	    "cat forget teach wink roast alter dash avoid vendor bulb maple "
	    "maple"), NULL), "");
	CHECK(strstr(err, "maple") == NULL && strstr(err, "key file") != NULL);
}

static void
test_dev_sources(void)
{
	struct key_source src = { .dev = true };

	if (!have_wordlist) {
		printf("skipped: dev SURIs need the BIP-39 list\n");
	} else {
		CHECK_STR(load(&src), ALICE_SR);
		src.suri = "//Bob";
		CHECK_STR(load(&src),
		    "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48");
		src.scheme = "ed25519";
		src.suri = NULL;
		CHECK_STR(load(&src), ALICE_ED);
	}
	src.scheme = "sphincs";
	CHECK_STR(load(&src), "");
	CHECK(strstr(err, "SPHINCS+ key needs a key file") != NULL);
	src.scheme = NULL;
	src.dev = false;
	CHECK_STR(load(&src), "");
	CHECK(strstr(err, "no key file") != NULL);
	src.suri = "//Alice";
	CHECK_STR(load(&src), "");
	CHECK(strstr(err, "only accepted with --dev") != NULL);
	src.dev = true;
	src.file = write_text("seed", SEED);
	CHECK_STR(load(&src), "");
	CHECK(strstr(err, "not both") != NULL);
	src.suri = NULL;
	src.scheme = "ecdsa";
	CHECK_STR(load(&src), "");
	CHECK(strstr(err, "not one of") != NULL);
}

static void
test_permissions(void)
{
	const char *p = write_file("perm", SEED, strlen(SEED), 0644);
	char big[KEYFILE_MAX_BYTES + 2];
	struct passwd *nobody;

	CHECK_STR(load_file("sr25519", p, NULL), "");
	CHECK(strstr(err, "chmod 600") != NULL && strstr(err, "0644") != NULL);
	CHECK(strstr(err, "7274") == NULL);
	p = write_file("perm", SEED, strlen(SEED), 0640);
	CHECK_STR(load_file("sr25519", p, NULL), "");
	CHECK(strstr(err, "chmod 600") != NULL);
	p = write_file("perm", SEED, strlen(SEED), 0602);
	CHECK_STR(load_file("sr25519", p, NULL), "");
	p = write_file("perm", SEED, strlen(SEED), 0400);
	CHECK_STR(load_file("sr25519", p, NULL), SEED_SR);
	/* Another owner. */
	nobody = getpwnam("nobody");
	if (geteuid() != 0 || nobody == NULL) {
		printf("skipped: the other-owner case needs root and user "
		    "nobody\n");
	} else {
		p = write_file("perm", SEED, strlen(SEED), 0600);
		CHECK(chown(p, nobody->pw_uid, nobody->pw_gid) == 0);
		CHECK_STR(load_file("sr25519", p, NULL), "");
		CHECK(strstr(err, "owned by uid") != NULL &&
		    strstr(err, "chown") != NULL);
	}
	/* A symlink to a good file. */
	p = write_text("target", SEED);
	unlink(path_of("link"));
	CHECK(symlink(p, path_of("link")) == 0);
	CHECK_STR(load_file("sr25519", path_of("link"), NULL), "");
	CHECK(strstr(err, "symbolic link") != NULL);
	/* Oversize, a directory, a FIFO (no hang), a missing file. */
	memset(big, ' ', sizeof(big));
	memcpy(big, SEED, strlen(SEED));
	CHECK_STR(load_file("sr25519", write_file("big", big, sizeof(big),
	    0600), NULL), "");
	CHECK(strstr(err, "larger than 65536") != NULL);
	CHECK_STR(load_file("sr25519", dir, NULL), "");
	CHECK(strstr(err, "not a regular file") != NULL);
	unlink(path_of("fifo"));
	CHECK(mkfifo(path_of("fifo"), 0600) == 0);
	CHECK_STR(load_file("sr25519", path_of("fifo"), NULL), "");
	CHECK(strstr(err, "not a regular file") != NULL);
	CHECK_STR(load_file("sr25519", path_of("missing"), NULL), "");
	CHECK(strstr(err, "cannot open") != NULL);
}

static void
sphincs_fixture(uint8_t pk[SPHINCS_PK_BYTES], uint8_t sk[SPHINCS_SK_BYTES],
    char hex[2 * SPHINCS_SK_BYTES + 1])
{
	uint8_t seed[SPHINCS_SEED_BYTES];

	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(i * 13 + 5);
	sphincs_keypair_from_seed(pk, sk, seed);
	sodium_bin2hex(hex, 2 * SPHINCS_SK_BYTES + 1, sk, SPHINCS_SK_BYTES);
}

static void
test_sphincs(void)
{
	uint8_t pk[SPHINCS_PK_BYTES], sk[SPHINCS_SK_BYTES];
	char hex[2 * SPHINCS_SK_BYTES + 1], pk_hex[2 * SPHINCS_PK_BYTES + 1];
	char text[600];
	struct custody *c;
	uint8_t id[32], want[32];

	sphincs_fixture(pk, sk, hex);
	sodium_bin2hex(pk_hex, sizeof(pk_hex), pk, sizeof(pk));
	CHECK_STR(load_file("sphincs", write_text("sp", hex), NULL), pk_hex);
	snprintf(text, sizeof(text), "0x%s\n", hex);
	CHECK_STR(load_file("sphincs", write_text("sp", text), NULL), pk_hex);
	snprintf(text, sizeof(text), " \"0x%s\"\n", hex);
	CHECK_STR(load_file("sphincs", write_text("sp", text), NULL), pk_hex);
	snprintf(text, sizeof(text), "\"%s\"", hex);
	CHECK_STR(load_file("sphincs+", write_text("sp", text), NULL), pk_hex);
	/* Account id: keccak-256 of the public key. */
	c = custody_new(err, sizeof(err));
	CHECK(keyfile_load(c, &(struct key_source){ .scheme = "sphincs",
	    .file = path_of("sp") }, err, sizeof(err)) == 0);
	keccak256(want, pk, sizeof(pk));
	CHECK(custody_account_id(c, 0, id) == 0 && memcmp(id, want, 32) == 0);
	custody_free(c);
	/* The public half must be what the seeds give. */
	snprintf(text, sizeof(text), "0x%s", hex);
	text[2 + 255] = text[2 + 255] == '0' ? '1' : '0';
	CHECK_STR(load_file("sphincs", write_text("sp", text), NULL), "");
	CHECK(strstr(err, "does not match") != NULL);
	CHECK(strstr(err, hex + 200) == NULL);
	/* Bad hex, short, long, an escape in the JSON string. */
	snprintf(text, sizeof(text), "0x%s", hex);
	text[10] = 'z';
	CHECK_STR(load_file("sphincs", write_text("sp", text), NULL), "");
	CHECK(strstr(err, "256 hex digits") != NULL);
	CHECK(strstr(err, hex + 12) == NULL);
	CHECK_STR(load_file("sphincs", write_text("sp", hex + 2), NULL), "");
	snprintf(text, sizeof(text), "%s00", hex);
	CHECK_STR(load_file("sphincs", write_text("sp", text), NULL), "");
	snprintf(text, sizeof(text), "\"\\u0030x%s\"", hex + 2);
	CHECK_STR(load_file("sphincs", write_text("sp", text), NULL), "");
	/* Not encrypted, so a password file is a mistake. */
	CHECK_STR(load_file("sphincs", write_text("sp", hex), path_of("pw")),
	    "");
	CHECK(strstr(err, "drop password_file") != NULL);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(hex, sizeof(hex));
}

/* --- keystores, built here in polkadot-js's layout --- */

struct ks_spec {
	const char *content;	/* "sr25519", "ed25519", ... */
	const char *version;
	const char *type;	/* the JSON array text */
	uint32_t n, p, r;
	const char *password;
	bool seed_only;		/* generation 1-2: a 32-byte seed */
	int flip;		/* flip this byte of "encoded", or -1 */
	size_t cut;		/* drop this many bytes from its end */
	bool bad_public;	/* store a wrong public key */
	const char *address;	/* "address" field, or NULL */
};

static const struct ks_spec ks_default = { "sr25519", "3",
	"[\"scrypt\", \"xsalsa20-poly1305\"]", 1u << 10, 1, 8, PASSWORD,
	false, -1, 0, false, NULL };

static uint8_t mini[32] = "rtforge keystore test mini-sec.";

static void
keystore_secret(const char *content, bool seed_only, uint8_t *secret,
    size_t *len, uint8_t pub[32])
{
	struct sr25519_keypair sr;
	struct ed25519_keypair ed;

	if (seed_only) {
		memcpy(secret, mini, 32);
		*len = 32;
	}
	if (strcmp(content, "ed25519") == 0) {
		ed25519_keypair_from_seed(&ed, mini);
		if (!seed_only) {
			memcpy(secret, ed.secret, 64);
			*len = 64;
		}
		memcpy(pub, ed.public_key, 32);
		ed25519_keypair_clear(&ed);
	} else {
		sr25519_keypair_from_mini_secret(&sr, mini);
		if (!seed_only) {
			sr25519_secret_to_ed25519_layout(secret, &sr);
			*len = 64;
		}
		memcpy(pub, sr.public_key, 32);
		sr25519_keypair_clear(&sr);
	}
}

static const char *
write_keystore(const struct ks_spec *s, char *pub_hex)
{
	static const uint8_t hdr[16] = { 48, 83, 2, 1, 1, 48, 5, 6, 3, 43, 101,
	    112, 4, 34, 4, 32 }, div[5] = { 161, 35, 3, 33, 0 };
	uint8_t plain[117], box[44 + 24 + 16 + 117], key[32], secret[64];
	uint8_t pub[32];
	char b64[400], json[1024];
	size_t secret_len = 0, plain_len, box_len;

	keystore_secret(s->content, s->seed_only, secret, &secret_len, pub);
	sodium_bin2hex(pub_hex, 65, pub, 32);
	memcpy(plain, hdr, 16);
	memcpy(plain + 16, secret, secret_len);
	memcpy(plain + 16 + secret_len, div, 5);
	memcpy(plain + 21 + secret_len, pub, 32);
	if (s->bad_public)
		plain[21 + secret_len] ^= 1;
	plain_len = 53 + secret_len;
	for (int i = 0; i < 32; i++)
		box[i] = (uint8_t)(200 - i);	/* salt */
	for (int i = 0; i < 4; i++) {
		box[32 + i] = (uint8_t)(s->n >> (8 * i));
		box[36 + i] = (uint8_t)(s->p >> (8 * i));
		box[40 + i] = (uint8_t)(s->r >> (8 * i));
	}
	for (int i = 0; i < 24; i++)
		box[44 + i] = (uint8_t)(i * 3);	/* nonce */
	if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)
	    s->password, strlen(s->password), box, 32, 1u << 10, 8, 1, key,
	    32) != 0)
		exit(2);
	crypto_secretbox_easy(box + 68, plain, plain_len, box + 44, key);
	box_len = 68 + 16 + plain_len - s->cut;
	if (s->flip >= 0)
		box[s->flip] ^= 0x40;
	sodium_bin2base64(b64, sizeof(b64), box, box_len,
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(json, sizeof(json), "{\"encoded\":\"%s\",\"encoding\":"
	    "{\"content\":[\"pkcs8\",\"%s\"],\"type\":%s,\"version\":\"%s\"}"
	    "%s%s%s,\"meta\":{\"name\":\"test\"}}", b64, s->content, s->type,
	    s->version, s->address ? ",\"address\":\"" : "",
	    s->address ? s->address : "", s->address ? "\"" : "");
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(plain, sizeof(plain));
	sodium_memzero(key, sizeof(key));
	return write_text("keystore.json", json);
}

static const char *
load_keystore(const struct ks_spec *s, const char *scheme, char *pub_hex)
{
	const char *file = write_keystore(s, pub_hex);

	write_text("pw", PASSWORD "\n");
	return load_file(scheme, file, path_of("pw"));
}

static void
test_keystore_good(void)
{
	struct ks_spec s = ks_default;
	char pub[65];
	const char *got;

	got = load_keystore(&s, "sr25519", pub);
	CHECK_STR(got, pub);
	got = load_keystore(&s, NULL, pub);	/* scheme from the file */
	CHECK_STR(got, pub);
	s.content = "ed25519";
	got = load_keystore(&s, "ed25519", pub);
	CHECK_STR(got, pub);
	s.seed_only = true;
	CHECK_STR(load_keystore(&s, "ed25519", pub), pub);
	s.content = "sr25519";
	CHECK_STR(load_keystore(&s, "sr25519", pub), pub);
	/* A matching address is accepted; the password from a systemd
	 * credential directory, by relative name. */
	s = ks_default;
	s.address = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	CHECK_STR(load_keystore(&s, "sr25519", pub), "");
	CHECK(strstr(err, "does not match") != NULL);
	s.address = NULL;
	write_keystore(&s, pub);
	write_text("pw", PASSWORD);
	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	CHECK_STR(load_file("sr25519", path_of("keystore.json"), "pw"), pub);
	unsetenv("CREDENTIALS_DIRECTORY");
}

static void
expect_refusal(const struct ks_spec *s, const char *scheme, const char *why)
{
	char pub[65];

	CHECK_STR(load_keystore(s, scheme, pub), "");
	CHECK(strstr(err, why) != NULL);
	if (strstr(err, why) == NULL)
		fprintf(stderr, "  got: %s\n", err);
	CHECK(strstr(err, PASSWORD) == NULL);
}

static void
test_keystore_refusals(void)
{
	struct ks_spec s = ks_default;
	char pub[65], file[256];

	s.password = "wrong horse";
	expect_refusal(&s, "sr25519", "wrong password");
	s = ks_default;
	s.flip = 80;		/* a ciphertext byte */
	expect_refusal(&s, "sr25519", "wrong password, or the file is corrupt");
	s.flip = 50;		/* a nonce byte */
	expect_refusal(&s, "sr25519", "does not authenticate");
	s.flip = -1;
	s.cut = 10;
	expect_refusal(&s, "sr25519", "does not authenticate");
	s.cut = 100;
	expect_refusal(&s, "sr25519", "not the length of an encrypted key");
	s = ks_default;
	s.bad_public = true;
	expect_refusal(&s, "sr25519", "stored public key");
	s = ks_default;
	expect_refusal(&s, "ed25519", "config says ed25519");
	s.version = "2";
	expect_refusal(&s, "sr25519", "version");
	s = ks_default;
	s.type = "[\"none\"]";
	expect_refusal(&s, "sr25519", "unencrypted");
	s = ks_default;
	s.content = "ecdsa";
	expect_refusal(&s, NULL, "not sr25519 or ed25519");
	/* Absurd scrypt parameters are refused before any work. */
	s = ks_default;
	s.n = 1u << 21;
	expect_refusal(&s, "sr25519", "beyond the limits");
	s.n = 1u << 20;		/* 2^20 · r 8 · 128 = 1 GiB */
	expect_refusal(&s, "sr25519", "beyond the limits");
	s.n = 1u << 10;
	s.r = 1000;
	expect_refusal(&s, "sr25519", "beyond the limits");
	s.r = 8;
	s.p = 0;
	expect_refusal(&s, "sr25519", "invalid scrypt");
	s.p = 1;
	s.n = 1000;
	expect_refusal(&s, "sr25519", "invalid scrypt");
	/* Not JSON, bad base64, no password file, a loose password file,
	 * an empty one. */
	CHECK_STR(load_file("sr25519", write_text("keystore.json",
	    "{\"encoded\": \"abc"), path_of("pw")), "");
	CHECK(strstr(err, "not valid JSON") != NULL);
	CHECK_STR(load_file("sr25519", write_text("keystore.json",
	    "{\"encoded\":\"a$b=\",\"encoding\":{\"content\":[\"pkcs8\","
	    "\"sr25519\"],\"type\":[\"scrypt\",\"xsalsa20-poly1305\"],"
	    "\"version\":\"3\"}}"), path_of("pw")), "");
	CHECK(strstr(err, "not valid base64") != NULL);
	/* path_of's buffers rotate: keep a copy of this one. */
	snprintf(file, sizeof(file), "%s", write_keystore(&ks_default, pub));
	CHECK_STR(load_file("sr25519", file, NULL), "");
	CHECK(strstr(err, "give its password_file") != NULL);
	write_file("pw", PASSWORD, strlen(PASSWORD), 0644);
	CHECK_STR(load_file("sr25519", file, path_of("pw")), "");
	CHECK(strstr(err, "password file") != NULL &&
	    strstr(err, "chmod 600") != NULL);
	write_text("pw", "\n");
	CHECK_STR(load_file("sr25519", file, path_of("pw")), "");
	CHECK(strstr(err, "is empty") != NULL);
}

int
main(void)
{
	static struct bip39_wordlist list;

	snprintf(dir, sizeof(dir), "/tmp/rtforge-keyfile-XXXXXX");
	if (mkdtemp(dir) == NULL || sodium_init() < 0) {
		perror("mkdtemp");
		return 2;
	}
	have_wordlist = bip39_wordlist_load(&list, NULL) == BIP39_OK;
	RUN(test_hex_seed);
	RUN(test_suri_files);
	RUN(test_dev_sources);
	RUN(test_permissions);
	RUN(test_sphincs);
	RUN(test_keystore_good);
	RUN(test_keystore_refusals);
	if (fs_remove_tree(dir) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return testlib_summary();
}
