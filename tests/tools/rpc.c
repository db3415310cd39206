/* tool_rpc: the sign worker's node client from the command line, so the
 * integration tests can hold it against a real chain and @polkadot/api.
 *
 *   tool_rpc [-t seconds] [-c cap_bytes] call <url> <method> [params JSON]
 *       prints the result as JSON; on error prints
 *       "error (<status>): <text>" on stderr and exits 1
 *   tool_rpc [-t seconds] status <url>
 *       prints chain_status's object, plus "metadata_bytes" (the raw
 *       metadata's length) and "metadata_blake2b" (its blake2b-256), so
 *       a test can compare the bytes with another client's
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>

#include "chain_status.h"
#include "rpc_client.h"

static int exit_code = 1;

static void
usage(void)
{
	fprintf(stderr, "usage: tool_rpc [-t seconds] [-c cap_bytes] call "
	    "<url> <method> [params JSON]\n"
	    "       tool_rpc [-t seconds] status <url>\n");
	exit(2);
}

static void
print_json(const json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_SORT_KEYS);
	if (text)
		printf("%s\n", text);
	free(text);
}

static void
call_done(json_t *result, enum rpc_status status, const char *error,
    void *arg)
{
	struct event_base *base = arg;
	if (status == RPC_OK) {
		print_json(result);
		exit_code = 0;
	} else
		fprintf(stderr, "error (%s): %s\n", rpc_status_name(status),
		    error);
	event_base_loopbreak(base);
}

static void
status_done(json_t *status, uint8_t *md, size_t md_len, enum rpc_status why,
    const char *error, void *arg)
{
	struct event_base *base = arg;

	if (error != NULL) {
		fprintf(stderr, "error (%s): %s\n", rpc_status_name(why),
		    error);
	} else {
		uint8_t hash[32];
		char hex[2 + 64 + 1] = "0x";
		crypto_generichash(hash, sizeof hash, md, md_len, NULL, 0);
		sodium_bin2hex(hex + 2, sizeof hex - 2, hash, sizeof hash);
		json_object_set_new(status, "metadata_bytes",
		    json_integer((json_int_t)md_len));
		json_object_set_new(status, "metadata_blake2b",
		    json_string(hex));
		print_json(status);
		exit_code = 0;
	}
	json_decref(status);
	free(md);
	event_base_loopbreak(base);
}

int
main(int argc, char **argv)
{
	int timeout = RPC_TIMEOUT_DEFAULT, opt;
	size_t cap = RPC_ANSWER_LARGE;
	struct event_base *base;
	struct rpc_client *rpc;
	char err[RPC_ERROR_MAX];
	int started;

	while ((opt = getopt(argc, argv, "t:c:")) != -1) {
		switch (opt) {
		case 't': timeout = atoi(optarg); break;
		case 'c': cap = strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || (strcmp(argv[0], "call") == 0 && (argc < 3 ||
	    argc > 4)) || (strcmp(argv[0], "status") == 0 && argc != 2))
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0 || (base = event_base_new()) == NULL) {
		fprintf(stderr, "cannot initialise\n");
		return 1;
	}
	rpc = rpc_client_new(base, argv[1], err, sizeof err);
	if (rpc == NULL) {
		fprintf(stderr, "error: %s\n", err);
		event_base_free(base);
		return 1;
	}
	if (strcmp(argv[0], "call") == 0)
		started = rpc_call(rpc, argv[2], argc == 4 ? argv[3] : NULL,
		    timeout, cap, call_done, base) != 0;
	else if (strcmp(argv[0], "status") == 0) {
		struct chain_status_options o = { .timeout_seconds = timeout };
		started = chain_status_fetch(rpc, &o, status_done, base) == 0;
	} else
		usage();
	if (started)
		event_base_dispatch(base);
	else
		fprintf(stderr, "error: could not start\n");
	rpc_client_free(rpc);
	event_base_free(base);
	return exit_code;
}
