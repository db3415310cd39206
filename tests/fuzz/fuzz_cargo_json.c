/* libFuzzer: cargo's JSON messages and text lines, as a hostile build
 * script could print them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cargo_json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cargo_msg msg;
	char name[CARGO_NAME_MAX];
	char *copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	cargo_msg_parse(copy, size, &msg);
	(void)cargo_text_level(copy, size);
	(void)cargo_text_compiling(copy, size, name, sizeof(name));
	(void)cargo_text_sanitize(copy, size);
	free(copy);
	return 0;
}
