/* libFuzzer: the config loader, with any bytes as the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rtforge_config cfg;
	char err[1024];
	config_set_defaults(&cfg);
	if (config_load_json(&cfg, (const char *)data, size, "fuzz", err,
	    sizeof(err)) == 0) {
		/* What loads must survive the trip to the roles. */
		char *text = config_to_json(&cfg);
		static struct rtforge_config again;
		config_set_defaults(&again);
		if (text == NULL || config_load_json(&again, text,
		    strlen(text), "ipc", err, sizeof(err)) != 0)
			abort();
		free(text);
	}
	return 0;
}
