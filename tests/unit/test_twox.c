/* xxHash64 and Substrate's twox hashers. Expected values:
 *   storage keys: the well-known Sudo.Key, System and System.Events keys
 *   (chain-facts.md, and what the Rococo test chain answers to);
 *   xxh64("", 0) = 0xEF46DB3751D8E999 from the xxHash specification;
 *   the message table: @polkadot/util-crypto xxhashAsHex (node), on
 *   msg(n)[i] = (31 i + 7 n + 5) mod 256, lengths chosen to cross every
 *   branch (tail bytes, 4-byte step, 8-byte steps, whole 32-byte stripes). */
#include "twox.h"
#include "testlib.h"

#include <stdint.h>
#include <string.h>

static void
make_msg(uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)((i * 31 + n * 7 + 5) & 0xff);
}

static void
to_hex(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	out[0] = '0';
	out[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		out[2 + 2 * i] = digits[in[i] >> 4];
		out[3 + 2 * i] = digits[in[i] & 15];
	}
	out[2 + 2 * len] = '\0';
}

static void
test_spec_empty(void)
{
	CHECK(xxh64("", 0, 0) == 0xEF46DB3751D8E999ULL);
	/* Same input, other seed: must differ (seed reaches the result). */
	CHECK(xxh64("", 0, 1) != 0xEF46DB3751D8E999ULL);
}

static void
test_storage_keys(void)
{
	uint8_t key[TWOX_STORAGE_PREFIX_LEN], h[TWOX128_LEN];
	char hex[2 + 2 * TWOX_STORAGE_PREFIX_LEN + 1];

	twox_storage_prefix(key, "Sudo", "Key");
	to_hex(hex, key, sizeof key);
	CHECK_STR(hex, "0x5c0d1176a568c1f92944340dbfed9e9c"
	    "530ebca703c85910e7164cb7d1c9e47b");
	twox128(h, "System", 6);
	to_hex(hex, h, sizeof h);
	CHECK_STR(hex, "0x26aa394eea5630e07c48ae0c9558cef7");
	twox128(h, "Events", 6);
	to_hex(hex, h, sizeof h);
	CHECK_STR(hex, "0x80d41e5e16056765bc8461851072c9d7");
	twox_storage_prefix(key, "System", "Events");
	to_hex(hex, key, sizeof key);
	CHECK_STR(hex, "0x26aa394eea5630e07c48ae0c9558cef7"
	    "80d41e5e16056765bc8461851072c9d7");
	twox_storage_prefix(key, "System", "Account");
	to_hex(hex, key, sizeof key);
	CHECK_STR(hex, "0x26aa394eea5630e07c48ae0c9558cef7"
	    "b99d880ec681799c0cf30e8886371da9");
}

static const struct {
	size_t len;
	const char *twox128;	/* its first half is twox64 */
} vectors[] = {
	{ 0, "0x99e9d85137db46ef4bbea33613baafd5" },
	{ 1, "0xd8b769d3c66b9c0cbe293c24f65d8568" },
	{ 3, "0x6ade5ae0feb4d196db345da08339da9a" },
	{ 4, "0x8e8a9b5a6d3c03d00c1c0c46d7d28466" },
	{ 7, "0xf549a3368906a9124ae67ccc67dc5357" },
	{ 8, "0x46f4c8e5e827fd38f24efd579dead926" },
	{ 9, "0x667102517467cf43773ff28447fb22d4" },
	{ 15, "0xe5f020ec2f3e96444ed65a34f07f3717" },
	{ 16, "0xc46ad616ebce0c7d99b541880bd79584" },
	{ 31, "0x8f0a83d1b2e1b7f1fee3947f533b8503" },
	{ 32, "0x4cb0f0d66bd043d22e70a72e3c019047" },
	{ 33, "0x2d22b05d851a3953cd5af3f2027c6099" },
	{ 63, "0x3b12888664e6eb23a2c87f2ee37a227a" },
	{ 64, "0xcba1777de97eb8126f20753277ba7927" },
	{ 100, "0xd021327bd98262c0f25e06b2e746fb93" },
	{ 257, "0x387e78baa11461fc47853e7bd1f2afe0" },
};

static void
test_message_table(void)
{
	uint8_t msg[300], h[TWOX128_LEN], h64[TWOX64_LEN];
	char hex[2 + 2 * TWOX128_LEN + 1], want64[2 + 2 * TWOX64_LEN + 1];

	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		make_msg(msg, vectors[i].len);
		twox128(h, msg, vectors[i].len);
		to_hex(hex, h, sizeof h);
		CHECK_STR(hex, vectors[i].twox128);
		twox64(h64, msg, vectors[i].len);
		to_hex(hex, h64, sizeof h64);
		memcpy(want64, vectors[i].twox128, sizeof want64 - 1);
		want64[sizeof want64 - 1] = '\0';
		CHECK_STR(hex, want64);
	}
}

/* Unaligned input must hash the same as aligned input. */
static void
test_unaligned(void)
{
	uint8_t buf[300], msg[257];
	make_msg(msg, 257);
	for (size_t shift = 1; shift < 8; shift++) {
		memcpy(buf + shift, msg, 257);
		CHECK(xxh64(buf + shift, 257, 0) == xxh64(msg, 257, 0));
	}
}

static void
test_concat(void)
{
	uint8_t msg[8], out[16], small[15];
	char hex[2 + 2 * 16 + 1];

	make_msg(msg, 8);
	CHECK(twox64_concat(out, sizeof out, msg, 8) == 16);
	to_hex(hex, out, 8);
	CHECK_STR(hex, "0x46f4c8e5e827fd38");
	CHECK(memcmp(out + 8, msg, 8) == 0);
	/* One byte short: refused, nothing written. */
	memset(small, 0xaa, sizeof small);
	CHECK(twox64_concat(small, sizeof small, msg, 8) == 0);
	CHECK(small[0] == 0xaa && small[14] == 0xaa);
	CHECK(twox64_concat(small, 7, msg, 0) == 0);
	CHECK(twox64_concat(out, 8, msg, 0) == 8);
	/* A length that would wrap the size check. */
	CHECK(twox64_concat(out, sizeof out, msg, SIZE_MAX - 4) == 0);
}

int
main(void)
{
	RUN(test_spec_empty);
	RUN(test_storage_keys);
	RUN(test_message_table);
	RUN(test_unaligned);
	RUN(test_concat);
	return testlib_summary();
}
