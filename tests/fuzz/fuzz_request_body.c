/* libFuzzer: the API's request body parser and build-request validation. */
#include <stdint.h>
#include <stdlib.h>

#include "request_check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	int status;
	json_t *body = request_parse_json((const char *)data, size, 64 * 1024,
	    &status, err, sizeof(err));
	if (body) {
		(void)request_check_build(body, false, err, sizeof(err));
		(void)request_check_build(body, true, err, sizeof(err));
		json_decref(body);
	} else if (status != 400 && status != 413)
		abort();
	return 0;
}
