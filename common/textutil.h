#ifndef RTFORGE_TEXTUTIL_H
#define RTFORGE_TEXTUTIL_H

#include <stddef.h>

#include <stdbool.h>
#include <stdint.h>

/* Length of the well-formed UTF-8 sequence at s (at most avail bytes), or
 * 0 when there is none: a stray continuation byte, an overlong form, a
 * surrogate, a value past U+10FFFF, or a sequence cut short. */
size_t utf8_seq_len(const uint8_t *s, size_t avail);
/* True when all len bytes are well-formed UTF-8. */
bool utf8_valid(const uint8_t *s, size_t len);

/* Makes untrusted bytes safe to put in a JSON string and a log line:
 * invalid UTF-8 becomes '?', control characters other than tab are
 * dropped. Works in place; returns the new length and NUL-terminates
 * (s must have room for len + 1 bytes). */
size_t text_clean(char *s, size_t len);
/* The same, but keeps newlines. */
size_t text_clean_multiline(char *s, size_t len);

#endif
