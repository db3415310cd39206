/* SS58 and base58. The expected addresses were made once with
 * @polkadot/util-crypto's encodeAddress and base58Encode (node), from keys
 * that are successive SHA-256 values of "rtforge ss58 vectors"; the hostile
 * inputs are checked for the reason they are refused. */
#include "ss58.h"
#include "testlib.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>

static const uint8_t alice[32] = {
	0xd4, 0x35, 0x93, 0xc7, 0x15, 0xfd, 0xd3, 0x1c,
	0x61, 0x14, 0x1a, 0xbd, 0x04, 0xa9, 0x9f, 0xd6,
	0x82, 0x2c, 0x85, 0x58, 0x85, 0x4c, 0xcd, 0xe3,
	0x9a, 0x56, 0x84, 0xe7, 0xa5, 0x6d, 0xa2, 0x7d,
};
static const char alice_42[] = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

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

static enum ss58_error
decode_str(const char *s, uint8_t id[32], uint16_t *prefix)
{
	return ss58_decode(s, strlen(s), id, prefix);
}

/* base58 of prefix bytes ‖ body ‖ checksum, checksum computed here with
 * libsodium directly, so hostile payloads can carry a valid checksum. */
static void
make_address(char *out, size_t outcap, const uint8_t *prefix_bytes,
    size_t prefix_len, const uint8_t *body, size_t body_len)
{
	uint8_t payload[BASE58_MAX_BYTES], hash[64];
	crypto_generichash_state st;
	size_t n = 0;
	memcpy(payload, prefix_bytes, prefix_len);
	n += prefix_len;
	memcpy(payload + n, body, body_len);
	n += body_len;
	crypto_generichash_init(&st, NULL, 0, sizeof hash);
	crypto_generichash_update(&st, (const unsigned char *)"SS58PRE", 7);
	crypto_generichash_update(&st, payload, n);
	crypto_generichash_final(&st, hash, sizeof hash);
	memcpy(payload + n, hash, 2);
	n += 2;
	CHECK(base58_encode(out, outcap, payload, n) == SS58_OK);
}

static void
test_alice(void)
{
	char addr[SS58_ADDRESS_MAX];
	uint8_t id[32];
	uint16_t prefix = 0;
	CHECK(ss58_encode(addr, sizeof addr, alice, 42) == SS58_OK);
	CHECK_STR(addr, alice_42);
	CHECK(decode_str(alice_42, id, &prefix) == SS58_OK);
	CHECK(memcmp(id, alice, 32) == 0);
	CHECK(prefix == 42);
	/* Polkadot's prefix 0 gives a leading zero byte, so a leading '1'. */
	CHECK(ss58_encode(addr, sizeof addr, alice, 0) == SS58_OK);
	CHECK_STR(addr, "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5");
}

static const struct {
	uint16_t prefix;
	const char *key_hex;
	const char *address;
} vectors[] = {
	{ 0, "6286d645297bca2f74f95f91231a95b3a5a393319e2ae952714f1ea3f023fbc1",
	    "13EBkN7NDMJLwfLcL1WqmeUarPEGP58EFSBvqCYmqVgEDDno" },
	{ 1, "79bcbb4616b8c6defc7cf785eedd80c30e654a8f8c76c0854dfbdf19c9e78877",
	    "9YH7pJr3Yu2SvtTssSNvn1YNUVYvrt3UNpEVYS9FSfCGQNY" },
	{ 2, "3ec6057d6c7ebae45848d724559dd878b4098a4de7f7305101e8440deaf9ae66",
	    "DzdK1SkAfQBPKDws7dyeamc5FcGhRXGkSyAVA5YnYqgdEeQ" },
	{ 5, "debf011ae695eb2ef1da8d01de544d03ef1de1c84818555f7450a1888e80d111",
	    "ayMfTCULP1MBCv9Gh3m8LLvM61hkY8H48CsH9o2KZae1aJb" },
	{ 7, "1d42036d4250ea08b040a2e4b5d9da69f9dda902ed66c926311a74aea7ad6413",
	    "iAyosWfrcwFhn1Xoc4QKsmL7WK5BYRpgecWrn4cffwGUxHH" },
	{ 42, "b2cafd11f99c2bbd8b33a611ed48050c35228d0bed70f59c496a27c964ce00e0",
	    "5G78gSaa6BDGHNJnQkKws63i9fhLehqWPS7Qyd8VufKFd6wD" },
	{ 63, "a6b2c9282b1fc33b4cf838b76285ab249de04e9227d903908f8e40992d4eaa03",
	    "7MN8Lwh1EpcKaE5qw5fXCQVGsmBe5o1j7asJVVVirV6jKNUf" },
	{ 64, "db17f2481a64dc8c31ec5fd229bd9980d94b48c7558ab39c25031bafa4091c7d",
	    "cEaXUMu3sJmH2h9qAxHiUcCwmumDwAEUzQegwRLvj9MgCqFWZ" },
	{ 65, "56847e1a89dde82cd123de5a3052e8b70149055701aa282e3caf351cd1f45706",
	    "cLuurnDXNjCFnfim4VfmqZcG52FniU1VEM3BvYGLdmksia5AJ" },
	{ 69, "c0b6393116d94fa582391a8a2d6ff06c3f78f6142ffeb46fd33a78f70d893e58",
	    "cnVqxoRtGGvxxuJhgQkKEjxFevM69njFzBRWJUWGueHMxYhh4" },
	{ 127, "cbf19b22ca51bf629e17d66ab70ed87b25d2200cbc0fe5ecbf93d10d1b3ea7ec",
	    "jAtKETmdioy6TxRGLAStB7DhyNiXzQ6CXMegfWhVzpDsUnPc4" },
	{ 128, "478b4742e0d2b81f651f61ea44cf327c29b3bef3d6561f0f6fab2def71a2359c",
	    "jHDhrHbTdUbNms9rJu3rYM1VrhnaTRy9esZVbTDbLyMYMooDx" },
	{ 255, "7dc90d10e51c153589f6a71091382aa60dc5c89609943ae85d7d8e7b0c75cbb4",
	    "yGFaSBdFLK7khGFGCWT9X5Ht8DPHGrBNHPAouCkU4LxeiBqjj" },
	{ 256, "b8009cdb5f54f186058f36afeb5a4c1627810a0aee9919510d9c1467920763fd",
	    "VBy1HG3BhMKhLP6kSUDeVePPdt9dQL6FesMmDpuCsfLvADmMU" },
	{ 1284, "0b247daba3954df399a63deb66ceeb139dc45e8a5020a948c2c0bfbb5e66b35d",
	    "Vdqn8qg4grAZm7PCeuLasx1Qghv6caVwqba1tamhJxnsnQR4i" },
	{ 2007, "d0f465793740b9d8b02407dec021ee43d556d31ba497d838f39669a11bb3d4f6",
	    "tsYeT89gBBp1TNPnsCXWVqoge48BUUqQw2XDuEWdXxhQ3CNFK" },
	{ 4095, "f14006c43fd1c3c06d1552960dec2f475f700d82749342062bb51f1ffc32f7db",
	    "yHnziuo9WVqmEtqVKiRsFuFkjBb92fK6QjPdbVi8xXJigqvNH" },
	{ 8191, "9e0556c164380dff4d0d0c7933cedfcd348cb1f7f66b3301137ee3e9152c64cb",
	    "yKMi9dzP6rH3Ar45LKLS9HB1AGXpRt9sLCSbdrK4mwdqGzkqS" },
	{ 12345, "22bfa260c2268f04e238930ce1bd40aa3e643d1368ce2c95fe9a603628aa3e46",
	    "bYbTuvTDAPaHURXrmHGBZh4R7RpbagkJgXXL7n3gc9tT1rR94" },
	{ 16383, "7635c61970cf8412629ef879148ad8fa607f320fa7a8419e49318230a85b56bf",
	    "yNY14PABhYRAAd7hXGQDmdVp77WPdgDmfiTX6c7gFschj3fTz" },
	/* The extremes of the key space. */
	{ 0, "0000000000000000000000000000000000000000000000000000000000000000",
	    "111111111111111111111111111111111HC1" },
	{ 0, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    "16nfFzYQPHsjA4QTuXt2NuGReV9J4BdXBwZ8cgeJTrbVH61f" },
	{ 42, "0000000000000000000000000000000000000000000000000000000000000000",
	    "5C4hrfjw9DjXZTzV3MwzrrAr9P1MJhSrvWGWqi1eSuyUpnhM" },
	{ 42, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    "5HrN7fHLXWcFiXPwwtq2EkSGns9eMt5P7SpeTPewumZy6ftb" },
	{ 16383, "0000000000000000000000000000000000000000000000000000000000000000",
	    "yNVL4kwAwEH34hPtM6SnH1ZHtDLi8PDC1sBXDLKBhjPiYiEY9" },
	{ 16383, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    "yNb7j1viLcZunrTHozyfJPTZJrprRSPpY485Lwzq1CFK2z3Nk" },
};

static void
test_polkadot_js_vectors(void)
{
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		uint8_t key[32], id[32];
		uint16_t prefix = 0;
		char addr[SS58_ADDRESS_MAX];
		CHECK(hex_to_bytes(key, sizeof key, vectors[i].key_hex) == 0);
		CHECK(ss58_encode(addr, sizeof addr, key, vectors[i].prefix) ==
		    SS58_OK);
		CHECK_STR(addr, vectors[i].address);
		CHECK(decode_str(vectors[i].address, id, &prefix) == SS58_OK);
		CHECK(memcmp(id, key, 32) == 0);
		CHECK(prefix == vectors[i].prefix);
	}
}

/* Every legal prefix survives a round trip; the reserved ones and those
 * past 16383 are refused on encode. */
static void
test_all_prefixes_round_trip(void)
{
	int failures = 0, refused = 0;
	for (unsigned p = 0; p <= SS58_PREFIX_MAX + 1; p++) {
		char addr[SS58_ADDRESS_MAX];
		uint8_t id[32];
		uint16_t back = 0;
		enum ss58_error err = ss58_encode(addr, sizeof addr, alice,
		    (uint16_t)p);
		if (p == 46 || p == 47 || p > SS58_PREFIX_MAX) {
			refused += err != SS58_OK;
			continue;
		}
		if (err != SS58_OK || strlen(addr) >= SS58_ADDRESS_MAX ||
		    decode_str(addr, id, &back) != SS58_OK || back != p ||
		    memcmp(id, alice, 32) != 0)
			failures++;
	}
	CHECK(failures == 0);
	CHECK(refused == 3);
}

static void
test_encode_refusals(void)
{
	char addr[SS58_ADDRESS_MAX];
	CHECK(ss58_encode(addr, sizeof addr, alice, 46) == SS58_ERR_RESERVED);
	CHECK(ss58_encode(addr, sizeof addr, alice, 47) == SS58_ERR_RESERVED);
	CHECK(ss58_encode(addr, sizeof addr, alice, 16384) ==
	    SS58_ERR_BAD_PREFIX);
	CHECK(ss58_encode(addr, sizeof addr, alice, 65535) ==
	    SS58_ERR_BAD_PREFIX);
	/* 48 characters need 49 bytes with the NUL. */
	CHECK(ss58_encode(addr, 48, alice, 42) == SS58_ERR_BUFFER);
	CHECK(addr[0] == '\0');
	CHECK(ss58_encode(addr, 49, alice, 42) == SS58_OK);
	CHECK_STR(addr, alice_42);
	CHECK(ss58_encode(addr, 0, alice, 42) == SS58_ERR_BUFFER);
}

static void
expect_refused(const char *text, size_t len, enum ss58_error want)
{
	uint8_t id[32];
	uint16_t prefix = 7;
	enum ss58_error got = ss58_decode(text, len, id, &prefix);
	static const uint8_t zero[32];
	if (got != want)
		fprintf(stderr, "  \"%.*s\": got %d (%s), want %d\n", (int)len,
		    text, got, ss58_strerror(got), want);
	CHECK(got == want);
	/* Nothing half-decoded is left behind. */
	CHECK(memcmp(id, zero, 32) == 0 && prefix == 0);
}

static void
expect_refused_str(const char *text, enum ss58_error want)
{
	expect_refused(text, strlen(text), want);
}

static void
test_decode_hostile_text(void)
{
	char buf[128];
	expect_refused("", 0, SS58_ERR_EMPTY);
	memset(buf, 'z', sizeof buf);
	expect_refused(buf, SS58_TEXT_MAX + 1, SS58_ERR_TOO_LONG);
	expect_refused(buf, sizeof buf, SS58_ERR_TOO_LONG);
	/* 64 '1's decode to 64 zero bytes: too many for an address. */
	memset(buf, '1', SS58_TEXT_MAX);
	expect_refused(buf, SS58_TEXT_MAX, SS58_ERR_BAD_LENGTH);
	/* 64 'z's: a number far too large. */
	memset(buf, 'z', SS58_TEXT_MAX);
	expect_refused(buf, SS58_TEXT_MAX, SS58_ERR_BAD_LENGTH);

	/* Characters base58 leaves out, and others, at several places. */
	static const char bad_chars[] = "0OIl+/= \t\n-_.";
	for (const char *c = bad_chars; *c; c++) {
		snprintf(buf, sizeof buf, "%s", alice_42);
		buf[10] = *c;
		expect_refused_str(buf, SS58_ERR_BAD_CHAR);
	}
	snprintf(buf, sizeof buf, " %s", alice_42);
	expect_refused_str(buf, SS58_ERR_BAD_CHAR);
	snprintf(buf, sizeof buf, "%s\n", alice_42);
	expect_refused_str(buf, SS58_ERR_BAD_CHAR);
	snprintf(buf, sizeof buf, "%s", alice_42);
	buf[0] = (char)0xff;
	expect_refused_str(buf, SS58_ERR_BAD_CHAR);
	buf[0] = (char)0xc3;	/* the start of a UTF-8 sequence */
	expect_refused_str(buf, SS58_ERR_BAD_CHAR);
	/* An embedded NUL counts, since the length is explicit. */
	snprintf(buf, sizeof buf, "%s", alice_42);
	buf[20] = '\0';
	expect_refused(buf, strlen(alice_42), SS58_ERR_BAD_CHAR);
}

static void
test_decode_checksum_and_length(void)
{
	char buf[SS58_ADDRESS_MAX];
	/* polkadot-js also calls this one a checksum failure. */
	expect_refused_str("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ",
	    SS58_ERR_BAD_CHECKSUM);
	/* Every single-character substitution is caught one way or another. */
	int missed = 0;
	for (size_t i = 0; i < strlen(alice_42); i++) {
		snprintf(buf, sizeof buf, "%s", alice_42);
		buf[i] = buf[i] == 'A' ? 'B' : 'A';
		uint8_t id[32];
		uint16_t prefix;
		if (decode_str(buf, id, &prefix) == SS58_OK)
			missed++;
	}
	CHECK(missed == 0);
	/* Truncated and extended. */
	snprintf(buf, sizeof buf, "%s", alice_42);
	buf[strlen(buf) - 1] = '\0';
	expect_refused_str(buf, SS58_ERR_BAD_LENGTH);
	snprintf(buf, sizeof buf, "%sz", alice_42);
	expect_refused_str(buf, SS58_ERR_BAD_LENGTH);
	/* Valid SS58 for other key lengths (polkadot-js encodeAddress of a
	 * 33-byte ECDSA-style key and of an 8-byte key): not account ids. */
	expect_refused_str("KW7itot55zZFQ4soCM2AqjCLMCq2k9cFLzD1ya4jcetmcd4f5",
	    SS58_ERR_BAD_LENGTH);
	expect_refused_str("3QZV1VFFGhRx1v", SS58_ERR_BAD_LENGTH);
	expect_refused_str("1", SS58_ERR_BAD_LENGTH);
	expect_refused_str("2", SS58_ERR_BAD_LENGTH);
}

/* Payloads that carry a correct checksum but a bad prefix. */
static void
test_decode_bad_prefixes(void)
{
	char addr[SS58_ADDRESS_MAX];
	uint8_t prefix_bytes[2];

	prefix_bytes[0] = 0x80;	/* no format starts with 1x */
	make_address(addr, sizeof addr, prefix_bytes, 1, alice, 32);
	expect_refused_str(addr, SS58_ERR_BAD_PREFIX);
	prefix_bytes[0] = 0xff;
	make_address(addr, sizeof addr, prefix_bytes, 1, alice, 32);
	expect_refused_str(addr, SS58_ERR_BAD_PREFIX);

	/* 42 in the two-byte form: 01 001010, 10 000000. */
	prefix_bytes[0] = 0x4a;
	prefix_bytes[1] = 0x80;
	make_address(addr, sizeof addr, prefix_bytes, 2, alice, 32);
	expect_refused_str(addr, SS58_ERR_NONCANONICAL);
	/* 0 in the two-byte form. */
	prefix_bytes[0] = 0x40;
	prefix_bytes[1] = 0x00;
	make_address(addr, sizeof addr, prefix_bytes, 2, alice, 32);
	expect_refused_str(addr, SS58_ERR_NONCANONICAL);

	prefix_bytes[0] = 46;
	make_address(addr, sizeof addr, prefix_bytes, 1, alice, 32);
	expect_refused_str(addr, SS58_ERR_RESERVED);
	prefix_bytes[0] = 47;
	make_address(addr, sizeof addr, prefix_bytes, 1, alice, 32);
	expect_refused_str(addr, SS58_ERR_RESERVED);

	/* Right form, with a 31- and a 33-byte body. */
	prefix_bytes[0] = 42;
	make_address(addr, sizeof addr, prefix_bytes, 1, alice, 31);
	expect_refused_str(addr, SS58_ERR_BAD_LENGTH);
	{
		uint8_t long_body[33];
		memcpy(long_body, alice, 32);
		long_body[32] = 1;
		make_address(addr, sizeof addr, prefix_bytes, 1, long_body, 33);
		expect_refused_str(addr, SS58_ERR_BAD_LENGTH);
	}
	/* A two-byte prefix whose second byte is missing: a payload of one
	 * byte 0x40 with nothing after it. */
	prefix_bytes[0] = 0x40;
	CHECK(base58_encode(addr, sizeof addr, prefix_bytes, 1) == SS58_OK);
	expect_refused_str(addr, SS58_ERR_BAD_LENGTH);
}

/* A small deterministic generator for the fuzz loops; not for secrets. */
static uint32_t
next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random text, mostly from the alphabet: decoding must never crash, and
 * anything it accepts must re-encode to exactly the same text. */
static void
test_decode_fuzz(void)
{
	static const char alphabet[] =
	    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	uint32_t seed = 0xc0ffee;
	int mismatches = 0;
	for (int round = 0; round < 20000; round++) {
		char text[80], again[SS58_ADDRESS_MAX];
		size_t len = next_rand(&seed) % sizeof text;
		uint8_t id[32];
		uint16_t prefix;
		for (size_t i = 0; i < len; i++) {
			uint32_t r = next_rand(&seed);
			text[i] = (r & 0xf00) == 0 ? (char)(r & 0xff) :
			    alphabet[r % 58];
		}
		/* Half the time, start from a real address and corrupt it. */
		if (round % 2 == 0) {
			snprintf(text, sizeof text, "%s", alice_42);
			len = strlen(text);
			text[next_rand(&seed) % len] =
			    alphabet[next_rand(&seed) % 58];
		}
		if (ss58_decode(text, len, id, &prefix) != SS58_OK)
			continue;
		if (ss58_encode(again, sizeof again, id, prefix) != SS58_OK ||
		    strlen(again) != len || memcmp(again, text, len) != 0)
			mismatches++;
	}
	CHECK(mismatches == 0);
}

static void
test_base58_vectors(void)
{
	static const struct {
		const char *hex, *text;
	} cases[] = {
		{ "", "" },
		{ "00", "1" },
		{ "0000287fb4cd", "11233QC4" },
		{ "48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U" },
		{ "00ff00ff", "12Uesp" },
		{ "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		    "2wkBET2rRgE8pahuaczxKbmv7ciehqsne57F9gtzf1PVd4yT9Q" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t bytes[64], back[64];
		size_t n = strlen(cases[i].hex) / 2, got = 99;
		char text[128];
		CHECK(hex_to_bytes(bytes, n, cases[i].hex) == 0);
		CHECK(base58_encode(text, sizeof text, bytes, n) == SS58_OK);
		CHECK_STR(text, cases[i].text);
		CHECK(base58_decode(back, sizeof back, &got, cases[i].text,
		    strlen(cases[i].text)) == SS58_OK);
		CHECK(got == n && memcmp(back, bytes, n) == 0);
	}
}

static void
test_base58_caps(void)
{
	uint8_t big[BASE58_MAX_BYTES + 1], back[4];
	char text[300];
	size_t got = 99;
	memset(big, 0xab, sizeof big);
	CHECK(base58_encode(text, sizeof text, big, BASE58_MAX_BYTES) ==
	    SS58_OK);
	CHECK(base58_encode(text, sizeof text, big, sizeof big) ==
	    SS58_ERR_TOO_LONG);
	CHECK(base58_encode(text, 10, big, 8) == SS58_ERR_BUFFER);
	CHECK(base58_encode(text, 0, big, 0) == SS58_ERR_BUFFER);
	/* Five bytes do not fit in four, whether zeros or value. */
	CHECK(base58_decode(back, sizeof back, &got, "11111", 5) ==
	    SS58_ERR_TOO_LONG);
	CHECK(got == 0);
	CHECK(base58_decode(back, sizeof back, &got, "zzzzzzz", 7) ==
	    SS58_ERR_TOO_LONG);
	CHECK(base58_decode(back, sizeof back, &got, "1111", 4) == SS58_OK);
	CHECK(got == 4);
	/* A very long run of '1's needs no work buffer, only the check. */
	{
		static char ones[100000];
		memset(ones, '1', sizeof ones);
		CHECK(base58_decode(back, sizeof back, &got, ones,
		    sizeof ones) == SS58_ERR_TOO_LONG);
	}
	/* Random round trips of random lengths. */
	uint32_t seed = 77;
	int mismatches = 0;
	for (int round = 0; round < 2000; round++) {
		uint8_t in[BASE58_MAX_BYTES], out[BASE58_MAX_BYTES];
		size_t n = next_rand(&seed) % (BASE58_MAX_BYTES + 1), m = 0;
		for (size_t i = 0; i < n; i++)
			in[i] = (next_rand(&seed) & 3) == 0 ? 0 :
			    (uint8_t)next_rand(&seed);
		if (base58_encode(text, sizeof text, in, n) != SS58_OK ||
		    base58_decode(out, sizeof out, &m, text, strlen(text)) !=
		    SS58_OK || m != n || memcmp(in, out, n) != 0)
			mismatches++;
	}
	CHECK(mismatches == 0);
}

static void
test_strerror(void)
{
	for (int e = SS58_OK; e <= SS58_ERR_BUFFER; e++)
		CHECK(ss58_strerror((enum ss58_error)e)[0] != '\0');
	CHECK_STR(ss58_strerror(SS58_ERR_BAD_CHECKSUM),
	    "address checksum mismatch (typo?)");
	CHECK(ss58_strerror((enum ss58_error)999) != NULL);
}

int
main(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return 1;
	}
	RUN(test_alice);
	RUN(test_polkadot_js_vectors);
	RUN(test_all_prefixes_round_trip);
	RUN(test_encode_refusals);
	RUN(test_decode_hostile_text);
	RUN(test_decode_checksum_and_length);
	RUN(test_decode_bad_prefixes);
	RUN(test_decode_fuzz);
	RUN(test_base58_vectors);
	RUN(test_base58_caps);
	RUN(test_strerror);
	return testlib_summary();
}
