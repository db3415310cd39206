/* rtforged: the supervisor, or (with the internal --role front) the front. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "auth.h"
#include "config.h"
#include "front.h"
#include "log.h"
#include "supervise.h"

#define RTFORGE_VERSION "0.1.0"

struct cli {
	bool dev, check_only, debug;
	const char *config_path, *role;
	const char *listen, *state, *source, *node, *runtime_pkg, *node_pkg;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rtforged [-n] [-d] [-f FILE]\n"
	    "       rtforged --dev [-f FILE] [--listen HOST:PORT] [--state DIR] "
	    "[--source DIR]\n"
	    "                [--node URL] [--runtime-package NAME] "
	    "[--node-package NAME]\n"
	    "  -f FILE   config file (default %s); with --dev it overlays "
	    "the dev defaults\n"
	    "  -n        check the config and exit\n"
	    "  -d        debug logging\n"
	    "  --hash-token  read <name>.<secret> on stdin, print its "
	    "auth.tokens entry\n"
	    "  --dev     run on embedded defaults: loopback, no auth, the "
	    "demo workspace\n", CONFIG_DEFAULT_FILE);
}

static int
parse_cli(int argc, char **argv, struct cli *c)
{
	enum { OPT_DEV = 256, OPT_LISTEN, OPT_STATE, OPT_SOURCE, OPT_NODE,
		OPT_RUNTIME_PKG, OPT_NODE_PKG, OPT_ROLE, OPT_HELP,
		OPT_VERSION, OPT_HASH_TOKEN };
	static const struct option opts[] = {
		{ "dev", no_argument, NULL, OPT_DEV },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "node", required_argument, NULL, OPT_NODE },
		{ "runtime-package", required_argument, NULL, OPT_RUNTIME_PKG },
		{ "node-package", required_argument, NULL, OPT_NODE_PKG },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "hash-token", no_argument, NULL, OPT_HASH_TOKEN },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "f:nd", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': c->config_path = optarg; break;
		case 'n': c->check_only = true; break;
		case 'd': c->debug = true; break;
		case OPT_DEV: c->dev = true; break;
		case OPT_LISTEN: c->listen = optarg; break;
		case OPT_STATE: c->state = optarg; break;
		case OPT_SOURCE: c->source = optarg; break;
		case OPT_NODE: c->node = optarg; break;
		case OPT_RUNTIME_PKG: c->runtime_pkg = optarg; break;
		case OPT_NODE_PKG: c->node_pkg = optarg; break;
		case OPT_ROLE: c->role = optarg; break;
		case OPT_HELP: usage(stdout); exit(0);
		case OPT_VERSION: printf("rtforged %s\n", RTFORGE_VERSION);
			exit(0);
		case OPT_HASH_TOKEN: exit(auth_hash_token_main());
		default: return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "rtforged: unexpected argument \"%s\"\n",
		    argv[optind]);
		return -1;
	}
	return 0;
}

/* Flags go through the same JSON loader as a file, so they get the very
 * same checks and error messages. */
static int
apply_flags(struct rtforge_config *cfg, const struct cli *c, char *err,
    size_t errlen)
{
	json_t *o = json_object(), *build = json_object();
	if (c->listen)
		json_object_set_new(o, "listen", json_string(c->listen));
	if (c->state)
		json_object_set_new(o, "state_dir", json_string(c->state));
	if (c->node)
		json_object_set_new(o, "node_url", json_string(c->node));
	if (c->source)
		json_object_set_new(build, "source_dir", json_string(c->source));
	if (c->runtime_pkg)
		json_object_set_new(build, "runtime_package",
		    json_string(c->runtime_pkg));
	if (c->node_pkg)
		json_object_set_new(build, "node_package",
		    json_string(c->node_pkg));
	if (json_object_size(build) > 0)
		json_object_set(o, "build", build);
	json_decref(build);
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (text == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int r = config_load_json(cfg, text, strlen(text), "command line", err,
	    errlen);
	free(text);
	return r;
}

static int
self_exe(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", out, len - 1);
	if (n <= 0)
		return -1;
	out[n] = '\0';
	return 0;
}

/* The checkout that holds this binary: the nearest directory above it
 * with the demo workspace, so bin/ and bin-asan/ both find it. */
static void
repo_root_of(const char *exe, char *out, size_t len)
{
	char probe[PATH_MAX + 64];
	snprintf(out, len, "%s", exe);
	for (int depth = 0; depth < 4; depth++) {
		char *slash = strrchr(out, '/');
		if (slash == NULL || slash == out)
			break;
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/tests/demo-workspace", out);
		if (access(probe, F_OK) == 0)
			return;
	}
	/* Not in a checkout: fall back to the binary's parent directory. */
	snprintf(out, len, "%s", exe);
	for (int i = 0; i < 2; i++) {
		char *slash = strrchr(out, '/');
		if (slash && slash != out)
			*slash = '\0';
	}
}

static int
load_config(struct rtforge_config *cfg, const struct cli *c, const char *exe,
    char *err, size_t errlen)
{
	if (c->dev) {
		char root[PATH_MAX];
		repo_root_of(exe, root, sizeof(root));
		if (config_set_dev_defaults(cfg, root) != 0) {
			snprintf(err, errlen, "repository path %.200s is too long "
			    "for the --dev defaults", root);
			return -1;
		}
		/* With -f, the file overlays the --dev defaults. */
		if (c->config_path && config_load_file(cfg, c->config_path, err,
		    errlen) != 0)
			return -1;
	} else {
		config_set_defaults(cfg);
		const char *path = c->config_path ? c->config_path :
		    CONFIG_DEFAULT_FILE;
		if (config_load_file(cfg, path, err, errlen) != 0)
			return -1;
	}
	if (apply_flags(cfg, c, err, errlen) != 0)
		return -1;
	return config_validate(cfg, err, errlen);
}

int
main(int argc, char **argv)
{
	struct cli c = { 0 };
	char exe[PATH_MAX], err[1024];
	if (parse_cli(argc, argv, &c) != 0) {
		usage(stderr);
		return 2;
	}
	if (c.role && strcmp(c.role, "front") == 0)
		return front_main();
	if (c.role) {
		fprintf(stderr, "rtforged: unknown role \"%s\"\n", c.role);
		return 2;
	}
	log_init("supervisor", c.debug);
	if (sodium_init() < 0)
		fatalx("libsodium failed to initialise");
	if (self_exe(exe, sizeof(exe)) != 0)
		fatal("cannot find my own executable");
	struct rtforge_config *cfg = malloc(sizeof(*cfg));
	if (cfg == NULL)
		fatal("malloc");
	if (load_config(cfg, &c, exe, err, sizeof(err)) != 0) {
		fprintf(stderr, "rtforged: %s\n", err);
		free(cfg);
		return 1;
	}
	if (c.check_only) {
		printf("rtforged: configuration OK (%s)\n", cfg->origin);
		free(cfg);
		return 0;
	}
	if (c.debug)
		setenv("RTFORGE_DEBUG", "1", 1);
	return supervise(cfg, c.dev ? c.config_path : (c.config_path ?
	    c.config_path : CONFIG_DEFAULT_FILE), exe);
}
