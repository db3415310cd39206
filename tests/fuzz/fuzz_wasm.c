/* libFuzzer: runtime WASM inspection, plain and compressed. */
#include <stdint.h>
#include <stdlib.h>

#include "wasm_inspect.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wasm_report report;
	char err[256];
	(void)wasm_inspect(data, size, &report, err, sizeof(err));
	wasm_report_free(&report);
	return 0;
}
