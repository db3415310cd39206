#ifndef RTFORGE_TEXTUTIL_H
#define RTFORGE_TEXTUTIL_H

#include <stddef.h>

/* Makes untrusted bytes safe to put in a JSON string and a log line:
 * invalid UTF-8 becomes '?', control characters other than tab are
 * dropped. Works in place; returns the new length and NUL-terminates
 * (s must have room for len + 1 bytes). */
size_t text_clean(char *s, size_t len);
/* The same, but keeps newlines. */
size_t text_clean_multiline(char *s, size_t len);

#endif
