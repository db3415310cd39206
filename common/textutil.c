#include "textutil.h"

#include <stdbool.h>
#include <stdint.h>

size_t
utf8_seq_len(const uint8_t *s, size_t avail)
{
	size_t need;
	uint32_t cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (need > avail)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
	    (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

bool
utf8_valid(const uint8_t *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len(s + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

static size_t
clean(char *s, size_t len, bool keep_newline)
{
	unsigned char *u = (unsigned char *)s;
	size_t out = 0;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len(u + i, len - i);
		if (n == 0) {
			u[out++] = '?';
			i++;
			continue;
		}
		if (n == 1 && ((u[i] < 0x20 && u[i] != '\t' &&
		    !(keep_newline && u[i] == '\n')) || u[i] == 0x7f)) {
			i++;
			continue;
		}
		for (size_t k = 0; k < n; k++)
			u[out++] = u[i + k];
		i += n;
	}
	s[out] = '\0';
	return out;
}

size_t
text_clean(char *s, size_t len)
{
	return clean(s, len, false);
}

size_t
text_clean_multiline(char *s, size_t len)
{
	return clean(s, len, true);
}
