/* Unit tests for common/textutil.c: text_clean keeps valid UTF-8, turns
 * each invalid byte into '?', drops control characters but tab, and
 * always leaves a NUL-terminated string whose length it returns. */
#include "textutil.h"
#include "testlib.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_SEED 0x7e47c1eau
#define FUZZ_ROUNDS 5000

/* Cleans a copy of in[0..len) held in an exactly sized buffer (len + 1),
 * so that writing past it is an ASan error. Returns the result, malloc'd;
 * *outlen is what text_clean returned. */
static char *
cleaned(const char *in, size_t len, size_t *outlen)
{
	char *buf = malloc(len + 1);

	if (buf == NULL)
		exit(2);
	if (len > 0)
		memcpy(buf, in, len);
	buf[len] = 'Z';	/* text_clean must put the NUL itself */
	*outlen = text_clean(buf, len);
	return buf;
}

/* text_clean(in) gives exactly want, and the length agrees with strlen. */
static bool
cleans_to(const char *in, size_t len, const char *want)
{
	size_t outlen;
	char *got = cleaned(in, len, &outlen);
	bool ok = outlen == strlen(want) && strlen(got) == outlen &&
	    memcmp(got, want, outlen + 1) == 0;

	if (!ok) {
		fprintf(stderr, "  input:");
		for (size_t i = 0; i < len; i++)
			fprintf(stderr, " %02x", (unsigned char)in[i]);
		fprintf(stderr, "\n  got %zu \"%s\", want \"%s\"\n", outlen,
		    got, want);
	}
	free(got);
	return ok;
}

#define CLEANS_TO(lit, want) CHECK(cleans_to((lit), sizeof(lit) - 1, (want)))
#define KEPT(lit) CLEANS_TO(lit, lit)

static void
test_ascii_and_empty(void)
{
	KEPT("");
	KEPT("hello, world");
	KEPT("{\"json\": [1, 2, 3]}");
	KEPT(" ~!@#$%^&*()_+`-=[]{}|;':\",./<>?");
	KEPT("tab\there");
}

static void
test_valid_multibyte_kept(void)
{
	KEPT("caf\xc3\xa9");			/* U+00E9, 2 bytes */
	KEPT("\xe2\x82\xac 5");			/* U+20AC, 3 bytes */
	KEPT("\xf0\x9f\x98\x80!");		/* U+1F600, 4 bytes */
	KEPT("\xc2\x80");			/* U+0080, lowest 2-byte */
	KEPT("\xdf\xbf");			/* U+07FF */
	KEPT("\xe0\xa0\x80");			/* U+0800, lowest 3-byte */
	KEPT("\xed\x9f\xbf");			/* U+D7FF, below surrogates */
	KEPT("\xee\x80\x80");			/* U+E000, above them */
	KEPT("\xef\xbf\xbf");			/* U+FFFF */
	KEPT("\xf0\x90\x80\x80");		/* U+10000, lowest 4-byte */
	KEPT("\xf4\x8f\xbf\xbf");		/* U+10FFFF, the last */
	KEPT("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");	/* 日本語 */
}

static void
test_invalid_bytes_become_question_marks(void)
{
	CLEANS_TO("\x80", "?");			/* lone continuation */
	CLEANS_TO("a\xbf" "b", "a?b");
	CLEANS_TO("\xff", "?");
	CLEANS_TO("\xfe\xff", "??");
	CLEANS_TO("\xf8\x88\x80\x80\x80", "?????");	/* 5-byte form */
	CLEANS_TO("\xfc\x84\x80\x80\x80\x80", "??????");
	/* A lead byte followed by something that is not a continuation. */
	CLEANS_TO("\xc3" "A", "?A");
	CLEANS_TO("\xe2\x82" "A", "??A");
	CLEANS_TO("\xe2" "\xc3\xa9", "?\xc3\xa9");
	CLEANS_TO("\xf0\x9f\x98" "x", "???x");
}

static void
test_overlongs_rejected(void)
{
	CLEANS_TO("\xc0\x80", "??");		/* U+0000 in 2 bytes */
	CLEANS_TO("\xc1\xbf", "??");		/* U+007F in 2 bytes */
	CLEANS_TO("\xc0\xaf", "??");		/* '/' in 2 bytes */
	CLEANS_TO("\xe0\x80\x80", "???");	/* U+0000 in 3 bytes */
	CLEANS_TO("\xe0\x9f\xbf", "???");	/* U+07FF in 3 bytes */
	CLEANS_TO("\xf0\x80\x80\x80", "????");	/* U+0000 in 4 bytes */
	CLEANS_TO("\xf0\x8f\xbf\xbf", "????");	/* U+FFFF in 4 bytes */
}

static void
test_surrogates_and_beyond_rejected(void)
{
	CLEANS_TO("\xed\xa0\x80", "???");	/* U+D800 */
	CLEANS_TO("\xed\xbf\xbf", "???");	/* U+DFFF */
	CLEANS_TO("\xed\xa0\xbd\xed\xb8\x80", "??????");	/* CESU pair */
	CLEANS_TO("\xf4\x90\x80\x80", "????");	/* U+110000 */
	CLEANS_TO("\xf5\x80\x80\x80", "????");
	CLEANS_TO("\xf7\xbf\xbf\xbf", "????");
}

static void
test_truncated_at_end(void)
{
	CLEANS_TO("\xc3", "?");
	CLEANS_TO("ok\xe2\x82", "ok??");
	CLEANS_TO("ok\xe2", "ok?");
	CLEANS_TO("\xf0\x9f\x98", "???");
	CLEANS_TO("\xf0\x9f", "??");
	CLEANS_TO("\xf0", "?");
	/* len cuts a valid sequence: the bytes beyond are not looked at. */
	CHECK(cleans_to("\xe2\x82\xac", 2, "??"));
	CHECK(cleans_to("\xf0\x9f\x98\x80", 3, "???"));
	CHECK(cleans_to("ab\xc3\xa9", 3, "ab?"));
}

static void
test_control_characters(void)
{
	CLEANS_TO("a\nb\rc", "abc");
	CLEANS_TO("\x01\x02\x03x\x1f", "x");
	CLEANS_TO("\x1b[31mred\x1b[0m", "[31mred[0m");
	CLEANS_TO("del\x7f!", "del!");
	CLEANS_TO("\t\t", "\t\t");
	CLEANS_TO("\x7f\x7f", "");
	CLEANS_TO("a\x00" "b", "ab");	/* NUL inside len is dropped */
	CLEANS_TO("\x00", "");
	CLEANS_TO("x\x0b\x0cy", "xy");	/* VT, FF */
	/* Controls around multibyte characters. */
	CLEANS_TO("\n\xc3\xa9\r\n\xe2\x82\xac\x07", "\xc3\xa9\xe2\x82\xac");
}

static void
test_mixed(void)
{
	CLEANS_TO("ok \xc3\xa9 \xff\n\xe2\x82\xac\xc0\x80\tend\xf0\x9f",
	    "ok \xc3\xa9 ?\xe2\x82\xac??\tend??");
	CLEANS_TO("warning: unused `x`\xe2\x80\x99s\r\n",
	    "warning: unused `x`\xe2\x80\x99s");
}

/* ---- a strict, independent UTF-8 check for the fuzz loop ---- */

static size_t
strict_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return avail >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = c == 0xed ? 0x9f : 0xbf;
		return avail >= 3 && s[1] >= lo && s[1] <= hi &&
		    (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;
		return avail >= 4 && s[1] >= lo && s[1] <= hi &&
		    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

static bool
is_clean_text(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = strict_seq_len(u + i, len - i);
		if (n == 0)
			return false;
		if (n == 1 && ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f))
			return false;
		i += n;
	}
	return true;
}

/* The number of bytes a strict decoder keeps, counting '?' for each
 * invalid byte and nothing for dropped controls. */
static size_t
strict_clean_len(const unsigned char *s, size_t len)
{
	size_t out = 0;

	for (size_t i = 0; i < len;) {
		size_t n = strict_seq_len(s + i, len - i);
		if (n == 0) {
			out++;
			i++;
		} else {
			if (!(n == 1 && ((s[i] < 0x20 && s[i] != '\t') ||
			    s[i] == 0x7f)))
				out += n;
			i += n;
		}
	}
	return out;
}

static uint32_t fuzz_state;

static uint32_t
fuzz_next(void)
{
	fuzz_state ^= fuzz_state << 13;
	fuzz_state ^= fuzz_state >> 17;
	fuzz_state ^= fuzz_state << 5;
	return fuzz_state;
}

/* Random text biased towards UTF-8 lead and continuation bytes. */
static size_t
fuzz_text(unsigned char *buf, size_t cap)
{
	static const unsigned char interesting[] = {
		0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x7f, 0x80, 0x8f, 0x90, 0x9f,
		0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0,
		0xf4, 0xf5, 0xf8, 0xfe, 0xff, 'a', ' ',
	};
	size_t len = fuzz_next() % cap;

	for (size_t i = 0; i < len; i++)
		buf[i] = fuzz_next() % 2 ? (unsigned char)fuzz_next() :
		    interesting[fuzz_next() % sizeof(interesting)];
	return len;
}

static void
test_fuzz_output_is_clean(void)
{
	unsigned char in[96];
	int unclean = 0, wrong_len = 0, not_idempotent = 0;

	fuzz_state = FUZZ_SEED;
	printf("# fuzz seed 0x%08x, %d rounds\n", FUZZ_SEED, FUZZ_ROUNDS);
	for (int r = 0; r < FUZZ_ROUNDS; r++) {
		size_t len = fuzz_text(in, sizeof(in)), outlen, againlen;
		char *out = cleaned((const char *)in, len, &outlen);
		if (strlen(out) != outlen || outlen > len ||
		    outlen != strict_clean_len(in, len))
			wrong_len++;
		if (!is_clean_text(out, outlen))
			unclean++;
		char *again = cleaned(out, outlen, &againlen);
		if (againlen != outlen || memcmp(again, out, outlen) != 0)
			not_idempotent++;
		free(again);
		free(out);
	}
	CHECK(unclean == 0);
	CHECK(wrong_len == 0);
	CHECK(not_idempotent == 0);
}

int
main(void)
{
	RUN(test_ascii_and_empty);
	RUN(test_valid_multibyte_kept);
	RUN(test_invalid_bytes_become_question_marks);
	RUN(test_overlongs_rejected);
	RUN(test_surrogates_and_beyond_rejected);
	RUN(test_truncated_at_end);
	RUN(test_control_characters);
	RUN(test_mixed);
	RUN(test_fuzz_output_is_clean);
	return testlib_summary();
}
