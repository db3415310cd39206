/* Keccak-f[1600], SHAKE-256 and keccak-256 against independent
 * implementations on this machine. Where each expected value came from:
 *   SHAKE-256: python3 hashlib.shake_256 (OpenSSL);
 *   keccak-256: @polkadot/util-crypto keccakAsU8a (node);
 *   Keccak-f[1600]: @noble/hashes keccakP (node), on the zero state.
 * The test messages are msg(n)[i] = (31 i + 7 n + 5) mod 256, generated the
 * same way on both sides. */
#include "keccak.h"
#include "testlib.h"

#include <stdint.h>
#include <stdlib.h>

#define MAX_MSG 300

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
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

/* A small deterministic generator for chunk sizes; not for secrets. */
static uint32_t
next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
check_keccak256_hex(const uint8_t *in, size_t len, const char *want)
{
	uint8_t out[32];
	char hex[65];
	keccak256(out, in, len);
	to_hex(hex, out, 32);
	CHECK_STR(hex, want);
}

static void
check_shake_hex(const uint8_t *in, size_t len, size_t outlen, const char *want)
{
	uint8_t out[256];
	char hex[513];
	if (outlen > sizeof out) {
		CHECK(!"output too long for the test buffer");
		return;
	}
	shake256(out, outlen, in, len);
	to_hex(hex, out, outlen);
	CHECK_STR(hex, want);
}

/* The first lanes of Keccak-f[1600] applied once and twice to the zero
 * state; the first lane is the often-quoted F1258F7940E1DDE7. */
static void
test_permutation_zero_state(void)
{
	static const char once[] =
	    "e7dde140798f25f18a47c033f9ccd584eea95aa61e2698d54d49806f304715bd"
	    "57d05362054e288bd46f8e7f2da497ffc44746a4a0e5fe90762e19d60cda5b8c"
	    "9c05191bf7a630ad64fc8fd0b75a933035d617233fa95aeb0321710d26e6a6a9"
	    "5f55cfdb167ca58126c84703cd31b8439f56a5111a2ff20161aed9215a63e505"
	    "f270c98cf2febe641166c47b95703661cb0ed04f555a7cb8c832cf1c8ae83e8c"
	    "14263aae22790c94e409c5a224f94118c26504e72635f5163ba1307fe944f675"
	    "49a2ec5c7bfff1ea";
	static const char twice[] =
	    "3ccb6ef94d955c2d6db55770d02c336a6c6bd770128d3d0994d06955b2d9208a"
	    "56f1e7e5994f9c4f38fb65daa2b957f90daf7512ae3d7785f710d8c347f2f4fa"
	    "59879af7e69e1b1f25b498ee0fccfee4a168ceb9b661ce684f978fbac466eade"
	    "f5b1af6e833dc433d9db1927045406e065128309f0a9f87c434717bfa64954fd"
	    "404b99d833addd9774e70b5dfcd5ea483cb0b755eec8b8e3e9429e646e22a091"
	    "7bddbae729310e90e8cca3fac59e2a20b63d1c4e4602345b59104ca4624e9f60"
	    "5cbf8f6ad26cd020";
	uint64_t state[25] = { 0 };
	uint8_t bytes[200];
	char hex[401];

	keccak_f1600(state);
	CHECK(state[0] == 0xf1258f7940e1dde7ULL);
	for (int i = 0; i < 25; i++)
		for (int b = 0; b < 8; b++)
			bytes[8 * i + b] = (uint8_t)(state[i] >> (8 * b));
	to_hex(hex, bytes, sizeof bytes);
	CHECK_STR(hex, once);

	keccak_f1600(state);
	for (int i = 0; i < 25; i++)
		for (int b = 0; b < 8; b++)
			bytes[8 * i + b] = (uint8_t)(state[i] >> (8 * b));
	to_hex(hex, bytes, sizeof bytes);
	CHECK_STR(hex, twice);
}

static void
test_keccak256_published(void)
{
	check_keccak256_hex(NULL, 0,
	    "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
	check_keccak256_hex((const uint8_t *)"abc", 3,
	    "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

/* Lengths either side of one and two full blocks of the 136-byte rate. */
static void
test_keccak256_rate_boundaries(void)
{
	static const struct {
		size_t len;
		const char *hex;
	} cases[] = {
		{ 135, "17945a7dc44564f6a06a652fbfd528fe58adc7a72d0e251a8f7a5450d135d898" },
		{ 136, "c6858cd46327fbd1540370fa4f21eab2d32ea165dd2e42a06eb4577861e03996" },
		{ 137, "c24c2a8be2d8cbbf839609c52bad32c007bbc3f3489e9d7079db9400d9da77da" },
		{ 271, "0ebe8007aa8c1127b5f920619c3a1d9c5761ffa6b559389e1d0d442f58f8ce44" },
		{ 272, "106170c1e4bef254e1d7aedf369246ed73da8e6fb95a14b07a0ffea28af61204" },
		{ 273, "a6370ebb519e4dd8f9fdfb770f4d9a89bcc117557d1b0c0b9a7dddb3af0c1fc2" },
	};
	uint8_t msg[MAX_MSG] = { 0 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		make_msg(msg, cases[i].len);
		check_keccak256_hex(msg, cases[i].len, cases[i].hex);
	}
}

/* keccak-256 over the concatenation of keccak-256(msg(n)), n = 0..300. */
static void
test_keccak256_lengths_0_to_300(void)
{
	static uint8_t digests[(MAX_MSG + 1) * 32];
	uint8_t msg[MAX_MSG] = { 0 };
	for (size_t n = 0; n <= MAX_MSG; n++) {
		make_msg(msg, n);
		keccak256(digests + 32 * n, msg, n);
	}
	check_keccak256_hex(digests, sizeof digests,
	    "7bf14bd496d90aa5637a9ab444d4b9b936b517ede3d70a99a365f3d354968dac");
}

static void
test_shake256_published(void)
{
	check_shake_hex(NULL, 0, 32,
	    "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f");
	check_shake_hex((const uint8_t *)"abc", 3, 64,
	    "483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739"
	    "d5a15bef186a5386c75744c0527e1faa9f8726e462a12a4feb06bd8801e751e4");
}

/* The first 8 output bytes of SHAKE-256(msg(n)) for n = 0..300. */
static const char *const shake_prefixes[MAX_MSG + 1] = {
	"46b9dd2b0ba88d13", "6cea0dc5a55dfb70", "0d881908e78a2ff3", "a1e22a3be8089c82",
	"d4dcefce567da850", "4a7f1e633c17c50a", "bcfd8497af9b2e0b", "cdd6c53cf9e252b0",
	"1e454e4273d9d93c", "01d595f9d7321fe2", "3f4c7ee316e5a1dc", "7784422e24a53e6f",
	"6e6b011f3d10153a", "19d5488df55b61e2", "e1d9506a32afaa50", "edfea905de52de87",
	"006a3f72492fae99", "078de695c15e6f6a", "24cd25d3f75a8742", "3da3d8fd66e5ee4f",
	"2d60ed49133d0715", "c3d83f24aec4542d", "660309612c4a7489", "5b4b3e68ee230574",
	"5314a9e1d0dfcf01", "23e89415d90e647e", "8102b78263875144", "8bf4cffe117808b0",
	"26f874ad89add50d", "dde2ce7c2f7606b2", "94c5e39ea41a139d", "deee0a3513924ec4",
	"3055b6cfdafffba7", "5f8da1e4a9b50f6a", "a325878b862372f4", "eb01acf0687205e5",
	"0052c05885f8f32a", "1c006a6f5dc322f5", "13eec50d3ef37cff", "776da7c02eeade6e",
	"4d5b1f87ed597769", "d74eee546636177c", "d985fa2a60ef0de6", "81880b85d80d5be6",
	"f005626a74d09864", "baa7149941fc9467", "5fa1d3d82b1b41cb", "51d11bd8ea81c376",
	"ee519dc340a90468", "9ca1080e78d8afb0", "cebc85f599bd0026", "4c6ce918e2aec7de",
	"b424e2eac348df58", "4bcb3cffe73c5001", "8bb12f896e2d2823", "7b2c8b32e6cbb1d1",
	"6c687cdaf4397bdf", "cb9cc0442bc39803", "dc082b3cdfe9db85", "193d6df3cfe60eca",
	"9bd04f7b298a8903", "51560e69557a3d4c", "5493140e64b6300e", "8cc2853a7e409928",
	"414b86cf9c40a4dc", "68d3f41e16d928ee", "359236b6b378f2a0", "da8fc426b78e746f",
	"46f6bf44b7ab946a", "1ed48ef42402f019", "c6df08347f14ba76", "6820099723061fb5",
	"c02692d88dfd9d4d", "6b2bba12f5026dcd", "0bd5a958882e6325", "b24de3d5db6f9ec3",
	"307a3cffaedb7f59", "52142e60bfdcb77d", "960a39ce032440a2", "556e49904ba931c1",
	"62e87fcab1306c0c", "dbc116a7601f0a90", "c9e5f3b21c7fe09d", "d9ecb4c42dab4ecd",
	"d97a6f2e2ea5b210", "1b18a7fd6497f757", "830fb736915152ff", "5c54ea24dcf3b143",
	"d7dd0e823fca501b", "0264364160b003a3", "cc147e469796315b", "167606e609400f6d",
	"2e5c324308b5354a", "47ae923d91c65def", "c3b3bf692a7d79fc", "bf67bde4ade7ff7a",
	"a7b55483914a1b26", "cee1a299c1891b85", "3efdc34b7533fa05", "f1fb8b5415ad96c5",
	"57d863553b09c817", "862c72d52de019f1", "30eaa690dcb2d0fa", "a377826a4c7ffa37",
	"e646e5f680be9acd", "fb1f6cdc2b1ebce4", "95528f1cebf7eb0f", "a88341716cba577e",
	"3b902d7ba053af71", "e3117c2436b13bad", "20427663a48f8c75", "956afb6156de04f5",
	"3f5433460bf94383", "49b3e37f0da80b23", "2458c0457bc9661e", "b425550bf3b832c6",
	"081173104e381883", "cfb68c6cf4165987", "8e6b79042b243698", "0093002f0134d50b",
	"44fc0bd6a6fa057a", "e525d09def7d8c54", "1c43405e6a4a2f66", "7925e88270582643",
	"2fdbd71255ace606", "14eb42c8966a60f8", "0ba7c4e58fbe7ff1", "bead2988555af98b",
	"ff234dfc7e7fb59b", "7e8915f8f5f06d1f", "8fe3563d83f6bd36", "9df21b9834d059ba",
	"d63f74de4447c367", "9c1b0737f1991d38", "f58716c3f329107c", "c906fe11ac57ba55",
	"3f9f60407a24b01c", "53f687bd9121a980", "1bf8a85836785653", "b45c703299692984",
	"27f9183a43e78815", "34a087ae6e93c5c2", "939d3067575dae59", "71a9c783db3a6a39",
	"eb7ce4d94d02fea1", "fa152cef11506a81", "848b93f4004227e9", "d95b7fb09168794c",
	"0c82ab433615ae9a", "88158134cae7790c", "9e00ad30a6458aee", "c67386cbc99f337d",
	"8bba52a4aecf2705", "55580ac351379402", "b7490a24ff1cdc51", "c902e127eb0365c2",
	"dd1af1d09fa25c7e", "d5305a2fb4d0589f", "d85f4500edd715fd", "e11ed4eeae43e9f8",
	"b617b908d314173f", "8d21df1fb5bc4572", "8f84e47043dd164b", "59ed54c04ddd3ae0",
	"7a4a41d3c2bcc90f", "1b85b67a0c8add57", "5f8679ed1e9f6a14", "92f3c5fca1b0b3d3",
	"70d8540b07591896", "0d9afd6749200fad", "a8ee8fd9431b7b84", "aa1bb1b77cacaed9",
	"916c5776c57ea917", "c50abab2dc0ddf48", "51571be84e743551", "ddab085381ffa5f2",
	"26036b5e8255e0a0", "e5e1086de5ad1c61", "59d39d71dc00569b", "4d6943655d293997",
	"b0286015245bb663", "9dc8f632098fc19f", "29d1e59c33da1caf", "d846a03ee4a6bbc8",
	"dd096eb3ad18a5f1", "fd616def70ced089", "14f46f19b27458bf", "ce1383f34db7750f",
	"a1b6eb838ad1a9b9", "bb74eaf38d1b44ab", "218b1dee70ed721a", "2428c35f84d2d2c7",
	"e0b3bfde3d281cc4", "ce081db607153724", "0061969d540d73cd", "c271fba8be5546e1",
	"596cdd195d2aba1c", "0f05eb90984f0f64", "7b4cb2f5501f8fcb", "e084521f23efdb10",
	"8c0750b3495b0bb2", "be8e26cbf49a37f9", "95ae23ec1b3874e6", "238f7a2fc8b4b4e6",
	"64a454d4bde2b4fb", "bb44cba8a83fe452", "1c29b16a9db571cc", "ae157c57fcc67c7f",
	"4274c8cfae0ef0bd", "a877bf0c7e6ed32f", "5eeff1d694c88341", "9e852f4ac3b28b76",
	"975f275ed4091d1a", "7ea30e6a5e3a896b", "cf042b10d753cf80", "442369d1b4e119e6",
	"cbb51f21063c5c5b", "84c4596e23184818", "0dfb7caf857a1493", "09e146eae1e5c24e",
	"793161f36551f67d", "a8b85b84c7656f59", "256ea93d66e9fc90", "a526124058164b65",
	"5d7f1248f6f354f7", "741b5039c34186d2", "f188c167dbb180b7", "f2684bcb559b751a",
	"808ad145551cee11", "00bdb1369b992c07", "76e342075a462234", "ed49479e8f94e2d0",
	"33aaada6a8134377", "ee3c8758d6070931", "437ecb20c70ecb66", "766b74d06cf0ce44",
	"c9dab704838be089", "80439f8590bd4b49", "fdef18118c725aba", "8d7e0e918d6004ac",
	"7c6ffcd3d7b6d938", "529ed2d1c8ca7ab0", "fb9e8ed343e78c75", "c091c4ee03bad315",
	"dbafd1b696241d1b", "fdf1033ca301f193", "b732ed8d7e318d27", "94eb8fb5eafdea8e",
	"84a3d09dc83bb7a0", "20c91e34b81ab364", "ebad374e99284902", "04331d308d86e9c9",
	"a9f49f3b2e1ff876", "fd07eb12ac3d8f28", "78515ad40906b8b0", "2c3e58d6cc5888a7",
	"31b69c0810da5e82", "f113299e87d3123b", "a86d348a689afa69", "fc4da607bfca8c5d",
	"6b1029f240e8ee98", "f46247e1d6b42814", "33e1bc40df7c77cd", "353af09a05ecb49f",
	"e51432e103314361", "0844468949d6fbb7", "3afd9b177f1076cb", "32ada5d62afb16ee",
	"230463437e4dfbac", "d133398daf2af8c5", "db3e71fdd5348919", "3876a87f0c2e8801",
	"3b0f63d39ca8fdee", "1b0708791abddd43", "0c3378d12354bbd8", "72016247bc4b1426",
	"8edaa79984891d35", "3883ef32e26ae100", "6d859f06f814777c", "88c43644e3525958",
	"07158a6497cfcc94", "9e0e11e27a072653", "6fad76dc4177032d", "bbce39ac97e543b5",
	"3f1e89cd4d296a11", "3d4fbb84e7e77b57", "3aef94b151337d54", "cc821b2d036cae6d",
	"4d36022745402dc4", "8996145d1397dd89", "ef5f3f1ff175235b", "7a3551006f6c48ec",
	"5c72a6c267c0acee", "35b98fc097e2292f", "630dde65a5cd6bbb", "1a449b162e412064",
	"f7f0240edb0a4fdd", "480f6e9a086f3de7", "07f68909adcd4a88", "6434f4e7111a4759",
	"cde17d9a8e77094e",
};

static void
test_shake256_lengths_0_to_300(void)
{
	uint8_t msg[MAX_MSG] = { 0 };
	int mismatches = 0;
	for (size_t n = 0; n <= MAX_MSG; n++) {
		uint8_t out[8];
		char hex[17];
		make_msg(msg, n);
		shake256(out, sizeof out, msg, n);
		to_hex(hex, out, sizeof out);
		if (strcmp(hex, shake_prefixes[n]) != 0 && mismatches++ < 5)
			fprintf(stderr, "shake256 length %zu: %s != %s\n", n,
			    hex, shake_prefixes[n]);
	}
	CHECK(mismatches == 0);
}

/* SHAKE-256 of the concatenation of SHAKE-256(msg(n)) squeezed to n + 1
 * bytes, n = 0..300: covers output lengths across the rate as well. */
static void
test_shake256_output_lengths(void)
{
	static uint8_t all[(MAX_MSG + 1) * (MAX_MSG + 2) / 2];
	uint8_t msg[MAX_MSG] = { 0 };
	size_t at = 0;
	for (size_t n = 0; n <= MAX_MSG; n++) {
		make_msg(msg, n);
		shake256(all + at, n + 1, msg, n);
		at += n + 1;
	}
	CHECK(at == sizeof all);
	check_shake_hex(all, at, 32,
	    "25d9a227668956f0a7dc0d57795a17bd114728934206feed7a8eef9245bf53f0");
}

/* 1000 bytes squeezed from msg(200): several permutations of output. */
static void
test_shake256_long_output(void)
{
	static uint8_t big[1000];
	uint8_t msg[200];
	char hex[65];
	make_msg(msg, sizeof msg);
	shake256(big, sizeof big, msg, sizeof msg);
	to_hex(hex, big + sizeof big - 32, 32);
	CHECK_STR(hex,
	    "2ea4c710bf26b2c92d146304e30f28728b085f53b19edad2aa114310e1f7c04d");
	check_shake_hex(big, sizeof big, 32,
	    "3810f9edaf0a45a11ae565568440eda8d9358bd620d86c20b52d64a498b015f6");
}

/* Absorbing in random pieces (including empty ones) gives the one-shot
 * result, for every message length 0..300. */
static void
test_shake256_chunked_absorb(void)
{
	uint8_t msg[MAX_MSG] = { 0 };
	uint32_t seed = 0x9e3779b9u;
	int mismatches = 0;
	for (size_t n = 0; n <= MAX_MSG; n++) {
		uint8_t want[64], got[64];
		struct shake256_ctx ctx;
		size_t at = 0;
		make_msg(msg, n);
		shake256(want, sizeof want, msg, n);
		shake256_init(&ctx);
		while (at < n) {
			size_t piece = next_rand(&seed) % 150;
			if (piece > n - at)
				piece = n - at;
			shake256_absorb(&ctx, msg + at, piece);
			at += piece;
		}
		shake256_absorb(&ctx, NULL, 0);
		shake256_squeeze(&ctx, got, sizeof got);
		shake256_clear(&ctx);
		if (memcmp(want, got, sizeof want) != 0)
			mismatches++;
	}
	CHECK(mismatches == 0);
}

/* Byte-at-a-time absorption against one-shot, across two rate blocks. */
static void
test_shake256_bytewise_absorb(void)
{
	uint8_t msg[MAX_MSG], want[32], got[32];
	struct shake256_ctx ctx;
	make_msg(msg, MAX_MSG);
	shake256(want, sizeof want, msg, MAX_MSG);
	shake256_init(&ctx);
	for (size_t i = 0; i < MAX_MSG; i++)
		shake256_absorb(&ctx, msg + i, 1);
	shake256_squeeze(&ctx, got, sizeof got);
	CHECK(memcmp(want, got, sizeof want) == 0);
}

/* Squeezing in random pieces (including empty ones and pieces that cross
 * the rate) gives the same stream as one long squeeze. */
static void
test_shake256_chunked_squeeze(void)
{
	static uint8_t want[1000], got[1000];
	uint8_t msg[77];
	uint32_t seed = 12345;
	for (int round = 0; round < 20; round++) {
		struct shake256_ctx ctx;
		size_t at = 0;
		make_msg(msg, sizeof msg);
		msg[0] = (uint8_t)round;
		shake256(want, sizeof want, msg, sizeof msg);
		shake256_init(&ctx);
		shake256_absorb(&ctx, msg, sizeof msg);
		while (at < sizeof got) {
			size_t piece = next_rand(&seed) % 300;
			if (piece > sizeof got - at)
				piece = sizeof got - at;
			shake256_squeeze(&ctx, got + at, piece);
			at += piece;
		}
		CHECK(memcmp(want, got, sizeof want) == 0);
	}
}

/* Squeezing exactly one rate, then one more byte, then the rest. */
static void
test_shake256_squeeze_at_rate(void)
{
	uint8_t want[3 * SHAKE256_RATE], got[3 * SHAKE256_RATE];
	struct shake256_ctx ctx;
	shake256(want, sizeof want, (const uint8_t *)"abc", 3);
	shake256_init(&ctx);
	shake256_absorb(&ctx, (const uint8_t *)"abc", 3);
	shake256_squeeze(&ctx, got, SHAKE256_RATE);
	shake256_squeeze(&ctx, got + SHAKE256_RATE, 1);
	shake256_squeeze(&ctx, got + SHAKE256_RATE + 1,
	    sizeof got - SHAKE256_RATE - 1);
	CHECK(memcmp(want, got, sizeof want) == 0);
	CHECK(memcmp(want, got, 64) == 0);
}

/* An unaligned source and destination take the byte path throughout. */
static void
test_unaligned_buffers(void)
{
	uint8_t msg[MAX_MSG + 1], want[200], got[201];
	make_msg(msg + 1, 250);
	shake256(want, sizeof want, msg + 1, 250);
	shake256(got + 1, sizeof want, msg + 1, 250);
	CHECK(memcmp(want, got + 1, sizeof want) == 0);
}

static void
test_clear_wipes_context(void)
{
	struct shake256_ctx ctx;
	static const struct shake256_ctx zero;
	shake256_init(&ctx);
	shake256_absorb(&ctx, (const uint8_t *)"secret seed", 11);
	shake256_clear(&ctx);
	CHECK(memcmp(&ctx, &zero, sizeof ctx) == 0);
}

int
main(void)
{
	RUN(test_permutation_zero_state);
	RUN(test_keccak256_published);
	RUN(test_keccak256_rate_boundaries);
	RUN(test_keccak256_lengths_0_to_300);
	RUN(test_shake256_published);
	RUN(test_shake256_lengths_0_to_300);
	RUN(test_shake256_output_lengths);
	RUN(test_shake256_long_output);
	RUN(test_shake256_chunked_absorb);
	RUN(test_shake256_bytewise_absorb);
	RUN(test_shake256_chunked_squeeze);
	RUN(test_shake256_squeeze_at_rate);
	RUN(test_unaligned_buffers);
	RUN(test_clear_wipes_context);
	return testlib_summary();
}
