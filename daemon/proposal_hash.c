/* The proposal hash of each runtime artifact, srtool's way: the
 * blake2b-256 of the encoded System.set_code(code) call on the connected
 * chain — its two index bytes (from the chain's metadata, via the sign
 * worker), the compact length, then the code. Hashing is not parsing: the
 * front streams the stored file through blake2b and never interprets it.
 * Results are remembered per (artifact, call index): a file is hashed
 * once, not on every poll of the page. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "front.h"
#include "fsutil.h"
#include "wasm_inspect.h"

#define CACHE_SLOTS 64

struct cached {
	char hash[67];		/* the artifact's code hash */
	uint8_t index[2];
	char proposal[67];
};

static struct cached cache[CACHE_SLOTS];
static size_t next_slot;

static size_t
compact_len(uint64_t n, uint8_t out[9])
{
	if (n < 64) {
		out[0] = (uint8_t)(n << 2);
		return 1;
	}
	if (n < (1u << 14)) {
		out[0] = (uint8_t)((n << 2) | 1);
		out[1] = (uint8_t)(n >> 6);
		return 2;
	}
	uint32_t v = (uint32_t)((n << 2) | 2);
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)(v >> (8 * i));
	return 4;	/* code is at most 10 MiB < 2^30 */
}

static int
hash_file(const char *rel, const uint8_t index[2], char out[67])
{
	char path[CONFIG_PATH_MAX + 300];
	struct stat st;
	uint8_t buf[65536], len_bytes[9], h[32];
	crypto_generichash_state s;
	if (strncmp(rel, "artifacts/", 10) != 0 || strstr(rel, "..") ||
	    fs_join(path, sizeof(path), fr.cfg.state_dir, rel) != 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= 0 || (uint64_t)st.st_size > WASM_MAX_INPUT) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	crypto_generichash_init(&s, NULL, 0, 32);
	crypto_generichash_update(&s, index, 2);
	crypto_generichash_update(&s, len_bytes, compact_len(
	    (uint64_t)st.st_size, len_bytes));
	ssize_t n;
	off_t total = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		crypto_generichash_update(&s, buf, (size_t)n);
		total += n;
	}
	close(fd);
	if (n < 0 || total != st.st_size)
		return -1;
	crypto_generichash_final(&s, h, 32);
	out[0] = '0';
	out[1] = 'x';
	sodium_bin2hex(out + 2, 65, h, 32);
	return 0;
}

static const char *
proposal_for(const char *hash, const char *rel, const uint8_t index[2])
{
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		if (strcmp(cache[i].hash, hash) == 0 &&
		    memcmp(cache[i].index, index, 2) == 0)
			return cache[i].proposal;
	struct cached *c = &cache[next_slot++ % CACHE_SLOTS];
	if (hash_file(rel, index, c->proposal) != 0) {
		c->hash[0] = '\0';
		return NULL;
	}
	snprintf(c->hash, sizeof(c->hash), "%s", hash);
	memcpy(c->index, index, 2);
	return c->proposal;
}

static void
add_one(json_t *a, const uint8_t index[2])
{
	const char *kind = json_string_value(json_object_get(a, "kind"));
	const char *hash = json_string_value(json_object_get(a, "hash"));
	const char *rel = json_string_value(json_object_get(a, "path"));
	if (kind == NULL || strcmp(kind, "runtime") != 0 || hash == NULL ||
	    strlen(hash) != 66 || rel == NULL ||
	    json_object_get(a, "proposal_hash"))
		return;
	const char *p = proposal_for(hash, rel, index);
	if (p)
		json_object_set_new(a, "proposal_hash", json_string(p));
}

void
proposal_hash_add(json_t *artifacts, const json_t *chain)
{
	json_t *idx = json_object_get(chain, "set_code_call_index"), *a;
	size_t i;
	json_int_t p = json_integer_value(json_array_get(idx, 0));
	json_int_t c = json_integer_value(json_array_get(idx, 1));
	if (json_array_size(idx) != 2 || p < 0 || p > 255 || c < 0 || c > 255)
		return;
	uint8_t index[2] = { (uint8_t)p, (uint8_t)c };
	add_one(json_object_get(artifacts, "runtime_wasm"), index);
	json_array_foreach(json_object_get(artifacts, "history"), i, a) {
		add_one(a, index);
	}
}
